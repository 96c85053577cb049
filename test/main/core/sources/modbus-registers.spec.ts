import { describe, expect, it } from 'vitest'

import type { ModbusRegister, SourceReading } from '../../../../src/shared/source-types'
import {
  decodeRead,
  planReads,
  readText
} from '../../../../src/main/core/sources/modbus/modbus-registers'

const holding = (field: string, address: number, extra: Partial<ModbusRegister> = {}) =>
  ({ field, kind: 'holding', address, ...extra }) as ModbusRegister

describe('planReads', () => {
  it('reads touching and overlapping addresses of one kind in one request, a gap in another', () => {
    const reads = planReads([
      holding('c', 2),
      holding('a', 0, { type: 'float32' }), // 0–1
      holding('z', 10),
      { field: 'in', kind: 'input', address: 0 },
      { field: 'on', kind: 'coil', address: 5 },
      { field: 'on2', kind: 'coil', address: 6 }
    ])
    expect(reads.map((r) => [r.kind, r.start, r.count, r.registers.map((x) => x.field)])).toEqual([
      ['holding', 0, 3, ['a', 'c']],
      ['holding', 10, 1, ['z']],
      ['input', 0, 1, ['in']],
      ['coil', 5, 2, ['on', 'on2']]
    ])
  })

  it('splits a run at 125 registers and 2000 coils, as Modbus allows', () => {
    const registers = Array.from({ length: 200 }, (_, i) => holding(`r${i}`, i))
    expect(planReads(registers).map((r) => [r.start, r.count])).toEqual([
      [0, 125],
      [125, 75]
    ])
    const coils = Array.from(
      { length: 2001 },
      (_, i) => ({ field: `c${i}`, kind: 'coil', address: i }) as ModbusRegister
    )
    expect(planReads(coils).map((r) => [r.start, r.count])).toEqual([
      [0, 2000],
      [2000, 1]
    ])
    // A 32-bit value never straddles two requests.
    const wide = [...registers.slice(0, 124), holding('f', 124, { type: 'float32' })]
    expect(planReads(wide).map((r) => [r.start, r.count])).toEqual([
      [0, 124],
      [124, 2]
    ])
  })
})

describe('decodeRead', () => {
  it('decodes each type and word order, scales, offsets, and leaves a NaN out', () => {
    const words = Buffer.alloc(16)
    words.writeInt16BE(-12, 0) // 0: int16
    words.writeFloatBE(21.3, 2) // 1–2: float32, high word first
    words.writeUInt16BE(0x0000, 6) // 3–4: float32 low word first: 1.5 is 0x3FC0 0x0000
    words.writeUInt16BE(0x3fc0, 8)
    words.writeUInt16BE(0x7fc0, 10) // 5–6: NaN
    words.writeUInt16BE(0x0000, 12)
    words.writeUInt16BE(65_535, 14) // 7: uint16
    const [read] = planReads([
      holding('a', 0, { type: 'int16', scale: 0.1, offset: 100 }),
      holding('b', 1, { type: 'float32' }),
      holding('c', 3, { type: 'float32', wordOrder: 'little' }),
      holding('nan', 5, { type: 'float32' }),
      holding('d', 7)
    ])
    const reading: SourceReading = {}
    decodeRead(read!, { words }, reading)
    expect(reading).toEqual({ a: 98.8, b: 21.3, c: 1.5, d: 65_535 })
    expect(readText(read!)).toBe('holding registers 0–7')
  })

  it('reads bits as booleans', () => {
    const [read] = planReads([
      { field: 'x', kind: 'discrete', address: 0 },
      { field: 'y', kind: 'discrete', address: 1 }
    ])
    const reading: SourceReading = {}
    decodeRead(read!, { bits: [1, 0, 0, 0, 0, 0, 0, 0] }, reading)
    expect(reading).toEqual({ x: true, y: false })
  })
})
