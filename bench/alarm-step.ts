/**
 * Step 7 of `npm run bench` (bench/run.ts), alone with `--alarms-only`: what alarm rules cost
 * the acked ingest rate — 1,000 rules over the 500 devices of the load against none — and how
 * long an alarm takes from the send of the report that crosses a limit to a `/live` viewer and
 * to a phone on `/push`, at a steady 10,000 reports/s. One console of its own for both halves.
 * Prints figures beside their targets, never fails on them.
 */
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import type { AlarmRule } from '../src/shared/alarm-types'
import type { DiagnosticsBody } from '../src/shared/api-types'
import { AlarmPhone, AlarmViewer, phoneLatencies } from './alarm-watchers'
import { ConsoleProcess } from './console-process'
import type { SteadyPlan } from './crossing-schedule'
import { LoadFleet, withTimeout } from './load-fleet'
import type { LoadPlan } from './load-protocol'

export const ALARM_TARGETS = { ratioAtLeast: 0.9, liveP99Ms: 100, pushP99Ms: 250 }

export interface AlarmStepOptions {
  dataDir: string
  /** Another build's `out/main/cli.js`, as the other steps take it. */
  cli?: string
  /** Node's own flags for the console (`--cpu-prof …`). */
  nodeArgs?: string[]
  /** Length of each throughput run, ms. */
  durationMs: number
  /** Throughput rounds (one run without rules, one with); the medians are reported. */
  repeats: number
  /** Unacked reports per connection. */
  window: number
  reportBytes: number
  liveIntervalMs: number
  say: (line: string) => void
}

export interface LatencyFigures {
  p50: number
  p99: number
  samples: number
}

export interface AlarmFigures {
  ackedWithRulesPerSec: number
  ackedWithoutPerSec: number
  /** Median of each round's rate with rules over its rate without. */
  ratio: number
  /**
   * The console's CPU per 1,000 acked reports, medians: steadier than the rates on a shared
   * machine, where the load processes and the console compete for the same cores.
   */
  cpuMsPer1000: { withRules: number; without: number }
  liveLatencyMs: LatencyFigures
  pushLatencyMs: LatencyFigures
}

/** The throughput load: 2 processes × 5 connections × 50 devices each, in turn: 500 devices. */
const LOAD = { processes: 2, connections: 5, devicesPerConnection: 50, prefix: 'bench-alarm-' }
const DEVICES = LOAD.processes * LOAD.connections * LOAD.devicesPerConnection
const STEADY_RATE = 10_000
/**
 * 200 crossing devices, each raising once every 10 s: 20 raises a second in all. Slower than
 * chattering (more than 10 raises of one alarm within 60 s, which the console shelves, and
 * whose changes reach viewers only once a second, without a page): what is timed is an alarm
 * a plant would raise.
 */
const CROSSING = { devicePrefix: 'bench-cross-', devices: 200, perSecond: 20 }
const PHONE = 'bench-phone'

/**
 * Two rules per device of the load, on fields its reports carry, with limits they never cross:
 * every report is evaluated twice and nothing raises, so the cost measured is the evaluation's.
 */
function loadRules(): AlarmRule[] {
  const rules: AlarmRule[] = []
  for (let i = 0; i < DEVICES; i++) {
    const device = `${LOAD.prefix}${i}`
    rules.push(
      {
        id: `bench-hot-${i}`,
        name: `${device} too hot`,
        devices: device,
        field: 'temperature',
        above: 95,
        deadband: 2,
        severity: 'high'
      },
      {
        id: `bench-fault-${i}`,
        name: `${device} in fault`,
        devices: device,
        field: 'status',
        equals: 'fault',
        severity: 'critical'
      }
    )
  }
  return rules
}

/** The rule the crossing reports raise: `x` is the send time, > 0; the next report's −1 clears it. */
const CROSSING_RULE: AlarmRule = {
  id: 'bench-crossing',
  name: 'bench limit crossed',
  devices: `${CROSSING.devicePrefix}*`,
  field: 'x',
  above: 0,
  severity: 'critical',
  notify: [PHONE]
}

export async function measureAlarms(options: AlarmStepOptions): Promise<AlarmFigures> {
  const console_ = await ConsoleProcess.start({
    dataDir: options.dataDir,
    cli: options.cli,
    nodeArgs: options.nodeArgs,
    serveArgs: [
      '--live-interval',
      String(options.liveIntervalMs),
      // Phones get a message per alarm, not flood summaries: 20 raises a second is a flood.
      // 100,000 is the option's maximum, far above the 12,000 the window sees.
      '--alarm-flood',
      '100000',
      // PUT /api/alarm-rules with 1,000 rules is ~120 kB, over the 64 kB default.
      '--max-body-bytes',
      String(1024 * 1024)
    ]
  })
  try {
    const cost = await ruleCost(console_, options)
    const latency = await alarmLatency(console_, options)
    return { ...cost, ...latency }
  } finally {
    await console_.stop()
  }
}

