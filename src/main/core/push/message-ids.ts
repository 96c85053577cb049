import { randomUUID } from 'node:crypto'

const V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * A message id: a UUID version 7, whose first 48 bits are the message's time (RFC 9562), so the
 * day partition that holds a message is known from its id alone.
 */
export function messageId(time: number): string {
  const t = Math.trunc(time).toString(16).padStart(12, '0')
  const random = randomUUID()
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`
}

/** The time a version 7 id carries; undefined for any other id. */
export function timeOfMessageId(id: string): number | undefined {
  const match = V7.exec(id)
  return match === null ? undefined : parseInt(match[1]! + match[2]!, 16)
}

/** Whether `id` is a UUID at all: ids of messages sent before v7 ids were random UUIDs. */
export function isUuid(id: string): boolean {
  return UUID.test(id)
}
