import { mkdir, rename, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { TokenDeviceAuthenticator } from '../../../../../src/main/core/ingest/protocol/device-auth'
import { readTokenFile } from '../../../../../src/main/core/ingest/tokens/device-token-file'
import { consoleFixture, eventually } from '../../../../support/console'
import { LineClient, reportOnce } from '../../../../support/line-client'

const consoles = consoleFixture()
const dirs = consoles.dirs
afterEach(() => consoles.cleanup())

describe('device tokens files', () => {
  it('read YAML and JSON alike, with identities and allowed device ids', async () => {
    const dir = await dirs.make()
    const yaml = join(dir, 'tokens.yaml')
    await writeFile(
      yaml,
      [
        '# plant A',
        'tok-line-1-abcdef: line-1',
        'tok-hall-2-abcdef:',
        '  identity: hall-2',
        '  devices: ["plc-hall2-*", "meter-?"]'
      ].join('\n')
    )
    const json = join(dir, 'tokens.json')
    await writeFile(
      json,
      JSON.stringify({ 'tok-hall-2-abcdef': { identity: 'hall-2', devices: 'plc-*' } })
    )
    const auth = new TokenDeviceAuthenticator(() => tables)
    let tables = [await readTokenFile(yaml)]
    expect(auth.identify('tok-line-1-abcdef', 'anything')).toEqual({ ok: true, identity: 'line-1' })
    expect(auth.identify('tok-hall-2-abcdef', 'plc-hall2-7')).toEqual({
      ok: true,
      identity: 'hall-2'
    })
    expect(auth.identify('tok-hall-2-abcdef', 'meter-3')).toEqual({ ok: true, identity: 'hall-2' })
    expect(auth.identify('tok-hall-2-abcdef', 'plc-hall1-7')).toEqual({
      ok: false,
      message: 'this token may not report as device "plc-hall1-7"'
    })
    expect(auth.identify('nope-nope-nope', 'x')).toMatchObject({
      ok: false,
      message: 'unknown device token'
    })
    expect(auth.identify(undefined, 'x')).toMatchObject({ ok: false })
    tables = [await readTokenFile(json)]
    expect(auth.identify('tok-hall-2-abcdef', 'plc-9')).toEqual({ ok: true, identity: 'hall-2' })
  })

  it('refuse a file that is not a map of tokens, saying where', async () => {
    const dir = await dirs.make()
    const short = join(dir, 'short.yml')
    await writeFile(short, 'tok-12345678: line-1\n') // 12 characters: 8 would be unshown
    await expect(readTokenFile(short)).rejects.toThrow(/at least 16 characters/)
    const extra = join(dir, 'extra.yml')
    await writeFile(extra, 'tok-12345678:\n  identity: a\n  colour: red\n')
    const error = await readTokenFile(extra).catch((e: Error) => e)
    expect(String(error)).toMatch(/device tokens file .*extra\.yml.*token tok-…/)
    expect(String(error)).not.toContain('tok-12345678') // errors are logged: no token in full
    // A syntax error says where, never what: the parsers quote the source, and it is a token.
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"tok-12345678": ')
    const json = String(await readTokenFile(broken).catch((e: Error) => e))
    expect(json).toMatch(/broken\.json: not valid JSON/)
    expect(json).not.toContain('tok-1234')
    const yaml = join(dir, 'broken.yaml')
    await writeFile(yaml, 's3cretTokenABCDEFGH: [plant-a\n')
    const yamlError = String(await readTokenFile(yaml).catch((e: Error) => e))
    expect(yamlError).toMatch(/broken\.yaml: not valid YAML \(\w+ at line \d+, column \d+\)/)
    expect(yamlError).not.toContain('s3cret')
  })
})

describe('a console in token mode', () => {
  it('applies an edited tokens file to the next report, and keeps the old tokens when an edit is broken', async () => {
    const dir = await dirs.make()
    const file = join(dir, 'tokens.yaml')
    await writeFile(file, 'tok-first-123456:\n  identity: first\n  devices: pump-*\n')
    const c = await consoles.start({ deviceTokensFile: file })
    const device = await LineClient.connect(c.addresses.ingest.port)
    let seq = 0
    const send = async (auth: string, id: string) => {
      const before = device.replies.length
      device.send({ device: id, seq: ++seq, auth })
      return (await device.waitForReplies(before + 1)).at(-1)
    }
    try {
      expect(await send('tok-first-123456', 'pump-1')).toEqual({ ack: seq })
      expect(await send('tok-first-123456', 'valve-1')).toMatchObject({
        error: 'unauthorized',
        message: 'this token may not report as device "valve-1"'
      })

      // An editor's save: a new file renamed over the old one. The first token is revoked.
      await writeFile(join(dir, 'tokens.yaml.tmp'), 'tok-second-12345: second\n')
      await rename(join(dir, 'tokens.yaml.tmp'), file)
      await eventually(
        async () => 'ack' in ((await send('tok-second-12345', 'valve-1')) ?? {}),
        'the new token accepted'
      )
      expect(await send('tok-first-123456', 'pump-1')).toMatchObject({
        error: 'unauthorized',
        message: 'unknown device token'
      })
      const stored = await c.core.operations.queryReports({ device: 'valve-1' })
      expect(stored.map((r) => r.identity)).toEqual(['second'])

      await writeFile(file, 'tok-second-12345: [not, an, identity\n')
      await new Promise((r) => setTimeout(r, 600)) // well past the reload's settling time
      expect(await send('tok-second-12345', 'valve-1')).toEqual({ ack: seq })
    } finally {
      device.close()
    }
  })

  it('follows a tokens file swapped underneath a symlink, as a Kubernetes ConfigMap does', async () => {
    const dir = await dirs.make()
    // dir/tokens.yaml → ..data/tokens.yaml, ..data → ..v1: an update writes ..v2 and swaps ..data.
    await mkdir(join(dir, '..v1'))
    await writeFile(join(dir, '..v1', 'tokens.yaml'), 'tok-version-1-abc: v1\n')
    await symlink('..v1', join(dir, '..data'))
    await symlink(join('..data', 'tokens.yaml'), join(dir, 'tokens.yaml'))
    const c = await consoles.start({ deviceTokensFile: join(dir, 'tokens.yaml') })
    const send = (auth: string) =>
      reportOnce(c.addresses.ingest.port, { device: 'd', seq: 1, auth })
    expect(await send('tok-version-1-abc')).toEqual({ ack: 1 })

    await mkdir(join(dir, '..v2'))
    await writeFile(join(dir, '..v2', 'tokens.yaml'), 'tok-version-2-abc: v2\n')
    await symlink('..v2', join(dir, '..data_tmp'))
    await rename(join(dir, '..data_tmp'), join(dir, '..data'))
    await eventually(
      async () => 'ack' in (await send('tok-version-2-abc')),
      'the swapped-in token accepted'
    )
    expect(await send('tok-version-1-abc')).toMatchObject({ error: 'unauthorized' })
  })
})