// ---- the cost of rules ----

async function ruleCost(
  console_: ConsoleProcess,
  options: AlarmStepOptions
): Promise<
  Pick<AlarmFigures, 'ackedWithRulesPerSec' | 'ackedWithoutPerSec' | 'ratio' | 'cpuMsPer1000'>
> {
  const { say } = options
  const rules = loadRules()
  say(
    `7. Alarms: acked throughput with ${int(rules.length)} rules over ${int(DEVICES)} devices ` +
      `and with none, set by PUT /api/alarm-rules before each run; ${options.repeats} rounds of ` +
      `${secs(options.durationMs)} runs (none then rules, rules then none, in turn) after a warm-up round`
  )
  say(
    `   load: ${LOAD.processes} processes × ${LOAD.connections} connections, each taking turns ` +
      `among ${LOAD.devicesPerConnection} devices; rules: temperature above 95 and status equals ` +
      `"fault" per device, never crossed — the evaluation is measured, not raising`
  )
  const run = async (
    withRules: boolean
  ): Promise<{ rate: number; cpuPerThousand: number; details: string }> => {
    const { body: inForce } = await console_.put<unknown[]>('/api/alarm-rules', {
      rules: withRules ? rules : []
    })
    if (inForce.length !== (withRules ? rules.length : 0))
      throw new Error(`PUT /api/alarm-rules: ${inForce.length} rules in force`)
    const fleet = await LoadFleet.start({
      processes: LOAD.processes,
      plan: loadPlan(console_, options)
    })
    const cpuBefore = console_.cpuMs() ?? 0
    const result = await fleet.run()
    const cpuPerThousand = (((console_.cpuMs() ?? 0) - cpuBefore) / result.acked) * 1000
    const problems =
      result.errors > 0 || result.failures.length > 0
        ? `  !! ${int(result.errors)} error replies (${result.firstError ?? 'none'}); ${result.failures.slice(0, 3).join('; ')}`
        : ''
    return {
      rate: result.ackedInWindow / (options.durationMs / 1000),
      cpuPerThousand,
      details: `console CPU ${cpuPerThousand.toFixed(1)} ms per 1,000 acked${problems}`
    }
  }
  const warm = [await run(false), await run(true)]
  say(`   warm-up round  ${warm.map((w) => int(w.rate)).join(' / ')} reports/s (not counted)`)
  const without: number[] = []
  const withRules: number[] = []
  const cpu = { without: [] as number[], withRules: [] as number[] }
  for (let round = 1; round <= options.repeats; round++) {
    // The order alternates: the store grows run by run, and were the second run of each round
    // always the one with rules, they would be charged that growth.
    const rulesFirst = round % 2 === 0
    const first = await run(rulesFirst)
    const second = await run(!rulesFirst)
    const [none, ruled] = rulesFirst ? [second, first] : [first, second]
    without.push(none.rate)
    withRules.push(ruled.rate)
    cpu.without.push(none.cpuPerThousand)
    cpu.withRules.push(ruled.cpuPerThousand)
    const noneLine = `   round ${round}, no rules    ${int(none.rate).padStart(9)} reports/s   ${none.details}`
    const ruledLine = `   round ${round}, ${int(rules.length)} rules ${int(ruled.rate).padStart(9)} reports/s   ${ruled.details}`
    for (const line of rulesFirst ? [ruledLine, noneLine] : [noneLine, ruledLine]) say(line)
  }
  const { body } = await console_.get<DiagnosticsBody>('/api/diagnostics')
  const ratios = withRules.map((rate, i) => rate / without[i]!)
  const ratio = median(ratios)
  say(
    `   median without ${int(median(without))} reports/s, with rules ${int(median(withRules))} ` +
      `reports/s; to the run without in the same round: ${ratios.map((r) => r.toFixed(2)).join(' / ')}, ` +
      `median ${ratio.toFixed(2)}×   ${target(ratio >= ALARM_TARGETS.ratioAtLeast, 'rules cost < 10%')}`
  )
  const cpuMsPer1000 = {
    withRules: +median(cpu.withRules).toFixed(1),
    without: +median(cpu.without).toFixed(1)
  }
  say(
    `   console CPU per 1,000 acked reports, medians: ${cpuMsPer1000.withRules} ms with rules, ` +
      `${cpuMsPer1000.without} ms without (${(cpuMsPer1000.withRules / cpuMsPer1000.without).toFixed(2)}×)`
  )
  say(
    `   alarms held after the runs: ${body.alarms.held} (0: no limit was crossed); ` +
      `readings not evaluated: ${int(body.alarms.notEvaluated)}`
  )
  return {
    ackedWithRulesPerSec: Math.round(median(withRules)),
    ackedWithoutPerSec: Math.round(median(without)),
    ratio: +ratio.toFixed(3),
    cpuMsPer1000
  }
}

