import { describe, expect, it } from 'vitest'

import type { IngestReply } from '../../../../src/shared/ingest-protocol'
import type { ModbusSourceConfig, SourceDriverEvents } from '../../../../src/shared/source-types'
import type { Answer, IntakeContext } from '../../../../src/main/core/ingest/intake'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import { Source, type SourceTimers } from '../../../../src/main/core/sources/source'
import type {
  ModbusDriverFactory,
  SourceDriverFactories
} from '../../../../src/main/core/sources/source-driver'

const CONFIG: ModbusSourceConfig = {
  id: 'plc-1',
  type: 'modbus',
  device: 'plc-1',
  host: '10.0.0.7',
  registers: [{ field: 't', kind: 'holding', address: 0 }]
}

/** Timers a spec fires by hand: what is waiting, and for how long. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>()
  let next = 0
  const timers: SourceTimers = {
    setTimeout: (callback, ms) => {
      pending.set(++next, { callback, ms })
      return next
    },
    clearTimeout: (handle) => void pending.delete(handle as number)
  }
  return {
    timers,
    waits: () => [...pending.values()].map((p) => p.ms),
    /** Fires every timer due now, as the event loop would. */
    fire: async () => {
      const due = [...pending.entries()]
      pending.clear()
      for (const [, { callback }] of due) callback()
      await new Promise((r) => setImmediate(r)) // the retry waits for the old driver's stop
    }
  }
}

/** Drivers the spec drives: each made one's events, and how many were made and stopped. */
function scriptedDrivers(onStart: (events: SourceDriverEvents, n: number) => void = () => {}) {
  const made: SourceDriverEvents[] = []
  let stopped = 0
  const modbus: ModbusDriverFactory = (_config, events) => {
    made.push(events)
    const n = made.length
    return {
      start: () => onStart(events, n),
      stop: async () => void stopped++
    }
  }
  const unused = () => {
    throw new Error('not this one')
  }
  return {
    drivers: { modbus, opcua: unused } as SourceDriverFactories,
    made,
    stopped: () => stopped
  }
}

/** An intake that stores every document at once (or refuses with `reply`), recording them. */
function recordingIntake(reply: IngestReply | null = null) {
  const documents: Array<{
    document: Record<string, unknown>
    context: IntakeContext
    at?: number
  }> = []
  return {
    documents,
    saturated: false,
    submitDocument(
      document: Record<string, unknown>,
      context: IntakeContext,
      answer: Answer,
      at?: number
    ) {
      documents.push({ document, context, at })
      answer(reply)
    }
  }
}

function source(
  drivers: SourceDriverFactories,
  intake = recordingIntake(),
  timers = manualTimers(),
  clock = { now: 1_000_000 }
) {
  return new Source(CONFIG, {
    intake,
    drivers,
    logger: silentLogger(),
    now: () => clock.now,
    timers: timers.timers,
    backoff: { initialMs: 1000, maxMs: 8000, jitter: false }
  })
}

