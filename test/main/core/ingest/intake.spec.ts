import { rm } from 'node:fs/promises'

import { afterEach, describe, expect, it } from 'vitest'

import { DeviceLimit, type DeviceCounter } from '../../../../src/main/core/ingest/device-admission'
import {
  ReportIntake,
  type IntakeContext,
  type ReportIntakeOptions
} from '../../../../src/main/core/ingest/intake'
import {
  openDeviceAuthenticator,
  TokenDeviceAuthenticator,
  TokenTable,
  type DeviceAuthenticator
} from '../../../../src/main/core/ingest/protocol/device-auth'
import { ReportParser } from '../../../../src/main/core/ingest/protocol/report-parser'
import type { ReportStore, ReportStoreOptions } from '../../../../src/main/core/store/report-store'
import type { IngestReply } from '../../../../src/shared/ingest-protocol'
import { capturingLogger } from '../../../support/log-lines'
import { openStore } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
const stores: ReportStore[] = []
const limits: DeviceLimit[] = []
afterEach(async () => {
  for (const limit of limits.splice(0)) limit.stop()
  await Promise.all(stores.splice(0).map((s) => s.close()))
  await dirs.cleanup()
})

// A fixed clock near the real time: a report older than the store's retention is not written.
const CLOCK = Date.now()
const tcp: IntakeContext = { transport: 'tcp', peer: '10.0.0.7:51000' }

