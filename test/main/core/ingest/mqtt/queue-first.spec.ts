import { afterEach, describe, expect, it } from 'vitest'

import { consoleFixture, eventually } from '../../../../support/console'
import { mqttClients, recordMessages } from '../../../../support/mqtt'

const consoles = consoleFixture()
const clients = mqttClients()
afterEach(async () => {
  await clients.cleanup()
  await consoles.cleanup()
})

describe('a returning persistent session', () => {
  it('gets what was queued while it was away before a message its publisher sends after its return [MQTT-4.6.0-5]', async () => {
    const c = await consoles.start({ mqttPort: 0 })
    const port = c.addresses.transports.find((t) => t.protocol === 'mqtt')!.port
    const session = { clientId: 'panel-9', clean: false }
    const away = await clients.connect(port, session)
    await away.subscribeAsync('plant/alerts', { qos: 1 })
    await away.endAsync()
    const publisher = await clients.connect(port)
    const queued = Array.from({ length: 300 }, (_, i) => `queued-${i}`)
    await Promise.all(
      queued.map((text) => publisher.publishAsync('plant/alerts', text, { qos: 1 }))
    )

    // Sent the moment the session is back: a long queue is still being handed over then, and
    // without queueFirst this one overtook most of it.
    const back = clients.begin(port, session)
    const seen = recordMessages(back)
    back.once('connect', () => void publisher.publishAsync('plant/alerts', 'after', { qos: 1 }))
    await eventually(() => seen.length >= queued.length + 1, 'the queue and the one after')
    expect(seen.map((m) => m.payload)).toEqual([...queued, 'after'])
  })
})
