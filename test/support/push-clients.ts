import { afterEach } from 'vitest'

import {
  PushClientRegistry,
  type PushClientRegistryOptions
} from '../../src/main/core/push/push-client-registry'
import { nedbBackend } from './store'
import { tempDirs } from './temp-dir'

/**
 * Real push client registries over NeDB in temp dirs, for one spec file: each closed, and the
 * dirs removed, after every test. `defaults` are the options of each, unless it is given others.
 */
export function pushClientRegistries(defaults: PushClientRegistryOptions = {}): {
  dirs: ReturnType<typeof tempDirs>
  open(
    dir: string,
    now: () => number,
    options?: PushClientRegistryOptions
  ): Promise<PushClientRegistry>
} {
  const dirs = tempDirs()
  const opened: PushClientRegistry[] = []
  afterEach(async () => {
    for (const r of opened.splice(0)) await r.close()
    await dirs.cleanup()
  })
  return {
    dirs,
    async open(dir, now, options) {
      const r = await PushClientRegistry.open(nedbBackend(dir), now, { ...defaults, ...options })
      opened.push(r)
      return r
    }
  }
}
