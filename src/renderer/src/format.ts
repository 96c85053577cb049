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

/** "18:49" or, with seconds, "18:49:15": a chart's time labels, in the language's clock. */
export function formatClock(time: number, lng: string, seconds: boolean): string {
  return cached(
    `clock:${lng}:${seconds}`,
    () =>
      new Intl.DateTimeFormat(lng, {
        hour: '2-digit',
        minute: '2-digit',
        second: seconds ? '2-digit' : undefined,
        hourCycle: 'h23'
      })
  ).format(time)
}

/** "Jan 5", "1月5日": a day on a chart's time axis. */
export function formatMonthDay(time: number, lng: string): string {
  return cached(
    `monthday:${lng}`,
    () => new Intl.DateTimeFormat(lng, { month: 'short', day: 'numeric' })
  ).format(time)
}

export function formatNumber(n: number, lng: string, digits = 0): string {
  return cached(
    `number:${lng}:${digits}`,
    () => new Intl.NumberFormat(lng, { maximumFractionDigits: digits })
  ).format(n)
}

/** "12K", "1.2M", "120万": a value axis' labels, narrow whatever the value. */
export function formatCompactNumber(n: number, lng: string): string {
  return cached(
    `compact:${lng}`,
    () => new Intl.NumberFormat(lng, { notation: 'compact', maximumFractionDigits: 1 })
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

/**
 * A device's reading for people to read at a glance: grouped as the language writes numbers,
 * up to three decimals (the raw value is one click away in the report's JSON), and a value too
 * small for those decimals in scientific notation rather than as `0`.
 */
export function formatReading(n: number, lng: string): string {
  if (n !== 0 && Math.abs(n) < 0.001)
    return cached(
      `reading-small:${lng}`,
      () => new Intl.NumberFormat(lng, { notation: 'scientific', maximumSignificantDigits: 3 })
    ).format(n)
  return formatNumber(n, lng, 3)
}
