import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'

import { parse as parseYaml, YAMLParseError } from 'yaml'
import { z } from 'zod'

import { maskKey } from '../../auth/keys'
import type { Logger } from '../../runtime/logger'
import { WatchedFile } from '../../runtime/watched-file'
import { deviceIdPattern } from '../protocol/device-id-pattern'
import { TokenTable } from '../protocol/device-auth'

const grantSchema = z.union([
  z.string().min(1, 'an identity must not be empty'),
  z.strictObject({
    identity: z.string().min(1, 'an identity must not be empty'),
    devices: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional()
  })
])

const fileSchema = z.record(z.string(), grantSchema)

/**
 * Errors and lists show a token's first four characters: a token needs enough beyond them to
 * stay secret (16 characters: 12 unshown, 72 bits and more for random base64).
 */
export const MIN_TOKEN_LENGTH = 16

/**
 * Reads a tokens file: JSON (`.json`) or YAML (anything else), a map of token → identity, or
 * token → `{ identity, devices }` where `devices` is a pattern (or a list) of the device ids the
 * token may report as.
 */
export async function readTokenFile(path: string): Promise<TokenTable> {
  return parseTokenFile(path, await readTokenText(path))
}

async function readTokenText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`device tokens file ${path}: ${(error as Error).message}`)
  }
}

function parseTokenFile(path: string, text: string): TokenTable {
  let raw: unknown
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new Error(`device tokens file ${path}: ${syntaxErrorWhere(error)}`)
  }
  const parsed = fileSchema.safeParse(raw)
  // Errors name a token by its masked hint only: they end up in logs.
  const fail = (message: string): never => {
    throw new Error(`device tokens file ${path}: ${message}`)
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const [token, ...rest] = issue?.path.map(String) ?? []
    const where =
      token === undefined
        ? ''
        : ` (token ${maskKey(token)}${rest.length ? `, ${rest.join('.')}` : ''})`
    fail(`expected token → identity or token → { identity, devices }: ${issue?.message}${where}`)
  }
  for (const token of Object.keys(parsed.data!))
    if (token.length < MIN_TOKEN_LENGTH)
      fail(`token ${maskKey(token)}: tokens must be at least ${MIN_TOKEN_LENGTH} characters`)
  return TokenTable.fromTokens(
    Object.fromEntries(
      Object.entries(parsed.data!).map(([token, grant]) => [
        token,
        typeof grant === 'string'
          ? { identity: grant, devices: null }
          : {
              identity: grant.identity,
              devices:
                grant.devices === undefined
                  ? null
                  : [grant.devices].flat().map((pattern) => deviceIdPattern(pattern))
            }
      ])
    )
  )
}

/**
 * Where a tokens file fails to parse, without the parser's own message: both JSON's and YAML's
 * quote the offending source, which here is a token, and errors end up in logs.
 */
function syntaxErrorWhere(error: unknown): string {
  if (error instanceof YAMLParseError) {
    const at = error.linePos?.[0]
    return `not valid YAML (${error.code}${at ? ` at line ${at.line}, column ${at.col}` : ''})`
  }
  const position = /position (\d+)/.exec(String((error as Error).message))?.[1]
  return `not valid JSON${position === undefined ? '' : ` (at character ${position})`}`
}

/**
 * A tokens file kept in force while the console runs: re-read when it changes (WatchedFile), so
 * a token can be added or revoked without a restart. A change that does not parse is refused with
 * a log line and the tokens in force stay as they were.
 */
export class DeviceTokenFile {
  private constructor(private readonly file: WatchedFile<TokenTable>) {}

  /** Reads the file (an error stops the start: the console must not run with no tokens). */
  static async open(path: string, logger: Logger): Promise<DeviceTokenFile> {
    const file = await WatchedFile.open<TokenTable>(path, {
      read: readTokenText,
      parse: (text) => parseTokenFile(path, text),
      changed: (table) => logger.info({ path, tokens: table.size }, 'device tokens reloaded'),
      refused: (error) =>
        logger.error(
          { path, reason: error.message },
          'device tokens file not reloaded; the tokens in force stay as they were'
        ),
      unwatched: (error) =>
        logger.warn({ err: error, path }, 'stopped watching the device tokens file')
    })
    return new DeviceTokenFile(file)
  }

  get table(): TokenTable {
    return this.file.value
  }

  close(): void {
    this.file.close()
  }
}
