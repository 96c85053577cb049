/**
 * The export step of `npm run bench` (and `npm run bench -- --export-only`): `GET /api/export`
 * of a month of history (bench/history-store.ts) read by a client as fast as it can — rows a
 * second, time to the first byte, and how much the console's RSS grows meanwhile (sampled every
 * 100 ms against its RSS just before), beside the targets: ≥ 150,000 rows/s, < 50 MB.
 */
import { request } from 'node:http'

import { EXPORT_ESTIMATE_HEADER } from '../src/shared/history-types'
import type { ConsoleProcess } from './console-process'
import { HISTORY_DEVICE, type HistoryStore } from './history-store'

export const EXPORT_TARGETS = { rowsPerSec: 150_000, rssGrowthMb: 50 }

const DAY_MS = 86_400_000

interface ExportCase {
  label: string
  params: (history: HistoryStore) => Record<string, string | string[]>
  /** Whether it is measured against the targets: the exports of the whole store. */
  whole: boolean
}

const CASES: ExportCase[] = [
  { label: 'everything, CSV of every field', params: () => ({ format: 'csv' }), whole: true },
  { label: 'everything, NDJSON', params: () => ({ format: 'ndjson' }), whole: true },
  {
    label: 'everything, CSV of 2 chosen fields',
    params: () => ({ format: 'csv', field: ['temp', 'motor.rpm'] }),
    whole: true
  },
  {
    label: `${HISTORY_DEVICE}, last 24 h, CSV`,
    params: (h) => ({ device: HISTORY_DEVICE, since: String(h.newest - DAY_MS), format: 'csv' }),
    whole: false
  }
]

export interface ExportFigure {
  label: string
  rows: number
  estimate: number
  megabytes: number
  ms: number
  firstByteMs: number
  rowsPerSec: number
  rssGrowthMb: number
  whole: boolean
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const MB = 1024 * 1024

/** Each case once, in turn, on a console already running on the history store. */
export async function measureExport(
  console_: ConsoleProcess,
  history: HistoryStore,
  say: (line: string) => void
): Promise<ExportFigure[]> {
  say(
    `9. Export: GET /api/export of the history store (${int(history.reports)} reports), read as fast as ` +
      'the client can; console RSS growth sampled every 100 ms'
  )
  const figures: ExportFigure[] = []
  for (const c of CASES) {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(c.params(history)))
      for (const v of Array.isArray(value) ? value : [value]) params.append(name, v)
    const baseline = console_.memory()?.rss ?? 0
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, console_.memory()?.rss ?? 0)
    }, 100)
    let read: ExportRead
    try {
      read = await readExport(console_, `/api/export?${params.toString()}`)
    } finally {
      clearInterval(sampler)
    }
    peak = Math.max(peak, console_.memory()?.rss ?? 0)
    // The CSV's first line is its header; no value here holds a line break.
    const rows = params.get('format') === 'csv' ? read.lines - 1 : read.lines
    const figure: ExportFigure = {
      label: c.label,
      rows,
      estimate: read.estimate,
      megabytes: read.bytes / MB,
      ms: read.ms,
      firstByteMs: read.firstByteMs,
      rowsPerSec: (rows / read.ms) * 1000,
      rssGrowthMb: (peak - baseline) / MB,
      whole: c.whole
    }
    figures.push(figure)
    say(
      `   ${c.label.padEnd(36)} ${int(rows).padStart(9)} rows (estimate ${int(read.estimate)}), ` +
        `${figure.megabytes.toFixed(0)} MB in ${(read.ms / 1000).toFixed(2)} s: ` +
        `${int(figure.rowsPerSec).padStart(7)} rows/s; first byte after ${int(read.firstByteMs)} ms; ` +
        `console RSS +${figure.rssGrowthMb.toFixed(0)} MB` +
        (c.whole
          ? `   [target ≥ ${int(EXPORT_TARGETS.rowsPerSec)} rows/s: ${figure.rowsPerSec >= EXPORT_TARGETS.rowsPerSec ? 'met' : 'NOT met'}; ` +
            `< ${EXPORT_TARGETS.rssGrowthMb} MB: ${figure.rssGrowthMb < EXPORT_TARGETS.rssGrowthMb ? 'met' : 'NOT met'}]`
          : '')
    )
  }
  return figures
}

interface ExportRead {
  lines: number
  bytes: number
  estimate: number
  ms: number
  firstByteMs: number
}

/** GETs an export with the access key, counting its lines and bytes, keeping none of it. */
function readExport(console_: ConsoleProcess, path: string): Promise<ExportRead> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      console_.webUrl + path,
      {
        agent: false,
        headers: { authorization: `Bearer ${console_.accessKey}` },
        timeout: 600_000
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume()
          reject(new Error(`GET ${path}: ${res.statusCode}`))
          return
        }
        const estimate = Number(res.headers[EXPORT_ESTIMATE_HEADER] ?? NaN)
        let lines = 0
        let bytes = 0
        let firstByteMs = 0
        res.on('data', (chunk: Buffer) => {
          if (bytes === 0) firstByteMs = performance.now() - started
          bytes += chunk.length
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1
        })
        res.on('error', reject)
        res.on('end', () =>
          resolve({ lines, bytes, estimate, ms: performance.now() - started, firstByteMs })
        )
      }
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in 10 minutes`)))
    req.on('error', reject)
    req.end()
  })
}
