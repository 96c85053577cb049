import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Keeps this process's event loop busy for `ms`, as a flood of reports would, then lets the turn
 * end so the loop counts the time.
 */
export async function busyFor(ms: number): Promise<void> {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // busy
  }
  await sleep(0)
}
