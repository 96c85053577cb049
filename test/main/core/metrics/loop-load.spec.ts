import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { LoopLoad, type LoadSources } from '../../../../src/main/core/metrics/loop-load'
import { busyFor } from '../../../support/busy-loop'

describe('LoopLoad', () => {
  it('reads as load once the loop stays busy, and as idle again once it stays idle', async () => {
    const load = new LoopLoad(200)
    await busyFor(210)
    const oneBusyWindow = load.read()
    await busyFor(210)
    const twoBusyWindows = load.read()
    await sleep(300)
    const oneIdleWindow = load.read()
    await sleep(300)
    const twoIdleWindows = load.read()
    // One busy window alone (a GC pause, one large batch) stays below the 0.7 that means load.
    expect(oneBusyWindow).toBeGreaterThan(0.4)
    expect(oneBusyWindow).toBeLessThan(0.7)
    expect(twoBusyWindows).toBeGreaterThan(0.7)
    expect(oneIdleWindow).toBeLessThan(twoBusyWindows)
    expect(twoIdleWindows).toBeLessThan(0.3)
  })

  it('counts a quiet spell between two reads for as long as it lasted', async () => {
    const load = new LoopLoad(100)
    await busyFor(300)
    load.read()
    await busyFor(100)
    const busy = load.read()
    await sleep(600) // six windows without a read, as between two bursts of reports
    const afterQuiet = load.read()
    expect(busy).toBeGreaterThan(0.8)
    expect(afterQuiet).toBeLessThan(0.2)
  })

  it('keeps its reading within a window, so frequent reads cost nothing and do not jitter', async () => {
    const load = new LoopLoad(10_000)
    await busyFor(50)
    expect(load.read()).toBe(0) // the window has not passed: the first reading stands
  })

  it('tells its reading without taking one: a look between reads changes none of them', () => {
    // A fake loop: busy as the test says, time as it says.
    let time = 0
    let active = 0
    const sources: LoadSources = {
      utilization: () => ({ idle: time - active, active, utilization: 0 }),
      cpu: () => ({ user: 0, system: 0 }),
      now: () => time
    }
    const spend = (ms: number, busy: number): void => {
      time += ms
      active += ms * busy
    }
    const looked = new LoopLoad(1000, sources)
    const unlooked = new LoopLoad(1000, sources)
    const readings: Array<[number, number]> = []
    for (const [first, second] of [
      [1, 0],
      [1, 1],
      [0.2, 0.9],
      [0, 0.5]
    ] as const) {
      spend(1000, first)
      looked.peek() // a diagnostics read between two batches
      spend(1000, second)
      const peek = looked.peek()
      readings.push([looked.read(), unlooked.read()])
      expect(peek).toBe(readings.at(-1)![0]) // the look said what the read then took
    }
    expect(readings.map(([a]) => a)).toEqual(readings.map(([, b]) => b))
    expect(readings.some(([a]) => a > 0.5)).toBe(true)
  })

  it("reads the process's CPU time where Node does not run the loop itself (Electron's main)", () => {
    // Inside Electron's main process Node's utilization can stay at zero. The process's CPU time
    // and the time are the test's: real ones fall short of wall time whenever other processes
    // share the cores (CI running many spec files at once), which made this test flaky.
    let time = 0
    let cpuUs = 0
    const electronLike: LoadSources = {
      utilization: () => ({ idle: 0, active: 0, utilization: 0 }),
      cpu: () => ({ user: cpuUs * 0.8, system: cpuUs * 0.2 }),
      now: () => time
    }
    const load = new LoopLoad(100, electronLike)
    time += 300
    cpuUs += 300_000 * 0.9 // 90% of a core for 300 ms
    const busy = load.read()
    time += 600 // then nothing for six windows
    const idle = load.read()
    expect(busy).toBeGreaterThan(0.5)
    expect(idle).toBeLessThan(0.2)
  })
})
