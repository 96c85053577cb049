/**
 * `npm run bench`: how fast the built console stores reports, how much memory it takes, how
 * quickly it starts on a large store, how long the worst document the limits allow takes to
 * store (step 6, in this process: bench/document-cost.ts), and what alarms cost and how fast they
 * reach viewers and phones (step 7: bench/alarm-step.ts). Drives `node out/main/cli.js serve`
 * on 127.0.0.1 from separate load processes (bench/load-client.ts). Prints figures beside their targets, never
 * fails on them; the last line of stdout is a JSON summary. Everything is bounded in count and
 * time and cleans up after itself (`--keep-data` keeps the data dirs).
 */
import { fork } from 'node:child_process'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'

import type { DeviceSummary, DiagnosticsBody } from '../src/shared/api-types'
import type { StoredReport } from '../src/shared/ingest-protocol'
import { measureAlarms, type AlarmFigures } from './alarm-step'
import { ConsoleProcess, killRunningConsoles } from './console-process'
import { summariseProfiles } from './cpu-profile'
import { describeDocumentCost, measureDocumentCost } from './document-cost'
import { writeHistoryStore } from './history-store'
import { LiveViewers } from './live-viewers'
import { LoadFleet, withTimeout, type FleetResult } from './load-fleet'
import type { LoadPlan } from './load-protocol'
import { measureExport, type ExportFigure } from './export-step'
import { measureMqtt } from './mqtt-step'
import { describeSeries, measureSeries, type SeriesFigure } from './series-step'
import { WireViewers } from './wire-viewers'

const TARGETS = { ackedPerSec: 50_000, largeStoreRssMb: 400, startupMs: 3000 }

interface Settings {
  reports: number
  durationMs: number
  repeats: number
  /** Load processes × connections each: the console needs a core of its own on a 2-core box. */
  processes: number
  connections: number
  window: number
  reportBytes: number
  cpuProf: boolean
  keepData: boolean
  /** The console's --live-interval: least ms between two live batches under load. */
  liveIntervalMs: number
  /** Only step 3, the live latency (for trying the live settings). */
  latencyOnly: boolean
  /** Only steps 1 and 2, the throughput runs (for comparing two builds, run after run). */
  throughputOnly: boolean
  /** Only step 7, the alarms: the cost of rules and the latency of an alarm. */
  alarmsOnly: boolean
  /** Only step 8, the series on a month of history. */
  historyOnly: boolean
  /** Only step 9, the exports of a month of history. */
  exportOnly: boolean
  /** Only the MQTT step: QoS 1 acked/s, Lookout's broker against Mosquitto (bench/mqtt-step.ts). */
  mqtt: boolean
  /** Another build's `out/main/cli.js` to measure instead of this checkout's. */
  cli: string | undefined
}

const USAGE = `usage: npm run bench -- [options]
  --quick          200,000 reports in the large store and 2 s runs
  --reports <n>    reports ingested into the large store (default 2,000,000)
  --duration <s>   length of each throughput run (default 5)
  --repeats <n>    throughput runs per mode; the median is reported (default 5)
  --window <n>     unacked reports per connection in acked mode (default 2,000)
  --cpu-prof       profile the console (node --cpu-prof) and print its hottest functions
  --keep-data      keep the temporary data dirs
  --live-interval <ms>  the console's least time between live batches under load (default 50)
  --latency-only   only step 3: live latency at a steady rate with viewers
  --throughput-only  only steps 1 and 2: acked and fire-and-forget throughput
  --alarms-only    only step 7: acked throughput with 1,000 alarm rules and without, alarm latency
  --cli <path>     measure another build's out/main/cli.js (e.g. a worktree of an older commit)
  --history-only   only step 8: GET /api/series on a month of history (--reports of it)
  --export-only    only step 9: GET /api/export of a month of history (--reports of it)
  --mqtt           only the MQTT step: QoS 1 acked/s of Lookout's broker against Mosquitto
                   (--duration s per run, --repeats runs each, interleaved)
`

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  reports: { type: 'string' },
  duration: { type: 'string' },
  repeats: { type: 'string' },
  window: { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
  'keep-data': { type: 'boolean', default: false },
  'live-interval': { type: 'string' },
  'latency-only': { type: 'boolean', default: false },
  'throughput-only': { type: 'boolean', default: false },
  'alarms-only': { type: 'boolean', default: false },
  'history-only': { type: 'boolean', default: false },
  'export-only': { type: 'boolean', default: false },
  mqtt: { type: 'boolean', default: false },
  cli: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false }
} as const

