import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

import { createConsoleHandlers } from '../../src/main/console-handlers'
import { registerIpcHandlers } from '../../src/main/ipc'
import type { ExportProgress } from '../../src/shared/history-types'
import type { StoredReport } from '../../src/shared/ingest-protocol'
import type { ConsoleIpcApi } from '../../src/shared/ipc-contract'
import { api as http, consoleFixture, eventually, type RunningConsole } from '../support/console'
import { csvObjects } from '../support/csv'
import { createElectronFake, type FakeWebContents } from '../support/electron-fake'
import { LineClient } from '../support/line-client'
import { fillDataDir } from '../support/store'
import { tempDirs } from '../support/temp-dir'

// The desktop window's Export end to end: the real preload api over the fake Electron IPC, the
// handlers answered by a real console core, the save dialog a fake that names a file in a temp
// dir, and the file the export writes there read back.
const electron = vi.hoisted(() => ({ fake: undefined as unknown }))
vi.mock('electron', () => electron.fake as object)
const fake = createElectronFake()
electron.fake = fake

let api: ConsoleIpcApi
beforeAll(async () => {
  await import('../../src/preload/index')
  api = fake.exposed.get('api') as ConsoleIpcApi
})

const consoles = consoleFixture()
const dirs = tempDirs()
const closers: Array<() => void> = []
let window: FakeWebContents

beforeEach(() => {
  fake.ipcMain.handlers.clear()
  window = fake.openWindow()
})

afterEach(async () => {
  window.destroy()
  for (const close of closers.splice(0)) close()
  await consoles.cleanup()
  await dirs.cleanup()
})

/** What the fake save dialog was offered, and what it answers next. */
interface Dialog {
  offered: string[]
  answer: (defaultName: string) => Promise<string | null>
}

/** Handlers over a real console, as src/main/index.ts wires them, the dialog a fake. */
async function wired(dataDir?: string): Promise<{ c: RunningConsole; dialog: Dialog }> {
  const c = await consoles.start({}, {}, dataDir)
  const dialog: Dialog = { offered: [], answer: async () => null }
  registerIpcHandlers(
    fake.ipcMain,
    createConsoleHandlers({
      operations: c.core.operations,
      status: () => ({ state: 'running', info: c.core.operations.info(), dataDir: c.dataDir }),
      clipboard: { writeText: () => undefined },
      chooseSavePath: (defaultName) => {
        dialog.offered.push(defaultName)
        return dialog.answer(defaultName)
      }
    })
  )
  return { c, dialog }
}

function progressOf(id: string): ExportProgress[] {
  const seen: ExportProgress[] = []
  closers.push(api.onExportProgress((p) => p.id === id && seen.push(p)))
  return seen
}

