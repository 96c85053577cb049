import Module, { createRequire } from 'node:module'

type Logger = ((...args: unknown[]) => void) & { enabled: boolean; namespace: string }

/**
 * mqtt-packet, which parses and writes every MQTT packet for aedes, calls `debug(…)` about twenty
 * times a packet. With `DEBUG` unset each call still builds a rest-argument array and reads a
 * getter before it returns: under a QoS 1 load 3 % of the broker's CPU and 8 % of what it
 * allocates (and the young-generation collections that allocation causes are the broker's
 * largest single cost).
 *
 * So, unless `DEBUG` is set (then nothing changes, and `DEBUG=mqtt-packet:*` prints as ever),
 * aedes's mqtt-packet is loaded here first, with a `debug` whose loggers do nothing put in the
 * module cache for the moment it loads; then the real one is put back, so no other library's
 * `debug` changes. With `DEBUG` unset the real loggers print nothing either: nothing a user can
 * see changes. Returns whether it did this (false with `DEBUG` set, or when mqtt-packet was
 * loaded already and so holds real loggers).
 */
export function loadQuietPacketParser(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DEBUG !== undefined && env.DEBUG !== '') return false
  const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'))
  const packetEntry = fromAedes.resolve('mqtt-packet')
  const cache = fromAedes.cache
  if (cache[packetEntry] !== undefined) return false
  const debugEntry = createRequire(packetEntry).resolve('debug')
  const real = cache[debugEntry]
  const quiet = new Module(debugEntry)
  quiet.filename = debugEntry
  quiet.loaded = true
  quiet.exports = silentLogger
  cache[debugEntry] = quiet
  try {
    fromAedes(packetEntry)
  } finally {
    if (real === undefined) delete cache[debugEntry]
    else cache[debugEntry] = real
  }
  return true
}

function silentLogger(namespace: string): Logger {
  const log = (() => undefined) as unknown as Logger
  log.enabled = false
  log.namespace = namespace
  return log
}
