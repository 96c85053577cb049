import type { HandshakeRefusal, HandshakeRefusalCode } from '../../../../shared/handshake-refusal'

/** A refused handshake: the message for people, `data.code` for the client to act on. */
export function refusal(
  code: HandshakeRefusalCode,
  message: string
): Error & { data: HandshakeRefusal } {
  return Object.assign(new Error(message), { data: { code } })
}
