import { afterEach } from 'vitest'

import type { PushMessage } from '../../src/shared/push-events'
import { MessageService } from '../../src/main/core/push/message-service'
import { PushClientRegistry } from '../../src/main/core/push/push-client-registry'
import { silentLogger } from '../../src/main/core/runtime/logger'
import { nedbBackend } from './store'
import { tempDirs } from './temp-dir'

export interface OpenedMessages {
  messages: MessageService
  clients: PushClientRegistry
  /** What the (fake) connections delivered to online clients, in order. */
  delivered: Array<{ uid: string; message: PushMessage }>
}

/**
 * Real message services (with their real push client registries) over NeDB in temp dirs, for
 * one spec file; only the sockets are faked: every delivery is acknowledged at once and kept in
 * `delivered`. All are closed, and the dirs removed, after every test.
 */
export function messageServices(): {
  dirs: ReturnType<typeof tempDirs>
  open(dir: string, now: () => number): Promise<OpenedMessages>
} {
  const dirs = tempDirs()
  const opened: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close()
    await dirs.cleanup()
  })
  return {
    dirs,
    async open(dir, now) {
      const persistence = nedbBackend(dir)
      const clients = await PushClientRegistry.open(persistence, now)
      opened.push(clients)
      const delivered: OpenedMessages['delivered'] = []
      const messages = await MessageService.open({
        persistence,
        clients,
        connections: {
          deliver: async (uid, message) => {
            delivered.push({ uid, message })
            return true
          }
        },
        logger: silentLogger(),
        sweepMs: 60_000,
        now
      })
      opened.push(messages)
      return { messages, clients, delivered }
    }
  }
}
