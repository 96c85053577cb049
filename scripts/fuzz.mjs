#!/usr/bin/env node
// `npm run fuzz [-- --runs N]`: the ingest fuzz properties of `npm test`, run far longer.
// fast-check prints the seed and the smallest failing input of any failure.
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a whole number above 0')
  process.exit(2)
}
console.log(`fuzzing ingest framing and validation: ${runs} runs per property`)
const result = spawnSync(
  process.execPath,
  // No per-test time limit: a long run is meant to take long.
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--testTimeout',
    '0',
    'test/main/core/ingest/ingest-fuzz.spec.ts'
  ],
  { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: String(runs) } }
)
process.exit(result.status ?? 1)
