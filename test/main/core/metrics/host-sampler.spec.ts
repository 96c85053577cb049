import { cpus } from 'node:os'

import { afterEach, describe, expect, it } from 'vitest'

import { silentLogger } from '../../../../src/main/core/runtime/logger'
import { HostSampler, systemMetrics } from '../../../../src/main/core/metrics/host-sampler'

const samplers: HostSampler[] = []
afterEach(() => samplers.splice(0).forEach((s) => s.stop()))

describe('HostSampler', () => {
  it('samples this host: one load per core, total load, memory', async () => {
    const sample = await systemMetrics()
    expect(sample.cpus).toHaveLength(cpus().length)
    for (const load of [...sample.cpus, sample.cpu]) {
      expect(load).toBeGreaterThanOrEqual(0)
      expect(load).toBeLessThanOrEqual(100)
    }
    expect(sample.mem.total).toBeGreaterThan(sample.mem.used)
    expect(sample.mem.used).toBeGreaterThan(0)
  })

  it('keeps a bounded history, oldest first, and announces each sample', async () => {
    let n = 0
    const sampler = new HostSampler({
      source: async () => ({ cpus: [n], cpu: n++, mem: { used: 1, total: 2 } }),
      intervalMs: 20,
      historyMs: 100,
      logger: silentLogger()
    })
    samplers.push(sampler)
    const announced: number[] = []
    sampler.on('sample', (s) => announced.push(s.cpu))
    sampler.start()
    sampler.start() // a second start must not start a second timer
    await new Promise((r) => setTimeout(r, 300))
    const history = sampler.recent().map((s) => s.cpu)
    expect(history).toHaveLength(5)
    expect(history).toEqual(announced.slice(-5))
    expect(announced.length).toBeLessThanOrEqual(17) // one timer: about 300 / 20 + 1
  })
})
