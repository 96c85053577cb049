import { describe, expect, it } from 'vitest'

import { ConfigError, resolveConfig } from '../../../src/main/core/config'
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
