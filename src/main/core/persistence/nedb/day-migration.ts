import { access, appendFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

import { DayAppender } from './day-appender'
import { scanNedbFile, type NedbLine } from './nedb-lines'

export interface DayMigration {
  /** The single NeDB file of an earlier version (`device-events.db`). */
  legacy: string
  /** The dir of day files that replaces it. */
  dir: string
  ext: string
  /** Records older than this are past retention: not carried over. */
  cutoff: number
  /** The record's time and the line to write for it; null to leave it out. */
  convert(entry: NedbLine): { time: number; line: string } | null
}

/** Written per batch: a million records go out in a few dozen writes. */
const BATCH_BYTES = 4 * 1024 * 1024

/**
 * Moves a legacy single-file collection into day files, once, streaming it (constant memory
 * however large it grew). The day files are written to a side dir; only when all are complete is
 * the legacy file renamed out of the way and the day files moved in, so a migration cut short by
 * a crash is done again from the legacy file, or its last step resumed. Returns null when there
 * was nothing to migrate.
 */
export async function migrateToDays(
  m: DayMigration
): Promise<{ kept: number; dropped: number } | null> {
  const side = `${m.dir}.migrating`
  const done = `${m.legacy}.migrated`
  if (!(await exists(m.legacy))) {
    if (await exists(done)) await moveIn(side, m.dir, done)
    return null
  }
  await rm(side, { recursive: true, force: true })
  await mkdir(side, { recursive: true })
  const out = new DayAppender(side, m.ext)
  let kept = 0
  let dropped = 0
  for await (const entry of scanNedbFile(m.legacy)) {
    const converted = m.convert(entry)
    if (converted === null || converted.time < m.cutoff) {
      dropped++
      continue
    }
    void out.append(converted.time, converted.line)
    kept++
    if (out.bufferedBytes >= BATCH_BYTES) await out.flush()
  }
  await out.flush()
  await rename(m.legacy, done)
  await moveIn(side, m.dir, done)
  return { kept, dropped }
}

async function moveIn(side: string, dir: string, done: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const name of await readdir(side).catch(() => [] as string[])) {
    const from = join(side, name)
    const target = join(dir, name)
    if (await exists(target)) {
      // Only when an earlier version ran again after an upgrade: both hold distinct records.
      await appendFile(target, await readFile(from))
      await rm(from)
    } else {
      await rename(from, target)
    }
  }
  await rm(done, { force: true })
  await rm(side, { recursive: true, force: true })
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
