import { OPCUACertificateManager } from 'node-opcua-certificate-manager'
import {
  AttributeIds,
  ClientMonitoredItem,
  OPCUAClient,
  resolveNodeId,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type UserIdentityInfo
} from 'node-opcua-client'

import type {
  OpcuaNode,
  OpcuaSourceConfig,
  SourceDriverEvents,
  SourceReading
} from '../../../../shared/source-types'
import type { OpcuaDriverFactory, SourceDriver, SourceDriverOptions } from '../source-driver'
import { routeOpcuaLogs } from './opcua-logging'
import { valueOf } from './opcua-values'

export interface OpcuaDriverSettings {
  /**
   * The folder of the client's certificate, its key and the servers' certificates it trusts
   * (node-opcua's PKI layout: own/, trusted/, rejected/ …); made when missing. The console gives
   * `<data-dir>/opcua-pki`; left to node-opcua it would be a folder in the user's home.
   */
  pkiDir: string
  /** Connecting, up to a subscription that watches every node, may take this long; 15 s. */
  connectTimeoutMs?: number
  /**
   * How long node-opcua may try to re-establish a lost connection on its own (the state is
   * `connecting` meanwhile) before the driver gives up (`error`) and the source starts afresh
   * after its backoff; 30 s.
   */
  reconnectGiveUpMs?: number
  /** The first and the longest wait between node-opcua's reconnect attempts; 500 ms, 10 s. */
  retryInitialMs?: number
  retryMaxMs?: number
  /** What `stop()` waits for the session to close and the connection to end; 3 s. */
  stopTimeoutMs?: number
}

const DEFAULT_SAMPLING_MS = 1000
/** The words of a failure the driver lists: at most this many nodes, then "and N more". */
const LISTED_FAILURES = 5

/** node-opcua's messages run over several lines: one line, of bounded length. */
function words(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error)
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 400 ? `${line.slice(0, 399)}…` : line
}

/** Resolves once `promise` settles or after `ms`, whichever is first; never rejects. */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  ])
  clearTimeout(timer)
}

/** Rejects with `what timed out after N ms` when `promise` takes longer. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
      })
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * An OPC UA client of one server: one session, one subscription, one monitored item per node
 * (sampled every `samplingMs`, queue size 1, the oldest value discarded). Each data change is a
 * reading of its field; changes that arrive together (one publish response) are one reading.
 *
 * States: `connecting` until the subscription is up, then `connected`. A node the server refuses
 * (unknown, bad id) is left out and logged: the others keep reading, `connected`; only when
 * every node is refused is it `error`, with each node's reason. A lost connection is
 * re-established by node-opcua itself (a fresh secure channel, the session and subscription
 * restored): `connecting` meanwhile, `connected` again once the session is back; should that
 * take longer than `reconnectGiveUpMs`, `error`, and the source makes a new driver after its
 * backoff. A failed first connect (refused, wrong password, timed out) is `error` at once.
 */
class OpcuaDriver implements SourceDriver {
  private client: OPCUAClient | null = null
  private session: ClientSession | null = null
  private subscription: ClientSubscription | null = null
  private certificates: OPCUACertificateManager | null = null
  private done = false
  private connected = false
  private giveUp: NodeJS.Timeout | null = null
  /** The last reconnect failure node-opcua reported, for the words of giving up. */
  private lastReconnectFailure: string | null = null
  private pending: SourceReading | null = null
  private flush: NodeJS.Immediate | null = null
  /** Fields whose value was no report value, said once each. */
  private readonly skipped = new Set<string>()
  private readonly connectTimeoutMs: number
  private readonly reconnectGiveUpMs: number
  private readonly stopTimeoutMs: number

  constructor(
    private readonly config: OpcuaSourceConfig,
    private readonly events: SourceDriverEvents,
    private readonly options: SourceDriverOptions,
    private readonly settings: OpcuaDriverSettings
  ) {
    this.connectTimeoutMs = settings.connectTimeoutMs ?? 15_000
    this.reconnectGiveUpMs = settings.reconnectGiveUpMs ?? 30_000
    this.stopTimeoutMs = settings.stopTimeoutMs ?? 3000
  }