/** An intake over a real store in a temp dir, and every answer it gave, in order. */
async function intakeOver(
  options: {
    auth?: DeviceAuthenticator
    admission?: ReportIntakeOptions['admission']
    store?: Partial<ReportStoreOptions>
  } = {}
) {
  const dir = await dirs.make()
  const store = await openStore(dir, options.store)
  stores.push(store)
  const intake = new ReportIntake({
    parser: new ReportParser(options.auth ?? openDeviceAuthenticator),
    sink: store,
    admission: options.admission,
    maxMessageBytes: 256,
    now: () => CLOCK
  })
  const answers: Array<IngestReply | null> = []
  const waiters: Array<() => void> = []
  const answer = (reply: IngestReply | null): void => {
    answers.push(reply)
    for (const wake of waiters.splice(0)) wake()
  }
  /** Resolves once `count` answers have come in all. */
  const answered = async (count: number): Promise<Array<IngestReply | null>> => {
    while (answers.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
    return answers
  }
  const line = (text: string, context = tcp) => intake.submit(Buffer.from(text), context, answer)
  return { dir, store, intake, answer, answers, answered, line }
}

describe('ReportIntake', () => {
  it('acks a report once the store has it, stamped with the receive time and identity', async () => {
    const { store, line, answers, answered } = await intakeOver()
    line('{"device":"plc-1","seq":7,"auth":"ignored","temp":21.5}')
    expect(answers).toEqual([]) // not before it is stored
    expect(await answered(1)).toEqual([{ ack: 7 }])
    expect(await store.query({ limit: 10 })).toEqual([
      {
        _id: expect.any(String),
        device: 'plc-1',
        seq: 7,
        temp: 21.5,
        time: CLOCK,
        identity: 'anonymous'
      }
    ])
  })

  it('stores a report without seq and owes nothing for it (null)', async () => {
    const { store, line, answered } = await intakeOver()
    line('{"device":"ff","v":1}')
    expect(await answered(1)).toEqual([null])
    expect(store.reportCount).toBe(1)
  })

  it('answers a refusal before submit returns, with the seq it could read, and stores nothing', async () => {
    const { store, intake, line, answers } = await intakeOver({
      auth: new TokenDeviceAuthenticator(() => [TokenTable.fromTokens({ 'tok-1': 'line-1' })])
    })
    line(`{"device":"big","seq":1,"pad":"${'x'.repeat(300)}"}`)
    line('{"device":')
    line('[1,2]')
    line('{"device":"","seq":3}')
    line('{"device":"a","seq":4,"auth":"wrong"}')
    expect(answers).toEqual([
      intake.tooLarge(),
      { error: 'bad_json', message: expect.any(String) },
      { error: 'not_object', message: expect.any(String) },
      { error: 'invalid_field', message: expect.stringMatching(/^device: /), seq: 3 },
      { error: 'unauthorized', message: 'unknown device token', seq: 4 }
    ])
    expect(intake.tooLarge()).toEqual({
      error: 'too_large',
      message: 'line longer than 256 bytes; skipped'
    })
    await store.flush()
    expect(store.reportCount).toBe(0)
  })

  it('acks a resent report again and stores it once', async () => {
    const { store, line, answered } = await intakeOver()
    line('{"device":"r","seq":1}')
    await answered(1)
    line('{"device":"r","seq":1}')
    expect(await answered(2)).toEqual([{ ack: 1 }, { ack: 1 }])
    expect(store.reportCount).toBe(1)
  })

  it('answers unavailable, with seq, when the store cannot write', async () => {
    const { dir, line, answered } = await intakeOver()
    line('{"device":"disk","seq":1}')
    await answered(1)
    await rm(dir, { recursive: true, force: true }) // the store's files vanish under it
    line('{"device":"disk","seq":2}')
    line('{"device":"disk"}')
    expect((await answered(3)).slice(1)).toEqual([
      { error: 'unavailable', message: expect.stringMatching(/could not store/), seq: 2 },
      { error: 'unavailable', message: expect.stringMatching(/could not store/) }
    ])
  })

  it('refuses a new device beyond the bound with too_many_devices, and logs where it came from', async () => {
    const known = new Set<string>()
    const counter: DeviceCounter = {
      maxDevices: 1,
      admit: (device) => known.has(device) || (known.size < 1 && known.add(device) !== null)
    }
    const { logger, lines } = capturingLogger()
    const limit = new DeviceLimit(counter, logger, () => CLOCK)
    limits.push(limit)
    const { store, line, answers, answered } = await intakeOver({ admission: limit })
    line('{"device":"a","seq":1}')
    line('{"device":"b","seq":2}')
    expect(answers).toEqual([
      {
        error: 'too_many_devices',
        message: expect.stringContaining('at most 1 devices'),
        seq: 2
      }
    ])
    expect(await answered(2)).toContainEqual({ ack: 1 })
    expect(store.deviceSummaries().map((d) => d.id)).toEqual(['a'])
    expect(lines.find((l) => l.msg.startsWith('refused a report'))).toMatchObject({
      device: 'b',
      transport: 'tcp',
      peer: '10.0.0.7:51000'
    })
  })

  it('fills in the device a transport knows, and refuses a message naming another', async () => {
    const { store, line, answers, answered } = await intakeOver()
    // An MQTT subscription whose topic names the device: its payloads need not.
    const topic: IntakeContext = { transport: 'mqtt', peer: 'gateway-3', device: 'boiler-2' }
    line('{"seq":1,"t":80}', topic)
    line('{"device":"boiler-9","seq":2}', topic)
    expect(answers).toEqual([
      {
        error: 'invalid_field',
        message: 'device: this message can only be from "boiler-2"',
        seq: 2
      }
    ])
    expect(await answered(2)).toContainEqual({ ack: 1 })
    expect(await store.query({ limit: 10 })).toEqual([
      expect.objectContaining({ device: 'boiler-2', seq: 1, t: 80 })
    ])
  })

  it('stores under the identity a transport vouches for, without asking for a token', async () => {
    const { store, line, answered } = await intakeOver({
      auth: new TokenDeviceAuthenticator(() => [TokenTable.fromTokens({ 'tok-1': 'line-1' })])
    })
    const login: IntakeContext = { transport: 'mqtt', peer: 'gw', identity: 'broker:hall-2' }
    line('{"device":"p","seq":1,"auth":"not-a-token"}', login)
    expect(await answered(1)).toEqual([{ ack: 1 }])
    const [stored] = await store.query({ limit: 1 })
    expect(stored).toMatchObject({ device: 'p', identity: 'broker:hall-2' })
    expect(stored).not.toHaveProperty('auth')
  })

  it('takes a document a poller built down a line’s path: the same checks, the same limit', async () => {
    const { store, intake, answer, answers, answered } = await intakeOver()
    const poller: IntakeContext = {
      transport: 'modbus',
      peer: '10.0.0.9:502',
      device: 'press-1',
      identity: 'modbus'
    }
    intake.submitDocument({ seq: 1, registers: [1, 2, 3] }, poller, answer, CLOCK - 5)
    intake.submitDocument({ seq: 2, $where: 1 }, poller, answer)
    intake.submitDocument({ seq: 3, count: 10n }, poller, answer)
    intake.submitDocument({ seq: 4, pad: 'x'.repeat(300) }, poller, answer)
    expect(answers).toEqual([
      { error: 'invalid_field', message: expect.stringMatching(/\$where/), seq: 2 },
      { error: 'bad_json', message: expect.stringMatching(/^not representable as JSON/) },
      { error: 'too_large', message: expect.any(String) }
    ])
    expect(await answered(4)).toContainEqual({ ack: 1 })
    expect(await store.query({ limit: 10 })).toEqual([
      {
        _id: expect.any(String),
        device: 'press-1',
        seq: 1,
        registers: [1, 2, 3],
        time: CLOCK - 5,
        identity: 'modbus'
      }
    ])
  })

  it('says when the store’s queue is full, and calls back once it has drained', async () => {
    const { intake, line, answered } = await intakeOver({ store: { highWater: 3, maxBatch: 2 } })
    expect(intake.saturated).toBe(false)
    for (let seq = 1; seq <= 4; seq++) line(`{"device":"q","seq":${seq}}`)
    expect(intake.saturated).toBe(true)
    await new Promise<void>((resolve) => intake.onceDrained(resolve))
    expect(intake.saturated).toBe(false)
    expect(await answered(4)).toEqual([{ ack: 1 }, { ack: 2 }, { ack: 3 }, { ack: 4 }])
  })
})
