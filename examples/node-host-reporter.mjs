#!/usr/bin/env node
// Reports this machine's CPU, memory and temperature to a Lookout console every few seconds,
// with the Node reporter and systeminformation. Run after `npm run build`:
//   LOOKOUT_HOST=192.168.1.10 node examples/node-host-reporter.mjs
// Settings: LOOKOUT_HOST (127.0.0.1), LOOKOUT_PORT (9800), DEVICE (this host's name),
// LOOKOUT_TOKEN, INTERVAL seconds (5), COUNT reports then exit (0: run until Ctrl+C).
import { hostname } from 'node:os'

import { Reporter } from 'lookout/reporter'
import si from 'systeminformation'

const env = process.env
const reporter = new Reporter({
  host: env.LOOKOUT_HOST ?? '127.0.0.1',
  port: Number(env.LOOKOUT_PORT ?? 9800),
  device: env.DEVICE ?? hostname(),
  token: env.LOOKOUT_TOKEN
})
reporter.on('error', (error) => console.error(`lookout: ${error.code}: ${error.message}`))

const count = Number(env.COUNT ?? 0)
const intervalMs = Number(env.INTERVAL ?? 5) * 1000
let sent = 0

async function sample() {
  const [load, mem, temp] = await Promise.all([si.currentLoad(), si.mem(), si.cpuTemperature()])
  reporter.report({
    cpu: Math.round(load.currentLoad * 10) / 10,
    cpus: load.cpus.map((c) => Math.round(c.load)),
    memUsed: mem.active,
    memTotal: mem.total,
    // null where the machine exposes no sensor (many VMs)
    temperature: temp.main ?? null
  })
  sent += 1
  if (count > 0 && sent >= count) {
    await reporter.flush(10_000)
    await reporter.close()
    process.exit(0)
  }
}

await sample()
const timer = setInterval(() => void sample(), intervalMs)
process.on('SIGINT', async () => {
  clearInterval(timer)
  await reporter.flush(5_000).catch(() => undefined)
  await reporter.close()
  process.exit(0)
})
