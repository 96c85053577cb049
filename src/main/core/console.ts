import { join } from 'node:path'

import { version } from '../../../package.json'
import { loadOrCreateKey } from './access-key'
import type { ConsoleConfig } from './config'
import { DeviceRegistry } from './devices/device-registry'
import { lockDataDir, type DataDirLock } from './data-dir-lock'
import { displayHost } from './display-address'
import {
  openDeviceAuthenticator,
  TokenDeviceAuthenticator,
  type DeviceAuthenticator
} from './ingest/device-auth'
import { IngestServer } from './ingest/ingest-server'
import { ReportParser } from './ingest/report-parser'
import { silentLogger, type Logger } from './logger'
import { ReportStore } from './store/report-store'
import { WebServer } from './web/web-server'

export interface ConsoleAddresses {
  /** Where devices connect, as host:port. */
  ingest: { host: string; port: number }
  web: { host: string; port: number }
  /** The console's address for a browser, with the access key. */
  url: string
}

export interface ConsoleDeps {
  logger?: Logger
  now?: () => number
}

/**
 * The console core: store, device registry, ingest listener and web server, composed. Runs in
 * plain Node; the Electron shell and `lookout serve` both drive exactly this.
 */
export class LookoutConsole {
  private store: ReportStore | null = null
  private registry: DeviceRegistry | null = null
  private ingest: IngestServer | null = null
  private web: WebServer | null = null
  private lock: DataDirLock | null = null
  private readonly logger: Logger
  private readonly now: () => number

  constructor(
    readonly config: ConsoleConfig,
    deps: ConsoleDeps = {}
  ) {
    this.logger = deps.logger ?? silentLogger()
    this.now = deps.now ?? Date.now
  }

  async start(): Promise<ConsoleAddresses> {
    const { config } = this
    this.lock = await lockDataDir(config.dataDir)
    try {
      return await this.startParts()
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  private async startParts(): Promise<ConsoleAddresses> {
    const { config, logger } = this
    const accessKey = config.accessKey ?? (await loadOrCreateKey(config.dataDir))
    const authenticator: DeviceAuthenticator =
      config.deviceTokensFile === undefined
        ? openDeviceAuthenticator
        : await TokenDeviceAuthenticator.fromFile(config.deviceTokensFile)

    const started = performance.now()
    const store = await ReportStore.open({
      dir: join(config.dataDir, 'reports'),
      partitionMaxReports: config.partitionMaxReports,
      retentionDays: config.retentionDays,
      retentionReports: config.retentionReports,
      openPartitionCache: config.openPartitionCache,
      logger: logger.child({ ns: 'store' }),
      now: this.now
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
    this.registry = new DeviceRegistry(store)

    this.ingest = new IngestServer({
      host: config.host,
      port: config.ingestPort,
      maxLineBytes: config.maxLineBytes,
      parser: new ReportParser(authenticator),
      sink: store,
      logger: logger.child({ ns: 'ingest' }),
      now: this.now
    })
    const ingestAddress = await this.ingest.start()
    this.web = new WebServer({
      host: config.host,
      port: config.webPort,
      accessKey,
      version,
      store,
      devices: this.registry,
      logger: logger.child({ ns: 'web' }),
      now: this.now
    })
    const webAddress = await this.web.start()
    const shownHost = displayHost(config.host)
    logger.info(
      {
        ingestPort: ingestAddress.port,
        webPort: webAddress.port,
        deviceAuth: authenticator.mode
      },
      'console started'
    )
    return {
      ingest: { host: config.host, port: ingestAddress.port },
      web: { host: config.host, port: webAddress.port },
      url: `http://${shownHost}:${webAddress.port}/?key=${encodeURIComponent(accessKey)}`
    }
  }

  get devices(): DeviceRegistry | null {
    return this.registry
  }

  get reports(): ReportStore | null {
    return this.store
  }

  /** Stops accepting, sends every ack still owed, writes everything queued, closes the web port. */
  async stop(): Promise<void> {
    await this.ingest?.stop()
    this.ingest = null
    await this.store?.close()
    await this.web?.stop()
    this.web = null
    await this.lock?.release()
    this.lock = null
    this.logger.info('console stopped')
  }
}
