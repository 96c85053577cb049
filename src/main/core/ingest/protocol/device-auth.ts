import { createHash } from 'node:crypto'

import { ANONYMOUS_IDENTITY } from '../../../../shared/ingest-protocol'
import type { DeviceIdPattern } from './device-id-pattern'

/** Who a report comes from, or why it may not be stored. */
export type Identification = { ok: true; identity: string } | { ok: false; message: string }

/** Decides, from a report's `auth` token and device id, the identity it is stored under. */
export interface DeviceAuthenticator {
  readonly mode: 'open' | 'token'
  identify(auth: string | undefined, device: string): Identification
}

/**
 * Every report accepted as `anonymous`, `auth` ignored: for a parser that has no tokens at all
 * (tests, tools). The console's open mode is ConsoleDeviceAuthenticator's, which honours `auth`.
 */
export const openDeviceAuthenticator: DeviceAuthenticator = {
  mode: 'open',
  identify: () => ({ ok: true, identity: ANONYMOUS_IDENTITY })
}

/** What a token grants: the identity its reports are stored under, and the device ids allowed. */
export interface TokenGrant {
  identity: string
  /** Patterns of the device ids the token may report as; null: any. */
  devices: DeviceIdPattern[] | null
}

/** A token's digest: tokens are held and compared only as SHA-256 digests. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64')
}

/**
 * Tokens by digest. Held as digests, so a lookup leaks nothing useful through timing and a heap
 * dump (or the data dir) holds no token.
 */
export class TokenTable {
  private readonly grants: Map<string, TokenGrant>

  constructor(entries: Iterable<[digest: string, grant: TokenGrant]>) {
    this.grants = new Map(entries)
  }

  /** A table from plain tokens (a tokens file, a test). */
  static fromTokens(tokens: Record<string, TokenGrant | string>): TokenTable {
    return new TokenTable(
      Object.entries(tokens).map(([token, grant]) => [
        tokenDigest(token),
        typeof grant === 'string' ? { identity: grant, devices: null } : grant
      ])
    )
  }

  lookup(token: string): TokenGrant | undefined {
    return this.grants.get(tokenDigest(token))
  }

  get size(): number {
    return this.grants.size
  }
}

/**
 * Token mode: only reports whose `auth` is a known token, from a device id that token allows,
 * are accepted. The tables are read at every report, so a reloaded tokens file or a token
 * revoked in the console applies to the very next line.
 */
export class TokenDeviceAuthenticator implements DeviceAuthenticator {
  readonly mode = 'token'

  constructor(private readonly tables: () => Iterable<TokenTable>) {}

  /** Whether `token` is known at all, whatever devices it may report as (a broker's login). */
  knows(token: string): boolean {
    for (const table of this.tables()) if (table.lookup(token) !== undefined) return true
    return false
  }

  identify(auth: string | undefined, device: string): Identification {
    if (auth === undefined)
      return { ok: false, message: 'this console requires a device token in "auth"' }
    for (const table of this.tables()) {
      const grant = table.lookup(auth)
      if (grant === undefined) continue
      if (grant.devices !== null && !grant.devices.some((pattern) => pattern.test(device)))
        return { ok: false, message: `this token may not report as device "${device}"` }
      return { ok: true, identity: grant.identity }
    }
    return { ok: false, message: 'unknown device token' }
  }
}

/**
 * The console's device authentication: token mode while a tokens file is in force or the
 * console requires tokens (a switch in its settings), open mode otherwise. Decided per report,
 * so turning the switch or revoking a token applies to the next line. Open mode still honours a
 * report's `auth`: a report that brings a token is held to it (stored under its identity, only
 * from the device ids it allows, refused when it is unknown or revoked) rather than stored as
 * `anonymous` as if it had none; only a report without `auth` is `anonymous`.
 */
export class ConsoleDeviceAuthenticator implements DeviceAuthenticator {
  private readonly tokenMode: TokenDeviceAuthenticator

  constructor(
    private readonly sources: {
      file: { table: TokenTable } | null
      managed: { required: boolean; tokens: TokenTable }
    }
  ) {
    this.tokenMode = new TokenDeviceAuthenticator(() => {
      const tables = [sources.managed.tokens]
      if (sources.file !== null) tables.unshift(sources.file.table)
      return tables
    })
  }

  /** The tokens whatever the mode: a broker login with a token has its identity in open mode too. */
  get tokens(): TokenDeviceAuthenticator {
    return this.tokenMode
  }

  get mode(): 'open' | 'token' {
    return this.sources.file !== null || this.sources.managed.required ? 'token' : 'open'
  }

  identify(auth: string | undefined, device: string): Identification {
    return this.mode === 'token' || auth !== undefined
      ? this.tokenMode.identify(auth, device)
      : openDeviceAuthenticator.identify(auth, device)
  }
}
