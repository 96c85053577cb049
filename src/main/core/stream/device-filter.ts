import { deviceIdPattern } from '../ingest/protocol/device-id-pattern'

/** Which devices' reports a stream sends, from its `device=` patterns. */
export interface DeviceFilter {
  test(device: string): boolean
  /**
   * The ids themselves when no pattern has a wildcard: the store then skips partitions that hold
   * none of them. Undefined when the patterns match ids not known yet (or there are none).
   */
  readonly devices: readonly string[] | undefined
}

const EVERY_DEVICE: DeviceFilter = { test: () => true, devices: undefined }

/**
 * The filter of device-id patterns as device tokens write them (`*` any run, `?` one character);
 * null or none: every device.
 */
export function deviceFilter(patterns: readonly string[] | null): DeviceFilter {
  if (patterns === null || patterns.length === 0) return EVERY_DEVICE
  if (patterns.every((p) => !p.includes('*') && !p.includes('?'))) {
    const ids = new Set(patterns)
    return { test: (device) => ids.has(device), devices: [...ids] }
  }
  const compiled = patterns.map(deviceIdPattern)
  // A stream sees the same few devices again and again: each is matched once, not once a report.
  const known = new Map<string, boolean>()
  return {
    test(device) {
      let wanted = known.get(device)
      if (wanted === undefined) {
        wanted = compiled.some((p) => p.test(device))
        if (known.size >= MAX_REMEMBERED) known.clear()
        known.set(device, wanted)
      }
      return wanted
    },
    devices: undefined
  }
}

/** Devices whose verdict a filter remembers: about `--max-devices`' default. */
const MAX_REMEMBERED = 10_000
