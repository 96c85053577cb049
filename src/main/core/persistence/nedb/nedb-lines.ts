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
  for await (const line of linesOf(path)) {
    if (line.length === 0 || !worth(line)) continue
    const doc = parseLine(line)
    if (doc === null || isNedbOwn(doc)) continue
    yield { doc, line }
  }
}

/**
 * The current version of the document `isIt` picks, by a field that never changes (its unique
 * key), streamed from the datafile: only lines holding `needle` (the key as it is written) are
 * parsed, and the `$$deleted` lines, which may remove it. Undefined when it is not there.
 */
export async function currentVersionIn(
  path: string,
  needle: string,
  isIt: (doc: Record<string, unknown>) => boolean
): Promise<Record<string, unknown> | undefined> {
  let current: Record<string, unknown> | undefined
  for await (const line of linesOf(path)) {
    if (!line.includes(needle) && !line.includes('"$$deleted"')) continue
    const doc = parseLine(line)
    if (doc === null) continue
    if ('$$deleted' in doc) {
      if (current !== undefined && doc._id === current._id) current = undefined
    } else if (!isNedbOwn(doc) && isIt(doc)) {
      current = doc
    }
  }
  return current
}

function linesOf(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path), crlfDelay: Infinity })
}

function parseLine(line: string): Record<string, unknown> | null {
  let doc: unknown
  try {
    doc = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null
  return doc as Record<string, unknown>
}

function isNedbOwn(doc: Record<string, unknown>): boolean {
  return '$$deleted' in doc || '$$indexCreated' in doc || '$$indexRemoved' in doc
}
