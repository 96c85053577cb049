import { describe, expect, it } from 'vitest'

import { filterMatches, grantedQos } from '../../../../../src/main/core/ingest/mqtt/granted-qos'

const matches = (filter: string, topic: string): boolean => filterMatches(filter, topic.split('/'))

describe('grantedQos', () => {
  it('is the highest QoS among the subscriptions that match, or null when none does', () => {
    const subscriptions = { 'plant/#': { qos: 0 }, 'plant/+/temp': { qos: 1 }, other: { qos: 2 } }
    expect(grantedQos(subscriptions, 'plant/a/temp')).toBe(1)
    expect(grantedQos(subscriptions, 'plant/a')).toBe(0)
    expect(grantedQos(subscriptions, 'elsewhere')).toBeNull()
  })
})

describe('filterMatches (MQTT 3.1.1, 4.7)', () => {
  it('takes + as one level, an empty one too, and # as the rest with its parent', () => {
    expect(matches('plant/+/temp', 'plant/a/temp')).toBe(true)
    expect(matches('plant/+/temp', 'plant//temp')).toBe(true)
    expect(matches('plant/+', 'plant/a/b')).toBe(false)
    expect(matches('plant/+', 'plant')).toBe(false)
    expect(matches('plant/#', 'plant')).toBe(true)
    expect(matches('plant/#', 'plant/a/b')).toBe(true)
    expect(matches('plant/a', 'plant/a/b')).toBe(false)
    expect(matches('plant/a/b', 'plant/a')).toBe(false)
    expect(matches('#', 'plantx/a')).toBe(true)
  })

  it('never matches a $ topic with a wildcard at the root, only by name', () => {
    expect(matches('#', '$SYS/broker')).toBe(false)
    expect(matches('+/broker', '$SYS/broker')).toBe(false)
    expect(matches('$SYS/#', '$SYS/broker')).toBe(true)
  })
})
