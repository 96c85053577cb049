import { open, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** A data file whose last line was cut short, and what was removed from it. */
export interface TornTail {
  file: string
  /** Bytes removed: the torn line, and any run of NUL bytes a power cut left after it. */
  bytes: number
}

const NEWLINE = 0x0a
/** A line is at most one report (64 KB by default) plus what the console adds; read this much. */
const TAIL_WINDOW = 1024 * 1024

/**
 * Cuts a data file back to its last complete line. NeDB appends one line per document, so a
 * write cut short by a crash or a power cut leaves a last line without its newline (or a run of
 * NUL bytes, where the file's size was updated but its data never reached the disk). NeDB would
 * drop such a line silently, and in a small file it refuses to load at all ("more than 10% of the
 * data file is corrupt"); repairing it first keeps every complete line and lets the console say
 * what it removed. Returns null when the file was whole.
 */
export async function repairTornTail(path: string): Promise<TornTail | null> {
  const handle = await open(path, 'r+')
  try {
    const { size } = await handle.stat()
    if (size === 0) return null
    const length = Math.min(size, TAIL_WINDOW)
    const tail = Buffer.alloc(length)
    await handle.read(tail, 0, length, size - length)
    let end = length
    while (end > 0 && tail[end - 1] === 0) end--
    if (end > 0 && tail[end - 1] === NEWLINE) {
      if (end === length) return null // ends in a newline: whole
    } else {
      const lastNewline = tail.lastIndexOf(NEWLINE, end - 1)
      if (lastNewline === -1 && length < size) return null // one line longer than any we write
      end = lastNewline + 1
    }
    const keep = size - length + end
    await handle.truncate(keep)
    return { file: path, bytes: size - keep }
  } finally {
    await handle.close()
  }
}

/** Repairs every data file (`*.db`, `*.ndjson`) directly in `dirs`; a missing dir is skipped. */
export async function repairTornTails(dirs: string[]): Promise<TornTail[]> {
  const repaired: TornTail[] = []
  for (const dir of dirs) {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    for (const name of names.filter((n) => n.endsWith('.db') || n.endsWith('.ndjson')).sort()) {
      const torn = await repairTornTail(join(dir, name))
      if (torn !== null) repaired.push(torn)
    }
  }
  return repaired
}

/** Repairs each of `files` that exists (see repairTornTail). */
export async function repairTornFiles(files: string[]): Promise<TornTail[]> {
  const repaired: TornTail[] = []
  for (const file of files) {
    let torn: TornTail | null
    try {
      torn = await repairTornTail(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    if (torn !== null) repaired.push(torn)
  }
  return repaired
}
