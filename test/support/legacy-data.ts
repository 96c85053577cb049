import { open } from 'node:fs/promises'
import { join } from 'node:path'

const DAY_MS = 86_400_000
const CHUNK = 20_000

/** Writes `count` NeDB lines made by `line(i)` to a file, in big buffered writes. */
async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const file = await open(path, 'w')
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const parts: string[] = []
      for (let i = start; i < Math.min(count, start + CHUNK); i++) parts.push(line(i))
      await file.write(parts.join(''))
    }
  } finally {
    await file.close()
  }
}

export function nedbId(i: number): string {
  return 'id' + String(i).padStart(14, '0')
}

/**
 * A `device-events.db` as an earlier version left it: `count` online/offline events of `devices`
 * devices, evenly spread over the `spanDays` before `now`, oldest first, one NeDB doc per line.
 * Event i belongs to device `dev-<i % devices>`.
 */
export async function writeLegacyDeviceEvents(
  dataDir: string,
  o: { count: number; devices: number; now: number; spanDays: number }
): Promise<{ timeOf(i: number): number }> {
  const span = o.spanDays * DAY_MS
  const timeOf = (i: number): number => Math.round(o.now - span + (span * (i + 1)) / o.count)
  await writeLines(join(dataDir, 'device-events.db'), o.count, (i) => {
    const online = Math.floor(i / o.devices) % 2 === 0
    return `{"device":"dev-${i % o.devices}","online":${online},"time":${timeOf(i)},"_id":"${nedbId(i)}"}\n`
  })
  return { timeOf }
}

/**
 * A `messages.db` as an earlier version left it: `count` delivered messages to `phone-1`, evenly
 * spread over the `spanDays` before `now`, with random-UUID-like ids `00000000-…-<i>`, then
 * `extra` documents (as NeDB would write them: an `_id` is added unless they carry one).
 */
export async function writeLegacyMessages(
  dataDir: string,
  o: { count: number; now: number; spanDays: number; ttlMs: number; extra?: object[] }
): Promise<{ idOf(i: number): string; timeOf(i: number): number }> {
  const span = o.spanDays * DAY_MS
  const timeOf = (i: number): number => Math.round(o.now - span + (span * (i + 1)) / o.count)
  const idOf = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
  const extra = o.extra ?? []
  await writeLines(join(dataDir, 'messages.db'), o.count + extra.length + 1, (n) => {
    if (n === 0) return '{"$$indexCreated":{"fieldName":"id","unique":true}}\n'
    const i = n - 1
    if (i >= o.count) return JSON.stringify({ _id: nedbId(i), ...extra[i - o.count] }) + '\n'
    const t = timeOf(i)
    return `{"id":"${idOf(i)}","data":{"n":${i}},"broadcast":false,"time":${t},"expiresAt":${t + o.ttlMs},"recipients":[{"uid":"phone-1","state":"delivered","sentAt":${t},"deliveredAt":${t + 5},"receipt":null}],"_id":"${nedbId(i)}"}\n`
  })
  return { idOf, timeOf }
}
