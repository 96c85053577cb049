import { describe, expect, it } from 'vitest'

import { CpuLoad } from '../../../../src/main/core/metrics/cpu-load'

const times = (user: number, sys: number, idle: number) => ({ user, nice: 0, sys, irq: 0, idle })

describe('CpuLoad', () => {
  it('reads the busy share of each core and of all since the previous reading', () => {
    const load = new CpuLoad()
    load.read([times(100, 0, 100), times(0, 0, 200)])
    // core 0: 30 busy of 40; core 1: 10 busy of 40 → 40 of 80 in all
    const reading = load.read([times(120, 10, 110), times(5, 5, 230)])
    expect(reading.cpus).toEqual([75, 25])
    expect(reading.cpu).toBe(50)
  })

  it('reads since boot at first, and 0 for a core whose counters did not move or went back', () => {
    const load = new CpuLoad()
    expect(load.read([times(1, 0, 3)]).cpus).toEqual([25])
    expect(load.read([times(1, 0, 3)])).toEqual({ cpus: [0], cpu: 0 })
    expect(load.read([times(0, 0, 3)]).cpus).toEqual([0])
  })
})
