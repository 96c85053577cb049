import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

// Each case in a fresh node: which `debug` mqtt-packet holds is decided once per process.
const MODULE = join(__dirname, '../../../../../src/main/core/ingest/mqtt/quiet-packet-debug.ts')
const PROBE = `
const { loadQuietPacketParser } = require(${JSON.stringify(MODULE)})
const quieted = loadQuietPacketParser()
// Turned on after the fact: a real logger of mqtt-packet's would now print, a silent one cannot.
require('debug').enable('mqtt-packet:*')
const mqtt = require('mqtt-packet')
const parser = mqtt.parser()
const packets = []
parser.on('packet', (p) => packets.push(p.cmd))
parser.parse(Buffer.from([0xc0, 0x00])) // PINGREQ
const debug = require('debug')
console.log(JSON.stringify({ quieted, packets, otherDebugIsReal: typeof debug.enable === 'function' && typeof debug('x').extend === 'function' }))
`

function probe(env: NodeJS.ProcessEnv) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', PROBE], {
    env: { ...process.env, DEBUG: undefined, ...env },
    encoding: 'utf8',
    timeout: 20_000
  })
  expect(run.status, run.stderr).toBe(0)
  return { ...(JSON.parse(run.stdout) as Record<string, unknown>), stderr: run.stderr }
}

describe('mqtt-packet without per-packet debug calls', () => {
  it('parses as ever with loggers that never print, and leaves other libraries the real debug', () => {
    const run = probe({})
    expect(run).toMatchObject({ quieted: true, packets: ['pingreq'], otherDebugIsReal: true })
    expect(run.stderr).toBe('')
  })

  it('keeps the real loggers when DEBUG is set, so DEBUG=mqtt-packet:* still prints', () => {
    const run = probe({ DEBUG: 'mqtt-packet:*' })
    expect(run).toMatchObject({ quieted: false, packets: ['pingreq'] })
    expect(run.stderr).toContain('mqtt-packet:parser')
  })
})
