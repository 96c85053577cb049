import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

import { DAY_MS, dayStart } from '../utc-day'

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.[a-z]+$/

/** The day files (`<day><ext>`) in `dir`, oldest first; none when the dir is missing. */
export async function listDayFiles(dir: string, ext: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return names.filter((n) => n.endsWith(ext) && DAY_FILE.test(n)).sort()
}

export function dayOfFile(name: string): string {
  return DAY_FILE.exec(name)![1]!
}

/**
 * Deletes the day files whose whole day is older than `cutoff`: retention by partition, one
 * unlink per day, however many records a day holds. Returns the days deleted.
 */
export async function deleteDaysBefore(
  dir: string,
  ext: string,
  cutoff: number
): Promise<string[]> {
  const deleted: string[] = []
  for (const name of await listDayFiles(dir, ext)) {
    const day = dayOfFile(name)
    if (dayStart(day) + DAY_MS > cutoff) break
    await rm(join(dir, name), { force: true })
    deleted.push(day)
  }
  return deleted
}
