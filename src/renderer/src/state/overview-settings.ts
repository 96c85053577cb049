import { keep, readKept, type KeptSettings } from './local-storage'
import { patternProblem } from './tile-fields'

/**
 * Which fields the Overview's tiles show. Kept in this browser's (or the desktop window's) local
 * storage, as the language is: a display's own choice, never the console's, so a read-only
 * viewer has one too and two displays may show different fields.
 */
export interface OverviewSettings {
  /** The fields of every tile without a pattern of its own; empty: the first ones by name. */
  pattern: string
  /** Device id → the pattern of its own tile. */
  devices: ReadonlyMap<string, string>
}

/** Devices with a pattern of their own, at most: the settings stay a few hundred kB at worst. */
export const MAX_DEVICE_PATTERNS = 500
/** A device id longer than the protocol allows (128) is no device's: never kept. */
const MAX_DEVICE_ID_LENGTH = 128

export const OVERVIEW_STORAGE_KEY = 'lookout.overview'

export const DEFAULT_OVERVIEW_SETTINGS: OverviewSettings = { pattern: '', devices: new Map() }

/** The pattern that decides a device's tile: its own, else the one for all. */
export function patternFor(settings: OverviewSettings, device: string): string {
  return settings.devices.get(device) ?? settings.pattern
}

/**
 * The settings with `device` given `pattern` of its own (an empty one removes it), or why not:
 * the pattern is too long or has too many globs, or MAX_DEVICE_PATTERNS devices have one already.
 */
export function withDevicePattern(
  settings: OverviewSettings,
  device: string,
  pattern: string
): OverviewSettings | 'tooLong' | 'tooMany' | 'tooManyDevices' {
  const devices = new Map(settings.devices)
  const trimmed = pattern.trim()
  if (trimmed === '') devices.delete(device)
  else {
    const problem = patternProblem(trimmed)
    if (problem !== null) return problem
    if (!devices.has(device) && devices.size >= MAX_DEVICE_PATTERNS) return 'tooManyDevices'
    devices.set(device, trimmed)
  }
  return { ...settings, devices }
}

/** What was kept, each part checked: anything not a setting this version writes is left out. */
export function readOverviewSettings(storage: KeptSettings | null): OverviewSettings {
  const text = readKept(storage, OVERVIEW_STORAGE_KEY)
  if (text === null) return DEFAULT_OVERVIEW_SETTINGS
  let kept: unknown
  try {
    kept = JSON.parse(text)
  } catch {
    return DEFAULT_OVERVIEW_SETTINGS
  }
  if (typeof kept !== 'object' || kept === null) return DEFAULT_OVERVIEW_SETTINGS
  const { pattern, devices } = kept as { pattern?: unknown; devices?: unknown }
  const entries = Array.isArray(devices) ? devices.slice(0, MAX_DEVICE_PATTERNS) : []
  return {
    pattern: typeof pattern === 'string' && patternProblem(pattern) === null ? pattern : '',
    devices: new Map(
      entries.filter(
        (entry): entry is [string, string] =>
          Array.isArray(entry) &&
          typeof entry[0] === 'string' &&
          entry[0].length <= MAX_DEVICE_ID_LENGTH &&
          typeof entry[1] === 'string' &&
          entry[1] !== '' &&
          patternProblem(entry[1]) === null
      )
    )
  }
}

/** Kept as `{ pattern, devices: [[id, pattern], …] }`: a list, so no id can name a prototype's key. */
export function writeOverviewSettings(
  storage: KeptSettings | null,
  settings: OverviewSettings
): void {
  keep(
    storage,
    OVERVIEW_STORAGE_KEY,
    JSON.stringify({ pattern: settings.pattern, devices: [...settings.devices] })
  )
}
