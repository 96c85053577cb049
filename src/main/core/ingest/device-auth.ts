import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

import { z } from 'zod'

import { ANONYMOUS_IDENTITY } from '../../../shared/ingest-protocol'

/** Maps a report's `auth` token to the identity it is stored under; null means unauthorized. */
export interface DeviceAuthenticator {
  readonly mode: 'open' | 'token'
  identify(auth: string | undefined): string | null
}

/** Open mode (the default): every report is accepted as `anonymous`; `auth` is ignored. */
export const openDeviceAuthenticator: DeviceAuthenticator = {
  mode: 'open',
  identify: () => ANONYMOUS_IDENTITY
}

const tokenMapSchema = z.record(
  z.string().min(8, 'tokens must be at least 8 characters'),
  z.string().min(1)
)

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64')
}

/**
 * Token mode: only reports whose `auth` is a known token are accepted. Tokens are held as
 * SHA-256 digests, so a lookup leaks nothing useful through timing and a heap dump holds no token.
 */
export class TokenDeviceAuthenticator implements DeviceAuthenticator {
  readonly mode = 'token'
  private readonly identities: Map<string, string>

  constructor(tokens: Record<string, string>) {
    this.identities = new Map(Object.entries(tokens).map(([token, id]) => [digest(token), id]))
  }

  static async fromFile(path: string): Promise<TokenDeviceAuthenticator> {
    let raw: unknown
    try {
      raw = JSON.parse(await readFile(path, 'utf8'))
    } catch (error) {
      throw new Error(`device tokens file ${path}: ${(error as Error).message}`)
    }
    const parsed = tokenMapSchema.safeParse(raw)
    if (!parsed.success) {
      throw new Error(
        `device tokens file ${path}: expected an object of token → identity (${parsed.error.issues[0]?.message})`
      )
    }
    return new TokenDeviceAuthenticator(parsed.data)
  }

  identify(auth: string | undefined): string | null {
    if (auth === undefined) return null
    return this.identities.get(digest(auth)) ?? null
  }
}
