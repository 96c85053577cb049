import { Command, Option } from 'commander'

import {
  parsePort,
  parsePositiveInt,
  parsePositiveNumber,
  parseNonNegativeInt
} from './option-parsers'
import { SimulatedDevice } from './simulator/simulated-device'

interface SimulateOptions {
  host: string
  port: number
  devices: number
  rate: number
  duration: number
  prefix: string
  token?: string
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(
      'simulate devices reporting to a console, each on its own connection, with seq and acks'
    )
    .addOption(
      new Option('--host <address>', 'console to report to')
        .default('127.0.0.1')
        .env('LOOKOUT_SIM_HOST')
    )
    .addOption(
      new Option('--port <port>', 'its ingest port')
        .default(9800)
        .argParser(parsePort)
        .env('LOOKOUT_SIM_PORT')
    )
    .addOption(
      new Option('--devices <n>', 'how many devices').default(5).argParser(parsePositiveInt)
    )
    .addOption(
      new Option('--rate <r>', 'reports per second per device')
        .default(1)
        .argParser(parsePositiveNumber)
    )
    .addOption(
      new Option('--duration <seconds>', 'how long to run (0: until Ctrl+C)')
        .default(0)
        .argParser(parseNonNegativeInt)
    )
    .addOption(
      new Option('--prefix <name>', 'device ids are <prefix>-1, <prefix>-2, …').default('sim')
    )
    .addOption(
      new Option('--token <token>', 'device token to send in "auth"').env('LOOKOUT_SIM_TOKEN')
    )
    .action(async (options: SimulateOptions) => runSimulate(options))
}

async function runSimulate(options: SimulateOptions): Promise<void> {
  const devices = Array.from(
    { length: options.devices },
    (_, i) =>
      new SimulatedDevice({
        host: options.host,
        port: options.port,
        id: `${options.prefix}-${i + 1}`,
        rate: options.rate,
        token: options.token
      })
  )
  for (const d of devices) d.start()
  process.stdout.write(
    `simulating ${devices.length} devices at ${options.rate}/s each → ${options.host}:${options.port}\n`
  )

  await new Promise<void>((resolve) => {
    if (options.duration > 0) setTimeout(resolve, options.duration * 1000)
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await Promise.all(devices.map((d) => d.stop(5000)))
  const total = devices.reduce(
    (t, d) => ({
      sent: t.sent + d.counters.sent,
      acked: t.acked + d.counters.acked,
      rejected: t.rejected + d.counters.rejected,
      pending: t.pending + d.pending
    }),
    { sent: 0, acked: 0, rejected: 0, pending: 0 }
  )
  process.stdout.write(
    `sent ${total.sent}, acked ${total.acked}, rejected ${total.rejected}, unacked ${total.pending}\n`
  )
  if (total.pending > 0 || total.rejected > 0) process.exitCode = 1
}
