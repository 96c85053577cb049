import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

import type { Aedes, AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes'

import type { IngestEndpoint } from '../../../../shared/live-events'
import type { AuthThrottle } from '../../auth/auth-throttle'
import type { ConsoleKeys } from '../../auth/keys'
import { listen } from '../../runtime/listen'
import type { Logger } from '../../runtime/logger'
import type { IngestTransport } from '../ingest-transport'
import type { Intake } from '../intake'
import { ConnectionLimits } from '../tcp/connection-limits'
import { BoundedPersistence, type PersistenceLimits } from './bounded-persistence'
import { FrameWatch } from './frame-watch'
import { GatedConnection } from './gated-connection'
import { grantedQos } from './granted-qos'
import { InOrder } from './in-order'
import { isLookoutTopic } from './lookout-topics'
import { mayRead, maySubscribe, mqttLogin, type MqttDeviceAuth, type MqttLogin } from './mqtt-login'
import { MqttReports } from './mqtt-reports'
import { queueFirst } from './queue-first'
import { loadQuietPacketParser } from './quiet-packet-debug'

/** What a stranger may raise on the broker, beyond the connections. */
export interface MqttLimits extends PersistenceLimits {
  /** Longest topic (or topic filter) in characters. */
  maxTopicLength: number
  /** Most levels in a topic (aedes: `maxTopicLevels`). */
  maxTopicLevels: number
  /** Subscriptions one client holds. */
  maxSubscriptionsPerClient: number
  /** Inbound QoS 2 messages one client may hold awaiting PUBREL (aedes: `maxInflightInbound`). */
  maxInflightInbound: number
  /** Bytes a packet may have beyond the longest report: its topic and headers. */
  packetOverheadBytes: number
  /** Reports of one client in the store and not yet acknowledged, above which it is not read. */
  maxReportsInFlight: number
}

export const MQTT_LIMITS: MqttLimits = {
  maxTopicLength: 512,
  maxTopicLevels: 16,
  maxSubscriptionsPerClient: 100,
  maxInflightInbound: 64,
  packetOverheadBytes: 4096,
  maxReportsInFlight: 1000,
  maxRetained: 10_000,
  maxRetainedBytes: 16 * 1024 * 1024,
  maxSessions: 2000,
  maxQueuedPerClient: 1000,
  maxQueuedBytes: 64 * 1024 * 1024,
  maxIncomingBytes: 64 * 1024 * 1024
}

export interface MqttIngestOptions {
  host: string
  port: number
  /** Where every report goes; its limit is the longest payload of a report. */
  intake: Intake
  /** The device authentication the logins follow. */
  auth: MqttDeviceAuth
  keys: ConsoleKeys
  /** The console's one throttle of wrong keys: a wrong password counts as a wrong key. */
  throttle: AuthThrottle
  logger: Logger
  maxConnections?: number
  maxConnectionsPerAddress?: number
  limitLoopback?: boolean
  /** A connection that sends nothing (not even PINGREQ) for this long is closed. */
  idleTimeoutMs?: number
  /** A connection must send CONNECT within this. */
  connectTimeoutMs?: number
  limits?: Partial<MqttLimits>
  now?: () => number
}

/** CONNACK's return code for a client id the broker does not take (MQTT 3.1.1, 3.2.2.3). */
const CONNACK_IDENTIFIER_REJECTED = 2

/** At most one warning per reason in this time. */
const WARN_EVERY_MS = 10_000

/**
 * An MQTT 3.1.1 broker (aedes) as a way in for reports: a publish to `lookout/<device-id>` (a
 * JSON report) or `lookout/<device-id>/<field>` (one value) goes to the intake, and is
 * acknowledged once stored (mqtt-reports.ts says what a refusal gets). Every other topic is
 * plain MQTT — retained messages, wills, QoS 0/1/2, wildcards, persistent sessions — between the
 * clients, bounded in what each may hold (MqttLimits). Logins follow the device auth
 * (mqtt-login.ts): a device token as the password, or a console key to read `lookout/#`.
 */
export class MqttIngest implements IngestTransport {
  private server: Server | null = null
  private broker: Aedes | null = null
  private endpoint: IngestEndpoint | null = null
  private stopping = false
  private readonly sockets = new Set<Socket>()
  private readonly connections: ConnectionLimits
  private readonly limits: MqttLimits
  private readonly persistence: BoundedPersistence
  private readonly reports: MqttReports
  private readonly clients = new WeakMap<Client, ClientState>()
  /** Clients whose CONNECT asked for a persistent session under an empty id. */
  private readonly unnamedSessions = new WeakSet<Client>()
  /** Reports handed to the intake and not yet acknowledged (or refused), all clients. */
  private unanswered = 0
  private settled: (() => void) | null = null
  private readonly drainWaiters: Array<() => void> = []
  private readonly lastWarned = new Map<string, number>()
  private readonly now: () => number

  constructor(private readonly options: MqttIngestOptions) {
    this.limits = { ...MQTT_LIMITS, ...options.limits }
    this.connections = new ConnectionLimits(
      options.maxConnections ?? 2000,
      options.maxConnectionsPerAddress ?? 64,
      options.limitLoopback ?? false
    )
    this.persistence = new BoundedPersistence(this.limits)
    this.reports = new MqttReports({ intake: options.intake, auth: options.auth })
    this.now = options.now ?? Date.now
  }

  get connectionCount(): number {
    return this.sockets.size
  }

  async start(): Promise<IngestEndpoint> {
    // aedes is an ES module; imported when a broker is wanted, so a console without one never
    // loads it. Its packet parser first, without per-packet debug calls (see the function).
    loadQuietPacketParser()
    const { Aedes } = await import('aedes')
    const broker = new Aedes(this.brokerOptions())
    await broker.listen()
    this.broker = broker
    broker.on('clientError', (client, error) =>
      this.options.logger.debug({ client: client.id, err: error }, 'MQTT client error')
    )
    broker.on('connectionError', (_client, error) =>
      this.options.logger.debug({ err: error }, 'MQTT connection error')
    )
    broker.on('clientReady', (client) =>
      this.options.logger.debug(
        { client: client.id, role: this.clients.get(client)?.login.role },
        'MQTT client connected'
      )
    )
    broker.on('clientDisconnect', (client) =>
      this.options.logger.debug({ client: client.id }, 'MQTT client disconnected')
    )
    const server = createServer((socket) => this.accept(socket, broker))
    this.server = server
    try {
      const { port } = (await listen(server, this.options.port, this.options.host)) as AddressInfo
      this.endpoint = { protocol: 'mqtt', host: this.options.host, port }
    } catch (error) {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      this.broker = null
      this.server = null
      throw error
    }
    server.on('error', (error) => this.options.logger.error({ err: error }, 'MQTT listener error'))
    return this.endpoint
  }

  address(): IngestEndpoint {
    if (this.endpoint === null) throw new Error('the MQTT broker is not started')
    return this.endpoint
  }

  /**
   * Stops accepting and taking reports (a report published now is not acknowledged: the device
   * sends it again), waits for the answers of those in the store, then disconnects every client.
   */
  async stop(): Promise<void> {
    const { server, broker } = this
    if (server === null || broker === null) return
    this.stopping = true
    this.server = null
    this.broker = null
    this.endpoint = null
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    if (this.unanswered > 0) await new Promise<void>((resolve) => (this.settled = resolve))
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  private accept(socket: Socket, broker: Aedes): void {
    const address = socket.remoteAddress ?? 'unknown'
    const refused = this.connections.admit(address)
    if (refused !== null) {
      this.warn(refused, { peer: address }, `refused an MQTT connection: ${refused}`)
      socket.on('error', () => undefined)
      socket.destroy()
      return
    }
    this.sockets.add(socket)
    socket.on('close', () => {
      this.sockets.delete(socket)
      this.connections.release(address)
    })
    socket.setNoDelay(true)
    if (this.options.idleTimeoutMs !== undefined)
      socket.setTimeout(this.options.idleTimeoutMs, () => socket.destroy())
    const watch = new FrameWatch(
      this.options.intake.maxMessageBytes + this.limits.packetOverheadBytes
    )
    const connection = new GatedConnection(socket, watch, () =>
      this.warn(
        'too-large',
        { peer: address, maxBytes: watch.maxPacketBytes },
        'closed an MQTT connection that sent a packet longer than the limit'
      )
    )
    broker.handle(connection)
  }

  /**
   * A client is not read while it has as many reports in the store as it may, or while the store
   * is saturated and it has any there (as a TCP connection): each answer looks again.
   */
  private gate(state: ClientState): void {
    const hold =
      state.inFlight >= this.limits.maxReportsInFlight ||
      (state.inFlight > 0 && this.options.intake.saturated)
    if (hold) state.connection.hold()
    else state.connection.release()
  }

  private brokerOptions(): AedesOptions {
    const limits = this.limits
    return {
      persistence: this.persistence,
      maxTopicLevels: limits.maxTopicLevels,
      maxInflightInbound: limits.maxInflightInbound,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      drainTimeout: 30_000,
      preConnect: (client, packet, done) => {
        // aedes names every client that sends an empty id, even one asking for a persistent
        // session, which could then never be found again: refused instead [MQTT-3.1.3-8].
        if (packet.clientId === '' && !packet.clean) this.unnamedSessions.add(client)
        if (!packet.clean) queueFirst(client)
        done(null, true)
      },
      authenticate: (client, _username, password, done) => {
        if (this.unnamedSessions.has(client)) {
          const error = new Error('a persistent session needs a client id') as AuthenticateError
          error.returnCode = CONNACK_IDENTIFIER_REJECTED
          done(error, false)
          return
        }
        const verdict = mqttLogin(password as Buffer | undefined, peerAddress(client), {
          auth: this.options.auth,
          keys: this.options.keys,
          throttle: this.options.throttle
        })
        if (verdict.ok) {
          const connection = client.conn as GatedConnection
          this.clients.set(client, {
            login: verdict.login,
            order: new InOrder(),
            connection,
            peer: peerOf(connection),
            inFlight: 0
          })
          done(null, true)
          return
        }
        const error = new Error('MQTT login refused') as AuthenticateError
        error.returnCode = verdict.returnCode
        done(error, false)
      },
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => {
        const login = this.clients.get(client)?.login
        const subscriptions = (client as Client & { subscriptions: Record<string, unknown> })
          .subscriptions
        const topic = subscription.topic
        const allowed =
          login !== undefined &&
          topic.length <= limits.maxTopicLength &&
          (topic in subscriptions ||
            Object.keys(subscriptions).length < limits.maxSubscriptionsPerClient) &&
          this.persistence.sessionRoomFor(client.id) &&
          maySubscribe(login, topic, this.options.auth)
        // Refused: SUBACK says 0x80 for this filter; the connection stays.
        done(null, allowed ? subscription : null)
      },
      authorizeForward: (client, packet) => {
        if (this.reports.undeliverable.has(packet.payload as Buffer)) return null
        const login = this.clients.get(client)?.login
        if (login === undefined || !mayRead(login, packet.topic, this.options.auth)) return null
        if (packet.qos === 0) return packet
        const subscriptions = (
          client as Client & { subscriptions: Record<string, { qos: number }> }
        ).subscriptions
        const granted = grantedQos(subscriptions, packet.topic) as typeof packet.qos | null
        // A copy: the same packet goes to every subscriber.
        return granted !== null && granted < packet.qos ? { ...packet, qos: granted } : packet
      }
    }
  }

  /**
   * Every publish, in the order it came from its client: reports to the intake; everything else
   * checked against the limits. A refused non-report closes the connection, as MQTT 3.1.1 has
   * no way to say no to a PUBLISH [MQTT-3.3.5-2].
   */
  private authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    done: (error?: Error | null) => void
  ): void {
    const topic = packet.topic
    const payloadBytes = (packet.payload as Buffer).length
    const problem =
      topic.length > this.limits.maxTopicLength
        ? `topic longer than ${this.limits.maxTopicLength} characters`
        : topic.startsWith('$SYS')
          ? '$SYS topics are the broker’s'
          : packet.retain && !this.persistence.retainedRoomFor(topic, payloadBytes)
            ? 'no room for another retained message'
            : null
    const state = client === null ? undefined : this.clients.get(client)
    if (problem !== null || state === undefined) {
      done(new Error(problem ?? 'not logged in'))
      return
    }
    const release = state.order.enter()
    if (!isLookoutTopic(topic)) {
      release(() => done(null))
      return
    }
    if (this.stopping) {
      release(() => done(new Error('the console is stopping')))
      return
    }
    state.inFlight += 1
    this.unanswered += 1
    this.gate(state)
    this.reports.handle(packet, state.login, state.peer, (error) => {
      const answer = (): void =>
        release(() => {
          state.inFlight -= 1
          this.gate(state)
          done(error)
          if (--this.unanswered === 0) this.settled?.()
        })
      // Stored while the store's queue is full: the acknowledgement waits for it to drain, and
      // the client is not read meanwhile — a flood waits at its sender, not in memory.
      if (error === null && this.options.intake.saturated) {
        state.connection.hold()
        this.whenDrained(answer)
      } else answer()
    })
  }

  private whenDrained(listener: () => void): void {
    this.drainWaiters.push(listener)
    if (this.drainWaiters.length > 1) return
    this.options.intake.onceDrained(() => {
      for (const waiter of this.drainWaiters.splice(0)) waiter()
    })
  }

  private warn(reason: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now()
    if (now - (this.lastWarned.get(reason) ?? -Infinity) < WARN_EVERY_MS) return
    this.lastWarned.set(reason, now)
    this.options.logger.warn(fields, message)
  }
}

/** What the broker knows of one logged-in client. */
interface ClientState {
  login: MqttLogin
  /** Its publishes, answered in the order they came. */
  order: InOrder
  connection: GatedConnection
  /** `address:port`, for the log of its reports. */
  peer: string
  /** Its reports handed to the intake and not yet acknowledged. */
  inFlight: number
}

function peerAddress(client: Client): string {
  return (client.conn as GatedConnection).remoteAddress ?? 'unknown'
}

function peerOf(connection: GatedConnection): string {
  return `${connection.remoteAddress}:${connection.remotePort}`
}
