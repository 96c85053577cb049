export const DAY_MS = 86_400_000

/** The UTC day of a time, as day partitions are named: `2026-12-01`. */
export function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

/** The time a UTC day starts at. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}
