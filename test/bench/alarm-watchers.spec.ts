import { describe, expect, it } from 'vitest'

import { phoneLatencies, type SeenRaise } from '../../bench/alarm-watchers'

describe('phoneLatencies (the alarm step’s send → phone times)', () => {
  const raises: SeenRaise[] = [
    { alarm: 'a', raisedAt: 1000, sentAt: 990, arrivedAt: 1010 },
    { alarm: 'a', raisedAt: 2000, sentAt: 1995, arrivedAt: 2004 },
    { alarm: 'b', raisedAt: 1500, sentAt: 1490, arrivedAt: 1520 }
  ]

  it('matches each raised message to the raise of its alarm nearest its time', () => {
    const { latencies, unmatched } = phoneLatencies(
      raises,
      [
        // Arrived after the next raise was sent: still the first raise's, by its time.
        { alarm: 'a', time: 1001, arrivedAt: 2100 },
        { alarm: 'a', time: 2000, arrivedAt: 2030 },
        { alarm: 'b', time: 1500, arrivedAt: 1600 }
      ],
      500
    )
    expect(latencies).toEqual([2100 - 990, 2030 - 1995, 1600 - 1490])
    expect(unmatched).toBe(0)
  })

  it('counts a message whose raise the viewer never saw as unmatched', () => {
    const result = phoneLatencies(
      raises,
      [
        { alarm: 'a', time: 3000, arrivedAt: 3010 },
        { alarm: 'c', time: 1000, arrivedAt: 1010 }
      ],
      500
    )
    expect(result).toEqual({ latencies: [], unmatched: 2 })
  })
})
