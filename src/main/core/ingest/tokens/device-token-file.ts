import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, extname } from 'node:path'

import { parse as parseYaml, YAMLParseError } from 'yaml'
import { z } from 'zod'

import { maskKey } from '../../auth/keys'
import type { Logger } from '../../runtime/logger'
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
 * A tokens file kept in force while the console runs: re-read when it changes, so a token can be
 * added or revoked without a restart. A change that does not parse is refused with a log line
 * and the tokens in force stay as they were. The directory is watched, not the file, since
 * editors save by writing a new file and renaming it over the old one.
 */
export class DeviceTokenFile {
  private watcher: FSWatcher | null = null
  private timer: NodeJS.Timeout | null = null

  private generation = 0

  private constructor(
    private readonly path: string,
    private current: TokenTable,
    /** The text in force, so a directory event that changed nothing costs no reload. */
    private text: string,
    private readonly logger: Logger
  ) {}

  /** Reads the file (an error stops the start: the console must not run with no tokens). */
  static async open(path: string, logger: Logger): Promise<DeviceTokenFile> {
    const text = await readTokenText(path)
    const file = new DeviceTokenFile(path, parseTokenFile(path, text), text, logger)
    // Any change in the directory is read (a small file): the file may be a symlink swapped
    // underneath (a Kubernetes ConfigMap renames `..data`), whose events carry other names.
    // Only a change of its content counts.
    file.watcher = watch(dirname(path), () => file.scheduleReload())
    file.watcher.on('error', (error) =>
      logger.warn({ err: error, path }, 'stopped watching the device tokens file')
    )
    return file
  }

  get table(): TokenTable {
    return this.current
  }

  private scheduleReload(): void {
    // One save is several events (write, rename, chmod): read once they have settled.
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.reload(), 150)
  }

  private async reload(): Promise<void> {
    this.timer = null
    const mine = ++this.generation
    try {
      const text = await readTokenText(this.path)
      // A newer reload started meanwhile: it reads a newer file; this one must not win.
      if (mine !== this.generation || text === this.text) return
      this.current = parseTokenFile(this.path, text)
      this.text = text
      this.logger.info({ path: this.path, tokens: this.current.size }, 'device tokens reloaded')
    } catch (error) {
      if (mine !== this.generation) return
      this.logger.error(
        { path: this.path, reason: (error as Error).message },
        'device tokens file not reloaded; the tokens in force stay as they were'
      )
    }
  }

  close(): void {
    this.watcher?.close()
    this.watcher = null
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
