import { Server as SocketServer } from 'socket.io'

import { version } from '../../../package.json'
import { LIVE_NAMESPACE, type IngestEndpoint } from '../../shared/live-events'
import { PUSH_NAMESPACE } from '../../shared/push-events'
import { AlarmService } from './alarms/alarm-service'
import { AuthThrottle } from './auth/auth-throttle'
import { ACCESS_KEY_FILE, loadOrCreateKey, VIEW_KEY_FILE, type ConsoleKeys } from './auth/keys'
import { ConfigError, type ConsoleConfig } from './config'
import { ConsoleOperations, type ConsoleServices } from './console-operations'
import { DeviceEventLog } from './devices/device-event-log'
import { DeviceRegistry } from './devices/device-registry'
import { DeviceLimit } from './ingest/device-admission'
import { ConsoleDeviceAuthenticator } from './ingest/protocol/device-auth'
import type { IngestTransport } from './ingest/ingest-transport'
import { ReportIntake } from './ingest/intake'
import { MqttIngest } from './ingest/mqtt/mqtt-ingest'
import { PickleIngest } from './ingest/pickle/pickle-ingest'
import { ReportParser } from './ingest/protocol/report-parser'
import { IngestServer } from './ingest/tcp/ingest-server'
import { DeviceTokenFile } from './ingest/tokens/device-token-file'
import { ManagedTokens } from './ingest/tokens/managed-tokens'
import { LiveHub, type LiveHubOptions } from './live/live-hub'
import type { LiveNamespace } from './live/live-socket'
import { HostSampler, type MetricsSource } from './metrics/host-sampler'
import { NedbBackend } from './persistence/nedb/nedb-backend'
import { MessageService } from './push/message-service'
import { PushClientRegistry } from './push/push-client-registry'
import { PushConnections } from './push/push-connections'
import { lockDataDir } from './runtime/data-dir-lock'
import { ConsoleDiagnostics } from './runtime/diagnostics'
import { displayHost } from './runtime/display-address'
import { silentLogger, type Logger } from './runtime/logger'
import type { BackoffOptions } from './sources/source'
import type { SourceDriverFactories } from './sources/source-driver'
import { sourceDrivers } from './sources/source-drivers'
import { SourceHealthFeed } from './sources/source-health-feed'
import { SourceService } from './sources/source-service'
import { Teardown } from './runtime/teardown'
import { ReportStore } from './store/report-store'
import { registerLiveHandlers } from './web/sockets/live-handlers'
import { registerPushHandlers, type PushNamespace } from './web/sockets/push-handlers'
import { StreamServer, type StreamServerOptions } from './web/sockets/stream-server'
import { apiRoutes } from './web/routes/api-routes'
import { WebServer } from './web/web-server'

export interface ConsoleAddresses {
  /** Where devices connect over TCP (the line protocol), as host:port. */
  ingest: { host: string; port: number }
  /** Every way in for devices' reports, TCP first: the listen host as configured. */
  transports: IngestEndpoint[]
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
  live?: LiveHubOptions
  /** Tuning of push delivery (tests shorten the waits). */
  push?: {
    ackTimeoutMs?: number
    sweepMs?: number
    registerWithinMs?: number
    maxClientsPerAddress?: number
  }
  /** The built UI to serve on the web port (the renderer's build output). */
  uiDir?: string
  /** Tuning of `/stream` (tests shorten the waits and shrink the bounds to observe them). */
  stream?: Pick<StreamServerOptions, 'heartbeatMs' | 'helloWithinMs' | 'feed'>
  /** Sources' drivers and retry waits (tests shorten them, or hand in a driver of their own). */
  sources?: { drivers?: Partial<SourceDriverFactories>; backoff?: BackoffOptions }
}

/** What one start() built: the services the operations use, and how to stop all of it. */
interface Running {
  services: ConsoleServices
  teardown: Teardown
}

/**
 * The console core: store, device registry, host sampler, push clients and messages, the ingest
 * listener, the web server and its Socket.IO namespaces, composed. Runs in plain Node; the
 * Electron shell and `lookout serve` both drive exactly this. It composes, starts and stops;
 * what anyone may ask of it is `operations`, the same for HTTP, Socket.IO and IPC.
 */
export class LookoutConsole {
  readonly operations: ConsoleOperations
  private running: Running | undefined
  /** The one start (a console starts once; make another to start again), until it settles. */
  private starting: Promise<unknown> | undefined
  private stopping: Promise<void> | undefined
  private readonly logger: Logger
  private readonly now: () => number

