import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { Role } from '../../../shared/live-events'

export const ACCESS_KEY_FILE = 'access.key'
export const VIEW_KEY_FILE = 'view.key'

export type { Role }

export interface ConsoleKeys {
  /** The operator's key: everything. */
  access: string
  /** The read-only key a remote-view URL carries. */
  view: string
}

/** 24 random bytes: 192 bits, printed as 32 URL-safe characters. */
export function generateKey(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * Returns the key saved in `dataDir/fileName`, creating it on first run. The file is readable by
 * its owner only; a file found with wider permissions is narrowed, since anyone who reads it can
 * operate the console.
 */
export async function loadOrCreateKey(
  dataDir: string,
  fileName = ACCESS_KEY_FILE
): Promise<string> {
  await mkdir(dataDir, { recursive: true })
  const path = join(dataDir, fileName)
  try {
    const key = (await readFile(path, 'utf8')).trim()
    if (key.length >= 16) {
      if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
        await chmod(path, 0o600)
      }
      return key
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = generateKey()
  await writeFile(path, key + '\n', { mode: 0o600 })
  return key
}

/** Compares a presented key with the expected one in constant time, whatever their lengths. */
export function keyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** The role a presented key grants, or null. Both keys are compared, whichever matches. */
export function roleOf(presented: string | undefined, keys: ConsoleKeys): Role | null {
  const operator = keyMatches(presented, keys.access)
  const viewer = keyMatches(presented, keys.view)
  return operator ? 'operator' : viewer ? 'viewer' : null
}

/** What a key looks like when it must be shown but not given away: its first four characters. */
export function maskKey(key: string): string {
  return key.slice(0, 4) + '…'
}