describe('Source', () => {
  it('turns readings into the device’s reports with the source’s identity, and keeps its health', async () => {
    const { drivers, made } = scriptedDrivers()
    const intake = recordingIntake()
    const clock = { now: 1_000_000 }
    const s = source(drivers, intake, manualTimers(), clock)
    s.start()
    expect(s.status('console')).toMatchObject({ state: 'connecting', lastRead: null })
    made[0]!.state('connected')
    for (let i = 0; i < 30; i++) {
      made[0]!.reading({ t: i }, clock.now)
      clock.now += 1000
    }
    expect(intake.documents[0]).toEqual({
      document: { device: 'plc-1', t: 0 },
      context: {
        transport: 'modbus',
        peer: '10.0.0.7:502',
        device: 'plc-1',
        identity: 'source:plc-1'
      },
      at: 1_000_000
    })
    // 30 readings stored in its first 30 s: one a second (not 30 over a minute it has not had).
    expect(s.status('console')).toMatchObject({
      state: 'connected',
      lastError: null,
      lastRead: 1_029_000,
      readsPerSec: 1
    })
    // A minute on, with 30 more at one every 2 s: the last minute's mean (the first of them,
    // at 1,030 s, is just out of the minute up to 1,090 s: 29 of 60 seconds).
    for (let i = 0; i < 30; i++) {
      made[0]!.reading({ t: i }, clock.now)
      clock.now += 2000
    }
    expect(s.status('console').readsPerSec).toBe(0.48)
    clock.now += 61_000
    expect(s.status('console').readsPerSec).toBe(0)
    await s.stop()
  })

  it('retries a failed driver with a fresh one, waiting twice as long each time up to the cap', async () => {
    const { drivers, made, stopped } = scriptedDrivers((events) =>
      events.state('error', 'connect ECONNREFUSED 10.0.0.7:502')
    )
    const timers = manualTimers()
    const s = source(drivers, recordingIntake(), timers)
    s.start()
    expect(s.status('console')).toMatchObject({
      state: 'error',
      lastError: 'connect ECONNREFUSED 10.0.0.7:502'
    })
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      waits.push(...timers.waits())
      await timers.fire()
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
    expect(made).toHaveLength(7)
    expect(stopped()).toBe(7) // each failed one was stopped before the next began
    await s.stop()
    expect(timers.waits()).toEqual([]) // no retry after stop
  })

  it('starts the backoff again once a reading is stored', async () => {
    let fail = true
    const { drivers, made } = scriptedDrivers((events) => {
      if (fail) events.state('error', 'refused')
    })
    const timers = manualTimers()
    const s = source(drivers, recordingIntake(), timers)
    s.start()
    await timers.fire() // 1 s
    await timers.fire() // 2 s
    expect(timers.waits()).toEqual([4000])
    fail = false
    await timers.fire()
    made.at(-1)!.state('connected')
    made.at(-1)!.reading({ t: 1 }, 5)
    made.at(-1)!.state('error', 'closed')
    expect(timers.waits()).toEqual([1000])
    await s.stop()
  })

  it('keeps the words of a driver reconnecting on its own as lastError until it reads again', async () => {
    const { drivers, made } = scriptedDrivers()
    const timers = manualTimers()
    const s = source(drivers, recordingIntake(), timers)
    const health = () => ({ state: s.currentState, lastError: s.status('console').lastError })
    const lost = 'lost the connection to opc.tcp://10.0.0.8:4840'
    s.start()
    made[0]!.state('connected')
    made[0]!.reading({ t: 1 }, 1)
    expect(health()).toEqual({ state: 'connected', lastError: null })

    // The OPC UA driver's lost connection: it reconnects itself, so it is no `error` (no retry).
    made[0]!.state('connecting', lost)
    expect(health()).toEqual({ state: 'connecting', lastError: lost })
    expect(timers.waits()).toEqual([])
    // Back, but nothing read yet: the reason stands until a reading is stored.
    made[0]!.state('connected')
    expect(health()).toEqual({ state: 'connected', lastError: lost })
    made[0]!.reading({ t: 2 }, 2)
    expect(health()).toEqual({ state: 'connected', lastError: null })
    expect(made).toHaveLength(1) // the same driver throughout

    // A fresh driver after a failure starts `connecting` without words: the failure stands.
    made[0]!.state('error', 'connect ECONNREFUSED 10.0.0.8:4840')
    await timers.fire()
    made[1]!.state('connecting')
    expect(health()).toEqual({
      state: 'connecting',
      lastError: 'connect ECONNREFUSED 10.0.0.8:4840'
    })
    await s.stop()
  })

  it('counts a driver that throws as failed, and never lets it reach the caller', async () => {
    let n = 0
    const drivers = {
      modbus: (() => {
        n++
        if (n === 1) throw new Error('bad socket option')
        return {
          start: () => {
            throw new Error('cannot start')
          },
          stop: async () => {
            throw new Error('cannot stop either')
          }
        }
      }) as ModbusDriverFactory
    } as SourceDriverFactories
    const timers = manualTimers()
    const s = source(drivers, recordingIntake(), timers)
    expect(() => s.start()).not.toThrow()
    expect(s.status('file')).toMatchObject({ state: 'error', lastError: 'bad socket option' })
    await timers.fire()
    expect(s.status('file')).toMatchObject({ state: 'error', lastError: 'cannot start' })
    await expect(s.stop()).resolves.toBeUndefined()
  })

  it('ignores what a driver says once it was replaced or stopped', async () => {
    const { drivers, made } = scriptedDrivers()
    const intake = recordingIntake()
    const timers = manualTimers()
    const s = source(drivers, intake, timers)
    s.start()
    const first = made[0]!
    first.state('error', 'lost')
    await timers.fire()
    made[1]!.state('connected')
    first.reading({ t: 99 }, 1) // the failed driver, late
    first.state('connected')
    expect(intake.documents).toHaveLength(0)
    await s.stop()
    made[1]!.reading({ t: 1 }, 2)
    expect(intake.documents).toHaveLength(0)
  })

  it('says why a reading was refused, and drops readings while the store is full', async () => {
    const { drivers, made } = scriptedDrivers()
    const intake = recordingIntake({
      error: 'too_many_devices',
      message: 'the console keeps at most 1 devices'
    })
    const s = source(drivers, intake)
    s.start()
    made[0]!.state('connected')
    made[0]!.reading({ t: 1 }, 1)
    expect(s.status('console')).toMatchObject({
      state: 'connected',
      lastRead: null,
      lastError: 'a reading was refused (too_many_devices): the console keeps at most 1 devices'
    })
    intake.saturated = true
    made[0]!.reading({ t: 2 }, 2)
    expect(intake.documents).toHaveLength(1)
    await s.stop()
  })

  it('hides an OPC UA password in its status', () => {
    const drivers = scriptedDrivers().drivers
    const s = new Source(
      {
        id: 'opc-1',
        type: 'opcua',
        device: 'line-2',
        endpoint: 'opc.tcp://10.0.0.8:4840',
        user: 'u',
        password: 'secret',
        nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Rpm' }]
      },
      { intake: recordingIntake(), drivers, logger: silentLogger(), now: () => 0 }
    )
    expect(s.status('console').config).toMatchObject({ user: 'u', password: '…' })
    expect(s.config).toMatchObject({ password: 'secret' })
  })
})
