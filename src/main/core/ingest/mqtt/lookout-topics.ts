import type { ErrorReply } from '../../../../shared/ingest-protocol'

/** The first level of every topic that is about reports; everything else is plain MQTT. */
export const LOOKOUT_ROOT = 'lookout'

/** The level under a device's topic where the console publishes its refusals. */
export const ERROR_LEVEL = 'error'

/** What a topic under `lookout/` is. */
export type LookoutTopic =
  /** `lookout/<device>`: the payload is a JSON report. */
  | { kind: 'report'; device: string }
  /** `lookout/<device>/<field>`: the payload is one plain value, the report `{ [field]: value }`. */
  | { kind: 'field'; device: string; field: string }
  /** A topic under `lookout/` that is no report: the reason, as an error reply. */
  | { kind: 'invalid'; device: string | null; reply: ErrorReply }

export function isLookoutTopic(topic: string): boolean {
  return topic === LOOKOUT_ROOT || topic.startsWith(`${LOOKOUT_ROOT}/`)
}

/** Where refusals of `device`'s reports are published. */
export function errorTopic(device: string): string {
  return `${LOOKOUT_ROOT}/${device}/${ERROR_LEVEL}`
}

/** What a publish to `topic` (one under `lookout/`) means. */
export function parseLookoutTopic(topic: string): LookoutTopic {
  const levels = topic.split('/')
  const device = levels[1] ?? ''
  if (device === '')
    return invalid(null, 'publish a report to lookout/<device-id> or lookout/<device-id>/<field>')
  if (levels.length === 2) return { kind: 'report', device }
  const field = levels[2] ?? ''
  if (levels.length > 3 || field === '')
    return invalid(
      device,
      `${topic}: a report's topic is lookout/<device-id> or lookout/<device-id>/<field>`
    )
  if (field === ERROR_LEVEL)
    return invalid(
      device,
      `${topic} is where the console answers; publish reports to lookout/${device}`
    )
  return { kind: 'field', device, field }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The report a field topic's payload makes: a plain number or `true`/`false` (JSON's spelling),
 * nothing else — text, objects and arrays belong in a JSON report on `lookout/<device-id>`.
 */
export function fieldReport(field: string, payload: Buffer): Buffer | ErrorReply {
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(payload))
  } catch {
    value = undefined
  }
  if (typeof value !== 'number' && typeof value !== 'boolean')
    return {
      error: 'bad_json',
      message:
        `lookout/<device-id>/${field} takes a plain number or true/false; ` +
        `send anything else as a JSON report to lookout/<device-id>`
    }
  return Buffer.from(JSON.stringify({ [field]: value }))
}

/**
 * Whether a subscription filter can match a topic under `lookout/`: its first level is
 * `lookout` or a wildcard. (`$SYS/…` never matches a wildcard at the root, [MQTT-4.7.2-1].)
 */
export function filterReachesLookout(filter: string): boolean {
  const first = filter.split('/', 1)[0]
  return first === LOOKOUT_ROOT || first === '+' || first === '#'
}

function invalid(device: string | null, message: string): LookoutTopic {
  return { kind: 'invalid', device, reply: { error: 'invalid_field', message } }
}
