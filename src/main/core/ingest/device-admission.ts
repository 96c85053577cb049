import type { ErrorReply } from '../../../shared/ingest-protocol'
import { RateLimitedLog } from '../runtime/log-rate-limit'
import type { Logger } from '../runtime/logger'

/** Where a message came from, for what is logged about it. */
export interface MessageOrigin {
  /** The transport it came by: 'tcp', 'mqtt', … */
  readonly transport: string
  /** Its sender as that transport sees it: `address:port` on TCP. */
  readonly peer: string
}

/** Whether a report of a device may be stored now; consulted after parsing, before storing. */
export interface DeviceAdmission {
  /** null: it may; else the reply that refuses the report. */
  refuse(device: string, origin: MessageOrigin): Omit<ErrorReply, 'seq'> | null
}

/** What the limit asks of the device registry. */
export interface DeviceCounter {
  /** True for a known device, and for a new one while there is room (it takes the place). */
  admit(device: string): boolean
  readonly maxDevices: number
}

/**
 * The bound on distinct device ids: a report of a new device beyond `maxDevices` is refused
 * with `too_many_devices`, known devices keep reporting. However many are refused, the log gets
 * one line a minute: the first refusal, then how many followed.
 */
export class DeviceLimit implements DeviceAdmission {
  private readonly log: RateLimitedLog

  constructor(
    private readonly devices: DeviceCounter,
    logger: Logger,
    now?: () => number
  ) {
    const max = devices.maxDevices
    this.log = new RateLimitedLog({
      logger,
      level: 'warn',
      burst: 1,
      intervalMs: 60_000,
      summary: (count, seconds) =>
        `refused ${count} more reports of new devices in the last ${seconds} s: ` +
        `the console keeps at most ${max} devices (--max-devices)`,
      now
    })
  }

  refuse(device: string, origin: MessageOrigin): Omit<ErrorReply, 'seq'> | null {
    if (this.devices.admit(device)) return null
    const max = this.devices.maxDevices
    this.log.log(
      'refused',
      { device, maxDevices: max, transport: origin.transport, peer: origin.peer },
      `refused a report of a new device: the console keeps at most ${max} devices ` +
        `(--max-devices); further refusals are counted, one line a minute`
    )
    return {
      error: 'too_many_devices',
      message:
        `the console keeps at most ${max} devices (--max-devices, LOOKOUT_MAX_DEVICES) and ` +
        `knows as many: a new device id is refused until retention frees a place`
    }
  }

  stop(): void {
    this.log.stop()
  }
}
