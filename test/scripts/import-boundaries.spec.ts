import { join } from 'node:path'

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// One instance for the file: the first lint loads the config and the TypeScript parser.
const eslint = new ESLint({ cwd: join(__dirname, '../..') })

const ELECTRON = 'The console core runs in plain Node: never import electron here.'
const NEDB = 'Only core/persistence/nedb/ knows NeDB: take a collection from core/persistence/.'
const CONSOLE = 'web/ must not import console.ts: take ConsoleOperations or the service you need.'
const STORE = "devices/ may use the store's public face (store/report-store) only."

/** The boundary errors ESLint reports for `code` saved as `filePath` (which need not exist). */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  if (!result) throw new Error(`no lint result for ${filePath}`)
  // A snippet that does not parse reports nothing else, and an "allowed" case would pass blind.
  const fatal = result.messages.filter((m) => m.fatal)
  if (fatal.length > 0) throw new Error(`${filePath}: ${fatal.map((m) => m.message).join('; ')}`)
  return result.messages
    .filter((m) => m.severity === 2)
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message)
}

/** Each case as `file: code => messages`, so a failure names the import that slipped through. */
async function lintEach(cases: [filePath: string, code: string][]): Promise<string[]> {
  const lines: string[] = []
  for (const [filePath, code] of cases) {
    const errors = await boundaryErrors(filePath, code)
    lines.push(`${filePath}: ${code.trim()} => ${errors.join(' | ') || 'clean'}`)
  }
  return lines
}

const staticImport = (source: string): string =>
  `import * as banned from '${source}'\nexport { banned }\n`
const dynamicImport = (source: string): string => `export const load = () => import('${source}')\n`

