import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

interface LockedPackage {
  version?: string
  optionalDependencies?: Record<string, string>
}

const lock = JSON.parse(readFileSync(join(__dirname, '../../package-lock.json'), 'utf8')) as {
  lockfileVersion: number
  packages: Record<string, LockedPackage>
}

/** Where Node would find `name` required from the package at `from`: its own folder, then up. */
function resolveFrom(from: string, name: string): string | null {
  let dir = from
  for (;;) {
    const candidate = (dir === '' ? '' : dir + '/') + 'node_modules/' + name
    if (candidate in lock.packages) return candidate
    if (dir === '') return null
    const cut = dir.lastIndexOf('/node_modules/')
    dir = cut < 0 ? '' : dir.slice(0, cut)
  }
}

describe('package-lock.json', () => {
  // npm drops the native builds of other platforms from a lockfile written over an existing
  // node_modules (npm/cli#4828); a Mac or Windows clone then installs no rollup or esbuild
  // binary and `npm run build` fails there, while `npm ci` fails everywhere.
  it("holds every platform's optional packages, so a clone on any OS installs and builds", () => {
    expect(lock.lockfileVersion).toBe(3)
    const missing: string[] = []
    let checked = 0
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        checked++
        if (resolveFrom(path, name) === null) missing.push(`${name} (for ${path || 'the root'})`)
      }
    }
    expect(missing).toEqual([])
    // rollup's and esbuild's native builds at least: a lockfile without them checks nothing.
    expect(checked).toBeGreaterThan(40)
    expect(Object.keys(lock.packages)).toEqual(
      expect.arrayContaining([
        'node_modules/@rollup/rollup-darwin-arm64',
        'node_modules/@rollup/rollup-win32-x64-msvc',
        'node_modules/@esbuild/darwin-arm64',
        'node_modules/@esbuild/win32-x64'
      ])
    )
  })
})
