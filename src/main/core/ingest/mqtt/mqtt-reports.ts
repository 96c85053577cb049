import type { PublishPacket } from 'aedes'

import type { ErrorReply, IngestReply } from '../../../../shared/ingest-protocol'
import type { Intake, IntakeContext } from '../intake'
import { errorTopic, fieldReport, parseLookoutTopic, type LookoutTopic } from './lookout-topics'
import type { MqttDeviceAuth, MqttLogin } from './mqtt-login'

/**
 * How a publish under `lookout/` ends, for aedes' authorizePublish callback: `null` lets aedes go
 * on (acknowledge it, then deliver the packet — the report as sent, or what it was turned into);
 * an error makes aedes close the connection without acknowledging it.
 */
export type ReportOutcome = (error: Error | null) => void

/**
 * Parsed topics kept (MqttReports.topics): far more than the devices of one console, and at most
 * a few MB of topics (512 characters at most each).
 */
const TOPICS_KEPT = 10_000

export interface MqttReportsOptions {
  intake: Intake
  auth: MqttDeviceAuth
}

/**
 * Turns publishes under `lookout/` into reports for the intake, and the intake's answer into
 * the MQTT one: stored → acknowledged (PUBACK, PUBREC) and delivered to `lookout/#` readers as
 * sent; refused for good (bad JSON, unauthorized, too large, too many devices, a topic that is no
 * report's) → acknowledged too, so the device does not send it again, and the packet is turned
 * into the error reply on `lookout/<device-id>/error`; the store failing → not acknowledged and
 * the connection closed, so the device sends it again once it reconnects.
 */
export class MqttReports {
  /** Payloads of refusals that name no device: acknowledged, and delivered to nobody. */
  readonly undeliverable = new WeakSet<Buffer>()
  /**
   * Topics read before: a device publishes to the same one or two again and again, and
   * splitting each anew cost as much as the rest of this class's work on a publish. Cleared when
   * full, so a client making up topics costs memory only up to the bound.
   */
  private readonly topics = new Map<string, LookoutTopic>()

  constructor(private readonly options: MqttReportsOptions) {}

  handle(packet: PublishPacket, login: MqttLogin, peer: string, done: ReportOutcome): void {
    const topic = this.readTopic(packet.topic)
    if (topic.kind === 'invalid') {
      if (topic.device === null) {
        this.undeliverable.add(packet.payload as Buffer)
        packet.retain = false
        done(null)
      } else this.refuse(packet, topic.device, topic.reply, done)
      return
    }
    const { device } = topic
    const payload = packet.payload as Buffer
    const message = topic.kind === 'field' ? fieldReport(topic.field, payload) : payload
    if (!Buffer.isBuffer(message)) return this.refuse(packet, device, message, done)
    let identity: string | undefined
    if (login.role === 'viewer')
      return this.refuse(
        packet,
        device,
        {
          error: 'unauthorized',
          message: 'the view key may read lookout/#, not publish reports: use a device token'
        },
        done
      )
    if (login.role === 'device') {
      // Revoked since it logged in: closed, and its next CONNECT is refused (CONNACK 4) — the
      // one answer it can still read.
      if (!this.options.auth.tokens.knows(login.token))
        return done(new Error('the device token of this connection was revoked'))
      const identified = this.options.auth.tokens.identify(login.token, device)
      if (!identified.ok)
        return this.refuse(
          packet,
          device,
          { error: 'unauthorized', message: identified.message },
          done
        )
      identity = identified.identity
    }
    const context: IntakeContext =
      identity === undefined
        ? { transport: 'mqtt', peer, device }
        : { transport: 'mqtt', peer, device, identity }
    this.options.intake.submit(message, context, (reply) => {
      this.answered(packet, device, reply, done)
    })
  }

  private readTopic(name: string): LookoutTopic {
    let topic = this.topics.get(name)
    if (topic === undefined) {
      if (this.topics.size >= TOPICS_KEPT) this.topics.clear()
      topic = parseLookoutTopic(name)
      this.topics.set(name, topic)
    }
    return topic
  }

  private answered(
    packet: PublishPacket,
    device: string,
    reply: IngestReply | null,
    done: ReportOutcome
  ): void {
    if (reply !== null && 'error' in reply) {
      if (reply.error === 'unavailable') done(new Error(reply.message))
      else this.refuse(packet, device, reply, done)
      return
    }
    done(null)
  }

  /** Acknowledged, and the packet becomes the error reply on the device's error topic. */
  private refuse(
    packet: PublishPacket,
    device: string,
    reply: ErrorReply,
    done: ReportOutcome
  ): void {
    packet.topic = errorTopic(device)
    packet.payload = Buffer.from(JSON.stringify(reply))
    packet.retain = false
    done(null)
  }
}
