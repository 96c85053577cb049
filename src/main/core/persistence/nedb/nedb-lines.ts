import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

/** A document of an NeDB datafile and the line it was read from. */
export interface NedbLine {
  doc: Record<string, unknown>
  line: string
}

/**
 * The documents of an NeDB datafile, read line by line in constant memory, without loading it
 * into NeDB (which holds the whole file, its indexes and a rewritten copy in memory: 835 MB for a
 * million device events). NeDB's own lines — index definitions, deletions — and lines that do
 * not parse (a tail cut short by a crash) are skipped. An updated document appears once per
 * version: the last one is current.
 */
export async function* scanNedbFile(
  path: string,
  /** Lines worth parsing (a cheap test on the text, such as whether it holds an id). */
  worth: (line: string) => boolean = () => true
): AsyncGenerator<NedbLine> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.length === 0 || !worth(line)) continue
    let doc: unknown
    try {
      doc = JSON.parse(line)
    } catch {
      continue
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) continue
    const record = doc as Record<string, unknown>
    if ('$$deleted' in record || '$$indexCreated' in record || '$$indexRemoved' in record) continue
    yield { doc: record, line }
  }
}
