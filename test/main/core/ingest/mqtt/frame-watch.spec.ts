import { describe, expect, it } from 'vitest'

import { FrameWatch } from '../../../../../src/main/core/ingest/mqtt/frame-watch'

/** A PUBLISH of `bodyBytes` (its remaining length), as bytes on the wire. */
function packet(bodyBytes: number): Buffer {
  const length: number[] = []
  let left = bodyBytes
  do {
    let byte = left % 128
    left = Math.floor(left / 128)
    if (left > 0) byte |= 0x80
    length.push(byte)
  } while (left > 0)
  return Buffer.concat([Buffer.from([0x30, ...length]), Buffer.alloc(bodyBytes, 1)])
}

describe('FrameWatch', () => {
  it('follows packets of any size up to the limit, however the bytes are cut', () => {
    const watch = new FrameWatch(20_000)
    const stream = Buffer.concat([packet(0), packet(127), packet(128), packet(20_000), packet(3)])
    for (let at = 0; at < stream.length; at += 7)
      expect(watch.take(stream.subarray(at, at + 7))).toBe(true)
    // It ended between packets: a new one over the limit is seen at its header.
    expect(watch.take(packet(20_001).subarray(0, 4))).toBe(false)
  })

  it('refuses a packet announced over the limit before its body, even cut inside its length', () => {
    const watch = new FrameWatch(1000)
    const header = packet(16_384).subarray(0, 4)
    expect(watch.take(header.subarray(0, 2))).toBe(true)
    expect(watch.take(header.subarray(2))).toBe(false)
  })

  it('refuses a remaining length of more than four bytes (malformed)', () => {
    expect(new FrameWatch(1000).take(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false)
  })
})