describe('import boundaries in eslint.config.mjs', { timeout: 60_000 }, () => {
  it('fails lint on nedb-promises anywhere under src/ outside core/persistence/nedb/', async () => {
    const files = [
      'src/main/index.ts',
      'src/main/window-state.ts',
      'src/main/cli/x.ts',
      'src/preload/index.ts',
      'src/renderer/src/x.tsx',
      'src/shared/x.ts',
      'src/reporter/x.ts',
      'src/main/core/x.ts',
      'src/main/core/persistence/x.ts',
      'src/main/core/web/routes/x.ts',
      'src/main/core/devices/x.ts'
    ]
    for (const file of files) {
      expect(await boundaryErrors(file, staticImport('nedb-promises')), file).toEqual([
        expect.stringContaining(NEDB)
      ])
    }
  })

  it('lets core/persistence/nedb/ import nedb-promises, statically, by type and dynamically', async () => {
    const file = 'src/main/core/persistence/nedb/x.ts'
    const lines = await lintEach([
      [file, staticImport('nedb-promises')],
      [file, "import type Datastore from 'nedb-promises'\nexport type D = Datastore<object>\n"],
      [file, dynamicImport('nedb-promises')]
    ])
    expect(lines.filter((line) => !line.endsWith('=> clean'))).toEqual([])
  })

  it('bans subpaths too: nedb-promises/… and electron/main, /renderer, /common', async () => {
    const sources: [string, string][] = [
      ['nedb-promises/src/datastore', NEDB],
      ['electron/main', ELECTRON],
      ['electron/renderer', ELECTRON],
      ['electron/common', ELECTRON]
    ]
    for (const file of ['src/main/core/x.ts', 'src/main/cli/x.ts', 'src/shared/x.ts']) {
      for (const [source, message] of sources) {
        expect(await boundaryErrors(file, staticImport(source)), `${file}: ${source}`).toEqual([
          expect.stringContaining(message)
        ])
      }
    }
    expect(await boundaryErrors('src/renderer/src/x.tsx', staticImport('nedb-promises/x'))).toEqual(
      [expect.stringContaining(NEDB)]
    )
  })

  it('keeps electron out of the core, the CLI, the shared contract and the reporter', async () => {
    const files = [
      'src/main/core/x.ts',
      'src/main/core/web/x.ts',
      'src/main/core/devices/x.ts',
      'src/main/core/persistence/nedb/x.ts',
      'src/main/cli/x.ts',
      'src/shared/x.ts',
      'src/reporter/x.ts'
    ]
    for (const file of files) {
      expect(await boundaryErrors(file, staticImport('electron')), file).toEqual([
        expect.stringContaining(ELECTRON)
      ])
      // A re-export loads the module just the same.
      expect(await boundaryErrors(file, "export { app } from 'electron'\n"), file).toEqual([
        expect.stringContaining(ELECTRON)
      ])
    }
  })

  it('lets the Electron shell (src/main/*.ts) and the preload import electron', async () => {
    const lines = await lintEach([
      ['src/main/index.ts', "import { app } from 'electron'\nexport { app }\n"],
      ['src/main/ipc.ts', "import type { IpcMain } from 'electron'\nexport type I = IpcMain\n"],
      ['src/main/window-guards.ts', dynamicImport('electron')],
      [
        'src/preload/index.ts',
        "import { contextBridge } from 'electron'\nexport { contextBridge }\n"
      ]
    ])
    expect(lines.filter((line) => !line.endsWith('=> clean'))).toEqual([])
  })

  it('stops web/ reaching console.ts from any depth, with or without .ts or .js', async () => {
    const cases: [string, string][] = [
      ['src/main/core/web/x.ts', '../console'],
      ['src/main/core/web/x.ts', '../console.js'],
      ['src/main/core/web/routes/x.ts', '../../console'],
      ['src/main/core/web/routes/x.ts', '../../console.ts'],
      ['src/main/core/web/routes/x.ts', '../../console.js'],
      ['src/main/core/web/sockets/x.ts', '../../console.js']
    ]
    for (const [file, source] of cases) {
      expect(await boundaryErrors(file, staticImport(source)), `${file}: ${source}`).toEqual([
        expect.stringContaining(CONSOLE)
      ])
    }
  })

  it("lets web/ import console.ts's neighbours such as console-operations", async () => {
    const lines = await lintEach([
      ['src/main/core/web/routes/x.ts', staticImport('../../console-operations')],
      ['src/main/core/web/routes/x.ts', staticImport('../../console-operations.js')],
      ['src/main/core/web/x.ts', staticImport('../console-handlers')],
      ['src/main/core/web/x.ts', staticImport('./consoles')],
      ['src/main/core/web/x.ts', staticImport('node:console')]
    ])
    expect(lines.filter((line) => !line.endsWith('=> clean'))).toEqual([])
  })

  it('holds a dynamic import() or an import() type to the same bans as a static import', async () => {
    const cases: [string, string, string][] = [
      ['src/main/core/x.ts', dynamicImport('electron'), ELECTRON],
      ['src/main/core/x.ts', dynamicImport('electron/main'), ELECTRON],
      ['src/main/cli/x.ts', dynamicImport('electron'), ELECTRON],
      ['src/shared/x.ts', dynamicImport('electron'), ELECTRON],
      ['src/main/core/x.ts', dynamicImport('nedb-promises'), NEDB],
      ['src/main/index.ts', dynamicImport('nedb-promises/x'), NEDB],
      ['src/renderer/src/x.tsx', dynamicImport('nedb-promises'), NEDB],
      ['src/main/core/x.ts', 'export const load = () => import(`nedb-promises`)\n', NEDB],
      ['src/main/core/x.ts', "export type D = import('nedb-promises').default\n", NEDB],
      ['src/main/core/web/routes/x.ts', dynamicImport('../../console.js'), CONSOLE],
      ['src/main/core/devices/x.ts', dynamicImport('../store/report-index'), STORE]
    ]
    for (const [file, code, message] of cases) {
      expect(await boundaryErrors(file, code), `${file}: ${code}`).toEqual([
        expect.stringContaining(message)
      ])
    }
  })

  it('lets the core load its optional drivers lazily, as mqtt-ingest loads aedes', async () => {
    const lines = await lintEach([
      ['src/main/core/ingest/mqtt/x.ts', dynamicImport('aedes')],
      ['src/main/core/sources/x.ts', dynamicImport('./opcua/opcua-driver')],
      ['src/main/core/web/routes/x.ts', dynamicImport('../../console-operations')]
    ])
    expect(lines.filter((line) => !line.endsWith('=> clean'))).toEqual([])
  })

  it("keeps devices/ on the store's public face only", async () => {
    const file = 'src/main/core/devices/x.ts'
    expect(await boundaryErrors(file, staticImport('../store/report-index'))).toEqual([
      expect.stringContaining(STORE)
    ])
    expect(await boundaryErrors(file, staticImport('../store/report-store'))).toEqual([])
  })
})
