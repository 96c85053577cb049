import { afterEach, describe, expect, it } from 'vitest'

import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { ReportStore } from '../../../../src/main/core/store/report-store'
import { deviceFilter } from '../../../../src/main/core/stream/device-filter'
import {
  ReportFeed,
  type FeedEnd,
  type FeedLimits,
  type FeedSink,
  type FeedSource
} from '../../../../src/main/core/stream/report-feed'
import { StreamHub } from '../../../../src/main/core/stream/stream-hub'
import type { StreamStart } from '../../../../src/main/core/stream/stream-request'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { report, reportStores, store } from '../../../support/store'

const { dirs, open } = reportStores()
const hubs: StreamHub[] = []
const feeds: ReportFeed[] = []
afterEach(() => {
  for (const feed of feeds.splice(0)) feed.stop()
  for (const hub of hubs.splice(0)) hub.close()
})

/**
 * A connection's far end that reads when told to: what is sent waits, counted in
 * `bufferedAmount`, until it is read (each message's `written` then runs, a turn later, as a
 * socket's would).
 */
class Reader implements FeedSink {
  readonly received: StoredReport[] = []
  bufferedAmount = 0
  /** The most bytes ever waiting. */
  peak = 0
  private waiting: Array<{ message: Buffer; written: () => void }> = []
  private reading: boolean

  constructor(reading = true) {
    this.reading = reading
  }

  send(message: Buffer, written: () => void): void {
    this.bufferedAmount += message.length
    this.peak = Math.max(this.peak, this.bufferedAmount)
    this.waiting.push({ message, written })
    if (this.reading) setImmediate(() => this.read())
  }

  group(sends: () => void): void {
    sends()
  }

  pause(): void {
    this.reading = false
  }

  resume(): void {
    this.reading = true
    setImmediate(() => this.read())
  }

  private read(): void {
    if (!this.reading) return
    for (const { message, written } of this.waiting.splice(0)) {
      this.bufferedAmount -= message.length
      this.received.push(JSON.parse(message.toString()) as StoredReport)
      written()
    }
  }

  async waitFor(count: number): Promise<StoredReport[]> {
    const deadline = Date.now() + 10_000
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`timed out with ${this.received.length}/${count} reports`)
      await new Promise((r) => setTimeout(r, 5))
    }
    return this.received
  }
}

interface Rig {
  s: ReportStore
  feed: ReportFeed
  reader: Reader
  ended: FeedEnd[]
  scans: number
}

/** A feed over a real store, its reads going through `source` (the store itself by default). */
async function rig(
  options: {
    start?: StreamStart
    patterns?: string[]
    limits?: Partial<FeedLimits>
    reader?: Reader
    source?: (s: ReportStore) => FeedSource
    before?: (s: ReportStore) => Promise<void>
  } = {}
): Promise<Rig> {
  const s = await open(await dirs.make(), { partitionMaxReports: 10_000, maxBatch: 50 })
  await options.before?.(s)
  const reader = options.reader ?? new Reader()
  const ended: FeedEnd[] = []
  const base = options.source?.(s) ?? s
  const result = { s, reader, ended, scans: 0 } as Rig
  const source: FeedSource = {
    oldestId: () => base.oldestId(),
    scan: (query) => {
      result.scans += 1
      return base.scan(query)
    }
  }
  const feed = new ReportFeed({
    source,
    sink: reader,
    devices: deviceFilter(options.patterns ?? null),
    start: options.start ?? { since: 0 },
    onEnd: (end) => ended.push(end),
    limits: options.limits
  })
  result.feed = feed
  const hub = new StreamHub(s, silentLogger())
  hubs.push(hub)
  feeds.push(feed)
  hub.join(feed)
  feed.start()
  return result
}

const T0 = Date.now()

/** Stores `count` reports of `device` in one commit, seq from `first`. */
async function storeMany(s: ReportStore, device: string, first: number, count: number) {
  const writes: Array<Promise<void>> = []
  for (let seq = first; seq < first + count; seq++)
    writes.push(store(s, report(device, T0 + seq, { seq })))
  await Promise.all(writes)
}

async function everything(s: ReportStore): Promise<StoredReport[]> {
  const all: StoredReport[] = []
  for await (const chunk of s.scan({})) all.push(...chunk)
  return all
}

/**
 * The store, read through: during the first read, `more` is stored once — once the read has found
 * nothing more (`end`), or after its first chunk, before it reaches the end of the partition.
 */
function storingOnce(
  at: 'end' | 'first chunk',
  more: (s: ReportStore) => Promise<void>
): (s: ReportStore) => FeedSource {
  let stored = false
  return (s) => ({
    oldestId: () => s.oldestId(),
    async *scan(query) {
      for await (const chunk of s.scan(query)) {
        yield chunk
        if (at === 'first chunk' && !stored) {
          stored = true
          await more(s)
        }
      }
      if (!stored) {
        stored = true
        await more(s)
      }
    }
  })
}

