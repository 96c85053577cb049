import { describe, expect, it } from 'vitest'

import { LivePacing } from '../../../../src/main/core/live/live-pacing'

describe('LivePacing', () => {
  it('waits a display frame while the console has time, the full interval once it is busy', () => {
    let load = 0.2
    const pacing = new LivePacing(() => load, { underLoadMs: 50 })
    expect(pacing.intervalMs()).toBe(16)
    load = 0.75
    expect(pacing.intervalMs()).toBe(50)
    expect(pacing.now()).toEqual({ underLoad: true, intervalMs: 50, load: 0.75 })
  })

  it('leaves load only well below where it entered it, so it does not flap at the edge', () => {
    const loads = [0.3, 0.69, 0.7, 0.6, 0.51, 0.49, 0.6, 0.69, 0.7]
    let i = 0
    const pacing = new LivePacing(() => loads[i++]!, { underLoadMs: 50 })
    expect(loads.map(() => pacing.intervalMs())).toEqual([16, 16, 50, 50, 50, 16, 16, 16, 50])
  })

  it('never waits longer when idle than the operator asked for under load', () => {
    const pacing = new LivePacing(() => 0, { underLoadMs: 10 })
    expect(pacing.intervalMs()).toBe(10)
  })

  it('tells the pace without deciding it: a look while busy does not keep the next batch waiting', () => {
    // Found in review: GET /api/diagnostics read the pace through the deciding path, so a read
    // at a busy moment held batches at the full interval until the load fell below 0.5.
    let load = 0.75
    const pacing = new LivePacing(() => load, { underLoadMs: 50 })
    expect(pacing.now()).toEqual({ underLoad: true, intervalMs: 50, load: 0.75 })
    load = 0.6
    expect(pacing.intervalMs()).toBe(16) // never under load: no batch went while it was busy
  })
})
