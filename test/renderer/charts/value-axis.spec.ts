import { describe, expect, it } from 'vitest'

import { valueExtent } from '../../../src/renderer/src/charts/value-axis'

describe('a value axis’ extent', () => {
  it('fits 55 ± 1 with a little room, at round steps, far from 0', () => {
    expect(valueExtent([54, 55.2, 56])).toEqual({ min: 53.5, max: 56.5, interval: 0.5 })
  })

  it('starts data from 0 up at 0, not below it, and data below 0 up to 0 at most', () => {
    expect(valueExtent([0, 40, 100])).toMatchObject({ min: 0 })
    expect(valueExtent([-100, -3])).toMatchObject({ max: 0 })
    expect(valueExtent([-5, 5])!.min).toBeLessThan(-5)
  })

  it('reaches out to the limits, with room above the highest for its label', () => {
    const extent = valueExtent([54, 56], [80, 50])!
    expect(extent.min).toBeLessThanOrEqual(50)
    expect(extent.min).toBeGreaterThan(0)
    expect(extent.max).toBeGreaterThanOrEqual(80 + 0.1 * (80 - 50))
  })

  it('gives one value a range around it', () => {
    const extent = valueExtent([1013])!
    expect(extent.min).toBeLessThan(1013)
    expect(extent.max).toBeGreaterThan(1013)
    expect(extent.max - extent.min).toBeLessThan(100)
    expect(valueExtent([0])).toMatchObject({ min: 0 })
  })

  it('has none without values or limits, and ends on whole multiples of its step', () => {
    expect(valueExtent([])).toBeUndefined()
    for (const values of [
      [0.0012, 0.0019],
      [12_345, 98_765],
      [-3.3, 7.7],
      [0.1, 0.3]
    ]) {
      const { min, max, interval } = valueExtent(values)!
      expect(Number.isInteger(Math.round((min / interval) * 1e6) / 1e6)).toBe(true)
      expect(Number.isInteger(Math.round((max / interval) * 1e6) / 1e6)).toBe(true)
      expect(min).toBeLessThanOrEqual(Math.min(...values))
      expect(max).toBeGreaterThanOrEqual(Math.max(...values))
    }
  })
})
