/** A value axis' range and the step between its labels. */
export interface ValueExtent {
  min: number
  max: number
  interval: number
}

/** Labels an axis aims at: ECharts' own default, five steps. */
const STEPS = 5

/**
 * The y range of one field's axis: its data's lowest to highest with a little room, not from 0
 * (55 ± 1 °C drawn from 0 is a flat line), reaching out to the alarm limits drawn on it so none
 * is off the plot where nobody sees how far the value is from it, with room above the highest
 * limit for its label. Ends at whole steps (1, 2 or 5 × 10ⁿ), so the labels read round. The
 * room never crosses 0: data from 0 up starts at 0, not at −5.
 */
export function valueExtent(
  values: readonly number[],
  limits: readonly number[] = []
): ValueExtent | undefined {
  const all = [...values, ...limits].filter(Number.isFinite)
  if (all.length === 0) return undefined
  let low = Math.min(...all)
  let high = Math.max(...all)
  if (high === low && low === 0) high = 1
  else if (high === low) {
    // One value: a range around it, as wide as a few percent of it.
    const half = Math.abs(low) * 0.02
    low -= half
    high += half
  }
  const span = high - low
  if (limits.length > 0) high = Math.max(high, Math.max(...limits) + span * 0.12)
  const room = span * 0.05
  low = low >= 0 ? Math.max(0, low - room) : low - room
  high = high <= 0 ? Math.min(0, high + room) : high + room
  const interval = niceStep((high - low) / STEPS)
  return {
    min: roundTo(Math.floor(low / interval) * interval, interval),
    max: roundTo(Math.ceil(high / interval) * interval, interval),
    interval
  }
}

/** The smallest 1, 2 or 5 × 10ⁿ at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].find((m) => m * power >= raw * (1 - 1e-9))! * power
  return roundTo(step, step)
}

/** `value` without the float noise of a multiple of `step` (53.50000000000001). */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1)
  return Number(value.toFixed(Math.min(decimals, 20)))
}
