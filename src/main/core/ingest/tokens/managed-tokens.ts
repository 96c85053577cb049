import { randomBytes, randomUUID } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { z } from 'zod'

import type { DeviceTokenInfo } from '../../../../shared/api-types'
import { maskKey } from '../../auth/keys'
import { OperationError } from '../../operations/operation-error'
import { deviceIdPattern } from '../protocol/device-id-pattern'
import { tokenDigest, TokenTable } from '../protocol/device-auth'

export const MANAGED_TOKENS_FILE = 'device-tokens.json'

const storedSchema = z.object({
  required: z.boolean(),
  tokens: z.array(
    z.object({
      id: z.string(),
      digest: z.string(),
      identity: z.string(),
      devices: z.array(z.string()).nullable(),
      hint: z.string(),
      createdAt: z.number()
    })
  )
})
type Stored = z.infer<typeof storedSchema>

/**
 * Device tokens made and revoked in the console (the desktop's Devices settings, or the API),
 * kept in the data dir as SHA-256 digests only: the token is shown once, when it is made, and
 * nobody who reads the data dir can report with it. Also holds whether every device needs a
 * token.
 */
export class ManagedTokens {
  private table: TokenTable
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly path: string,
    private state: Stored,
    private readonly now: () => number
  ) {
    this.table = buildTable(state)
  }

  static async open(dataDir: string, now: () => number = Date.now): Promise<ManagedTokens> {
    const path = join(dataDir, MANAGED_TOKENS_FILE)
    let state: Stored = { required: false, tokens: [] }
    try {
      const parsed = storedSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
      if (!parsed.success) throw new Error(`${path} is damaged: ${parsed.error.issues[0]?.message}`)
      state = parsed.data
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    return new ManagedTokens(path, state, now)
  }

  get required(): boolean {
    return this.state.required
  }

  get tokens(): TokenTable {
    return this.table
  }

  list(): DeviceTokenInfo[] {
    return this.state.tokens.map(({ digest: _digest, ...info }) => info)
  }

  async create(
    identity: string,
    devices: string[] | null
  ): Promise<{ token: string; info: DeviceTokenInfo }> {
    const token = randomBytes(24).toString('base64url')
    const entry = {
      id: randomUUID(),
      digest: tokenDigest(token),
      identity,
      devices,
      hint: maskKey(token),
      createdAt: this.now()
    }
    await this.change((state) => ({ ...state, tokens: [...state.tokens, entry] }))
    const { digest: _digest, ...info } = entry
    return { token, info }
  }

  async revoke(id: string): Promise<void> {
    await this.change((state) => {
      const tokens = state.tokens.filter((t) => t.id !== id)
      if (tokens.length === state.tokens.length)
        throw new OperationError('not_found', `no device token ${id}`)
      return { ...state, tokens }
    })
  }

  async setRequired(required: boolean): Promise<void> {
    await this.change((state) => ({ ...state, required }))
  }

  /**
   * Applies one change at a time, each to the state the previous one left: two quick revokes
   * must not bring the first token back. Written whole to a new file, then renamed: a crash
   * leaves the old state or the new, never half.
   */
  private change(next: (state: Stored) => Stored): Promise<void> {
    const run = this.queue.then(async () => {
      const state = next(this.state)
      const temp = `${this.path}.${randomUUID()}.tmp`
      await writeFile(temp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600, flush: true })
      await rename(temp, this.path)
      this.state = state
      this.table = buildTable(state)
    })
    this.queue = run.catch(() => undefined) // a failed change does not block the next
    return run
  }
}

function buildTable(state: Stored): TokenTable {
  return new TokenTable(
    state.tokens.map((t) => [
      t.digest,
      { identity: t.identity, devices: t.devices === null ? null : t.devices.map(deviceIdPattern) }
    ])
  )
}
