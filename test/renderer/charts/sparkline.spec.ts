import { describe, expect, it } from 'vitest'

import { sparklinePoints } from '../../../src/renderer/src/charts/sparkline'

describe('a sparkline’s points', () => {
  it('places time left to right over the window and the values’ own range bottom to top', () => {
    // 100 × 20, 1.5 px kept clear at each edge: x from 1.5 to 98.5, y from 18.5 (min) to 1.5 (max).
    expect(
      sparklinePoints(
        [
          [0, 10],
          [500, 30],
          [1000, 20]
        ],
        0,
        1000,
        100,
        20
      )
    ).toEqual([
      [1.5, 18.5],
      [50, 1.5],
      [98.5, 10]
    ])
  })

  it('draws a flat line in the middle, and nothing for no points', () => {
    expect(
      sparklinePoints(
        [
          [0, 5],
          [1000, 5]
        ],
        0,
        1000,
        100,
        20
      ).map(([, y]) => y)
    ).toEqual([10, 10])
    expect(sparklinePoints([], 0, 1000, 100, 20)).toEqual([])
  })

  it('starts at the first point when the history is younger than the window', () => {
    const drawn = sparklinePoints(
      [
        [800, 1],
        [1000, 2]
      ],
      0,
      1000,
      100,
      20
    )
    expect(drawn.map(([x]) => x)).toEqual([1.5, 98.5])
    // A lone point stays where its time is; an older one at the left edge, not outside the box.
    expect(sparklinePoints([[1000, 1]], 0, 1000, 100, 20)).toEqual([[98.5, 10]])
    expect(sparklinePoints([[-500, 1]], 0, 1000, 100, 20)).toEqual([[1.5, 10]])
  })
})
