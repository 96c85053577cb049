import { describe, expect, it } from 'vitest'

import { CrossingSchedule } from '../../bench/crossing-schedule'

describe('CrossingSchedule (the alarm step’s crossing reports)', () => {
  const plan = { devicePrefix: 'cross-', devices: 4, perSecond: 4 }

  it('crosses perSecond times a second, each device clearing half a period later', () => {
    const schedule = new CrossingSchedule(plan, 0)
    const sent: Array<{ at: number; device: string; x: number }> = []
    for (let now = 0; now < 2000; now += 10)
      for (const r of schedule.due(now)) sent.push({ at: now, ...r })
    expect(schedule.crossings).toBe(8)
    const device0 = sent.filter((r) => r.device === 'cross-0')
    expect(device0.map((r) => [r.at, r.x])).toEqual([
      [0, 0],
      [500, -1],
      [1000, 1000],
      [1500, -1]
    ])
    // Phases spread over the period: one device crosses every 250 ms.
    expect(sent.filter((r) => r.x >= 0).map((r) => r.at)).toEqual([
      0, 250, 500, 750, 1000, 1250, 1500, 1750
    ])
  })

  it('keeps crossings and clears alternating when its timer comes late', () => {
    const schedule = new CrossingSchedule({ ...plan, devices: 1, perSecond: 1 }, 0)
    expect(schedule.due(0)).toEqual([{ device: 'cross-0', x: 0 }])
    // Two half periods late: one report, the clear, and the rhythm starts again from now.
    expect(schedule.due(1200)).toEqual([{ device: 'cross-0', x: -1 }])
    expect(schedule.due(1600)).toEqual([])
    expect(schedule.due(1700)).toEqual([{ device: 'cross-0', x: 1700 }])
  })
})
