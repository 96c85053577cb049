// Times, numbers and sizes in the user's language (the UI language decides the locale).
// Intl formatters are costly to build (a thousand device rows, every second): one per kind.

import type { IngestEndpoint } from '../../shared/live-events'

/** Where devices report, as people write it: `TCP 192.168.1.20:9800, MQTT …`. */
export function formatEndpoints(endpoints: IngestEndpoint[]): string {
  return endpoints.map((e) => `${e.protocol.toUpperCase()} ${e.host}:${e.port}`).join(', ')
}

const cache = new Map<string, unknown>()
function cached<T>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined
  if (value === undefined) {
    value = make()
    cache.set(key, value)
  }
  return value
}

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000]
]

/** "3 sec. ago", "2 hr. ago", "刚刚"… */
export function formatAgo(ms: number, lng: string): string {
  const rtf = cached(
    `rtf:${lng}`,
    () => new Intl.RelativeTimeFormat(lng, { numeric: 'auto', style: 'short' })
  )
  const age = Math.max(0, ms)
  for (const [unit, size] of units) {
    if (age >= size || unit === 'second') return rtf.format(-Math.floor(age / size), unit)
  }
  return rtf.format(0, 'second')
}

export function formatTime(time: number, lng: string): string {
  return cached(
    `time:${lng}`,
    () =>
      new Intl.DateTimeFormat(lng, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false
      })
  ).format(time)
}

/** Time with milliseconds, for the feed. */
export function formatPreciseTime(time: number, lng: string): string {
  return cached(
    `precise:${lng}`,
    () =>
      new Intl.DateTimeFormat(lng, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        fractionalSecondDigits: 3,
        hour12: false
      })
  ).format(time)
}

export function formatDateTime(time: number, lng: string): string {
  return cached(
    `datetime:${lng}`,
    () => new Intl.DateTimeFormat(lng, { dateStyle: 'short', timeStyle: 'medium' })
  ).format(time)
}

export function formatNumber(n: number, lng: string, digits = 0): string {
  return cached(
    `number:${lng}:${digits}`,
    () => new Intl.NumberFormat(lng, { maximumFractionDigits: digits })
  ).format(n)
}

export function formatBytes(bytes: number, lng: string): string {
  const steps = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let i = 0
  while (value >= 1024 && i < steps.length - 1) {
    value /= 1024
    i++
  }
  return `${formatNumber(value, lng, value < 10 ? 1 : 0)} ${steps[i]}`
}

/** A span of seconds in the largest unit that keeps it readable: "42 sec", "3.5 min", "2 hr". */
export function formatDuration(seconds: number, lng: string): string {
  const [unit, size] =
    seconds >= 3600
      ? (['hour', 3600] as const)
      : seconds >= 60
        ? (['minute', 60] as const)
        : (['second', 1] as const)
  return cached(
    `duration:${lng}:${unit}`,
    () =>
      new Intl.NumberFormat(lng, {
        style: 'unit',
        unit,
        unitDisplay: 'short',
        maximumFractionDigits: 1
      })
  ).format(seconds / size)
}
