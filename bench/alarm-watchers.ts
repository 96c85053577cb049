/**
 * Who waits for an alarm in the benchmark's alarm step: a `/live` viewer and an on-call phone
 * on `/push`, both socket.io-client in the orchestrator's process (the sender has its own), and
 * the matching of what the phone got to the raises the viewer saw.
 */
import { io, type Socket } from 'socket.io-client'

import type { Alarm, AlarmPushData } from '../src/shared/alarm-types'
import type { LiveClientToServerEvents, LiveServerToClientEvents } from '../src/shared/live-events'
import type { PushClientToServerEvents, PushServerToClientEvents } from '../src/shared/push-events'

/** One raise of an alarm, as the viewer first saw it. */
export interface SeenRaise {
  alarm: string
  raisedAt: number
  /** The alarm's `value`: the crossing report's `x`, its send time (epoch ms). */
  sentAt: number
  arrivedAt: number
}

/** A `raised` message, as the phone got it. */
export interface PhoneMessage {
  alarm: string
  /** The message's `time`: when the console sent it, in the turn the alarm raised. */
  time: number
  arrivedAt: number
}

const CONNECT_TIMEOUT_MS = 10_000

/**
 * A `/live` viewer keeping the raises it sees: an alarm with a `raisedAt` not seen before, in
 * whatever state it arrives (one cleared within the same stored batch arrives cleared, with the
 * raise's value).
 */
export class AlarmViewer {
  private raises: SeenRaise[] = []
  private readonly seen = new Set<string>()
  private since = Infinity

  private constructor(
    private readonly socket: Socket<LiveServerToClientEvents, LiveClientToServerEvents>
  ) {
    socket.on('alarms', (alarms) => this.onAlarms(alarms, Date.now()))
  }

  /** Connects with the access or view key; resolves once the snapshot's alarms are in. */
  static async connect(webUrl: string, key: string): Promise<AlarmViewer> {
    const socket: Socket<LiveServerToClientEvents, LiveClientToServerEvents> = io(
      `${webUrl}/live`,
      { auth: { key }, transports: ['websocket'], reconnection: false, forceNew: true }
    )
    const viewer = new AlarmViewer(socket)
    await connected(socket, 'alarms', 'the alarm viewer')
    return viewer
  }

  /** Records the raises of crossing reports sent from `since` (epoch ms) on. */
  track(since: number): void {
    this.since = since
    this.raises = []
  }

  /** The raises recorded so far. */
  take(): SeenRaise[] {
    const taken = this.raises
    this.raises = []
    return taken
  }

  close(): void {
    this.socket.close()
  }

  private onAlarms(alarms: Alarm[], arrivedAt: number): void {
    for (const alarm of alarms) {
      const { raisedAt, value } = alarm
      if (raisedAt === null || typeof value !== 'number' || value < this.since) continue
      const key = `${alarm.id}@${raisedAt}`
      if (this.seen.has(key)) continue
      this.seen.add(key)
      this.raises.push({ alarm: alarm.id, raisedAt, sentAt: value, arrivedAt })
    }
  }
}

/**
 * An on-call phone: registers its uid on `/push`, acknowledges every message (so the console
 * marks it delivered) and keeps the `raised` alarm messages. It never acknowledges an alarm: a
 * receipt `ack` would change the states the step raises and clears.
 */
export class AlarmPhone {
  private messages: PhoneMessage[] = []
  /** Messages of other kinds (`cleared`, `flood`…), counted. */
  others = 0

  private constructor(
    private readonly socket: Socket<PushServerToClientEvents, PushClientToServerEvents>
  ) {
    socket.on('message', (message, ack) => {
      const arrivedAt = Date.now()
      ack()
      const data = message.data as Partial<AlarmPushData> | null
      const alarm = data?.alarms?.[0]
      if (data?.type === 'alarm' && data.event === 'raised' && typeof alarm === 'string')
        this.messages.push({ alarm, time: Number(data.time), arrivedAt })
      else this.others += 1
    })
  }

  static async connect(webUrl: string, uid: string): Promise<AlarmPhone> {
    const socket: Socket<PushServerToClientEvents, PushClientToServerEvents> = io(
      `${webUrl}/push`,
      { transports: ['websocket'], reconnection: false, forceNew: true }
    )
    const phone = new AlarmPhone(socket)
    try {
      await connected(socket, 'connect', 'the phone')
      const answer = await socket
        .timeout(CONNECT_TIMEOUT_MS)
        .emitWithAck('register', { uid, name: 'bench phone' })
      if (!answer.ok) throw new Error(`the phone could not register: ${answer.error.message}`)
    } catch (error) {
      socket.close()
      throw error
    }
    return phone
  }

  /** The `raised` messages received so far. */
  take(): PhoneMessage[] {
    const taken = this.messages
    this.messages = []
    return taken
  }

  close(): void {
    this.socket.close()
  }
}

/**
 * Send-to-phone latencies: each `raised` message matched to the raise of its alarm nearest in
 * time (the message's `time` and the alarm's `raisedAt` are taken in the same turn), if one is
 * within `withinMs` — the step raises an alarm again only a whole period later.
 */
export function phoneLatencies(
  raises: readonly SeenRaise[],
  messages: readonly PhoneMessage[],
  withinMs: number
): { latencies: number[]; unmatched: number } {
  const byAlarm = new Map<string, SeenRaise[]>()
  for (const raise of raises) {
    const list = byAlarm.get(raise.alarm) ?? []
    list.push(raise)
    byAlarm.set(raise.alarm, list)
  }
  const latencies: number[] = []
  let unmatched = 0
  for (const message of messages) {
    let best: SeenRaise | undefined
    for (const raise of byAlarm.get(message.alarm) ?? []) {
      if (
        best === undefined ||
        Math.abs(raise.raisedAt - message.time) < Math.abs(best.raisedAt - message.time)
      )
        best = raise
    }
    if (best === undefined || Math.abs(best.raisedAt - message.time) > withinMs) unmatched += 1
    else latencies.push(message.arrivedAt - best.sentAt)
  }
  return { latencies, unmatched }
}

function connected(socket: Socket, event: string, who: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${who} did not connect in ${CONNECT_TIMEOUT_MS / 1000} s`)),
      CONNECT_TIMEOUT_MS
    )
    socket.once(event, () => {
      clearTimeout(timer)
      resolve()
    })
    socket.once('connect_error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}
