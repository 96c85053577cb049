/**
 * What `npm run bench:ui` puts in the page, as text (this file is typed for Node, the page is a
 * browser): a stand-in for the desktop window's `window.api` whose live events the bench sends,
 * and a recorder of frame times and long tasks.
 */
import type { Page } from 'playwright-core'

/**
 * Runs in the page before its scripts: a window.api whose live events the bench sends with
 * `__emit(topic, payload)`. Its `series` answers each request after `__seriesDelayMs` with a
 * bucket a minute over the range asked, and counts the requests in flight (`__series`).
 */
export const FAKE_API = `(() => {
  const listeners = new Map()
  window.__emit = (event, payload) => (listeners.get(event) || []).forEach((l) => l(payload))
  const info = { version: 'bench', ingest: [{ protocol: 'tcp', host: '127.0.0.1', port: 9800 }],
    web: { host: '127.0.0.1', port: 9801 }, viewUrl: 'http://127.0.0.1:9801/?key=bench' }
  const refuse = async () => { throw new Error('not in this bench') }
  const flood = { active: false, since: null, raisedInWindow: 0, threshold: 10, windowMinutes: 10, firstOut: null }
  window.__series = { asked: 0, inFlight: 0, maxInFlight: 0 }
  window.__seriesDelayMs = 30
  const series = async (q) => {
    const s = window.__series
    s.asked++
    s.inFlight++
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight)
    await new Promise((r) => setTimeout(r, window.__seriesDelayMs))
    s.inFlight--
    const bucketMs = 60000
    const buckets = []
    for (let t = Math.ceil(q.since / bucketMs) * bucketMs; t < q.until; t += bucketMs) {
      const v = 20 + 5 * Math.sin(t / 120000)
      buckets.push({ t, min: v - 1, max: v + 1, avg: v, count: 60, last: v })
    }
    return { device: q.device, since: q.since, until: q.until, bucketMs,
      series: q.fields.map((field) => ({ field, buckets })) }
  }
  window.api = {
    getStatus: async () => ({ state: 'running', info, dataDir: '/bench' }),
    openLive: async () => ({ devices: [], clients: [], reports: [], metrics: [], alarms: [], alarmFlood: flood, sources: [] }),
    queryReports: async () => [], series, sendMessage: refuse, messageStatus: refuse,
    copyViewUrl: refuse, copyText: refuse, deviceTokens: refuse, createDeviceToken: refuse,
    revokeDeviceToken: refuse, setDeviceTokensRequired: refuse, alarms: async () => [],
    alarmRules: async () => [], alarmStats: refuse, alarmEvents: async () => [], sources: async () => [],
    on: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, [])
      listeners.get(event).push(listener)
      return () => listeners.set(event, listeners.get(event).filter((l) => l !== listener))
    }
  }
})()`

const RECORD_FRAMES = `(() => {
  window.frames_ = []
  window.longest = 0
  let last = performance.now()
  const tick = (now) => { window.frames_.push(now - last); last = now; requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longest = Math.max(window.longest, entry.duration)
  }).observe({ type: 'longtask' })
})()`
const TAKE_FRAMES = `(() => {
  const taken = { frames: window.frames_.slice(1), longest: window.longest }
  window.frames_ = []
  window.longest = 0
  return taken
})()`

export interface Frames {
  frames: number[]
  longest: number
}

/** Starts recording frames in the page; the function returned takes those since the last take. */
export async function recordFrames(page: Page): Promise<() => Promise<Frames>> {
  await page.evaluate(RECORD_FRAMES)
  return () => page.evaluate<Frames>(TAKE_FRAMES)
}

export function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`

/** The browser reports tasks of 50 ms and more only. */
export const longestTask = (ms: number): string =>
  ms === 0 ? 'no task of 50 ms or more' : `longest task ${fmt(ms)}`