  constructor(
    readonly config: ConsoleConfig,
    private readonly deps: ConsoleDeps = {}
  ) {
    this.logger = deps.logger ?? silentLogger()
    this.now = deps.now ?? Date.now
    this.operations = new ConsoleOperations({
      services: () => this.running?.services,
      maxBodyBytes: config.maxBodyBytes,
      logger: this.logger,
      now: this.now
    })
  }

  /** Starts every part; refused for a console started before (make a new one to start again). */
  async start(): Promise<ConsoleAddresses> {
    if (this.starting !== undefined)
      throw new Error(
        'this console was started already: create a new LookoutConsole to start again'
      )
    const attempt = this.startOnce()
    this.starting = attempt.then(
      () => undefined,
      () => undefined
    )
    return attempt
  }

  private async startOnce(): Promise<ConsoleAddresses> {
    const teardown = new Teardown()
    try {
      const { services, addresses } = await this.startParts(teardown)
      this.running = { services, teardown }
      return addresses
    } catch (error) {
      // What was built is stopped; the start's own error is the one to report.
      await teardown.run(this.logger).catch(() => undefined)
      throw error
    }
  }

  /**
   * Builds every part in the order they depend on each other, adding each one's stop to
   * `teardown` as soon as it exists: stopping runs them last first.
   */
  private async startParts(
    teardown: Teardown
  ): Promise<{ services: ConsoleServices; addresses: ConsoleAddresses }> {
    const { config, logger, now } = this
    const lock = await lockDataDir(config.dataDir)
    teardown.add('data dir lock', () => lock.release())
    const keys: ConsoleKeys = {
      access: config.accessKey ?? (await loadOrCreateKey(config.dataDir, ACCESS_KEY_FILE)),
      view: config.viewKey ?? (await loadOrCreateKey(config.dataDir, VIEW_KEY_FILE))
    }
    if (keys.access === keys.view)
      throw new ConfigError('the view key must differ from the access key')
    const tokenFile =
      config.deviceTokensFile === undefined
        ? null
        : await DeviceTokenFile.open(config.deviceTokensFile, logger.child({ ns: 'ingest' }))
    if (tokenFile !== null) teardown.add('device token file', () => tokenFile.close())
    const managedTokens = await ManagedTokens.open(config.dataDir, now)
    const authenticator = new ConsoleDeviceAuthenticator({
      file: tokenFile,
      managed: managedTokens
    })

    // What outlives a restart: files in the data dir. It repairs each before loading it (a
    // last line cut short by a crash or power cut), and says so.
    const persistence = new NedbBackend({
      dataDir: config.dataDir,
      openPartitionCache: config.openPartitionCache,
      logger
    })

    const opening = performance.now()
    const store = await ReportStore.open({
      partitions: persistence.reportPartitions(),
      rollups: persistence.partitionRollups(),
      partitionMaxReports: config.partitionMaxReports,
      retentionDays: config.retentionDays,
      retentionReports: config.retentionReports,
      logger: logger.child({ ns: 'store' }),
      now
    })
    teardown.add('report store', () => store.close())
    logger.info(
      {
        reports: store.reportCount,
        partitions: store.partitionCount,
        ms: Math.round(performance.now() - opening)
      },
      'store opened'
    )

    // The live view's first snapshot, read before ingest opens so no report falls between.
    const seed = (await store.query({ limit: 200 })).reverse()
    const events = await DeviceEventLog.open(persistence, config.retentionDays, now)
    teardown.add('device event log', () => events.close())
    const registry = new DeviceRegistry({
      source: store,
      events,
      logger: logger.child({ ns: 'devices' }),
      offlineAfterMs: config.offlineAfterMs,
      maxDevices: config.maxDevices,
      now
    })
    teardown.add('device registry', () => registry.stop())
    const sampler = new HostSampler({
      source: this.deps.metrics,
      logger: logger.child({ ns: 'metrics' }),
      now
    })
    sampler.start()
    teardown.add('host sampler', () => sampler.stop())
    const clients = await PushClientRegistry.open(persistence, now, {
      retentionDays: config.retentionDays
    })
    teardown.add('push clients', () => clients.close())
    const connections = new PushConnections(this.deps.push?.ackTimeoutMs)
    const messages = await MessageService.open({
      persistence,
      clients,
      connections,
      logger: logger.child({ ns: 'push' }),
      ttlMs: config.pushTtlMs,
      retentionDays: config.retentionDays,
      sweepMs: this.deps.push?.sweepMs,
      now
    })
    teardown.add('messages', () => messages.close())
    const alarms = await AlarmService.open({
      persistence,
      rulesFile: config.alarmRulesFile,
      // Read fresh each time (a page, not the tick-cached list): asking at start must not make
      // GET /api/devices answer the counts of that moment for the rest of the tick.
      devices: { list: () => registry.page(config.maxDevices).devices },
      reports: store,
      messages,
      clientUids: () => clients.list().map((c) => c.uid),
      retentionDays: config.retentionDays,
      maxRules: config.maxAlarmRules,
      maxDevices: config.maxDevices,
      pushKeyRequired: config.pushKey !== undefined,
      maxAlarms: config.maxAlarms,
      maxShelveMs: config.alarmMaxShelveMs,
      flood: { threshold: config.alarmFloodThreshold, windowMs: config.alarmFloodWindowMs },
      logger: logger.child({ ns: 'alarms' }),
      now
    })
    teardown.add('alarms', () => alarms.close())
    // Evaluated in the turn a batch is stored: an alarm is as fresh as the report behind it.
    store.on('stored', (reports) => alarms.onStored(reports))
    registry.on('forgotten', (devices) => alarms.forgetDevices(devices))
    messages.onReceipt((receipt) =>
      alarms.onReceipt({ ...receipt, data: messages.data(receipt.id) })
    )

    const throttle = new AuthThrottle(10, 60_000, now, logger.child({ ns: 'web' }))
    teardown.add('auth throttle', () => throttle.stop())
    // The lossless stream for integrations (`/stream`): it listens to the store from here on.
    const streams = new StreamServer({
      keys,
      throttle,
      store,
      logger: logger.child({ ns: 'web' }),
      maxStreams: config.maxStreams,
      ...this.deps.stream
    })
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
      routes: apiRoutes(this.operations),
      upgrades: [streams.route],
      logger: logger.child({ ns: 'web' }),
      now
    })
    teardown.add('web server', () => web.stop())
    // Everything on the web port is wired before the port opens: no connection can arrive
    // before its namespace and its key check exist. No CORS headers: a page from another origin
    // cannot poll the API; the keys guard the rest. The web server checks `Host` and, for
    // Socket.IO, `Origin` before Socket.IO sees a request.
    // The web server hands Socket.IO only the upgrades under /socket.io/ and refuses unknown
    // ones itself; engine.io must not end, a second later, one it does not own (`/stream`).
    const sockets = new SocketServer(web.httpServer, { serveClient: false, destroyUpgrade: false })
    teardown.add('socket.io', async () => {
      // Closing Socket.IO closes the HTTP server it is attached to; cut the connections first
      // so no stalled peer holds it open.
      web.destroyConnections()
      await new Promise<void>((resolve) => sockets.close(() => resolve()))
    })
    // Before the connections are cut: each stream is told where to resume.
    teardown.add('report streams', () => streams.close())
    const live = sockets.of(LIVE_NAMESPACE) as LiveNamespace
    // The sources start once ingest does (below); their health topic exists from here, empty.
    const sourceHealth = new SourceHealthFeed()
    teardown.add('source health', () => sourceHealth.stop())
    const liveHub = new LiveHub(
      live,
      {
        reports: store,
        devices: registry,
        metrics: sampler,
        clients,
        alarms,
        alarmFlood: { current: () => alarms.flood(), on: (_event, l) => alarms.on('flood', l) },
        sources: sourceHealth
      },
      seed,
      { now, minIntervalMs: config.liveIntervalMs, ...this.deps.live }
    )
    teardown.add('live hub', () => liveHub.stop())
    registerLiveHandlers(live, {
      keys,
      throttle,
      info: () => this.operations.info(),
      hub: liveHub,
      logger: logger.child({ ns: 'web' }),
      maxViewers: config.maxViewers,
      now
    })
    registerPushHandlers(sockets.of(PUSH_NAMESPACE) as PushNamespace, {
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

    // Stopped right after ingest (see below): what it had queued is written while viewers
    // and the registry still see it.
    teardown.add('report store flush', () => store.flush())
    const deviceLimit = new DeviceLimit(registry, logger.child({ ns: 'ingest' }), now)
    teardown.add('device limit', () => deviceLimit.stop())
    // Every transport hands its messages to this one intake: the same checks, the same answers.
    const intake = new ReportIntake({
      parser: new ReportParser(authenticator),
      sink: store,
      admission: deviceLimit,
      maxMessageBytes: config.maxLineBytes,
      now
    })
    const tcp = new IngestServer({
      host: config.host,
      port: config.ingestPort,
      maxConnections: config.maxConnections,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      idleTimeoutMs: config.idleTimeoutMs,
      intake,
      logger: logger.child({ ns: 'ingest' }),
      now
    })
    const transports: IngestTransport[] = [tcp]
    if (config.mqttPort !== undefined)
      transports.push(
        new MqttIngest({
          host: config.host,
          port: config.mqttPort,
          intake,
          auth: authenticator,
          keys,
          throttle,
          maxConnections: config.maxConnections,
          maxConnectionsPerAddress: config.maxConnectionsPerAddress,
          idleTimeoutMs: config.idleTimeoutMs,
          // A persistent session per connection the console takes, and no more.
          limits: { maxSessions: config.maxConnections },
          logger: logger.child({ ns: 'mqtt' }),
          now
        })
      )
    if (config.picklePort !== undefined)
      transports.push(
        new PickleIngest({
          host: config.host,
          port: config.picklePort,
          intake,
          // A report that names no device is the token's identity's (file first, as auth reads).
          identityOf: (token) =>
            (tokenFile?.table.lookup(token) ?? managedTokens.tokens.lookup(token))?.identity,
          maxConnections: config.maxConnections,
          maxConnectionsPerAddress: config.maxConnectionsPerAddress,
          idleTimeoutMs: config.idleTimeoutMs,
          logger: logger.child({ ns: 'pickle' }),
          now
        })
      )
    // The first to stop: each stops taking messages and sends every answer still owed.
    teardown.add('ingest', () => Promise.all(transports.map((t) => t.stop())))
    const endpoints: IngestEndpoint[] = []
    for (const transport of transports) endpoints.push(await transport.start())
    const ingestAddress = tcp.address()

    // The pollers, once the intake takes reports; stopped before ingest (teardown runs last
    // first), so no reading arrives at a closed intake.
    const sources = await SourceService.open({
      persistence,
      file: config.sourcesFile,
      intake,
      drivers: { ...sourceDrivers(config.dataDir), ...this.deps.sources?.drivers },
      backoff: this.deps.sources?.backoff,
      logger: logger.child({ ns: 'sources' }),
      now
    })
    teardown.add('sources', () => sources.close())
    sources.start()
    sourceHealth.watch(() => sources.health())

    // Made last, over what it counts; asked through the operations, so only once started.
    const diagnostics = new ConsoleDiagnostics({
      ingestConnections: () => transports.reduce((n, t) => n + t.connectionCount, 0),
      viewers: () => liveHub.viewerCount(),
      pushClients: () => connections.size,
      streams: () => streams.counts(),
      live: () => liveHub.pace(),
      store,
      alarms: () => alarms.diagnostics(),
      sources: () => sources.diagnostics(),
      now
    })
    teardown.add('diagnostics', () => diagnostics.stop())

    const shownHost = displayHost(config.host)
    logger.info(
      {
        ingestPort: ingestAddress.port,
        ingest: endpoints.map((e) => `${e.protocol} ${e.host}:${e.port}`),
        webPort: webAddress.port,
        deviceAuth: authenticator.mode
      },
      'console started'
    )
    const base = `http://${shownHost}:${webAddress.port}/?key=`
    const viewUrl = base + encodeURIComponent(keys.view)
    return {
      services: {
        info: {
          version,
          ingest: endpoints.map((e) => ({ ...e, host: displayHost(e.host) })),
          web: { host: shownHost, port: webAddress.port },
          viewUrl
        },
        reports: store,
        devices: registry,
        messages,
        pushClients: clients,
        tokens: managedTokens,
        tokensFromFile: tokenFile !== null,
        diagnostics,
        live: liveHub,
        alarms,
        sources
      },
      addresses: {
        ingest: { host: config.host, port: ingestAddress.port },
        transports: endpoints,
        web: { host: config.host, port: webAddress.port },
        url: base + encodeURIComponent(keys.access),
        viewUrl
      }
    }
  }

  /**
   * Stops accepting, sends every ack still owed, writes everything queued, closes the web port
   * and the data files: every part, in the reverse of the order it was built. Operations answer
   * `not_running` from the moment it is called. A stop during start waits for the start first.
   */
  stop(): Promise<void> {
    // Before start() there is nothing to stop, and nothing to remember: a later start still runs.
    if (this.starting === undefined) return Promise.resolve()
    // Every caller waits for the one stop: a second caller must not go on (and, say, delete the
    // data dir) while the first is still closing files.
    this.stopping ??= this.stopOnce()
    return this.stopping
  }

  private async stopOnce(): Promise<void> {
    await this.starting
    const running = this.running
    if (running === undefined) return
    this.running = undefined
    await running.teardown.run(this.logger)
    this.logger.info('console stopped')
  }
}
