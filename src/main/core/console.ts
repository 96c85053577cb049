import { join } from 'node:path'

import { Server as SocketServer } from 'socket.io'

import { version } from '../../../package.json'
import type {
  CreatedDeviceToken,
  DeviceTokenSettings,
  MessageAccepted,
  MessageStatus
} from '../../shared/api-types'
import type { StoredReport } from '../../shared/ingest-protocol'
import type { ConsoleInfo, LiveSnapshot } from '../../shared/live-events'
import { LIVE_NAMESPACE } from '../../shared/live-events'
import { PUSH_NAMESPACE } from '../../shared/push-events'
import { ConfigError, type ConsoleConfig } from './config'
import { lockDataDir, type DataDirLock } from './runtime/data-dir-lock'
import { DeviceEventLog } from './devices/device-event-log'
import { DeviceRegistry } from './devices/device-registry'
import { ConsoleDiagnostics } from './runtime/diagnostics'
import { displayHost } from './runtime/display-address'
import { DeviceLimit } from './ingest/device-admission'
import { ConsoleDeviceAuthenticator } from './ingest/device-auth'
import { DeviceTokenFile } from './ingest/device-token-file'
import { IngestServer } from './ingest/ingest-server'
import { ManagedTokens } from './ingest/managed-tokens'
import { ReportParser } from './ingest/report-parser'
import { ACCESS_KEY_FILE, loadOrCreateKey, VIEW_KEY_FILE, type ConsoleKeys } from './auth/keys'
import { silentLogger, type Logger } from './runtime/logger'
import { HostSampler, type MetricsSource } from './metrics/host-sampler'
import { MessageService } from './push/message-service'
import { PushClientRegistry } from './push/push-client-registry'
import { PushConnections } from './push/push-connections'
import { RequestError } from './operations/request-error'
import {
  parseCreateDeviceToken,
  parseReportQuery,
  parseSendMessage,
  parseTokensRequired
} from './operations/request-schemas'
import { ReportStore } from './store/report-store'
import { repairTornTails } from './persistence/nedb/torn-tail'
import { reportRoutes } from './web/api-routes'
import { AuthThrottle } from './auth/auth-throttle'
import {
  LiveBroadcaster,
  type LiveBroadcasterOptions,
  type LiveListener,
  type LiveNamespace
} from './web/live-broadcaster'
import { registerLiveHandlers } from './web/live-handlers'
import { deviceTokenRoutes } from './web/device-token-routes'
import { messageRoutes } from './web/message-routes'
import { registerPushHandlers, type PushNamespace } from './web/push-handlers'
import { WebServer } from './web/web-server'

export interface ConsoleAddresses {
  /** Where devices connect, as host:port. */
  ingest: { host: string; port: number }
  web: { host: string; port: number }
  /** The console's address for a browser, with the access key: the operator's. */
  url: string
  /** The same with the read-only view key: the one to hand out. */
  viewUrl: string
}

export interface ConsoleDeps {
  logger?: Logger
  now?: () => number
  /** Host metrics; systeminformation by default. */
  metrics?: MetricsSource
  /** Tuning of the live view's batching (tests widen its interval to observe it). */
  live?: LiveBroadcasterOptions
  /** Tuning of push delivery (tests shorten the waits). */
  push?: {
    ackTimeoutMs?: number
    sweepMs?: number
    registerWithinMs?: number
    maxClientsPerAddress?: number
  }
  /** The built UI to serve on the web port (the renderer's build output). */
  uiDir?: string
}

/**
 * The console core: store, device registry, host sampler, push clients and messages, the ingest
 * listener, the web server and its Socket.IO namespaces, composed. Runs in plain Node; the
 * Electron shell and `lookout serve` both drive exactly this.
 */