describe('the desktop window’s exports', () => {
  it('writes the file the save dialog names, with the rows GET /api/reports answers', async () => {
    const { c, dialog } = await wired()
    const d = await LineClient.connect(c.addresses.ingest.port)
    closers.push(() => d.close())
    d.send(
      { device: 'pump-7', seq: 1, temp: 55.5, note: 'a, "b"' },
      { device: 'pump-7', seq: 2, temp: 56, motor: { rpm: 1450 } },
      { device: 'valve-2', seq: 1, open: true }
    )
    await d.waitForReplies(3)
    const folder = await dirs.make()
    dialog.answer = async (name) => join(folder, name)
    const progress = progressOf('first')

    const outcome = await api.exportReports({ device: 'pump-7', format: 'csv' }, 'first')
    expect(dialog.offered).toEqual([
      expect.stringMatching(/^lookout-pump-7-start-\d{8}T\d{6}Z\.csv$/)
    ])
    const path = join(folder, dialog.offered[0]!)
    const text = await readFile(path, 'utf8')
    expect(outcome).toEqual({ saved: true, path, reports: 2, bytes: Buffer.byteLength(text) })
    const stored: StoredReport[] = (await http(c, '/api/reports?device=pump-7')).body
    expect(
      csvObjects(text).map((r) => [Number(r.time_ms), r.seq, r.temp, r.note, r['motor.rpm']])
    ).toEqual(
      [...stored]
        .reverse()
        .map((r) => [
          r.time,
          String(r.seq),
          String(r.temp),
          r.note ?? '',
          String((r.motor as { rpm?: number } | undefined)?.rpm ?? '')
        ])
    )
    // Told it is done; nothing left beside the file.
    expect(progress.at(-1)).toEqual({ id: 'first', reports: 2, fraction: 1 })
    expect(await readdir(folder)).toEqual([dialog.offered[0]])
  })

  it('answers saved: false when the dialog is closed, and gives the export’s slot back', async () => {
    const { dialog } = await wired()
    dialog.answer = async () => null
    // More than the exports allowed at once: each closed dialog must free its slot.
    for (let i = 0; i < 6; i++)
      expect(await api.exportReports({ format: 'ndjson' })).toEqual({ saved: false })
    expect(dialog.offered).toHaveLength(6)
  })

  it('refuses a bad query before any dialog opens', async () => {
    const { dialog } = await wired()
    await expect(
      api.exportReports({ format: 'xml' as 'csv', since: 5, until: 1 })
    ).rejects.toMatchObject({ code: 'bad_request' })
    await expect(api.exportReports({ format: 'csv' }, 'x'.repeat(65))).rejects.toMatchObject({
      code: 'bad_request'
    })
    expect(dialog.offered).toEqual([])
  })

  it('stops when the window cancels it mid-write, leaving no part-written file', async () => {
    const dataDir = await consoles.dirs.make()
    await fillDataDir(dataDir, 60_000)
    const { dialog } = await wired(dataDir)
    const folder = await dirs.make()
    dialog.answer = async (name) => join(folder, name)
    let cancelled = false
    closers.push(
      api.onExportProgress((p) => {
        // At the first news of it, well before its 30 MB are written.
        if (p.id === 'big' && !cancelled && p.fraction < 1) {
          cancelled = true
          void api.cancelExport('big')
        }
      })
    )
    expect(await api.exportReports({ format: 'ndjson' }, 'big')).toEqual({ saved: false })
    expect(cancelled).toBe(true)
    expect(await readdir(folder)).toEqual([])
    // Its slot is free again: a cancelled export holds nothing.
    dialog.answer = async () => null
    for (let i = 0; i < 5; i++)
      expect(await api.exportReports({ format: 'csv', device: 'nobody' })).toEqual({ saved: false })
  }, 60_000)

  it('stops an export whose window closed', async () => {
    const dataDir = await consoles.dirs.make()
    await fillDataDir(dataDir, 60_000)
    const { dialog } = await wired(dataDir)
    const folder = await dirs.make()
    dialog.answer = async (name) => join(folder, name)
    const exporting = api.exportReports({ format: 'ndjson' }, 'orphan')
    closers.push(
      api.onExportProgress((p) => {
        if (p.id === 'orphan') window.destroy()
      })
    )
    expect(await exporting).toEqual({ saved: false })
    expect(await readdir(folder)).toEqual([])
  }, 60_000)

  it('saves the alarms’ audit trail as CSV', async () => {
    const { c, dialog } = await wired()
    await api.createAlarmRule({
      name: 'hot',
      devices: '*',
      field: 'temp',
      above: 80,
      severity: 'high'
    })
    const d = await LineClient.connect(c.addresses.ingest.port)
    closers.push(() => d.close())
    d.send({ device: 'pump-7', seq: 1, temp: 93 })
    await d.waitForReplies(1)
    const folder = await dirs.make()
    dialog.answer = async (name) => join(folder, name)
    await eventually(
      async () => (await api.alarmEvents({ device: 'pump-7' })).length === 1,
      'the raise in the audit trail'
    )
    expect(await api.exportAlarmEvents({ device: 'pump-7' })).toMatchObject({ saved: true })
    expect(dialog.offered[0]).toMatch(/^alarm-events-\d{4}-\d{2}-\d{2}\.csv$/)
    const rows = csvObjects(await readFile(join(folder, dialog.offered[0]!), 'utf8'))
    expect(rows.map((r) => [r.type, r.device, r.rule])).toEqual([['raised', 'pump-7', 'hot']])
  })
})
