import { spawnSync } from 'node:child_process'

import mqtt, { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'

import { PYTHON } from './python-socketio'

/** Where Debian's mosquitto package puts the broker (sbin: not on a user's PATH). */
export const MOSQUITTO = '/usr/sbin/mosquitto'

/**
 * MQTT.js clients of one spec, all ended by `cleanup()` (call it from afterEach). No reconnects:
 * a refused or dropped connection stays so, for the spec to see.
 */
export function mqttClients() {
  const open: MqttClient[] = []
  return {
    async connect(port: number, options: IClientOptions = {}): Promise<MqttClient> {
      const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...options
      })
      open.push(client)
      return client
    },
    /** Connects without waiting for CONNACK: listeners set now see what comes right after it. */
    begin(port: number, options: IClientOptions = {}): MqttClient {
      const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...options
      })
      open.push(client)
      return client
    },
    async cleanup(): Promise<void> {
      await Promise.all(open.splice(0).map((c) => c.endAsync(true)))
    }
  }
}

/** The next message on a topic matching `topic` (exactly), as text; rejects after `timeoutMs`. */
export function nextMessage(
  client: MqttClient,
  topic: string,
  timeoutMs = 5000
): Promise<{ payload: string; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', listener)
      reject(new Error(`no message on ${topic} within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (t: string, payload: Buffer, packet: { retain: boolean }): void => {
      if (t !== topic) return
      clearTimeout(timer)
      client.off('message', listener)
      resolve({ payload: payload.toString(), retain: packet.retain })
    }
    client.on('message', listener)
  })
}

/** Every message a client receives, by arrival: topic and text. */
export function recordMessages(client: MqttClient): Array<{ topic: string; payload: string }> {
  const seen: Array<{ topic: string; payload: string }> = []
  client.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }))
  return seen
}

/**
 * Whether the paho witness can run: Debian's python3-paho-mqtt importable by PYTHON. When it is
 * not, the skip is said loudly on stderr, and under CI it is an error, since CI must run every
 * test.
 */
export function pythonPahoAvailable(): boolean {
  const available =
    spawnSync(PYTHON, ['-c', 'import paho.mqtt.client'], { encoding: 'utf8' }).status === 0
  if (!available) {
    const line = `\n*** SKIPPED: the MQTT witness test needs Debian's python3-paho-mqtt: apt-get install -y python3-paho-mqtt ***\n`
    if (process.env.CI) throw new Error(`CI must run every test${line}`)
    process.stderr.write(line)
  }
  return available
}

/**
 * Whether the mosquitto-clients witness can run: Debian's `mosquitto_pub` and `mosquitto_sub`
 * on the PATH; said loudly when not, and an error under CI, as above.
 */
export function mosquittoClientsAvailable(): boolean {
  const available = ['mosquitto_pub', 'mosquitto_sub'].every(
    (tool) => spawnSync(tool, ['--help'], { encoding: 'utf8' }).error === undefined
  )
  if (!available) {
    const line = `\n*** SKIPPED: the mosquitto-clients witness test needs Debian's mosquitto-clients: apt-get install -y mosquitto-clients ***\n`
    if (process.env.CI) throw new Error(`CI must run every test${line}`)
    process.stderr.write(line)
  }
  return available
}

/**
 * Whether the broker-against-broker witness can run: Debian's Mosquitto broker at MOSQUITTO;
 * said loudly when not, and an error under CI, as above.
 */
export function mosquittoBrokerAvailable(): boolean {
  const available = spawnSync(MOSQUITTO, ['-h'], { encoding: 'utf8' }).error === undefined
  if (!available) {
    const line = `\n*** SKIPPED: the MQTT conformance witness test needs Debian's Mosquitto broker: apt-get install -y mosquitto ***\n`
    if (process.env.CI) throw new Error(`CI must run every test${line}`)
    process.stderr.write(line)
  }
  return available
}
