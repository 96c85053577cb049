import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

const root = join(__dirname, '../../..')
const importsElectron =
  /(from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\))/

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory()
      ? sourceFiles(path)
      : /\.(ts|tsx|js|mjs)$/.test(name)
        ? [path]
        : []
  })
}

describe('the console core runs without Electron', () => {
  it.each(['src/main/core', 'src/main/cli', 'src/shared', 'src/reporter'])(
    'no file under %s imports electron',
    (dir) => {
      const offenders = sourceFiles(join(root, dir)).filter((f) =>
        importsElectron.test(readFileSync(f, 'utf8'))
      )
      expect(offenders).toEqual([])
    }
  )

  it('the built CLI runs in plain Node where electron cannot be resolved', () => {
    const block = join(root, 'test/support/block-electron.cjs')
    const result = spawnSync(
      process.execPath,
      ['--require', block, join(root, 'out/main/cli.js'), '--version'],
      {
        encoding: 'utf8'
      }
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
