import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { givenSettings } from '../../../src/main/cli/setting-options'
import { serveCommand } from '../../../src/main/cli/serve-command'
import { resolveConfig, type ConsoleConfig } from '../../../src/main/core/config'

// `lookout serve`'s options in this process, with a runner that only keeps the config the CLI
// resolved: what --help shows, what a flag or an env var turns into, and what is refused.

/** The config `lookout serve <args>` would start a console on, and the command that read it. */
async function resolvedBy(args: string[]): Promise<{ config: ConsoleConfig; command: Command }> {
  let config: ConsoleConfig | undefined
  const command = quiet(
    serveCommand(async (resolved) => {
      config = resolved
    })
  )
  await command.parseAsync(args, { from: 'user' })
  return { config: config!, command }
}

function quiet(command: Command): Command {
  return command.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })
}

function help(): string {
  const command = serveCommand()
  command.configureHelp({ helpWidth: 10_000 }) // one line per option, however long
  return command.helpInformation()
}

// The flags and env vars `lookout serve` has had; README and docs name them.
const FLAGS: Array<[string, string]> = [
  ['--host', 'LOOKOUT_HOST'],
  ['--ingest-port', 'LOOKOUT_INGEST_PORT'],
  ['--mqtt-port', 'LOOKOUT_MQTT_PORT'],
  ['--pickle-port', 'LOOKOUT_PICKLE_PORT'],
  ['--web-port', 'LOOKOUT_WEB_PORT'],
  ['--data-dir', 'LOOKOUT_DATA_DIR'],
  ['--key', 'LOOKOUT_KEY'],
  ['--view-key', 'LOOKOUT_VIEW_KEY'],
  ['--push-key', 'LOOKOUT_PUSH_KEY'],
  ['--offline-after', 'LOOKOUT_OFFLINE_AFTER'],
  ['--allowed-origins', 'LOOKOUT_ALLOWED_ORIGINS'],
  ['--allowed-hosts', 'LOOKOUT_ALLOWED_HOSTS'],
  ['--push-ttl', 'LOOKOUT_PUSH_TTL'],
  ['--device-tokens', 'LOOKOUT_DEVICE_TOKENS'],
  ['--alarm-rules', 'LOOKOUT_ALARM_RULES'],
  ['--sources', 'LOOKOUT_SOURCES'],
  ['--alarm-flood', 'LOOKOUT_ALARM_FLOOD'],
  ['--alarm-flood-window', 'LOOKOUT_ALARM_FLOOD_WINDOW'],
  ['--alarm-max-shelve', 'LOOKOUT_ALARM_MAX_SHELVE'],
  ['--max-alarm-rules', 'LOOKOUT_MAX_ALARM_RULES'],
  ['--max-alarms', 'LOOKOUT_MAX_ALARMS'],
  ['--max-connections', 'LOOKOUT_MAX_CONNECTIONS'],
  ['--max-connections-per-address', 'LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS'],
  ['--idle-timeout', 'LOOKOUT_IDLE_TIMEOUT'],
  ['--max-viewers', 'LOOKOUT_MAX_VIEWERS'],
  ['--max-streams', 'LOOKOUT_MAX_STREAMS'],
  ['--max-devices', 'LOOKOUT_MAX_DEVICES'],
  ['--live-interval', 'LOOKOUT_LIVE_INTERVAL'],
  ['--max-push-clients', 'LOOKOUT_MAX_PUSH_CLIENTS'],
  ['--max-body-bytes', 'LOOKOUT_MAX_BODY_BYTES'],
  ['--max-line-bytes', 'LOOKOUT_MAX_LINE_BYTES'],
  ['--partition-size', 'LOOKOUT_PARTITION_SIZE'],
  ['--retention-days', 'LOOKOUT_RETENTION_DAYS'],
  ['--retention-reports', 'LOOKOUT_RETENTION_REPORTS'],
  ['--log-level', 'LOOKOUT_LOG_LEVEL'],
  ['--log-format', 'LOOKOUT_LOG_FORMAT']
]

// A LOOKOUT_ variable of the machine running the specs must not count as given.
beforeEach(() => {
  for (const name of Object.keys(process.env))
    if (name.startsWith('LOOKOUT_')) vi.stubEnv(name, undefined)
})
afterEach(() => {
  vi.unstubAllEnvs()
})

