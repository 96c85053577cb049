import { formatClock, formatMonthDay } from '../format'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Steps between time labels, smallest first: whole parts of the minute, hour and day; days. */
const STEPS = [
  ...[1, 2, 5, 10, 15, 30].map((s) => s * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
  ...[1, 2, 3, 6, 12].map((h) => h * HOUR),
  ...[1, 2, 3, 7, 14, 28].map((d) => d * DAY)
]

/**
 * Room one label takes, px, with a gap: `18:49:15` is 54 px wide in Chromium's 12 px
 * sans-serif; `18:49` and a day (`Jan 15`, `1月15日`) are narrower.
 */
const ROOM_PX = { seconds: 75, minutes: 64 }

/** The x labels of a time axis: where they go, and how each is written. */
export interface TimeLabels {
  values: number[]
  step: number
}

/**
 * The times a history chart labels on a plot `plotWidth` px wide from `min` to `max`: the
 * smallest step that leaves each label its room, at whole steps of the local clock (every
 * 6 hours from midnight, every day at midnight), so that they keep their places as the
 * window rolls. ECharts' own time labels are picked from a split, not from the room they have.
 */
export function timeAxisLabels(min: number, max: number, plotWidth: number): TimeLabels {
  const span = max - min
  if (!(span > 0) || !(plotWidth > 0)) return { values: [], step: 0 }
  const fits = (step: number): boolean =>
    (step / span) * plotWidth >= (step < MINUTE ? ROOM_PX.seconds : ROOM_PX.minutes)
  const step = STEPS.find(fits) ?? STEPS.at(-1)!
  return { values: stepsBetween(min, max, step), step }
}

/** How a label at `time` reads when labels are `step` apart: a day at midnight, else a time. */
export function timeLabelText(time: number, step: number, lng: string): string {
  if (step >= DAY || (step >= HOUR && time === localMidnight(time)))
    return formatMonthDay(time, lng)
  return formatClock(time, lng, step < MINUTE)
}

function stepsBetween(min: number, max: number, step: number): number[] {
  const values: number[] = []
  if (step < HOUR) {
    // Whole steps of the local clock: the zone's offset, a whole number of minutes, moves them.
    const offset = -new Date(min).getTimezoneOffset() * MINUTE
    for (let t = Math.ceil((min + offset) / step) * step - offset; t <= max; t += step)
      values.push(t)
    return values
  }
  // Hours and days are counted on the calendar (a day with a clock change is 23 or 25 hours).
  const start = new Date(localMidnight(min))
  if (step < DAY) {
    for (let day = new Date(start); day.getTime() <= max; day.setDate(day.getDate() + 1))
      for (let hour = 0; hour < 24; hour += step / HOUR) {
        const t = new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour).getTime()
        if (t >= min && t <= max) values.push(t)
      }
    return values
  }
  // Days whose number (since 1970, on the calendar) is a whole multiple of the step's.
  const days = step / DAY
  const dayNumber = (d: Date): number =>
    Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY)
  const first = new Date(start)
  first.setDate(first.getDate() + ((days - (dayNumber(first) % days)) % days))
  for (let day = first; day.getTime() <= max; day.setDate(day.getDate() + days))
    if (day.getTime() >= min) values.push(day.getTime())
  return values
}

function localMidnight(time: number): number {
  const d = new Date(time)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}
