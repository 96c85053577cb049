import type { IngestEndpoint } from '../../../shared/live-events'

/**
 * A way in for devices' reports: something that takes messages from devices (a TCP listener,
 * later an MQTT subscription) and hands each to the intake. The console holds a list of them; it
 * starts them once the store and the web port are up, and stops them before the store closes.
 */
export interface IngestTransport {
  /** Starts taking messages; resolves once it does, with where it takes them. */
  start(): Promise<IngestEndpoint>
  /** Stops taking messages; resolves once every answer still owed has been sent. */
  stop(): Promise<void>
  /** Where it takes messages (after start): the listen host as configured, the real port. */
  address(): IngestEndpoint
  /** Peers connected through it now (devices on TCP), for the console's diagnostics. */
  readonly connectionCount: number
}