export class LookoutConsole {
  private store: ReportStore | null = null
  private registry: DeviceRegistry | null = null
  private deviceLimit: DeviceLimit | null = null
  private sampler: HostSampler | null = null
  private broadcaster: LiveBroadcaster | null = null
  private ingest: IngestServer | null = null
  private web: WebServer | null = null
  private io: SocketServer | null = null
  private messages: MessageService | null = null
  private events: DeviceEventLog | null = null
  private clients: PushClientRegistry | null = null
  private lock: DataDirLock | null = null
  private consoleInfo: ConsoleInfo | null = null
  private diagnostics: ConsoleDiagnostics | null = null
  private throttle: AuthThrottle | null = null
  private tokenFile: DeviceTokenFile | null = null
  private managedTokens: ManagedTokens | null = null
  private readonly logger: Logger
  private readonly now: () => number

  constructor(
    readonly config: ConsoleConfig,
    private readonly deps: ConsoleDeps = {}
  ) {
    this.logger = deps.logger ?? silentLogger()
    this.now = deps.now ?? Date.now
  }

  async start(): Promise<ConsoleAddresses> {
    this.lock = await lockDataDir(this.config.dataDir)
    try {
      return await this.startParts()
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  private async startParts(): Promise<ConsoleAddresses> {
    const { config, logger, now } = this
    const keys: ConsoleKeys = {
      access: config.accessKey ?? (await loadOrCreateKey(config.dataDir, ACCESS_KEY_FILE)),
      view: config.viewKey ?? (await loadOrCreateKey(config.dataDir, VIEW_KEY_FILE))
    }
    if (keys.access === keys.view)
      throw new ConfigError('the view key must differ from the access key')
    if (config.deviceTokensFile !== undefined)
      this.tokenFile = await DeviceTokenFile.open(
        config.deviceTokensFile,
        logger.child({ ns: 'ingest' })
      )
    const managedTokens = await ManagedTokens.open(config.dataDir, now)
    this.managedTokens = managedTokens
    const authenticator = new ConsoleDeviceAuthenticator({
      file: this.tokenFile,
      managed: managedTokens
    })

    // Before anything loads them: a data file cut short by a crash or power cut is repaired,
    // and said so.
    const reportsDir = join(config.dataDir, 'reports')
    const dayDirs = ['device-events', 'messages'].map((d) => join(config.dataDir, d))
    for (const torn of await repairTornTails([config.dataDir, reportsDir, ...dayDirs])) {
      logger.warn(
        { file: torn.file, bytes: torn.bytes },
        'repaired a data file: removed its torn last line (a write cut short by a crash or power cut)'
      )
    }

    const started = performance.now()
    const store = await ReportStore.open({
      dir: reportsDir,
      partitionMaxReports: config.partitionMaxReports,
      retentionDays: config.retentionDays,
      retentionReports: config.retentionReports,
      openPartitionCache: config.openPartitionCache,
      logger: logger.child({ ns: 'store' }),
      now
    })
    this.store = store
    logger.info(
      {
        reports: store.reportCount,
        partitions: store.partitionCount,
        ms: Math.round(performance.now() - started)
      },
      'store opened'
    )

    // The live view's first snapshot, read before ingest opens so no report falls between.
    const seed = (await store.query({ limit: 200 })).reverse()
    const events = await DeviceEventLog.open(config.dataDir, config.retentionDays, now)
    this.events = events
    const registry = new DeviceRegistry({
      source: store,
      events,
      logger: logger.child({ ns: 'devices' }),
      offlineAfterMs: config.offlineAfterMs,
      maxDevices: config.maxDevices,
      now
    })
    this.registry = registry
    const sampler = new HostSampler({
      source: this.deps.metrics,
      logger: logger.child({ ns: 'metrics' }),
      now
    })
    this.sampler = sampler
    sampler.start()
    const clients = await PushClientRegistry.open(config.dataDir, now, {
      retentionDays: config.retentionDays
    })
    this.clients = clients
    const connections = new PushConnections(this.deps.push?.ackTimeoutMs)
    const messages = await MessageService.open({
      dir: config.dataDir,
      clients,
      connections,
      logger: logger.child({ ns: 'push' }),
      ttlMs: config.pushTtlMs,
      retentionDays: config.retentionDays,
      sweepMs: this.deps.push?.sweepMs,
      now
    })
    this.messages = messages

    const diagnostics = new ConsoleDiagnostics({
      ingestConnections: () => this.ingest?.connectionCount ?? 0,
      viewers: () => this.io?.of(LIVE_NAMESPACE).sockets.size ?? 0,
      pushClients: () => connections.size,
      live: () =>
        this.broadcaster?.pace() ?? {
          underLoad: false,
          intervalMs: config.liveIntervalMs,
          load: 0
        },
      store,
      reportsDir
    })
    this.diagnostics = diagnostics

    const throttle = new AuthThrottle(10, 60_000, now, logger.child({ ns: 'web' }))
    this.throttle = throttle
    const web = new WebServer({
      host: config.host,
      port: config.webPort,
      keys,
      throttle,
      maxBodyBytes: config.maxBodyBytes,
      allowedHosts: config.allowedHosts,
      allowedOrigins: config.allowedOrigins,
      uiDir: this.deps.uiDir,
      version,
      routes: [
        ...reportRoutes({ store, devices: registry }),
        ...messageRoutes({ messages, clients }),
        ...deviceTokenRoutes(this),
        {
          method: 'GET',
          path: '/api/diagnostics',
          role: 'operator',
          handle: () => diagnostics.read()
        }
      ],
      logger: logger.child({ ns: 'web' }),
      now
    })
    this.web = web
    // Everything on the web port is wired before the port opens: no connection can arrive
    // before its namespace and its key check exist. No CORS headers: a page from another origin
    // cannot poll the API; the keys guard the rest. The web server checks `Host` and, for
    // Socket.IO, `Origin` before Socket.IO sees a request.
    const io = new SocketServer(web.httpServer, { serveClient: false })
    this.io = io
    const live = io.of(LIVE_NAMESPACE) as LiveNamespace
    this.broadcaster = new LiveBroadcaster(
      live,
      { reports: store, devices: registry, metrics: sampler, clients },
      seed,
      {
        now,
        minIntervalMs: config.liveIntervalMs,
        ...this.deps.live
      }
    )
    registerLiveHandlers(live, {
      keys,
      throttle,
      info: () => this.info(),
      broadcaster: this.broadcaster,
      maxViewers: config.maxViewers
    })
    registerPushHandlers(io.of(PUSH_NAMESPACE) as PushNamespace, {
      clients,
      connections,
      messages,
      logger: logger.child({ ns: 'push' }),
      pushKey: config.pushKey,
      throttle,
      maxClients: config.maxPushClients,
      maxClientsPerAddress: this.deps.push?.maxClientsPerAddress,
      registerWithinMs: this.deps.push?.registerWithinMs,
      now
    })
    const webAddress = await web.start()

    this.deviceLimit = new DeviceLimit(registry, logger.child({ ns: 'ingest' }), now)
    this.ingest = new IngestServer({
      host: config.host,
      port: config.ingestPort,
      maxLineBytes: config.maxLineBytes,
      maxConnections: config.maxConnections,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      idleTimeoutMs: config.idleTimeoutMs,
      parser: new ReportParser(authenticator),
      sink: store,
      admission: this.deviceLimit,
      logger: logger.child({ ns: 'ingest' }),
      now
    })
    const ingestAddress = await this.ingest.start()

    const shownHost = displayHost(config.host)
    logger.info(
      { ingestPort: ingestAddress.port, webPort: webAddress.port, deviceAuth: authenticator.mode },
      'console started'
    )
    const base = `http://${shownHost}:${webAddress.port}/?key=`
    const viewUrl = base + encodeURIComponent(keys.view)
    this.consoleInfo = {
      version,
      ingest: { host: shownHost, port: ingestAddress.port },
      web: { host: shownHost, port: webAddress.port },
      viewUrl
    }
    return {
      ingest: { host: config.host, port: ingestAddress.port },
      web: { host: config.host, port: webAddress.port },
      url: base + encodeURIComponent(keys.access),
      viewUrl
    }
  }

  // What a viewer may ask, for the desktop window's IPC (browsers ask the same over HTTP).
  // Input is validated here as it is for HTTP: the renderer is trusted no more than the network.

  /** Where the console is, as viewers' headers show it. */
  info(): ConsoleInfo {
    if (this.consoleInfo === null) throw notRunning()
    return this.consoleInfo
  }

  /** Makes an in-process viewer live; see LiveBroadcaster.subscribe. */
  subscribeLive(listener: LiveListener): { snapshot: LiveSnapshot; unsubscribe: () => void } {
    if (this.broadcaster === null || this.consoleInfo === null) throw notRunning()
    return this.broadcaster.subscribe(listener)
  }

  async queryReports(query: unknown): Promise<StoredReport[]> {
    if (this.store === null) throw notRunning()
    return this.store.query(parseReportQuery(query))
  }

  async sendMessage(request: unknown): Promise<MessageAccepted> {
    if (this.messages === null) throw notRunning()
    const { to, data } = parseSendMessage(request)
    // The same bound as an HTTP body: the window's IPC is not a way round it.
    const bytes = Buffer.byteLength(JSON.stringify(data))
    if (bytes > this.config.maxBodyBytes)
      throw new RequestError('too_large', `data: at most ${this.config.maxBodyBytes} bytes`)
    return this.messages.send(to, data)
  }

  /** Whether devices need a token, and the tokens made in the console (never the tokens). */
  deviceTokens(): DeviceTokenSettings {
    if (this.managedTokens === null) throw notRunning()
    return {
      required: this.managedTokens.required || this.tokenFile !== null,
      fromFile: this.tokenFile !== null,
      tokens: this.managedTokens.list()
    }
  }

  /** Makes a device token; the answer holds it in full, this once. */
  async createDeviceToken(request: unknown): Promise<CreatedDeviceToken> {
    if (this.managedTokens === null) throw notRunning()
    const { identity, devices } = parseCreateDeviceToken(request)
    const created = await this.managedTokens.create(identity, devices ?? null)
    this.logger.info({ id: created.info.id, identity }, 'device token created')
    return created
  }

  async revokeDeviceToken(id: unknown): Promise<DeviceTokenSettings> {
    if (this.managedTokens === null) throw notRunning()
    if (typeof id !== 'string' || id === '')
      throw new RequestError('bad_request', 'id: must be a token id')
    await this.managedTokens.revoke(id)
    this.logger.info({ id }, 'device token revoked')
    return this.deviceTokens()
  }

  async setDeviceTokensRequired(request: unknown): Promise<DeviceTokenSettings> {
    if (this.managedTokens === null) throw notRunning()
    const { required } = parseTokensRequired(request)
    await this.managedTokens.setRequired(required)
    this.logger.info({ required }, 'device tokens required: changed')
    return this.deviceTokens()
  }

  async messageStatus(id: unknown): Promise<MessageStatus> {
    if (this.messages === null) throw notRunning()
    if (typeof id !== 'string' || id === '')
      throw new RequestError('bad_request', 'id: must be a message id')
    const status = await this.messages.status(id)
    if (status === undefined) throw new RequestError('not_found', `no message ${id}`)
    return status
  }

  get devices(): DeviceRegistry | null {
    return this.registry
  }

  get reports(): ReportStore | null {
    return this.store
  }

  /** Stops accepting, sends every ack still owed, writes everything queued, closes the web port. */
  async stop(): Promise<void> {
    this.consoleInfo = null
    await this.ingest?.stop()
    this.ingest = null
    await this.store?.close()
    this.broadcaster?.stop()
    this.sampler?.stop()
    this.registry?.stop()
    this.deviceLimit?.stop()
    this.diagnostics?.stop()
    this.throttle?.stop()
    this.throttle = null
    this.tokenFile?.close()
    this.tokenFile = null
    this.managedTokens = null
    // Closing Socket.IO closes the HTTP server it is attached to; cut the connections first so
    // no stalled peer holds it open.
    this.web?.destroyConnections()
    if (this.io !== null) await new Promise<void>((resolve) => this.io!.close(() => resolve()))
    this.io = null
    await this.web?.stop()
    this.web = null
    await this.messages?.close()
    await this.events?.close()
    await this.clients?.close()
    this.clients = null
    await this.lock?.release()
    this.lock = null
    this.logger.info('console stopped')
  }
}

function notRunning(): RequestError {
  return new RequestError('not_running', 'the console is not running')
}
