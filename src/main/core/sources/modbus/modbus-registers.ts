import type {
  ModbusRegister,
  ModbusRegisterKind,
  ModbusValueType,
  SourceReading
} from '../../../../shared/source-types'

/** The most one read may ask for, as Modbus allows (function codes 1–4). */
export const MAX_REGISTERS_PER_READ = 125
export const MAX_BITS_PER_READ = 2000

/** One read request: a run of addresses of one kind, and the registers it serves. */
export interface ModbusRead {
  kind: ModbusRegisterKind
  start: number
  /** Registers (holding, input) or bits (coil, discrete). */
  count: number
  registers: ModbusRegister[]
}

const isBits = (kind: ModbusRegisterKind): boolean => kind === 'coil' || kind === 'discrete'

/** How many addresses a register takes: two for 32-bit types, one otherwise. */
export function registerWidth(register: ModbusRegister): number {
  if (isBits(register.kind)) return 1
  const type: ModbusValueType = register.type ?? 'uint16'
  return type === 'int16' || type === 'uint16' ? 1 : 2
}

/**
 * The reads that fetch every register: per kind, addresses that touch or overlap share one
 * request, up to the most a request may carry; a gap starts another (reading across it could
 * ask for addresses the device does not have, and be refused whole).
 */
export function planReads(registers: readonly ModbusRegister[]): ModbusRead[] {
  const reads: ModbusRead[] = []
  const kinds = new Map<ModbusRegisterKind, ModbusRegister[]>()
  for (const register of registers) {
    const list = kinds.get(register.kind) ?? []
    list.push(register)
    kinds.set(register.kind, list)
  }
  for (const [kind, list] of kinds) {
    const limit = isBits(kind) ? MAX_BITS_PER_READ : MAX_REGISTERS_PER_READ
    const sorted = [...list].sort((a, b) => a.address - b.address)
    let read: ModbusRead | null = null
    for (const register of sorted) {
      const end = register.address + registerWidth(register)
      if (
        read !== null &&
        register.address <= read.start + read.count &&
        end - read.start <= limit
      ) {
        read.count = Math.max(read.count, end - read.start)
        read.registers.push(register)
        continue
      }
      read = { kind, start: register.address, count: end - register.address, registers: [register] }
      reads.push(read)
    }
  }
  return reads
}

/**
 * The fields one read's answer gives: registers as big-endian words (as on the wire), decoded
 * by type and word order, `× scale + offset`; bits as booleans. A value that is not a finite
 * number (a float32 NaN) is left out: a report cannot carry it.
 */
export function decodeRead(
  read: ModbusRead,
  answer: { words?: Buffer; bits?: ArrayLike<boolean | number> },
  into: SourceReading
): void {
  for (const register of read.registers) {
    const at = register.address - read.start
    if (isBits(read.kind)) {
      const bit = answer.bits?.[at]
      if (bit !== undefined) into[register.field] = bit === true || bit === 1
      continue
    }
    const words = answer.words
    if (words === undefined || words.length < (at + registerWidth(register)) * 2) continue
    const value =
      decodeWords(words, at * 2, register) * (register.scale ?? 1) + (register.offset ?? 0)
    if (Number.isFinite(value)) into[register.field] = value
  }
}

function decodeWords(words: Buffer, byte: number, register: ModbusRegister): number {
  const type = register.type ?? 'uint16'
  if (type === 'int16') return words.readInt16BE(byte)
  if (type === 'uint16') return words.readUInt16BE(byte)
  // Word order: `big` sends the high word first (most devices), `little` the low word first;
  // the bytes within each word are big-endian either way, as Modbus sends every register.
  const ordered = Buffer.alloc(4)
  const first = words.subarray(byte, byte + 2)
  const second = words.subarray(byte + 2, byte + 4)
  if (register.wordOrder === 'little') {
    second.copy(ordered, 0)
    first.copy(ordered, 2)
  } else {
    first.copy(ordered, 0)
    second.copy(ordered, 2)
  }
  if (type === 'int32') return ordered.readInt32BE(0)
  if (type === 'uint32') return ordered.readUInt32BE(0)
  // A float32 holds about 7 significant digits: 21.3 sent is 21.299999237060547 read as a
  // double, shown as it was meant.
  return Number.parseFloat(ordered.readFloatBE(0).toPrecision(7))
}

/** `holding 0–9`: a read, as an error names it. */
export function readText(read: ModbusRead): string {
  const last = read.start + read.count - 1
  const what = {
    holding: 'holding registers',
    input: 'input registers',
    coil: 'coils',
    discrete: 'discrete inputs'
  }
  return `${what[read.kind]} ${read.start}${last === read.start ? '' : `–${last}`}`
}
