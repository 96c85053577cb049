import { describe, expect, it } from 'vitest'

import { ConfigError, resolveConfig, SETTINGS, type Setting } from '../../../src/main/core/config'
import { defaultDataDir } from '../../../src/main/core/runtime/data-dir'

describe('resolveConfig', () => {
  it('fills the documented defaults', () => {
    expect(resolveConfig({ dataDir: '/d' })).toMatchObject({
      host: '0.0.0.0',
      ingestPort: 9800,
      webPort: 9801,
      maxLineBytes: 65_536,
      partitionMaxReports: 50_000,
      retentionDays: 30,
      retentionReports: 10_000_000
    })
  })

  it.each([
    [{ ingestPort: 70_000 }, /^ingestPort: /],
    [{ accessKey: 'short' }, /^accessKey: the access key must be at least 16 characters/],
    [
      { partitionMaxReports: 50_000, retentionReports: 60_000 },
      /^retentionReports: .*twice the partition size/
    ]
  ])('rejects %j with a ConfigError naming the setting', (input, message) => {
    expect(() => resolveConfig({ dataDir: '/d', ...input })).toThrow(ConfigError)
    expect(() => resolveConfig({ dataDir: '/d', ...input })).toThrow(message)
  })
})

describe('the settings table', () => {
  // Small partitions, so that the smallest retention count passes the cross-check.
  const base = { dataDir: '/d', partitionMaxReports: 100 }
  const rows = Object.entries(SETTINGS as Record<string, Setting>).filter(
    ([, s]) => s.bounds !== undefined
  )

  it.each(rows)('holds %s within its bounds, naming it beyond them', (key, setting) => {
    const { min, above, max } = setting.bounds!
    const at = (value: number) => () => resolveConfig({ ...base, [key]: value })
    if (min !== undefined) {
      expect(at(min)()).toMatchObject({ [key]: min })
      expect(at(min - 1)).toThrow(new RegExp(`^${key}: `))
    }
    if (above !== undefined) expect(at(above)).toThrow(new RegExp(`^${key}: `))
    if (max !== undefined) {
      expect(at(max)()).toMatchObject({ [key]: max })
      expect(at(max + 1)).toThrow(new RegExp(`^${key}: `))
    }
    if (setting.kind !== 'decimal' && min !== undefined) expect(at(min + 0.5)).toThrow(ConfigError)
  })

  it('gives each flag its env var, LOOKOUT_ and the flag’s name', () => {
    for (const setting of Object.values(SETTINGS as Record<string, Setting>)) {
      if (setting.flag === undefined) continue
      const name = /^--([a-z-]+) /.exec(setting.flag)![1]!
      expect(setting.env).toBe(`LOOKOUT_${name.toUpperCase().replaceAll('-', '_')}`)
    }
  })
})

describe('defaultDataDir', () => {
  it('is the folder Electron gives the desktop app on each platform', () => {
    expect(defaultDataDir({}, 'linux', '/home/op')).toBe('/home/op/.config/Lookout')
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/op')).toBe('/cfg/Lookout')
    expect(defaultDataDir({}, 'darwin', '/Users/op')).toBe(
      '/Users/op/Library/Application Support/Lookout'
    )
    expect(
      defaultDataDir({ APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'win32', 'C:\\Users\\op')
    ).toMatch(/Roaming[\\/]Lookout$/)
  })
})
