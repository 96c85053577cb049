import { EventEmitter } from 'node:events'

import type { SourceHealth } from '../../../shared/source-types'
import { REAL_TIMERS, type SourceTimers } from './source'

export interface SourceHealthFeedOptions {
  /** How often the health is looked at (1 s): the most often the live topic changes. */
  intervalMs?: number
  timers?: SourceTimers
}

/**
 * The live topic `sources`: every source's health, looked at once a second and announced
 * (`changed`, the whole list) only when it differs from the last announced. A poll moves
 * `lastRead` and reads/s with every reading, so a second is the pace that bounds it, however
 * many sources read however fast; a state change is seen within that second.
 *
 * Made before the sources are (the live hub needs its topics first): it answers an empty list
 * until `watch` is given them.
 */
export class SourceHealthFeed {
  private readonly emitter = new EventEmitter()
  private readonly intervalMs: number
  private readonly timers: SourceTimers
  private read: (() => SourceHealth[]) | null = null
  private last: SourceHealth[] = []
  private lastText = '[]'
  private timer: unknown = null

  constructor(options: SourceHealthFeedOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000
    this.timers = options.timers ?? REAL_TIMERS
  }

  current(): SourceHealth[] {
    return this.last
  }

  on(event: 'changed', listener: (health: SourceHealth[]) => void): this {
    this.emitter.on(event, listener)
    return this
  }

  /** Starts looking at the sources' health: now, then every interval until `stop`. */
  watch(read: () => SourceHealth[]): void {
    this.read = read
    this.check()
    this.schedule()
  }

  /** Looks now: announces the list if it changed since the last announced. */
  check(): void {
    if (this.read === null) return
    const next = this.read()
    // Small (no configs): comparing the text is cheaper than keeping per-source diffs right.
    const text = JSON.stringify(next)
    if (text === this.lastText) return
    this.last = next
    this.lastText = text
    this.emitter.emit('changed', next)
  }

  stop(): void {
    this.read = null
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      if (this.read === null) return
      this.check()
      this.schedule()
    }, this.intervalMs)
  }
}