function loadPlan(console_: ConsoleProcess, options: AlarmStepOptions): LoadPlan {
  const settleMs = 60_000
  return {
    host: console_.ingest.host,
    port: console_.ingest.port,
    mode: 'acked',
    devicePrefix: LOAD.prefix,
    firstDevice: 0,
    connections: LOAD.connections,
    devicesPerConnection: LOAD.devicesPerConnection,
    durationMs: options.durationMs,
    reportsPerConnection: Number.MAX_SAFE_INTEGER,
    window: options.window,
    reportBytes: options.reportBytes,
    settleMs,
    maxMs: options.durationMs + settleMs + 30_000
  }
}

// ---- latency ----

async function alarmLatency(
  console_: ConsoleProcess,
  options: AlarmStepOptions
): Promise<Pick<AlarmFigures, 'liveLatencyMs' | 'pushLatencyMs'>> {
  const { say } = options
  const seconds = Math.max(10, Math.round((3 * options.durationMs) / 1000))
  await console_.put('/api/alarm-rules', { rules: [...loadRules(), CROSSING_RULE] })
  const settledMs = await console_.settle()
  say(
    `   latency, device send → alarm at a /live viewer and at a phone on /push, at a steady ` +
      `${int(STEADY_RATE)} reports/s for ${seconds} s over the ${int(DEVICES)} devices and their ` +
      `rules, of which ~${CROSSING.perSecond}/s cross a limit (x > 0, on ${CROSSING.devices} ` +
      `devices, each cleared by its next report; rule notifies "${PHONE}") ` +
      `(started once the console was idle: ${secs(settledMs)})`
  )
  const viewer = await AlarmViewer.connect(console_.webUrl, console_.accessKey)
  let phone: AlarmPhone | undefined
  try {
    phone = await AlarmPhone.connect(console_.webUrl, PHONE)
    viewer.track(Date.now())
    phone.take()
    const plan: SteadyPlan = { devicePrefix: LOAD.prefix, devices: DEVICES, crossing: CROSSING }
    const sender = fork(
      join(__dirname, 'steady-sender.ts'),
      [
        console_.ingest.host,
        String(console_.ingest.port),
        String(STEADY_RATE),
        String(seconds),
        JSON.stringify(plan)
      ],
      { execArgv: ['--import', 'tsx'], stdio: 'inherit' }
    )
    type SenderResult = { sent: number; acked: number; crossings: number; error?: string }
    const result = await withTimeout(
      new Promise<SenderResult>((resolve) =>
        sender.once('message', (m) => resolve(m as SenderResult))
      ),
      (seconds + 30) * 1000,
      'the steady sender did not finish'
    ).finally(() => sender.kill())
    if (result.error !== undefined) throw new Error(`the steady sender: ${result.error}`)
    await sleep(1000) // the last raises reach the viewer and the phone
    const raises = viewer.take()
    const messages = phone.take()
    const live = figures(raises.map((r) => r.arrivedAt - r.sentAt))
    const periodMs = (CROSSING.devices / CROSSING.perSecond) * 1000
    const push = phoneLatencies(raises, messages, periodMs / 2)
    const toPhone = figures(push.latencies)
    say(
      `   sent ${int(result.sent)}, acked ${int(result.acked)}, ${int(result.crossings)} crossing; ` +
        `the viewer saw ${int(raises.length)} raises, the phone got ${int(messages.length)} ` +
        `raised messages (${int(push.latencies.length)} matched to a raise, ${push.unmatched} not) ` +
        `and ${int(phone.others)} others`
    )
    say(
      `   to the viewer: p50 ${live.p50} ms, p99 ${live.p99} ms, max ${live.max} ms   ` +
        target(live.p99 < ALARM_TARGETS.liveP99Ms, `p99 < ${ALARM_TARGETS.liveP99Ms} ms`)
    )
    say(
      `   to the phone:  p50 ${toPhone.p50} ms, p99 ${toPhone.p99} ms, max ${toPhone.max} ms   ` +
        target(toPhone.p99 < ALARM_TARGETS.pushP99Ms, `p99 < ${ALARM_TARGETS.pushP99Ms} ms`)
    )
    return {
      liveLatencyMs: { p50: live.p50, p99: live.p99, samples: live.samples },
      pushLatencyMs: { p50: toPhone.p50, p99: toPhone.p99, samples: toPhone.samples }
    }
  } finally {
    viewer.close()
    phone?.close()
  }
}

// ---- figures and output ----

function figures(latencies: number[]): LatencyFigures & { max: number } {
  const sorted = [...latencies].sort((a, b) => a - b)
  const pct = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
  return { p50: pct(50), p99: pct(99), samples: sorted.length, max: sorted.at(-1) ?? NaN }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const secs = (ms: number): string => (ms / 1000).toFixed(2) + ' s'
const target = (met: boolean, text: string): string =>
  `[target ${text}: ${met ? 'met' : 'NOT met'}]`
