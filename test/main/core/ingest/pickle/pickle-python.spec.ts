import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { spawnCaptured, type CapturedProcess } from '../../../../support/cli-process'
import { api, consoleFixture, eventually, type RunningConsole } from '../../../../support/console'
import { capturingLogger } from '../../../../support/log-lines'
import { PYTHON } from '../../../../support/python-socketio'

const SCRIPT = join(__dirname, '../../../../support/python/pickle_device.py')
const available = (() => {
  const ok = spawnSync(PYTHON, ['-c', 'import pickle'], { encoding: 'utf8' }).status === 0
  if (!ok) {
    const line = `\n*** SKIPPED: the pickle reporter test needs Debian's python3: apt-get install -y python3 ***\n`
    if (process.env.CI) throw new Error(`CI must run every test${line}`)
    process.stderr.write(line)
  }
  return ok
})()

const consoles = consoleFixture()
let device: CapturedProcess | null = null
afterEach(async () => {
  device?.proc.kill('SIGKILL')
  device = null
  await consoles.cleanup()
})

function picklePort(c: RunningConsole): number {
  return c.addresses.transports.find((t) => t.protocol === 'pickle')!.port
}

async function reports(c: RunningConsole, query: string): Promise<Array<Record<string, any>>> {
  return (await api(c, `/api/reports?limit=1000&${query}`)).body as Array<Record<string, any>>
}

describe('the pickle reporter (python3 pickle.dumps over a bare socket)', () => {
  it('is off by default, and listed with its port when on', async () => {
    const off = await consoles.start()
    expect(off.addresses.transports.map((t) => t.protocol)).toEqual(['tcp'])
    const on = await consoles.start({ picklePort: 0 })
    expect(on.addresses.transports.find((t) => t.protocol === 'pickle')).toMatchObject({
      host: '127.0.0.1'
    })
    const info = on.core.operations.info()
    expect(info.ingest).toContainEqual({
      protocol: 'pickle',
      host: '127.0.0.1',
      port: picklePort(on)
    })
  })

  it.skipIf(!available)(
    'stores protocols 2–5, one per send and 20 coalesced, with every data type decoded',
    async () => {
      const c = await consoles.start({ picklePort: 0 })
      device = spawnCaptured(PYTHON, [SCRIPT, String(picklePort(c)), 'reports', '-'])
      expect(await device.exited).toBe(0)
      await eventually(
        async () => (await reports(c, 'device=py-4')).length === 21,
        'the 21 protocol-4 reports'
      )
      for (const protocol of [2, 3, 5]) {
        const [stored] = await reports(c, `device=py-${protocol}`)
        expect(stored).toMatchObject({
          device: `py-${protocol}`,
          proto: protocol,
          temp: 21.5,
          count: 7,
          big: '1180591620717411303424',
          neg: '-18446744073709551616',
          ok: true,
          off: false,
          none: null,
          name: 'Kühlraum ❄ 北',
          raw: Buffer.from([0, 1, 0xfe]).toString('base64'),
          nested: { list: [1, 2.25, 'x', [null]], tuple: [1, 'a'] },
          at: Date.UTC(2026, 11, 2, 14, 3, 4, 500),
          identity: 'anonymous'
        })
      }
      const coalesced = await reports(c, 'device=py-4')
      expect(coalesced.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 21 }, (_, i) => i)
      )
    }
  )

  it.skipIf(!available)('takes `auth` as a JSON line does: a device token', async () => {
    const c = await consoles.start({ picklePort: 0 })
    const made = await api(c, '/api/device-tokens', {
      method: 'POST',
      body: JSON.stringify({ identity: 'line-9', devices: ['py-*'] })
    })
    expect(made.status).toBeLessThan(300)
    device = spawnCaptured(PYTHON, [
      SCRIPT,
      String(picklePort(c)),
      'reports',
      made.body.token as string
    ])
    expect(await device.exited).toBe(0)
    await eventually(async () => (await reports(c, 'device=py-5')).length === 1, 'py-5')
    const [stored] = await reports(c, 'device=py-5')
    expect(stored!.identity).toBe('line-9')
    expect(stored!.auth).toBeUndefined()
  })

  it.skipIf(!available)(
    'closes a connection whose pickle would call os.system: nothing run, one log line',
    async () => {
      const { logger, lines } = capturingLogger()
      const c = await consoles.start({ picklePort: 0 }, { logger })
      const marker = join(await consoles.dirs.make(), 'pwned')
      device = spawnCaptured(PYTHON, [SCRIPT, String(picklePort(c)), 'evil', marker])
      expect(await device.exited).toBe(0)
      expect(device.stdout()).toContain('"closed"')
      expect(existsSync(marker)).toBe(false)
      const refused = lines.filter((l) => /closed a pickle connection/.test(l.msg))
      expect(refused).toHaveLength(1)
      expect(refused[0]!.msg).toContain('refused posix.system')
      // Nothing of that connection was stored, not even the report after the evil one.
      expect(await reports(c, 'device=evil')).toEqual([])
      expect(await reports(c, 'device=after-evil')).toEqual([])

      // A second try from the same address is closed too, and not logged again this minute.
      device = spawnCaptured(PYTHON, [SCRIPT, String(picklePort(c)), 'evil', marker])
      expect(await device.exited).toBe(0)
      expect(lines.filter((l) => /closed a pickle connection/.test(l.msg))).toHaveLength(1)
      expect(existsSync(marker)).toBe(false)
    }
  )
})
