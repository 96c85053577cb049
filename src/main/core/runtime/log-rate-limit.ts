import type { Logger } from './logger'

export interface RateLimitedLogOptions {
  logger: Logger
  level?: 'debug' | 'info' | 'warn'
  /** The window: at most `burst` lines of one key are logged in it, the rest summed up. */
  intervalMs?: number
  burst?: number
  /**
   * The summary line for `count` lines of `key` left out in the last `seconds`, logged when the
   * window ends.
   */
  summary: (count: number, seconds: number, key: string) => string
  /** Keys tracked at once (e.g. addresses); lines of further keys share one window. */
  maxKeys?: number
  now?: () => number
}

interface Window {
  start: number
  logged: number
  suppressed: number
}

const OVERFLOW_KEY = '*'

/**
 * One log line per event while events are few, one summary line per interval while they are
 * many: a flood (10,000 devices going offline, a key guesser) must not become a flood of log
 * lines. Per key, the first `burst` lines of a window are logged as given; the others are
 * counted, and a summary says how many there were once the window is over (on a timer, so the
 * last of a burst is not held back until the next event).
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, Window>()
  private timer: NodeJS.Timeout | null = null
  private readonly intervalMs: number
  private readonly burst: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(private readonly options: RateLimitedLogOptions) {
    this.intervalMs = options.intervalMs ?? 10_000
    this.burst = options.burst ?? 5
    this.maxKeys = options.maxKeys ?? 1000
    this.now = options.now ?? Date.now
  }

  /** Logs the line, or counts it for the summary; `key` groups lines that limit each other. */
  log(key: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now()
    if (!this.windows.has(key) && this.windows.size >= this.maxKeys) this.sweep(now)
    if (!this.windows.has(key) && this.windows.size >= this.maxKeys) key = OVERFLOW_KEY
    let window = this.windows.get(key)
    if (window !== undefined && now - window.start >= this.intervalMs)
      window = this.roll(key, window, now)
    if (window === undefined) {
      window = { start: now, logged: 0, suppressed: 0 }
      this.windows.set(key, window)
    }
    if (window.logged < this.burst) {
      window.logged += 1
      this.write(fields, message)
      return
    }
    window.suppressed += 1
    this.schedule()
  }

  /** Logs the summary of every window with lines left out, and forgets every window. */
  flush(): void {
    const now = this.now()
    for (const [key, window] of this.windows) this.summarize(key, window, now)
    this.windows.clear()
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  /** Logs what is still counted; nothing is scheduled after. */
  stop(): void {
    this.flush()
  }

  /**
   * Ends a window that is over: its summary is logged, and while the flood goes on the next
   * window starts spent (a steady flood is one summary per interval, not a burst and a summary).
   */
  private roll(key: string, window: Window, now: number): Window | undefined {
    if (window.suppressed === 0) {
      this.windows.delete(key)
      return undefined
    }
    this.summarize(key, window, now)
    const next = { start: window.start + this.intervalMs, logged: this.burst, suppressed: 0 }
    if (now - next.start >= this.intervalMs) {
      this.windows.delete(key) // the window after it passed quietly: the flood is over
      return undefined
    }
    this.windows.set(key, next)
    return next
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.start >= this.intervalMs) this.roll(key, window, now)
  }

  private summarize(key: string, window: Window, now: number): void {
    if (window.suppressed === 0) return
    const seconds = Math.max(1, Math.round((now - window.start) / 1000))
    this.write(
      { suppressed: window.suppressed, seconds },
      this.options.summary(window.suppressed, seconds, key)
    )
  }

  private schedule(): void {
    if (this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.sweep(this.now())
      // Lines still counted (their window is not over by this clock): look again later.
      for (const window of this.windows.values())
        if (window.suppressed > 0) {
          this.schedule()
          break
        }
    }, this.intervalMs)
    this.timer.unref()
  }

  private write(fields: Record<string, unknown>, message: string): void {
    const { logger, level = 'info' } = this.options
    logger[level](fields, message)
  }
}
