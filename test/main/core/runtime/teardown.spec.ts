import { describe, expect, it } from 'vitest'

import { silentLogger } from '../../../../src/main/core/runtime/logger'
import { Teardown } from '../../../../src/main/core/runtime/teardown'

describe('Teardown', () => {
  it('runs its steps last added first, each once', async () => {
    const ran: string[] = []
    const teardown = new Teardown()
    teardown.add('store', () => ran.push('store'))
    teardown.add('web', async () => {
      await Promise.resolve()
      ran.push('web')
    })
    teardown.add('ingest', () => ran.push('ingest'))
    await teardown.run(silentLogger())
    expect(ran).toEqual(['ingest', 'web', 'store'])
    await teardown.run(silentLogger())
    expect(ran).toHaveLength(3)
  })

  it('runs every step past one that fails, then throws the first failure', async () => {
    const ran: string[] = []
    const teardown = new Teardown()
    teardown.add('lock', () => ran.push('lock'))
    teardown.add('store', () => {
      throw new Error('disk gone')
    })
    teardown.add('web', () => Promise.reject(new Error('port stuck')))
    await expect(teardown.run(silentLogger())).rejects.toThrow('port stuck')
    expect(ran).toEqual(['lock'])
  })
})
