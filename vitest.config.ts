import { defineConfig } from 'vitest/config'

// Two groups, run one after the other: the core, CLI and renderer specs first, then the browser
// tests, which start consoles, simulators and Chromium. On two cores, running them alongside
// the timing-sensitive live-view specs would only measure the contention.
const shared = {
  environment: 'node' as const,
  testTimeout: 30_000,
  hookTimeout: 30_000
}

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Two cores: process-level tests (spawned consoles) run in at most two workers.
    maxWorkers: 2,
    projects: [
      {
        // The renderer's components and their specs are TSX with React's automatic runtime, as
        // electron-vite builds them.
        esbuild: { jsx: 'automatic' },
        test: {
          ...shared,
          name: 'node',
          include: ['test/**/*.spec.{ts,tsx}'],
          exclude: ['test/e2e/**'],
          sequence: { groupOrder: 0 }
        }
      },
      {
        test: {
          ...shared,
          name: 'browser',
          include: ['test/e2e/**/*.spec.ts'],
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
