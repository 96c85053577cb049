import { describe, expect, it } from 'vitest'

import { RateAllowance } from '../../../../src/main/core/live/rate-allowance'

describe('RateAllowance', () => {
  it('lets a burst go at once, then what the rate refills', () => {
    const allowance = new RateAllowance(100)
    expect(allowance.take(250, 0, 1000)).toBe(100) // the burst
    expect(allowance.take(250, 50, 1000)).toBe(50) // 50 ms at 1000/s
    expect(allowance.take(10, 60, 1000)).toBe(10)
  })

  it('never refills beyond the burst, however long the quiet spell', () => {
    const allowance = new RateAllowance(100)
    allowance.take(100, 0, 1000)
    expect(allowance.take(1000, 3_600_000, 1000)).toBe(100)
  })

  it('always lets the newest report through, and a clock stepping back refills nothing', () => {
    const allowance = new RateAllowance(10)
    allowance.take(10, 1000, 100)
    expect(allowance.take(5, 1000, 100)).toBe(1)
    expect(allowance.take(5, 0, 100)).toBe(1)
  })
})