function readSettings(): Settings {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>
  try {
    parsed = parseArgs({ options: OPTIONS })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const { values } = parsed
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const number = (
    name: string,
    text: string | undefined,
    fallback: number,
    min: number
  ): number => {
    if (text === undefined) return fallback
    const n = Number(text.replaceAll('_', ''))
    if (!Number.isFinite(n) || n < min) {
      process.stderr.write(`--${name}: expected a number ≥ ${min}, got ${text}\n${USAGE}`)
      process.exit(2)
    }
    return n
  }
  const quick = values.quick
  return {
    reports: Math.round(number('reports', values.reports, quick ? 200_000 : 2_000_000, 8)),
    durationMs: 1000 * number('duration', values.duration, quick ? 2 : 5, 0.5),
    repeats: Math.round(number('repeats', values.repeats, 5, 1)),
    processes: 2,
    connections: 4,
    window: Math.round(number('window', values.window, 2000, 1)),
    reportBytes: 200,
    cpuProf: values['cpu-prof'],
    keepData: values['keep-data'],
    liveIntervalMs: Math.round(number('live-interval', values['live-interval'], 50, 10)),
    latencyOnly: values['latency-only'],
    throughputOnly: values['throughput-only'],
    alarmsOnly: values['alarms-only'],
    historyOnly: values['history-only'],
    exportOnly: values['export-only'],
    mqtt: values.mqtt,
    cli: values.cli
  }
}

// ---- output ----

const say = (line = ''): void => void process.stdout.write(line + '\n')
const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const mb = (bytes: number): number => Math.round(bytes / (1024 * 1024))
const secs = (ms: number): string => (ms / 1000).toFixed(2) + ' s'
const target = (met: boolean, text: string): string =>
  `[target ${text}: ${met ? 'met' : 'NOT met'}]`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function describeProblems(result: FleetResult): string {
  const problems: string[] = []
  if (result.errors > 0)
    problems.push(`${int(result.errors)} error replies, e.g. ${result.firstError}`)
  if (result.failures.length > 0) problems.push(result.failures.slice(0, 3).join('; '))
  return problems.length > 0 ? `  !! ${problems.join('; ')}` : ''
}

// ---- the runs ----

interface Context {
  settings: Settings
  dirs: string[]
}

async function freshDir(ctx: Context, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lookout-bench-${label}-`))
  ctx.dirs.push(dir)
  return dir
}

function startConsole(
  settings: Settings,
  dataDir: string,
  profileDir?: string
): Promise<ConsoleProcess> {
  return ConsoleProcess.start({
    dataDir,
    cli: settings.cli,
    nodeArgs: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    serveArgs: ['--live-interval', String(settings.liveIntervalMs)]
  })
}

function planFor(
  ctx: Context,
  console_: ConsoleProcess,
  mode: LoadPlan['mode'],
  devicePrefix: string,
  reportsPerConnection: number
): LoadPlan {
  const { settings } = ctx
  const timed = reportsPerConnection === 0
  const perConnection = timed ? Number.MAX_SAFE_INTEGER : reportsPerConnection
  const settleMs = 60_000
  return {
    host: console_.ingest.host,
    port: console_.ingest.port,
    mode,
    devicePrefix,
    firstDevice: 0,
    connections: settings.connections,
    durationMs: timed ? settings.durationMs : 0,
    reportsPerConnection: perConnection,
    window: settings.window,
    reportBytes: settings.reportBytes,
    settleMs,
    // Counted runs are given time for at least 1,000 reports/s per connection.
    maxMs: (timed ? settings.durationMs : perConnection) + settleMs + 30_000
  }
}

async function storedCount(console_: ConsoleProcess): Promise<{ count: number; ms: number }> {
  const { body, ms } = await console_.get<DeviceSummary[]>('/api/devices')
  return { count: body.reduce((sum, d) => sum + d.reports, 0), ms }
}

/**
 * 2. Reports without `seq`: nothing comes back, so what was stored is read from the device counts,
 * and the rate is taken over the time until those counts stop growing.
 */
async function fireAndForget(ctx: Context, console_: ConsoleProcess): Promise<number[]> {
  const { settings } = ctx
  say(
    `2. Fire-and-forget (no seq, no acks): ${settings.repeats} runs of ${secs(settings.durationMs)} sending`
  )
  const rates: number[] = []
  for (let run = 1; run <= settings.repeats; run++) {
    const before = (await storedCount(console_)).count
    const fleet = await LoadFleet.start({
      processes: settings.processes,
      plan: planFor(ctx, console_, 'fire', 'bench-fire-', 0)
    })
    const goAt = Date.now()
    let result: FleetResult | undefined
    const running = fleet.run().then((r) => (result = r))
    let count = before
    let lastGrowthAt = goAt
    let slowestPoll = 0
    // Polled every 100 ms; ends once everything sent is counted, or 2 s pass without growth.
    const pollUntil = goAt + settings.durationMs + 120_000
    while (Date.now() < pollUntil) {
      await sleep(100)
      const poll = await storedCount(console_)
      slowestPoll = Math.max(slowestPoll, poll.ms)
      if (poll.count > count) {
        count = poll.count
        lastGrowthAt = Date.now()
      }
      if (result !== undefined) {
        if (count - before >= result.sent || Date.now() - lastGrowthAt > 2000) break
      }
    }
    const sent = (await running).sent
    const stored = count - before
    const ms = lastGrowthAt - goAt
    const rate = ms > 0 ? (stored / ms) * 1000 : 0
    rates.push(rate)
    // Stored late (a stall of over 2 s) or lost? Counted again after 10 s more.
    const late =
      stored < sent ? (await sleep(10_000), (await storedCount(console_)).count - before) : stored
    say(
      `   run ${run}   ${int(rate).padStart(9)} reports/s   (sent ${int(sent)}, stored ${int(stored)}` +
        ` in ${secs(ms)}; slowest GET /api/devices ${Math.round(slowestPoll)} ms)` +
        (stored < sent
          ? `  !! ${int(sent - stored)} not stored when the count stopped growing for 2 s; ` +
            `${int(sent - late)} not stored 10 s later`
          : '') +
        describeProblems(result!)
    )
  }
  say(`   median  ${int(median(rates)).padStart(7)} reports/s`)
  return rates
}

interface LargeStoreFigures {
  reports: number
  ingestMs: number
  ingestPerSec: number
  maxRssMb: number
  peakRssMb: number
  stopMs: number
  diskMb: number
  partitions: number
  startupMs: number[]
  rssAfterStartMb: number[]
  reportsKept: number
  latestQueryMs: { cold: number; warm: number; returned: number }
  oldestQueryMs: { cold: number; warm: number; returned: number; allOld: boolean }
}

/** 5. Ingest a large store, then restart on it: start-up time, memory, and old data queried. */
async function largeStore(ctx: Context): Promise<LargeStoreFigures> {
  const { settings } = ctx
  const connections = settings.processes * settings.connections
  const perConnection = Math.ceil(settings.reports / connections)
  const total = perConnection * connections
  say(`5. Large store: ${int(total)} reports, acked, into a fresh data dir`)
  const dataDir = await freshDir(ctx, 'large')
  const profileDir = settings.cpuProf ? await freshDir(ctx, 'profile-large') : undefined
  const console_ = await startConsole(settings, dataDir, profileDir)

  const fleet = await LoadFleet.start({
    processes: settings.processes,
    plan: planFor(ctx, console_, 'acked', 'bench-large-', perConnection)
  })
  // Once a second: the console's RSS, and a progress line each time another ~1/8 is stored.
  const step = Math.max(1, Math.round(total / 8))
  let nextMark = step
  let maxRss = 0
  const startedAt = performance.now()
  let lastMark = { at: startedAt, acked: 0 }
  const sampler = setInterval(() => {
    const rss = console_.memory()?.rss ?? 0
    maxRss = Math.max(maxRss, rss)
    const { acked } = fleet.totals()
    if (acked < nextMark) return
    const now = performance.now()
    const rate = ((acked - lastMark.acked) / (now - lastMark.at)) * 1000
    say(
      `   ${int(acked).padStart(10)} stored   ${secs(now - startedAt).padStart(8)}   ` +
        `${int(rate).padStart(7)} reports/s since the last line   RSS ${mb(rss)} MB`
    )
    lastMark = { at: now, acked }
    while (nextMark <= acked) nextMark += step
  }, 1000)
  let result: FleetResult
  try {
    result = await fleet.run()
  } finally {
    clearInterval(sampler)
  }
  maxRss = Math.max(maxRss, console_.memory()?.rss ?? 0)
  const peakRss = console_.memory()?.peakRss ?? 0
  const ingestPerSec = (result.acked / result.wallMs) * 1000
  say(
    `   ingested ${int(result.acked)} in ${secs(result.wallMs)}: ${int(ingestPerSec)} reports/s` +
      describeProblems(result)
  )
  say(
    `   console RSS: max ${mb(maxRss)} MB sampled each second, peak (VmHWM) ${mb(peakRss)} MB   ` +
      target(
        mb(Math.max(maxRss, peakRss)) < TARGETS.largeStoreRssMb,
        `< ${TARGETS.largeStoreRssMb} MB`
      )
  )
  const stopped = await console_.stop()
  say(
    `   stop (SIGTERM → exit, store flushed): ${secs(stopped.ms)}${stopped.killed ? '  !! had to be killed' : ''}`
  )
  if (profileDir !== undefined) await printProfile(profileDir, 'large-store ingest')
  const disk = await diskUsage(join(dataDir, 'reports'))
  say(`   on disk: ${mb(disk.bytes)} MB in ${disk.partitions} partition files`)

  const startupMs: number[] = []
  const rssAfterStartMb: number[] = []
  let reportsKept = 0
  let latest = { cold: 0, warm: 0, returned: 0 }
  let oldest = { cold: 0, warm: 0, returned: 0, allOld: false }
  for (let run = 1; run <= 3; run++) {
    const restarted = await startConsole(settings, dataDir)
    startupMs.push(restarted.startupMs)
    await sleep(1000) // let start-up garbage be collected before RSS is read
    const rss = mb(restarted.memory()?.rss ?? 0)
    rssAfterStartMb.push(rss)
    say(`   restart ${run}: start-up ${secs(restarted.startupMs)}, RSS 1 s after start ${rss} MB`)
    if (run === 1) {
      reportsKept = (await storedCount(restarted)).count
      latest = await timeQuery(restarted, '/api/reports?limit=100')
      const oldestPath = `/api/reports?until=${result.firstAckAt ?? result.goAt}&limit=100`
      const timed = await timeQuery(restarted, oldestPath)
      oldest = { ...timed, allOld: timed.allBefore(result.firstAckAt ?? result.goAt) }
      say(`   reports kept after restart: ${int(reportsKept)} (GET /api/devices)`)
      say(
        `   GET /api/reports?limit=100                ` +
          `first ${Math.round(latest.cold)} ms, then ${Math.round(latest.warm)} ms (median of 3); ${latest.returned} reports`
      )
      say(
        `   GET /api/reports?until=<first report>&limit=100   ` +
          `first ${Math.round(oldest.cold)} ms, then ${Math.round(oldest.warm)} ms; ` +
          `${oldest.returned} reports, ${oldest.allOld ? 'all from the first moments' : '!! some newer than asked'}`
      )
    }
    const stop = await restarted.stop()
    if (stop.killed) say(`   !! restart ${run} had to be killed to stop`)
  }
  const startup = median(startupMs)
  say(
    `   start-up median ${secs(startup)}   ` +
      target(startup < TARGETS.startupMs, `< ${secs(TARGETS.startupMs)}`)
  )
  return {
    reports: result.acked,
    ingestMs: result.wallMs,
    ingestPerSec,
    maxRssMb: mb(maxRss),
    peakRssMb: mb(peakRss),
    stopMs: stopped.ms,
    diskMb: mb(disk.bytes),
    partitions: disk.partitions,
    startupMs,
    rssAfterStartMb,
    reportsKept,
    latestQueryMs: { cold: latest.cold, warm: latest.warm, returned: latest.returned },
    oldestQueryMs: oldest
  }
}

async function timeQuery(console_: ConsoleProcess, path: string) {
  const first = await console_.get<StoredReport[]>(path)
  const again: number[] = []
  for (let i = 0; i < 3; i++) again.push((await console_.get<StoredReport[]>(path)).ms)
  return {
    cold: first.ms,
    warm: median(again),
    returned: first.body.length,
    allBefore: (until: number) => first.body.every((r) => r.time <= until)
  }
}

async function diskUsage(dir: string): Promise<{ bytes: number; partitions: number }> {
  let bytes = 0
  let partitions = 0
  for (const name of await readdir(dir)) {
    bytes += (await stat(join(dir, name))).size
    if (name.startsWith('reports-')) partitions += 1
  }
  return { bytes, partitions }
}

async function printProfile(dir: string, label: string): Promise<void> {
  const summary = await summariseProfiles(dir, 15)
  say(
    `   CPU profile of the console (${label}): busy ${secs(summary.busyMs)} of ${secs(summary.totalMs)}; ` +
      `self time, top ${summary.top.length}:`
  )
  for (const f of summary.top) {
    say(
      `     ${f.percent.toFixed(1).padStart(5)}%  ${secs(f.selfMs).padStart(9)}  ${f.name}  ${f.where}`
    )
  }
  say(`   profiles kept in ${dir}`)
}

const VIEWERS = 20
const STEADY_RATE = 10_000

/**
 * Who watches in an acked run: nobody; 20 wire viewers (the Socket.IO protocol over a bare
 * WebSocket, counting reports without decoding them: remote viewers as the console sees them,
 * at the least cost to the two cores the console shares with them); or 20 socket.io-client
 * viewers parsing every report, on those same two cores.
 */
type ViewerMode = 'none' | 'wire' | 'parse'
const MODES: ViewerMode[] = ['none', 'wire', 'parse']

const MODE_TEXT: Record<ViewerMode, string> = {
  none: 'no viewers',
  wire: `${VIEWERS} wire viewers`,
  parse: `${VIEWERS} parsing viewers`
}

interface AckedFigures {
  rates: number[]
  /** The console's CPU per 1,000 acked reports in each run, ms. */
  cpuPerThousand: number[]
}

/**
 * 1. Reports stored and acked per second, every connection keeping a window of unacked ones:
 * without viewers and with 20 `/live` viewers of each kind. The three take turns, round after
 * round, after a warm-up round, so the machine's drift falls on all of them alike.
 */
async function ackedRounds(
  ctx: Context,
  console_: ConsoleProcess
): Promise<Record<ViewerMode, AckedFigures>> {
  const { settings } = ctx
  say(
    `1. Acked throughput: ${settings.repeats} rounds of ${secs(settings.durationMs)} runs ` +
      `(${MODES.map((m) => MODE_TEXT[m]).join(', ')}), window ${int(settings.window)} unacked reports per connection`
  )
  say(
    '   wire viewers: the Socket.IO protocol over a bare WebSocket, reports counted, not decoded ' +
      '(remote viewers as the console sees them); parsing viewers: socket.io-client, every report ' +
      'parsed, on the same 2 cores as the console'
  )
  // A round not counted: the console, the load processes and the viewers' code all warm up.
  const warm: string[] = []
  for (const mode of MODES)
    warm.push(int((await ackedRun(ctx, console_, mode, `bench-warm-${mode}-`)).rate))
  say(`   warm-up round  ${warm.join(' / ')} reports/s (not counted)`)
  const figures: Record<ViewerMode, AckedFigures> = {
    none: { rates: [], cpuPerThousand: [] },
    wire: { rates: [], cpuPerThousand: [] },
    parse: { rates: [], cpuPerThousand: [] }
  }
  for (let round = 1; round <= settings.repeats; round++) {
    for (const mode of MODES) {
      const run = await ackedRun(ctx, console_, mode, `bench-${mode}${round}-`)
      figures[mode].rates.push(run.rate)
      figures[mode].cpuPerThousand.push(run.cpuPerThousand)
      say(
        `   round ${round}, ${MODE_TEXT[mode].padEnd(19)} ${int(run.rate).padStart(9)} reports/s   ${run.details}`
      )
      say(`      ${run.pacing}`)
    }
  }
  const plain = median(figures.none.rates)
  const plainCpu = median(figures.none.cpuPerThousand)
  say(
    `   median, no viewers:          ${int(plain).padStart(7)} reports/s   ` +
      target(plain >= TARGETS.ackedPerSec, `≥ ${int(TARGETS.ackedPerSec)}/s`)
  )
  for (const mode of ['wire', 'parse'] as const) {
    const m = median(figures[mode].rates)
    const ratios = roundRatios(figures, mode)
    const ratio = median(ratios)
    const cpu = median(figures[mode].cpuPerThousand)
    say(
      `   median, ${MODE_TEXT[mode].padEnd(19)} ${int(m).padStart(7)} reports/s; to the run without in the same round: ` +
        `${ratios.map((r) => r.toFixed(2)).join(' / ')}, median ${ratio.toFixed(2)}×` +
        (mode === 'wire' ? `   ${target(ratio >= 0.9, 'viewers cost < 10%')}` : '')
    )
    say(
      `      console CPU per 1,000 acked reports ${cpu.toFixed(1)} ms, without viewers ${plainCpu.toFixed(1)} ms (${(cpu / plainCpu).toFixed(2)}×)`
    )
  }
  return figures
}

/**
 * Each round's rate with viewers over the one without: the two runs are back to back, so their
 * ratio is the least disturbed by the machine's drift.
 */
function roundRatios(figures: Record<ViewerMode, AckedFigures>, mode: ViewerMode): number[] {
  return figures[mode].rates.map((rate, i) => rate / figures.none.rates[i]!)
}

/** One acked run in the given mode: its rate, the console's CPU per report, what viewers got. */
async function ackedRun(
  ctx: Context,
  console_: ConsoleProcess,
  mode: ViewerMode,
  devicePrefix: string
): Promise<{ rate: number; cpuPerThousand: number; details: string; pacing: string }> {
  const { settings } = ctx
  const viewers =
    mode === 'none'
      ? null
      : await (mode === 'wire' ? WireViewers : LiveViewers).connect(
          console_.webUrl,
          console_.accessKey,
          VIEWERS
        )
  try {
    const fleet = await LoadFleet.start({
      processes: settings.processes,
      plan: planFor(ctx, console_, 'acked', devicePrefix, 0)
    })
    const cpuBefore = console_.cpuMs() ?? 0
    const ownBefore = process.cpuUsage()
    const startedAt = performance.now()
    const pacing = watchPacing(console_)
    const result = await fleet.run().finally(() => pacing.stop())
    const consoleCpu = (console_.cpuMs() ?? 0) - cpuBefore
    const own = process.cpuUsage(ownBefore)
    const wallMs = performance.now() - startedAt
    const cpuPerThousand = (consoleCpu / result.acked) * 1000
    // Cores in use: the console's, and this process's — the viewers, beside a little bookkeeping.
    const cores = `console on ${(consoleCpu / wallMs).toFixed(2)} cores, viewers on ${((own.user + own.system) / 1000 / wallMs).toFixed(2)}`
    const rate = result.ackedInWindow / (settings.durationMs / 1000)
    let details =
      `(${int(result.ackedInWindow)} acked in ${secs(settings.durationMs)}; ` +
      `last ack ${secs(result.finishedMs)} after start)`
    if (viewers !== null) {
      await sleep(500) // the last batch reaches the viewers
      const seen = viewers.take()
      const perViewer = (n: number): string => int(n / VIEWERS)
      details =
        `per viewer: ${perViewer(seen.emits / (result.finishedMs / 1000))} batches/s, ` +
        `${perViewer(seen.reports)} reports received, ${perViewer(seen.missed)} announced missed`
    }
    return {
      rate,
      cpuPerThousand,
      details: details + describeProblems(result),
      pacing: `${cores}; ${pacing.describe()}`
    }
  } finally {
    viewers?.close()
  }
}

/** 3. Send-to-screen latency at a steady rate with the viewers connected. */
async function liveLatency(
  ctx: Context,
  console_: ConsoleProcess
): Promise<{ p50: number; p99: number; samples: number }> {
  const seconds = Math.max(3, Math.round(ctx.settings.durationMs / 1000) * 2)
  const settledMs = await console_.settle()
  say(
    `3. Latency, device send → /live viewer, at a steady ${int(STEADY_RATE)} reports/s for ${seconds} s, ` +
      `${VIEWERS} viewers, live interval ${ctx.settings.liveIntervalMs} ms ` +
      `(started once the console was idle again after the runs before: ${secs(settledMs)})`
  )
  const viewers = await LiveViewers.connect(console_.webUrl, console_.accessKey, VIEWERS)
  try {
    viewers.trackLatency('steady-')
    const sender = fork(
      join(__dirname, 'steady-sender.ts'),
      [console_.ingest.host, String(console_.ingest.port), String(STEADY_RATE), String(seconds)],
      { execArgv: ['--import', 'tsx'], stdio: 'inherit' }
    )
    const pacing = watchPacing(console_)
    const result = await withTimeout(
      new Promise<{ sent: number; acked: number }>((resolve) =>
        sender.once('message', (m) => resolve(m as { sent: number; acked: number }))
      ),
      (seconds + 30) * 1000,
      'the steady sender did not finish'
    ).finally(() => pacing.stop())
    await sleep(500)
    const latencies = viewers.takeLatencies().sort((a, b) => a - b)
    const pct = (p: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
    const p50 = pct(50)
    const p99 = pct(99)
    say(
      `   sent ${int(result.sent)}, acked ${int(result.acked)}; ${int(latencies.length)} receipts on ` +
        `${VIEWERS} viewers (${int(latencies.length / VIEWERS)} each)`
    )
    say(`   ${pacing.describe()}`)
    say(
      `   p50 ${p50} ms, p99 ${p99} ms, max ${latencies.at(-1)} ms   ` +
        target(p99 < 50, 'p99 < 50 ms')
    )
    return { p50, p99, samples: latencies.length }
  } finally {
    viewers.close()
  }
}

/** 7. Alarms, on a console of their own (bench/alarm-step.ts); profiled with --cpu-prof. */
async function alarmStep(ctx: Context): Promise<AlarmFigures> {
  const { settings } = ctx
  const profileDir = settings.cpuProf ? await freshDir(ctx, 'profile-alarms') : undefined
  const figures = await measureAlarms({
    dataDir: await freshDir(ctx, 'alarms'),
    cli: settings.cli,
    nodeArgs: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    durationMs: settings.durationMs,
    repeats: settings.repeats,
    window: settings.window,
    reportBytes: settings.reportBytes,
    liveIntervalMs: settings.liveIntervalMs,
    say
  })
  if (profileDir !== undefined) await printProfile(profileDir, 'alarm runs, with rules and without')
  return figures
}

/**
 * Reads the console's diagnostics twice a second while a run goes on: how busy its event loop
 * was, and whether it paced live batches as under load (at most one per --live-interval).
 */
function watchPacing(console_: ConsoleProcess): { stop(): void; describe(): string } {
  const reads: DiagnosticsBody[] = []
  let reading = false
  const timer = setInterval(() => {
    if (reading) return
    reading = true
    console_
      .get<DiagnosticsBody>('/api/diagnostics')
      .then(({ body }) => reads.push(body))
      .catch(() => undefined) // a missed read only thins the sample
      .finally(() => (reading = false))
  }, 500)
  return {
    stop: () => clearInterval(timer),
    describe: () => {
      if (reads.length < 2) return 'console diagnostics: too few reads in this run to tell'
      // The first read covers the idle wait before the run.
      const busy = reads.slice(1).map((r) => r.eventLoopUtilization ?? NaN)
      const paced = reads.map((r) => (r.live.underLoad ? 'L' : '·')).join('')
      return (
        `console event loop busy: median ${(median(busy) * 100).toFixed(0)}%, max ${(Math.max(...busy) * 100).toFixed(0)}%; ` +
        `live batches, read by read (L: under load, one per --live-interval; ·: a frame apart): ${paced}`
      )
    }
  }
}

/**
 * 8. A month of history written into a data dir, then the console's series over it; 9. its
 * exports, on the same console (each step alone with --history-only or --export-only).
 */
async function historyStep(
  ctx: Context
): Promise<{ series: SeriesFigure[]; exports: ExportFigure[] }> {
  const { historyOnly, exportOnly } = ctx.settings
  const dataDir = await freshDir(ctx, 'history')
  say(
    `${exportOnly ? '9' : '8'}. History: ${int(ctx.settings.reports)} reports over 30 days, written by the store itself`
  )
  const history = await writeHistoryStore(dataDir, ctx.settings.reports)
  say(`   written in ${secs(history.writeMs)} (rollups with them)`)
  const console_ = await startConsole(ctx.settings, dataDir)
  try {
    let series: SeriesFigure[] = []
    if (!exportOnly) {
      series = await measureSeries(console_, history)
      for (const line of describeSeries(series)) say(line)
    }
    const exports = historyOnly ? [] : await measureExport(console_, history, say)
    return { series, exports }
  } finally {
    await console_.stop()
  }
}

async function main(): Promise<void> {
  const settings = readSettings()
  const ctx: Context = { settings, dirs: [] }
  const stopAll = (): void => {
    killRunningConsoles()
    process.exit(130)
  }
  process.on('SIGINT', stopAll)
  process.on('SIGTERM', stopAll)

  say(
    `Lookout benchmark — node ${process.version}, ${cpus().length} CPUs, ` +
      `${settings.processes} load processes × ${settings.connections} connections, ` +
      `${settings.reportBytes}-byte reports`
  )
  try {
    if (settings.historyOnly || settings.exportOnly) {
      const { series, exports } = await historyStep(ctx)
      say(
        JSON.stringify({
          node: process.version,
          cpus: cpus().length,
          ...(settings.historyOnly ? { series } : { exports })
        })
      )
      return
    }
    if (settings.mqtt) {
      const profileDir = settings.cpuProf ? await freshDir(ctx, 'profile-mqtt') : undefined
      const mqtt = await measureMqtt({
        dataDir: await freshDir(ctx, 'mqtt'),
        cli: settings.cli,
        nodeArgs: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
        seconds: settings.durationMs / 1000,
        rounds: settings.repeats,
        say
      })
      if (profileDir !== undefined) await printProfile(profileDir, 'MQTT runs')
      say(JSON.stringify({ node: process.version, cpus: cpus().length, mqtt }))
      return
    }
    if (settings.alarmsOnly) {
      const alarms = await alarmStep(ctx)
      say(JSON.stringify({ node: process.version, cpus: cpus().length, alarms }))
      return
    }
    const dataDir = await freshDir(ctx, 'throughput')
    const profileDir = settings.cpuProf ? await freshDir(ctx, 'profile-throughput') : undefined
    const console_ = await startConsole(settings, dataDir, profileDir)
    say(
      `   console pid ${console_.pid}, started in ${secs(console_.startupMs)} on an empty data dir`
    )
    if (settings.latencyOnly) {
      const latency = await liveLatency(ctx, console_)
      await console_.stop()
      say(JSON.stringify({ node: process.version, cpus: cpus().length, liveLatencyMs: latency }))
      return
    }
    const acked = await ackedRounds(ctx, console_)
    const fire = await fireAndForget(ctx, console_)
    if (settings.throughputOnly) {
      await console_.stop()
      if (profileDir !== undefined) await printProfile(profileDir, 'throughput runs')
      say(
        JSON.stringify({
          node: process.version,
          cli: settings.cli ?? 'out/main/cli.js',
          ackedPerSec: Math.round(median(acked.none.rates)),
          wirePerSec: Math.round(median(acked.wire.rates)),
          parsePerSec: Math.round(median(acked.parse.rates)),
          fireAndForgetPerSec: Math.round(median(fire)),
          cpuMsPer1000: +median(acked.none.cpuPerThousand).toFixed(1)
        })
      )
      return
    }
    const latency = await liveLatency(ctx, console_)
    const memory = console_.memory()
    const peakRssMb = mb(memory?.peakRss ?? 0)
    say(
      `4. Console peak RSS (VmHWM) over runs 1–3: ${peakRssMb} MB (now ${mb(memory?.rss ?? 0)} MB)`
    )
    await console_.stop()
    if (profileDir !== undefined) await printProfile(profileDir, 'throughput runs')

    const large = await largeStore(ctx)
    say(`6. Worst documents the limits allow, stored by the real ReportStore (median of 7):`)
    const documents = await measureDocumentCost()
    for (const line of describeDocumentCost(documents)) say(line)
    const alarms = await alarmStep(ctx)
    const { series, exports } = await historyStep(ctx)
    const summary = {
      node: process.version,
      cpus: cpus().length,
      connections: settings.processes * settings.connections,
      reportBytes: settings.reportBytes,
      window: settings.window,
      runSeconds: settings.durationMs / 1000,
      ackedPerSec: {
        median: Math.round(median(acked.none.rates)),
        runs: acked.none.rates.map(Math.round)
      },
      fireAndForgetPerSec: { median: Math.round(median(fire)), runs: fire.map(Math.round) },
      ackedWithViewersPerSec: {
        viewers: VIEWERS,
        wire: {
          median: Math.round(median(acked.wire.rates)),
          runs: acked.wire.rates.map(Math.round),
          ratioToNone: +median(roundRatios(acked, 'wire')).toFixed(3)
        },
        parsing: {
          median: Math.round(median(acked.parse.rates)),
          runs: acked.parse.rates.map(Math.round),
          ratioToNone: +median(roundRatios(acked, 'parse')).toFixed(3)
        }
      },
      consoleCpuMsPer1000: {
        withoutViewers: +median(acked.none.cpuPerThousand).toFixed(1),
        withWireViewers: +median(acked.wire.cpuPerThousand).toFixed(1),
        withParsingViewers: +median(acked.parse.cpuPerThousand).toFixed(1)
      },
      liveLatencyMs: {
        rate: STEADY_RATE,
        viewers: VIEWERS,
        p50: latency.p50,
        p99: latency.p99,
        samples: latency.samples
      },
      peakRssMb,
      largeStore: {
        reports: large.reports,
        ingestSeconds: +(large.ingestMs / 1000).toFixed(1),
        ingestPerSec: Math.round(large.ingestPerSec),
        maxRssMb: large.maxRssMb,
        peakRssMb: large.peakRssMb,
        diskMb: large.diskMb,
        partitions: large.partitions,
        stopMs: Math.round(large.stopMs),
        startupMs: {
          median: Math.round(median(large.startupMs)),
          runs: large.startupMs.map(Math.round)
        },
        rssAfterStartMb: large.rssAfterStartMb,
        reportsKept: large.reportsKept,
        latestQueryMs: Math.round(large.latestQueryMs.cold),
        oldestQueryMs: Math.round(large.oldestQueryMs.cold)
      },
      worstDocumentMs: Math.round(Math.max(...documents.map((d) => d.medianMs))),
      alarms,
      series,
      exports,
      targets: TARGETS
    }
    say(JSON.stringify(summary))
  } finally {
    killRunningConsoles()
    // stderr: the JSON summary stays the last line of stdout.
    if (settings.keepData) process.stderr.write(`data kept in: ${ctx.dirs.join(' ')}\n`)
    else {
      for (const dir of ctx.dirs) {
        if (!settings.cpuProf || !dir.includes('profile'))
          await rm(dir, { recursive: true, force: true })
      }
    }
  }
}

main().catch((error: unknown) => {
  killRunningConsoles()
  const cause = (error as Error).cause
  process.stderr.write(
    `bench failed: ${(error as Error).stack ?? String(error)}\n` +
      (cause === undefined ? '' : `caused by: ${String(cause)}\n`)
  )
  process.exit(1)
})
