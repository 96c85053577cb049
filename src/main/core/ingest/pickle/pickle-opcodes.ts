/**
 * The opcodes of pickle protocols 0–5 (CPython's Lib/pickletools.py), with how each one's
 * argument is laid out, so the decoder can step over any opcode — even in a pickle it drops —
 * without reading what it means. `refused`: names a class or callable, or a reference outside
 * the pickle; such a pickle is never decoded and its connection is closed.
 */
export type Operand =
  | { kind: 'none' }
  | { kind: 'fixed'; bytes: number }
  /** A length of `header` bytes (little-endian; signed for 4-byte ones), then that many bytes. */
  | { kind: 'counted'; header: 1 | 4 | 8; signed?: boolean }
  /** `lines` newline-terminated text lines. */
  | { kind: 'lines'; lines: 1 | 2 }

export interface Opcode {
  name: string
  operand: Operand
  refused?: true
}

const none: Operand = { kind: 'none' }
const fixed = (bytes: number): Operand => ({ kind: 'fixed', bytes })
const counted = (header: 1 | 4 | 8, signed = false): Operand => ({
  kind: 'counted',
  header,
  signed
})
const line: Operand = { kind: 'lines', lines: 1 }

const TABLE: Array<[code: string | number, name: string, operand: Operand, refused?: true]> = [
  ['(', 'MARK', none],
  ['.', 'STOP', none],
  ['0', 'POP', none],
  ['1', 'POP_MARK', none],
  ['2', 'DUP', none],
  ['F', 'FLOAT', line],
  ['I', 'INT', line],
  ['J', 'BININT', fixed(4)],
  ['K', 'BININT1', fixed(1)],
  ['L', 'LONG', line],
  ['M', 'BININT2', fixed(2)],
  ['N', 'NONE', none],
  ['P', 'PERSID', line, true],
  ['Q', 'BINPERSID', none, true],
  ['R', 'REDUCE', none],
  ['S', 'STRING', line],
  ['T', 'BINSTRING', counted(4, true)],
  ['U', 'SHORT_BINSTRING', counted(1)],
  ['V', 'UNICODE', line],
  ['X', 'BINUNICODE', counted(4)],
  ['a', 'APPEND', none],
  ['b', 'BUILD', none, true],
  ['c', 'GLOBAL', { kind: 'lines', lines: 2 }],
  ['d', 'DICT', none],
  ['}', 'EMPTY_DICT', none],
  ['e', 'APPENDS', none],
  ['g', 'GET', line],
  ['h', 'BINGET', fixed(1)],
  ['i', 'INST', { kind: 'lines', lines: 2 }, true],
  ['j', 'LONG_BINGET', fixed(4)],
  ['l', 'LIST', none],
  [']', 'EMPTY_LIST', none],
  ['o', 'OBJ', none, true],
  ['p', 'PUT', line],
  ['q', 'BINPUT', fixed(1)],
  ['r', 'LONG_BINPUT', fixed(4)],
  ['s', 'SETITEM', none],
  ['t', 'TUPLE', none],
  [')', 'EMPTY_TUPLE', none],
  ['u', 'SETITEMS', none],
  ['G', 'BINFLOAT', fixed(8)],
  // Protocol 2
  [0x80, 'PROTO', fixed(1)],
  [0x81, 'NEWOBJ', none, true],
  [0x82, 'EXT1', fixed(1), true],
  [0x83, 'EXT2', fixed(2), true],
  [0x84, 'EXT4', fixed(4), true],
  [0x85, 'TUPLE1', none],
  [0x86, 'TUPLE2', none],
  [0x87, 'TUPLE3', none],
  [0x88, 'NEWTRUE', none],
  [0x89, 'NEWFALSE', none],
  [0x8a, 'LONG1', counted(1)],
  [0x8b, 'LONG4', counted(4, true)],
  // Protocol 3
  ['B', 'BINBYTES', counted(4)],
  ['C', 'SHORT_BINBYTES', counted(1)],
  // Protocol 4
  [0x8c, 'SHORT_BINUNICODE', counted(1)],
  [0x8d, 'BINUNICODE8', counted(8)],
  [0x8e, 'BINBYTES8', counted(8)],
  [0x8f, 'EMPTY_SET', none],
  [0x90, 'ADDITEMS', none],
  [0x91, 'FROZENSET', none],
  [0x92, 'NEWOBJ_EX', none, true],
  [0x93, 'STACK_GLOBAL', none],
  [0x94, 'MEMOIZE', none],
  [0x95, 'FRAME', fixed(8)],
  // Protocol 5
  [0x96, 'BYTEARRAY8', counted(8)],
  [0x97, 'NEXT_BUFFER', none, true],
  [0x98, 'READONLY_BUFFER', none, true]
]

/** Opcodes by their byte; undefined for a byte that is no opcode. */
export const OPCODES: ReadonlyArray<Opcode | undefined> = (() => {
  const table: Array<Opcode | undefined> = new Array(256).fill(undefined)
  for (const [code, name, operand, refused] of TABLE) {
    const byte = typeof code === 'string' ? code.charCodeAt(0) : code
    table[byte] = refused ? { name, operand, refused } : { name, operand }
  }
  return table
})()

/** The highest protocol these opcodes cover. */
export const HIGHEST_PROTOCOL = 5
