/**
 * The QoS a message on `topic` may reach a client at: the highest granted to its subscriptions
 * that match the topic [MQTT-3.3.5-1], or null when none does. aedes lowers a message to the
 * granted QoS only when a subscription names the topic itself, so without this a QoS 2 publish
 * reached a `plant/#` subscription granted QoS 1 at QoS 2, and a retained one reached a QoS 0
 * subscription at the QoS it was published with — against [MQTT-3.8.4-6]; Mosquitto lowers it.
 */
export function grantedQos(
  subscriptions: Readonly<Record<string, { qos: number }>>,
  topic: string
): number | null {
  let granted: number | null = null
  const levels = topic.split('/')
  for (const filter in subscriptions) {
    const qos = subscriptions[filter]!.qos
    if ((granted === null || qos > granted) && filterMatches(filter, levels)) granted = qos
  }
  return granted
}

/**
 * MQTT 3.1.1 topic matching (4.7): `+` is one level (an empty one too), `#` the rest, the
 * parent level included; a filter that starts with a wildcard never matches a `$` topic.
 */
export function filterMatches(filter: string, topicLevels: readonly string[]): boolean {
  const parts = filter.split('/')
  if ((parts[0] === '+' || parts[0] === '#') && topicLevels[0]!.startsWith('$')) return false
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (part === '#') return true
    if (i >= topicLevels.length) return false
    if (part !== '+' && part !== topicLevels[i]) return false
  }
  return parts.length === topicLevels.length
}