describe('ReportFeed: from the store to live', () => {
  it('sends a batch stored after the last read of the store once, after what the read sent', async () => {
    const r = await rig({
      before: (s) => storeMany(s, 'a', 1, 30),
      limits: { chunk: 7 },
      // Committed after the read found nothing more, before the feed goes live.
      source: storingOnce('end', (s) => storeMany(s, 'a', 31, 10))
    })
    await r.reader.waitFor(40)
    await storeMany(r.s, 'a', 41, 5)
    await r.reader.waitFor(45)
    expect(r.reader.received).toEqual(await everything(r.s))
    expect(r.scans).toBe(1)
    expect(r.feed.state).toBe('live')
  })

  it('sends once a batch stored during the read that the read also finds', async () => {
    const r = await rig({
      before: (s) => storeMany(s, 'a', 1, 30),
      limits: { chunk: 7 },
      // Held by the feed, and then read too: the partition's end is further on.
      source: storingOnce('first chunk', (s) => storeMany(s, 'a', 31, 10))
    })
    await r.reader.waitFor(40)
    // A report sent twice would come before this one.
    await storeMany(r.s, 'a', 41, 1)
    await r.reader.waitFor(41)
    expect(r.reader.received).toEqual(await everything(r.s))
    expect(r.reader.received.map((x) => x.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1))
  })

  it('reads the store again when more was stored during a read than it holds', async () => {
    const r = await rig({
      before: (s) => storeMany(s, 'a', 1, 20),
      limits: { chunk: 5, maxHeldReports: 8 },
      source: storingOnce('end', async (s) => {
        for (let i = 0; i < 4; i++) await storeMany(s, 'a', 21 + i * 5, 5)
      })
    })
    await r.reader.waitFor(40)
    expect(r.reader.received).toEqual(await everything(r.s))
    expect(r.scans).toBe(2)
  })

  it('live from now: only what is stored after it starts', async () => {
    const r = await rig({ before: (s) => storeMany(s, 'a', 1, 5), start: 'now' })
    expect(r.feed.state).toBe('live')
    await storeMany(r.s, 'a', 6, 3)
    expect((await r.reader.waitFor(3)).map((x) => x.seq)).toEqual([6, 7, 8])
    expect(r.scans).toBe(0)
  })

  it('filters by device patterns in the store and live alike', async () => {
    const r = await rig({
      patterns: ['b*'],
      limits: { chunk: 3 },
      before: async (s) => {
        await storeMany(s, 'a', 1, 5)
        await storeMany(s, 'b1', 1, 5)
      }
    })
    await r.reader.waitFor(5)
    await storeMany(r.s, 'a', 6, 5)
    await storeMany(r.s, 'b2', 1, 2)
    await r.reader.waitFor(7)
    expect(r.reader.received.map((x) => x.device)).toEqual([...Array(5).fill('b1'), 'b2', 'b2'])
  })
})

describe('ReportFeed: a slow reader', () => {
  it('holds at most the high-water mark and a report, stops taking batches, then catches up from the store', async () => {
    const reader = new Reader(false)
    const r = await rig({
      start: 'now',
      reader,
      limits: { highWaterBytes: 2000, lowWaterBytes: 500, chunk: 10 }
    })
    for (let i = 0; i < 20; i++) await storeMany(r.s, 'a', 1 + i * 10, 10)
    const one = (await everything(r.s))[0]!
    const size = Buffer.byteLength(JSON.stringify(one))
    expect(reader.peak).toBeLessThanOrEqual(2000 + size)
    expect(r.feed.state).toBe('waiting')
    reader.resume()
    await reader.waitFor(200)
    for (let i = 20; i < 25; i++) await storeMany(r.s, 'a', 1 + i * 10, 10)
    await reader.waitFor(250)
    expect(reader.received).toEqual(await everything(r.s))
    expect(reader.peak).toBeLessThanOrEqual(2000 + size)
    expect(r.feed.state).toBe('live')
  })
})

describe('ReportFeed: ends', () => {
  it('ends as lost when its cursor is before the oldest report kept', async () => {
    const r = await rig({
      start: { after: 'lz00000000aaaa00000000' },
      source: (s) => ({ oldestId: () => 'm000000000aaaa00000000', scan: (q) => s.scan(q) })
    })
    expect(r.ended).toEqual([{ lost: true }])
    expect(r.feed.state).toBe('stopped')
  })

  it('ends with the error when the store cannot be read', async () => {
    const failure = new Error('disk gone')
    const r = await rig({
      source: () => ({
        oldestId: () => undefined,
        // eslint-disable-next-line require-yield
        async *scan() {
          throw failure
        }
      })
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(r.ended).toEqual([{ error: failure }])
  })
})