describe('lookout serve options', () => {
  it('shows in --help the default the config applies, in the unit the flag takes', async () => {
    // Commander's own note ends the line: `(default: 900, env: LOOKOUT_IDLE_TIMEOUT)`.
    const shown = [...help().matchAll(/^ {2}(--[a-z-]+) <.*[(, ]default: ([^,]+), env: \w+\)$/gm)]
      .map(([, flag, value]) => [flag!, JSON.parse(value!) as string | number] as const)
      .filter(([flag]) => !flag.startsWith('--log-')) // how the CLI logs, no console setting
    expect(shown.map(([flag]) => flag)).toEqual([
      '--host',
      '--ingest-port',
      '--web-port',
      '--data-dir',
      '--push-ttl',
      '--alarm-flood',
      '--alarm-flood-window',
      '--alarm-max-shelve',
      '--max-alarm-rules',
      '--max-alarms',
      '--max-connections',
      '--max-connections-per-address',
      '--idle-timeout',
      '--max-viewers',
      '--max-streams',
      '--max-devices',
      '--live-interval',
      '--max-push-clients',
      '--max-body-bytes',
      '--max-line-bytes',
      '--partition-size',
      '--retention-days',
      '--retention-reports'
    ])
    const defaults = (await resolvedBy([])).config
    expect(defaults).toEqual(resolveConfig({}))
    // Given as shown, each default makes the very config that giving nothing makes.
    for (const [flag, value] of shown)
      expect((await resolvedBy([flag, String(value)])).config, `${flag} ${value}`).toEqual(defaults)
    expect(Object.fromEntries(shown)).toMatchObject({
      '--idle-timeout': 900,
      '--push-ttl': 86_400,
      '--alarm-flood': 10,
      '--alarm-flood-window': 600,
      '--alarm-max-shelve': 28_800
    })
  })

  it('passes on only what was given, by flag or env var, converted once into the config’s units', async () => {
    vi.stubEnv('LOOKOUT_PUSH_TTL', '60')
    vi.stubEnv('LOOKOUT_RETENTION_DAYS', '0.5')
    const { config, command } = await resolvedBy([
      '--idle-timeout',
      '2',
      '--offline-after',
      '3',
      '--web-port',
      '0',
      '--live-interval',
      '20',
      '--allowed-hosts',
      'lookout.plant, proxy.lan'
    ])
    expect(givenSettings(command)).toEqual({
      idleTimeoutMs: 2000,
      offlineAfterMs: 3000,
      webPort: 0,
      liveIntervalMs: 20,
      allowedHosts: ['lookout.plant', 'proxy.lan'],
      pushTtlMs: 60_000,
      retentionDays: 0.5
    })
    expect(config).toMatchObject({
      idleTimeoutMs: 2000,
      offlineAfterMs: 3000,
      pushTtlMs: 60_000,
      retentionDays: 0.5,
      ingestPort: 9800
    })
  })

  it('keeps every flag and environment variable it has had, and README’s table names no other', () => {
    const text = help()
    for (const [flag, env] of FLAGS) {
      const line = text.split('\n').find((l) => l.startsWith(`  ${flag} `))
      expect(line, flag).toContain(`env: ${env})`)
    }
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('### `lookout serve` options'))
    const rows = [...table.matchAll(/^\| `(--[a-z-]+)` +\| `(LOOKOUT_[A-Z_]+)` +\|/gm)]
    expect(rows.length).toBeGreaterThan(10)
    for (const [, flag, env] of rows) expect(FLAGS).toContainEqual([flag, env])
  })

  it.each([
    [['--max-devices', '100001'], /--max-devices.*a whole number from 1 to 100000/],
    [['--idle-timeout', '0'], /--idle-timeout.*a whole number of at least 1/],
    [['--live-interval', '5'], /--live-interval.*a whole number from 10 to 1000/],
    [['--retention-days', '0'], /--retention-days.*a number above 0, at most 36500/],
    [['--ingest-port', '70000'], /--ingest-port.*port from 0 to 65535/]
  ])('refuses %j out of the setting’s bounds, in the flag’s own terms', async (args, message) => {
    await expect(resolvedBy(args)).rejects.toThrow(message)
  })

  it('refuses a bad value from an env var, naming it', async () => {
    vi.stubEnv('LOOKOUT_MAX_VIEWERS', '0')
    await expect(resolvedBy([])).rejects.toThrow(/LOOKOUT_MAX_VIEWERS/)
  })
})
