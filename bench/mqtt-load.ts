/**
 * One MQTT load process (forked by bench/mqtt-step.ts): `connections` MQTT.js clients, each
 * keeping `window` QoS 1 publishes unacknowledged, for `seconds`. Sends back
 * `{ acked, seconds, errors }` and exits. The same load for any broker: Lookout's or Mosquitto's.
 *
 * Usage: mqtt-load.ts <port> <connections> <window> <seconds> <payload-bytes>
 */
import { connectAsync, type MqttClient } from 'mqtt'

const [port, connections, window, seconds, payloadBytes] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
  number,
  number
]

async function run(): Promise<{ acked: number; seconds: number; errors: number }> {
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: connections }, (_, n) =>
      connectAsync(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 4,
        clientId: `bench-${process.pid}-${n}`,
        reconnectPeriod: 0,
        connectTimeout: 10_000
      })
    )
  )
  let acked = 0
  let errors = 0
  let running = true
  const started = performance.now()
  const pad = 'x'.repeat(Math.max(0, payloadBytes - 60))
  const senders = clients.map(async (client, n) => {
    const topic = `lookout/mqtt-bench-${process.pid}-${n}`
    let seq = 0
    const one = async (): Promise<void> => {
      while (running) {
        seq += 1
        try {
          await client.publishAsync(topic, JSON.stringify({ seq, temp: 20 + (seq % 10), pad }), {
            qos: 1
          })
          if (running) acked += 1
        } catch {
          errors += 1
          return
        }
      }
    }
    await Promise.all(Array.from({ length: window }, one))
  })
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  running = false
  const elapsed = (performance.now() - started) / 1000
  const counted = acked
  await Promise.race([Promise.all(senders), new Promise((r) => setTimeout(r, 5000))])
  await Promise.all(clients.map((c) => c.endAsync(true)))
  return { acked: counted, seconds: elapsed, errors }
}

run().then(
  (result) => {
    process.send?.(result)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`mqtt-load: ${(error as Error).message}\n`)
    process.exit(1)
  }
)
