import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import semver from 'semver'
import { describe, expect, it } from 'vitest'

// What `npm install` warns about is read from the lockfile: each locked package's `engines` and
// `hasInstallScript` are what npm checks at install. A dependency bumped to a version that
// declares a newer Node than ours prints a screen of EBADENGINE warnings (node-opcua 2.183+
// asks for Node 22.13: sixty of them), and a package whose install script allowScripts does not
// name prints npm 11's "not yet covered by allowScripts" warning.

interface LockedPackage {
  version?: string
  engines?: Record<string, string> | string[]
  hasInstallScript?: boolean
}

const root = join(__dirname, '../..')
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string }
  allowScripts: Record<string, boolean>
}

/**
 * Electron 45's own tooling, which declares Node ≥ 22.12. README's "Node versions" names these
 * five and says what they mean; scripts/postinstall.mjs says it in one line after install.
 */
const ELECTRON_TOOLING = [
  'electron',
  '@electron/get',
  '@electron-internal/extract-zip',
  '@electron/rebuild',
  'node-abi'
]

const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 13)

describe('npm install', () => {
  const oldestNode = semver.minVersion(manifest.engines.node)!.version

  it(`warns of no engine but Electron's five tools on the oldest Node we claim (${oldestNode})`, () => {
    const refusing = new Set<string>()
    let checked = 0
    for (const [path, pkg] of Object.entries(lock.packages)) {
      const wanted = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node
      if (path === '' || wanted === undefined) continue
      checked++
      if (!semver.satisfies(oldestNode, wanted)) refusing.add(nameOf(path))
    }
    expect([...refusing].sort()).toEqual([...ELECTRON_TOOLING].sort())
    expect(checked).toBeGreaterThan(100)
  })

  it('runs or skips every install script by name, so npm 11 has nothing to ask about', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && pkg.hasInstallScript === true)
      .map(([path]) => nameOf(path))
    expect(withScripts.length).toBeGreaterThan(0)
    expect(withScripts.filter((name) => !(name in manifest.allowScripts))).toEqual([])
  })
})
