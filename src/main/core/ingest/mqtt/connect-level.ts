/**
 * The protocol level of a connection's first packet, read from its first bytes before the
 * parser sees them. mqtt-packet refuses a CONNECT of a level it does not know with an error, and
 * aedes then closes the connection without a word; MQTT 3.1.1 (3.1.2.2) asks the server to
 * answer CONNACK 0x01 ("unacceptable protocol level") first, as Mosquitto does, so the client
 * can say why it was turned away.
 */
export class ConnectLevel {
  private head: Buffer = Buffer.alloc(0)
  private verdict: 'pending' | 'acceptable' | 'unacceptable' = 'pending'

  /**
   * Takes the next bytes read. `acceptable` once the first packet is anything but a CONNECT of
   * a level the parser refuses (then it looks at nothing more), `unacceptable` for such a
   * CONNECT, `pending` while too few bytes have come to tell.
   */
  take(chunk: Buffer): 'pending' | 'acceptable' | 'unacceptable' {
    if (this.verdict !== 'pending') return this.verdict
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk])
    this.verdict = judge(this.head)
    if (this.verdict !== 'pending') this.head = Buffer.alloc(0)
    return this.verdict
  }
}

/** CONNACK, remaining length 2, no session present, return code 1. */
export const CONNACK_UNACCEPTABLE_LEVEL = Buffer.from([0x20, 0x02, 0x00, 0x01])

/** The levels mqtt-packet parses: 3.1 (3), 3.1.1 (4), 5, and 3.1 / 3.1.1 from a bridge. */
const LEVELS = new Set([3, 4, 5, 0x83, 0x84])
const CONNECT = 1

function judge(bytes: Buffer): 'pending' | 'acceptable' | 'unacceptable' {
  if (bytes.length === 0) return 'pending'
  if (bytes[0]! >> 4 !== CONNECT) return 'acceptable'
  // The remaining length: one to four bytes, 7 bits each (2.2.3).
  let at = 1
  while (at < bytes.length && at <= 4 && (bytes[at]! & 0x80) !== 0) at++
  if (at > 4) return 'acceptable' // malformed: the frame watch and the parser refuse it
  if (at >= bytes.length) return 'pending'
  at += 1
  // The protocol name (a length and its bytes), then the level.
  if (bytes.length < at + 2) return 'pending'
  const nameLength = bytes.readUInt16BE(at)
  // Only MQTT (4) and MQIsdp (6): any other name the parser refuses for its name, not its level.
  if (nameLength !== 4 && nameLength !== 6) return 'acceptable'
  const levelAt = at + 2 + nameLength
  if (bytes.length <= levelAt) return 'pending'
  const name = bytes.toString('latin1', at + 2, levelAt)
  if (name !== 'MQTT' && name !== 'MQIsdp') return 'acceptable'
  return LEVELS.has(bytes[levelAt]!) ? 'acceptable' : 'unacceptable'
}
