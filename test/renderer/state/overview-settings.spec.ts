import { describe, expect, it } from 'vitest'

import type { KeptSettings } from '../../../src/renderer/src/state/local-storage'
import {
  DEFAULT_OVERVIEW_SETTINGS,
  MAX_DEVICE_PATTERNS,
  OVERVIEW_STORAGE_KEY,
  patternFor,
  readOverviewSettings,
  withDevicePattern,
  writeOverviewSettings,
  type OverviewSettings
} from '../../../src/renderer/src/state/overview-settings'
import { MAX_PATTERN_LENGTH } from '../../../src/renderer/src/state/tile-fields'
import { readView, VIEW_STORAGE_KEY, writeView } from '../../../src/renderer/src/state/view-choice'

/** Local storage as a map: what the browser keeps, without a browser. */
function memoryStorage(): KeptSettings & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value)
  }
}

const settings = (pattern: string, devices: Array<[string, string]> = []): OverviewSettings => ({
  pattern,
  devices: new Map(devices)
})

describe('the Overview’s settings', () => {
  it('gives a device its own pattern, else the one for every tile', () => {
    const s = settings('temp*', [['pump-2', 'flow, pressure']])
    expect(patternFor(s, 'pump-1')).toBe('temp*')
    expect(patternFor(s, 'pump-2')).toBe('flow, pressure')
  })

  it('sets and removes a device’s pattern, and refuses one past the bounds', () => {
    const s = withDevicePattern(settings(''), 'pump-1', '  temp*  ')
    expect(s).toEqual(settings('', [['pump-1', 'temp*']]))
    expect(withDevicePattern(s as OverviewSettings, 'pump-1', ' ')).toEqual(settings(''))
    expect(withDevicePattern(settings(''), 'pump-1', 'x'.repeat(MAX_PATTERN_LENGTH + 1))).toBe(
      'tooLong'
    )
    const full = settings(
      '',
      Array.from({ length: MAX_DEVICE_PATTERNS }, (_, i): [string, string] => [`d-${i}`, 'a'])
    )
    expect(withDevicePattern(full, 'one-more', 'a')).toBe('tooManyDevices')
    // One that has a pattern already may change it, and any may be removed.
    expect(withDevicePattern(full, 'd-3', 'b')).not.toBe('tooManyDevices')
    expect((withDevicePattern(full, 'd-3', '') as OverviewSettings).devices.size).toBe(
      MAX_DEVICE_PATTERNS - 1
    )
  })

  it('keeps them in local storage and reads back what was kept', () => {
    const storage = memoryStorage()
    const kept = settings('temp*', [
      ['pump-2', 'flow'],
      ['__proto__', 'x*']
    ])
    writeOverviewSettings(storage, kept)
    expect(JSON.parse(storage.items.get(OVERVIEW_STORAGE_KEY)!)).toEqual({
      pattern: 'temp*',
      devices: [
        ['pump-2', 'flow'],
        ['__proto__', 'x*']
      ]
    })
    expect(readOverviewSettings(storage)).toEqual(kept)
  })

  it('reads anything else kept there as the defaults, part by part', () => {
    const storage = memoryStorage()
    expect(readOverviewSettings(storage)).toEqual(DEFAULT_OVERVIEW_SETTINGS)
    expect(readOverviewSettings(null)).toEqual(DEFAULT_OVERVIEW_SETTINGS)
    storage.setItem(OVERVIEW_STORAGE_KEY, '{not json')
    expect(readOverviewSettings(storage)).toEqual(DEFAULT_OVERVIEW_SETTINGS)
    storage.setItem(
      OVERVIEW_STORAGE_KEY,
      JSON.stringify({
        pattern: 'x'.repeat(MAX_PATTERN_LENGTH + 1),
        devices: [['ok', 'temp*'], ['bad'], [1, 'a'], ['empty', ''], 'nope']
      })
    )
    expect(readOverviewSettings(storage)).toEqual(settings('', [['ok', 'temp*']]))
    const many = Array.from({ length: MAX_DEVICE_PATTERNS + 5 }, (_, i) => [`d-${i}`, 'a'])
    storage.setItem(OVERVIEW_STORAGE_KEY, JSON.stringify({ pattern: '', devices: many }))
    expect(readOverviewSettings(storage).devices.size).toBe(MAX_DEVICE_PATTERNS)
  })

  it('remembers the view: the Overview until the panels are chosen', () => {
    const storage = memoryStorage()
    expect(readView(storage)).toBe('overview')
    writeView(storage, 'panels')
    expect(storage.items.get(VIEW_STORAGE_KEY)).toBe('panels')
    expect(readView(storage)).toBe('panels')
    storage.setItem(VIEW_STORAGE_KEY, 'something-else')
    expect(readView(storage)).toBe('overview')
    const refusing: KeptSettings = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('QuotaExceededError')
      }
    }
    expect(readView(refusing)).toBe('overview')
    expect(() => writeView(refusing, 'panels')).not.toThrow()
  })
})
