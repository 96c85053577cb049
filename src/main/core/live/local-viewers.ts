import type { LiveTopic, LiveTopics } from '../../../shared/live-events'

/** An in-process viewer (the desktop window): gets the same live events as a `/live` socket. */
export type LiveListener = <E extends LiveTopic>(event: E, payload: LiveTopics[E]) => void

/** The in-process viewers, and the fan-out of every live event to them. */
export class LocalViewers {
  private readonly listeners = new Set<LiveListener>()

  get size(): number {
    return this.listeners.size
  }

  /** Returns the function that removes it. */
  add(listener: LiveListener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  send<E extends LiveTopic>(event: E, payload: LiveTopics[E]): void {
    for (const listener of this.listeners) listener(event, payload)
  }
}
