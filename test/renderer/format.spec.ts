import { describe, expect, it } from 'vitest'

import { formatEndpoints } from '../../src/renderer/src/format'

describe('where devices report, as the header shows it', () => {
  it('shows the TCP listener as before, and every other transport after it', () => {
    expect(formatEndpoints([{ protocol: 'tcp', host: '127.0.0.1', port: 9800 }])).toBe(
      'TCP 127.0.0.1:9800'
    )
    expect(
      formatEndpoints([
        { protocol: 'tcp', host: '192.168.1.20', port: 9800 },
        { protocol: 'mqtt', host: 'broker.plant', port: 1883 }
      ])
    ).toBe('TCP 192.168.1.20:9800, MQTT broker.plant:1883')
  })
})
