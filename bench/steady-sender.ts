/**
 * Devices sending at a steady rate over one connection, in its own process: `rate` reports a
 * second in 100 slices a second, each report stamped with its send time (`ts`) so a viewer can
 * tell its latency. Sends with seq and counts acks. Args: host port rate seconds [plan], the
 * plan a SteadyPlan as JSON (default: devices `steady-0` … `steady-9`); with its `crossing`,
 * some of the reports cross a limit (bench/crossing-schedule.ts). Posts `{ sent, acked,
 * crossings }` to its parent.
 */
import { connect } from 'node:net'

import { CrossingSchedule, type SteadyPlan } from './crossing-schedule'

const [
  host = '127.0.0.1',
  portText = '9800',
  rateText = '10000',
  secondsText = '10',
  planText = '{"devicePrefix":"steady-","devices":10}'
] = process.argv.slice(2)
const rate = Number(rateText)
const seconds = Number(secondsText)
const plan = JSON.parse(planText) as SteadyPlan
const perSlice = Math.max(1, Math.round(rate / 100))

const socket = connect({ host, port: Number(portText) })
let seq = Date.now() * 1000
let sent = 0
let acked = 0
let nextDevice = 0
let crossing: CrossingSchedule | undefined
let buffered = ''
socket.setEncoding('utf8')
socket.on('data', (text: string) => {
  buffered += text
  let nl: number
  while ((nl = buffered.indexOf('\n')) !== -1) {
    if (buffered.startsWith('{"ack"')) acked += 1
    buffered = buffered.slice(nl + 1)
  }
})
socket.on('error', (error) => {
  process.send?.({ error: error.message })
  process.exit(1)
})
socket.on('connect', () => {
  const started = Date.now()
  if (plan.crossing !== undefined) crossing = new CrossingSchedule(plan.crossing, started)
  const timer = setInterval(() => {
    const now = Date.now()
    if (now - started >= seconds * 1000) {
      clearInterval(timer)
      setTimeout(() => {
        process.send?.({ sent, acked, crossings: crossing?.crossings ?? 0 })
        socket.destroy()
        process.exit(0)
      }, 1000) // the last acks
      return
    }
    // Catch up to the schedule: a late timer sends the slices it missed.
    const due = Math.floor(((now - started) / 1000) * rate) - sent
    const count = Math.max(0, Math.min(due, perSlice * 5))
    let lines = ''
    // The crossing reports are among the steady ones, not on top of them.
    const crossings = crossing?.due(now) ?? []
    for (const { device, x } of crossings)
      lines += JSON.stringify({ device, seq: seq++, ts: now, x }) + '\n'
    for (let i = crossings.length; i < count; i++) {
      lines +=
        JSON.stringify({
          device: `${plan.devicePrefix}${nextDevice++ % plan.devices}`,
          seq: seq++,
          ts: now,
          temperature: 21.5,
          status: 'ok'
        }) + '\n'
    }
    sent += Math.max(count, crossings.length)
    if (lines) socket.write(lines)
  }, 10)
})