  start(): void {
    this.events.state('connecting')
    void within(this.connect(), this.connectTimeoutMs, `connecting to ${this.config.endpoint}`)
      .then((failures) => {
        if (this.done) return
        this.connected = true
        if (failures.length > 0) {
          this.options.logger.warn({ nodes: failures.join('; ') }, 'opcua nodes left out')
          // Still connected: its other nodes read. The reason goes along for the source's health.
          this.events.state('connected', this.failureText(failures))
        } else this.events.state('connected')
      })
      .catch((error: unknown) => this.fail(words(error)))
  }

  /** Up to a subscription watching every node the server took; returns the others' reasons. */
  private async connect(): Promise<string[]> {
    const { config, settings } = this
    this.certificates = new OPCUACertificateManager({
      rootFolder: settings.pkiDir,
      // No chokidar watchers (their handles would outlive a stopped driver in specs and cost
      // a watch per folder): the trusted/ folder is read again at each connect.
      disableFileWatchers: true,
      // Trust on first use, as node-opcua's own default: a server's certificate is accepted
      // and kept in trusted/. Only the Sign modes use it (see docs/sources.md).
      automaticallyAcceptUnknownCertificate: true
    })
    const client = OPCUAClient.create({
      applicationName: 'Lookout',
      clientName: `lookout-${config.id}`,
      endpointMustExist: false,
      securityMode: config.securityMode ?? 'None',
      securityPolicy: config.securityPolicy ?? 'None',
      clientCertificateManager: this.certificates,
      // maxRetry applies to the first connect only (node-opcua re-establishes a lost connection
      // without limit, at these delays): a first connect that fails is this driver's `error`,
      // and the source's backoff is the retry.
      connectionStrategy: {
        maxRetry: 1,
        initialDelay: settings.retryInitialMs ?? 500,
        maxDelay: settings.retryMaxMs ?? 10_000
      }
    })
    this.client = client
    this.watchConnection(client)
    await client.connect(config.endpoint)
    if (this.done) return []
    const identity: UserIdentityInfo =
      config.user === undefined
        ? { type: UserTokenType.Anonymous }
        : { type: UserTokenType.UserName, userName: config.user, password: config.password ?? '' }
    const session = await client.createSession(identity).catch((error: unknown) => {
      const who = config.user === undefined ? 'anonymous' : `user ${config.user}`
      throw new Error(`the server refused a session (${who}): ${words(error)}`)
    })
    this.session = session
    session.on('session_restored', () => this.restored())
    if (this.done) return []
    const fastest = Math.min(...config.nodes.map((n) => n.samplingMs ?? DEFAULT_SAMPLING_MS))
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: fastest,
      requestedLifetimeCount: 100,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1
    })
    this.subscription = subscription
    const results = await Promise.all(config.nodes.map((node) => this.monitor(subscription, node)))
    const failures = results.filter((r): r is string => r !== null)
    if (failures.length === config.nodes.length) throw new Error(this.failureText(failures))
    return failures
  }

  /** Watches one node; resolves null once the server took it, or with why it did not. */
  private monitor(subscription: ClientSubscription, node: OpcuaNode): Promise<string | null> {
    let nodeId
    try {
      nodeId = resolveNodeId(node.nodeId)
    } catch {
      return Promise.resolve(`${node.nodeId}: not a node id (ns=2;s=Name, i=2258 …)`)
    }
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId, attributeId: AttributeIds.Value },
      {
        samplingInterval: node.samplingMs ?? DEFAULT_SAMPLING_MS,
        queueSize: 1,
        discardOldest: true
      },
      TimestampsToReturn.Neither
    )
    item.on('changed', (dataValue: DataValue) => this.changed(node, dataValue))
    return new Promise((resolve) => {
      item.once('initialized', () => resolve(null))
      item.once('err', (message: string) => resolve(`${node.nodeId}: ${message}`))
    })
  }

  private changed(node: OpcuaNode, dataValue: DataValue): void {
    if (this.done) return
    if (!dataValue.statusCode.isGood()) {
      this.skipOnce(node, `its status is ${dataValue.statusCode.name}`)
      return
    }
    const mapped = valueOf(dataValue.value)
    if ('skip' in mapped) {
      this.skipOnce(node, `its value is ${mapped.skip}`)
      return
    }
    this.pending ??= {}
    this.pending[node.field] = mapped.value
    // node-opcua hands out a publish response's changes one by one in the same tick: gathered
    // until the next turn of the loop, they are one reading.
    this.flush ??= setImmediate(() => {
      this.flush = null
      const reading = this.pending
      this.pending = null
      if (reading !== null && !this.done) this.events.reading(reading, this.options.now())
    })
  }

  private skipOnce(node: OpcuaNode, why: string): void {
    if (this.skipped.has(node.field)) return
    this.skipped.add(node.field)
    this.options.logger.warn(
      { field: node.field, nodeId: node.nodeId, reason: why },
      'opcua value skipped (said once per field)'
    )
  }

  private watchConnection(client: OPCUAClient): void {
    const logger = this.options.logger
    client.on('connection_lost', () => {
      if (this.done || !this.connected) return
      this.connected = false
      logger.warn({ endpoint: this.config.endpoint }, 'opcua connection lost; reconnecting')
      this.events.state('connecting', `lost the connection to ${this.config.endpoint}`)
      this.giveUp ??= setTimeout(() => {
        this.giveUp = null
        const last = this.lastReconnectFailure === null ? '' : `: ${this.lastReconnectFailure}`
        this.fail(
          `the connection to ${this.config.endpoint} was lost and not re-established within ${this.reconnectGiveUpMs} ms${last}`
        )
      }, this.reconnectGiveUpMs)
    })
    client.on('backoff', (count: number, delay: number) =>
      logger.debug({ attempt: count, delayMs: delay }, 'opcua connect attempt failed; retrying')
    )
    client.on('reconnection_attempt_has_failed', (error: Error) => {
      this.lastReconnectFailure = words(error)
    })
    client.on('connection_reestablished', () =>
      logger.debug({ endpoint: this.config.endpoint }, 'opcua connection re-established')
    )
  }

  /** The session is back (repaired or made anew, its subscription with it): reading again. */
  private restored(): void {
    if (this.done || this.connected) return
    this.connected = true
    this.lastReconnectFailure = null
    this.clearGiveUp()
    this.options.logger.info({ endpoint: this.config.endpoint }, 'opcua session restored')
    this.events.state('connected')
  }

  private failureText(failures: string[]): string {
    const listed = failures.slice(0, LISTED_FAILURES).join('; ')
    const more = failures.length - LISTED_FAILURES
    return more > 0 ? `${listed}; and ${more} more` : listed
  }

  /** The first failure ends this driver: said once; `stop()` (the source calls it) closes. */
  private fail(reason: string): void {
    if (this.done) return
    this.done = true
    this.clearGiveUp()
    this.events.state('error', reason)
  }

  private clearGiveUp(): void {
    if (this.giveUp !== null) clearTimeout(this.giveUp)
    this.giveUp = null
  }

  async stop(): Promise<void> {
    this.done = true
    this.clearGiveUp()
    if (this.flush !== null) clearImmediate(this.flush)
    this.flush = null
    const { client, session, subscription, certificates } = this
    this.client = null
    this.session = null
    this.subscription = null
    this.certificates = null
    // Each step bounded: a server that went away must not hold the console's stop.
    if (subscription !== null) await bounded(subscription.terminate(), this.stopTimeoutMs)
    if (session !== null) await bounded(session.close(), this.stopTimeoutMs)
    if (client !== null) await bounded(client.disconnect(), this.stopTimeoutMs)
    if (certificates !== null) {
      // The client took a reference and disconnect may not have given it back (a connect that
      // failed): dropped to none, then disposed for good.
      certificates.referenceCounter = 0
      await bounded(certificates.dispose(), this.stopTimeoutMs)
    }
  }
}

/** The factory of OPC UA drivers keeping their certificates in `settings.pkiDir`. */
export function opcuaDriverFactory(settings: OpcuaDriverSettings): OpcuaDriverFactory {
  return (config, events, options) => {
    routeOpcuaLogs(options.logger.child({ ns: 'opcua' }))
    return new OpcuaDriver(config, events, options, settings)
  }
}
