import type { Client } from 'aedes'

/** How aedes hands one message to a connected client (its own, untyped, per-client functions). */
type Deliver = (packet: unknown, done: (error?: Error) => void) => void

interface DeliveringClient {
  deliver0: Deliver
  deliverQoS: Deliver
  conn: { once(event: 'close', listener: () => void): unknown }
  once(event: 'connected', listener: () => void): unknown
}

/**
 * Makes a returning persistent session get what was queued for it before anything newer.
 * aedes restores its subscriptions before CONNACK and hands it the queue after, while new
 * messages already flow through those subscriptions: one published after the return could
 * overtake those its publisher sent before, against [MQTT-4.6.0-5] (aedes issue #649; Mosquitto
 * hands the queue over first). So new deliveries wait, in order, until aedes says the client is
 * connected — which it says once the queue is written — or its connection closes (then aedes
 * answers each as undeliverable, and its publisher is not left waiting).
 */
export function queueFirst(client: Client): void {
  const c = client as unknown as DeliveringClient
  const waiting: Array<() => void> = []
  let held = true
  const hold =
    (deliver: Deliver): Deliver =>
    (packet, done) => {
      if (held) waiting.push(() => deliver(packet, done))
      else deliver(packet, done)
    }
  const release = (): void => {
    if (!held) return
    held = false
    for (const deliver of waiting.splice(0)) deliver()
  }
  c.deliver0 = hold(c.deliver0)
  c.deliverQoS = hold(c.deliverQoS)
  c.once('connected', release)
  c.conn.once('close', release)
}
