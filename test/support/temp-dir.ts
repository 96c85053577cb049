import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Makes temp dirs and removes them all in `cleanup()` (call it from afterEach). */
export function tempDirs(): { make(prefix?: string): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = []
  return {
    async make(prefix = 'lookout-test-') {
      const dir = await mkdtemp(join(tmpdir(), prefix))
      made.push(dir)
      return dir
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })))
    }
  }
}
