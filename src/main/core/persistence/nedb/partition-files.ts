import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import type { StoredReport } from '../../../../shared/ingest-protocol'

const PARTITION_FILE = /^reports-(\d+)\.db$/

/** A partition file is named after the receive time it starts at: `reports-<epoch ms>.db`. */
export function partitionFileName(startMs: number): string {
  return `reports-${startMs}.db`
}

export function partitionStart(file: string): number {
  const match = PARTITION_FILE.exec(file)
  if (match === null) throw new Error(`not a partition file: ${file}`)
  return Number(match[1])
}

/** Partition files in `dir`, oldest first. */
export async function listPartitionFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir)
  return names
    .filter((n) => PARTITION_FILE.test(n))
    .sort((a, b) => partitionStart(a) - partitionStart(b))
}

/**
 * Reads the reports of a partition file line by line without loading it into NeDB (several
 * times cheaper): used to rebuild a lost catalog entry and the dedup window at start-up.
 * Lines that do not parse (a tail cut short by a crash) are skipped, as NeDB itself would.
 */
export async function* scanPartitionFile(dir: string, file: string): AsyncGenerator<StoredReport> {
  const lines = createInterface({ input: createReadStream(join(dir, file)), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.length === 0) continue
    let doc: unknown
    try {
      doc = JSON.parse(line)
    } catch {
      continue
    }
    if (isReport(doc)) yield doc
  }
}

function isReport(doc: unknown): doc is StoredReport {
  const d = doc as Partial<StoredReport> | null
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.device === 'string' &&
    typeof d.time === 'number'
  )
}
