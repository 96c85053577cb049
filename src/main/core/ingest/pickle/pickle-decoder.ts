import { DOCUMENT_LIMITS } from '../../../../shared/ingest-protocol'
import { ByteQueue } from './byte-queue'
import { HIGHEST_PROTOCOL, OPCODES, type Opcode } from './pickle-opcodes'
import {
  allowedGlobal,
  datetimeFromState,
  decodeDecimal,
  decodeFloat,
  decodeLegacyText,
  decodeLong,
  decodeQuotedString,
  decodeRawUnicodeEscape,
  decodeUtf8,
  PickleBytes,
  PickleGlobal
} from './pickle-values'

/** What one pickle may raise. Over any of them, the pickle is dropped up to its STOP. */
export interface PickleLimits {
  /** Bytes of one pickle as received (the intake's longest message). */
  maxBytes: number
  /** Nesting of containers, the pickle's top level being 1. */
  maxDepth: number
  /** Values in all (dict entries, list, tuple and set items, at every depth), and on the stack. */
  maxValues: number
  /** Memo entries (PUT, MEMOIZE). */
  maxMemo: number
  /** Bytes of one LONG1/LONG4 integer (and, ×2.5, digits of a LONG/INT one). */
  maxIntBytes: number
}

export function pickleLimits(maxBytes: number): PickleLimits {
  return {
    maxBytes,
    maxDepth: DOCUMENT_LIMITS.maxDepth,
    maxValues: DOCUMENT_LIMITS.maxValues,
    // Python memoizes every container and string: two per value, and one per byte at most.
    maxMemo: Math.min(2 * DOCUMENT_LIMITS.maxValues + 64, maxBytes),
    maxIntBytes: 1024
  }
}

export type PickleEvent =
  /** A whole pickle, decoded (any Python value; a report must be a dict). */
  | { kind: 'value'; value: unknown }
  /** A whole pickle dropped for a limit; its bytes were stepped over, never decoded. */
  | { kind: 'dropped'; reason: string }

export interface PushResult {
  events: PickleEvent[]
  /**
   * Why the stream can be read no further — a refused opcode (a class or callable other than
   * the allowed ones), a malformed pickle — or null. Set once; the decoder then takes no input.
   */
  refused: string | null
}

/** A reason to stop reading the stream. */
class Refusal extends Error {}
/** A reason to drop the pickle being read (a limit), the stream going on. */
class OverLimit extends Error {}

type Kind = 'dict' | 'list' | 'tuple' | 'set'

/** What is known of a container built by this pickle. */
interface Shape {
  kind: Kind
  /**
   * Set once it is inside another container or fetched from the memo: from then on it must not
   * change, which keeps each container's counts final once counted in its parent, and makes a
   * cycle (a list holding itself) impossible.
   */
  sealed: boolean
  /** A lower bound of the length of its JSON, in bytes. */
  weight: number
  /** Values within it at every depth. */
  values: number
  /** 1 for a container of scalars. */
  depth: number
}

const NEWLINE = 0x0a

/**
 * Decodes a stream of pickles sent back to back, each ended by its STOP opcode, however the
 * bytes are split into chunks: the same bytes give the same events. Only data is decoded —
 * dicts, lists, tuples, sets (as arrays), str, bytes (PickleBytes), int, float, bool, None — and
 * `datetime.datetime` (epoch ms); nothing is ever looked up, imported or called.
 *
 * Work and memory are linear in the input and bounded per pickle (PickleLimits): bytes wait in a
 * queue only up to the pickle's byte limit; an operand announced longer is stepped over as it
 * arrives. Shared references (memo) are counted at their full expanded size, so a small pickle
 * cannot stand for a huge document.
 */
export class PickleStreamDecoder {
  private readonly queue = new ByteQueue()
  private stack: unknown[] = []
  private marks: number[] = []
  private memo = new Map<number, unknown>()
  private shapes = new Map<object, Shape>()
  /** Bytes of the current pickle consumed. */
  private consumed = 0
  /** Why the current pickle is being dropped; null while it is decoded. */
  private dropping: string | null = null
  /** Bytes of a dropped operand still to step over as they arrive. */
  private skipBytes = 0
  /** Newlines still to step over (a dropped text operand). */
  private skipLines = 0
  /** Bytes the next step needs queued; a line step waits for a newline instead. */
  private wanted = 1
  private wantsLine = false
  private failure: string | null = null
  private events: PickleEvent[] = []

  constructor(readonly limits: PickleLimits) {}

  /** Bytes held for a pickle not yet complete. */
  get bufferedBytes(): number {
    return this.queue.length
  }

  push(chunk: Buffer): PushResult {
    if (this.failure !== null) return { events: [], refused: this.failure }
    this.events = []
    try {
      this.queue.push(chunk)
      if (this.mayStep(chunk)) while (this.step());
      this.queue.compactLast()
    } catch (error) {
      this.failure =
        error instanceof Refusal ? error.message : `could not be read: ${(error as Error).message}`
      this.queue.clear()
      this.resetPickle()
    }
    return { events: this.events, refused: this.failure }
  }

  /** Whether the chunk can let a waiting step go on: spares re-scanning a long line per chunk. */
  private mayStep(chunk: Buffer): boolean {
    if (this.skipBytes > 0 || this.skipLines > 0) return true
    if (this.wantsLine)
      return chunk.includes(NEWLINE) || this.consumed + this.queue.length > this.limits.maxBytes
    return this.queue.length >= this.wanted
  }

  /** Decodes one opcode if its bytes are all here; false when it must wait for more. */
  private step(): boolean {
    const { queue } = this
    this.wanted = 1
    this.wantsLine = false
    if (this.skipBytes > 0) {
      const n = Math.min(this.skipBytes, queue.length)
      queue.skip(n)
      this.skipBytes -= n
      if (this.skipBytes > 0) return false
    }
    while (this.skipLines > 0) {
      const nl = queue.indexOf(NEWLINE, 0)
      if (nl === -1) {
        queue.skip(queue.length)
        this.wantsLine = true
        return false
      }
      queue.skip(nl + 1)
      this.skipLines -= 1
    }
    if (queue.length === 0) return false
    const code = queue.byteAt(0)
    const op = OPCODES[code]
    if (op === undefined) throw new Refusal(`not a pickle: byte 0x${hex(code)} is no opcode`)
    if (op.refused) throw new Refusal(`refused opcode ${op.name}: it names a class or callable`)
    const size = this.sizeOf(op)
    if (size === null) return false
    if (this.dropping === null && this.consumed + size > this.limits.maxBytes)
      this.drop(`longer than ${this.limits.maxBytes} bytes`)
    if (this.dropping !== null) {
      // Stepped over as it comes: a dropped operand is never held whole.
      const here = Math.min(size, queue.length)
      queue.skip(here)
      this.skipBytes = size - here
      if (code === 0x2e) this.endDropped()
      return true
    }
    const operand = queue.peek(size).subarray(1)
    this.consumed += size
    try {
      this.execute(op, operand)
    } catch (error) {
      if (!(error instanceof OverLimit)) throw error
      this.drop(error.message)
    }
    queue.skip(size)
    return true
  }

  /** The opcode's whole length with its operand, or null (and what to wait for) if not queued. */
  private sizeOf(op: Opcode): number | null {
    const { queue } = this
    const operand = op.operand
    switch (operand.kind) {
      case 'none':
        return 1
      case 'fixed':
        return this.need(1 + operand.bytes)
      case 'counted': {
        const header = this.need(1 + operand.header)
        if (header === null) return null
        const bytes = queue.peek(header)
        let length: number
        if (operand.header === 1) length = bytes[1]!
        else if (operand.header === 4)
          length = operand.signed ? bytes.readInt32LE(1) : bytes.readUInt32LE(1)
        else {
          const big = bytes.readBigUInt64LE(1)
          // Beyond any limit: stepped over (it is never held) if the peer really sends it.
          length = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big)
        }
        if (length < 0) throw new Refusal(`malformed pickle: a negative length in ${op.name}`)
        const size = header + length
        // Known to be too long now: dropped without waiting for its bytes.
        if (this.dropping !== null || this.consumed + size > this.limits.maxBytes) return size
        return this.need(size)
      }
      case 'lines': {
        let end = 0
        for (let found = 0; found < operand.lines; found++) {
          const nl = queue.indexOf(NEWLINE, end + (found === 0 ? 1 : 0))
          if (nl === -1) {
            if (this.dropping === null && this.consumed + queue.length > this.limits.maxBytes)
              this.drop(`longer than ${this.limits.maxBytes} bytes`)
            if (this.dropping !== null) {
              // Step over what is here; the rest of the text goes as it arrives.
              queue.skip(queue.length)
              this.skipLines = operand.lines - found
              this.wantsLine = true
              return null
            }
            this.wantsLine = true
            return null
          }
          end = nl + 1
        }
        return end
      }
    }
  }

  private need(size: number): number | null {
    if (this.queue.length >= size) return size
    this.wanted = size
    return null
  }

  private drop(reason: string): void {
    this.dropping = reason
    this.stack = []
    this.marks = []
    this.memo = new Map()
    this.shapes = new Map()
  }

  private endDropped(): void {
    this.events.push({ kind: 'dropped', reason: this.dropping! })
    this.resetPickle()
  }

  private resetPickle(): void {
    this.stack = []
    this.marks = []
    this.memo = new Map()
    this.shapes = new Map()
    this.consumed = 0
    this.dropping = null
    this.skipBytes = 0
    this.skipLines = 0
  }

  // Decoding -------------------------------------------------------------------------------

  private execute(op: Opcode, arg: Buffer): void {
    switch (op.name) {
      case 'PROTO':
        if (arg[0]! > HIGHEST_PROTOCOL)
          throw new Refusal(`unsupported pickle protocol ${arg[0]} (at most ${HIGHEST_PROTOCOL})`)
        return
      case 'FRAME':
        return // a hint for buffered readers; the opcodes inside are read as they come
      case 'STOP': {
        const value = this.pop()
        if (value instanceof PickleGlobal) throw this.asData(value)
        this.events.push({ kind: 'value', value })
        this.resetPickle()
        return
      }
      case 'MARK':
        if (this.marks.length >= 4 * this.limits.maxDepth)
          throw new OverLimit(`more than ${4 * this.limits.maxDepth} open marks`)
        this.marks.push(this.stack.length)
        return
      case 'POP':
        if (this.stack.length > this.floor()) this.stack.pop()
        else this.popMark()
        return
      case 'POP_MARK':
        this.popMark()
        return
      case 'DUP':
        return this.pushValue(this.top())
      case 'NONE':
        return this.pushValue(null)
      case 'NEWTRUE':
        return this.pushValue(true)
      case 'NEWFALSE':
        return this.pushValue(false)
      case 'BININT':
        return this.pushValue(arg.readInt32LE(0))
      case 'BININT1':
        return this.pushValue(arg[0]!)
      case 'BININT2':
        return this.pushValue(arg.readUInt16LE(0))
      case 'LONG1':
      case 'LONG4': {
        const bytes = arg.subarray(op.name === 'LONG1' ? 1 : 4)
        if (bytes.length > this.limits.maxIntBytes)
          throw new OverLimit(`an integer longer than ${this.limits.maxIntBytes} bytes`)
        return this.pushValue(decodeLong(bytes))
      }
      case 'INT':
      case 'LONG': {
        let text = this.lineText(arg)
        if (op.name === 'INT' && (text === '00' || text === '01'))
          return this.pushValue(text === '01')
        if (op.name === 'LONG' && text.endsWith('L')) text = text.slice(0, -1)
        if (text.length > 2.5 * this.limits.maxIntBytes)
          throw new OverLimit(`an integer longer than ${text.length} digits`)
        const value = decodeDecimal(text)
        if (value === null) throw new Refusal(`malformed pickle: ${op.name} of "${clip(text)}"`)
        return this.pushValue(value)
      }
      case 'BINFLOAT':
        return this.pushValue(arg.readDoubleBE(0))
      case 'FLOAT': {
        const value = decodeFloat(this.lineText(arg))
        if (value === null) throw new Refusal('malformed pickle: FLOAT is not a number')
        return this.pushValue(value)
      }
      case 'BINUNICODE':
      case 'SHORT_BINUNICODE':
      case 'BINUNICODE8':
        return this.pushValue(decodeUtf8(payload(op, arg)))
      case 'UNICODE': {
        const text = decodeRawUnicodeEscape(arg.subarray(0, -1))
        if (text === null) throw new Refusal('malformed pickle: a bad escape in UNICODE')
        return this.pushValue(text)
      }
      case 'BINSTRING':
      case 'SHORT_BINSTRING':
        return this.pushValue(decodeLegacyText(payload(op, arg)))
      case 'STRING': {
        const text = decodeQuotedString(arg.subarray(0, -1))
        if (text === null) throw new Refusal('malformed pickle: STRING is not a quoted string')
        return this.pushValue(text)
      }
      case 'BINBYTES':
      case 'SHORT_BINBYTES':
      case 'BINBYTES8':
      case 'BYTEARRAY8':
        // A copy: the operand is a view into the receive queue.
        return this.pushValue(new PickleBytes(Buffer.from(payload(op, arg))))
      case 'EMPTY_DICT':
        return this.pushValue(this.container('dict', {}))
      case 'EMPTY_LIST':
        return this.pushValue(this.container('list', []))
      case 'EMPTY_SET':
        return this.pushValue(this.container('set', []))
      case 'EMPTY_TUPLE':
        return this.pushValue(this.sealedArray('tuple', []))
      case 'TUPLE1':
      case 'TUPLE2':
      case 'TUPLE3': {
        const n = Number(op.name[5])
        const items: unknown[] = []
        for (let i = 0; i < n; i++) items.unshift(this.pop())
        return this.pushValue(this.sealedArray('tuple', items))
      }
      case 'TUPLE':
        return this.pushValue(this.sealedArray('tuple', this.popMark()))
      case 'FROZENSET':
        return this.pushValue(this.sealedArray('set', this.popMark()))
      case 'LIST': {
        const list = this.container('list', [])
        this.appendAll(list, this.popMark())
        return this.pushValue(list)
      }
      case 'DICT': {
        const dict = this.container('dict', {})
        this.setAll(dict, this.popMark())
        return this.pushValue(dict)
      }
      case 'APPEND': {
        const item = this.pop()
        return this.appendAll(this.top(), [item], 'list')
      }
      case 'APPENDS': {
        const items = this.popMark()
        return this.appendAll(this.top(), items, 'list')
      }
      case 'ADDITEMS': {
        const items = this.popMark()
        return this.appendAll(this.top(), items, 'set')
      }
      case 'SETITEM': {
        const value = this.pop()
        const key = this.pop()
        return this.setAll(this.top(), [key, value])
      }
      case 'SETITEMS': {
        const items = this.popMark()
        return this.setAll(this.top(), items)
      }
      case 'PUT':
        return this.put(this.memoIndex(this.lineText(arg)))
      case 'BINPUT':
        return this.put(arg[0]!)
      case 'LONG_BINPUT':
        return this.put(arg.readUInt32LE(0))
      case 'MEMOIZE':
        return this.put(this.memo.size)
      case 'GET':
        return this.get(this.memoIndex(this.lineText(arg)))
      case 'BINGET':
        return this.get(arg[0]!)
      case 'LONG_BINGET':
        return this.get(arg.readUInt32LE(0))
      case 'GLOBAL': {
        const nl = arg.indexOf(NEWLINE)
        return this.global(decodeUtf8(arg.subarray(0, nl)), decodeUtf8(arg.subarray(nl + 1, -1)))
      }
      case 'STACK_GLOBAL': {
        const name = this.pop()
        const module = this.pop()
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new Refusal('malformed pickle: STACK_GLOBAL of something not a name')
        return this.global(module, name)
      }
      case 'REDUCE':
        return this.reduce()
    }
    throw new Refusal(`refused opcode ${op.name}`)
  }

  private global(module: string, name: string): void {
    const allowed = allowedGlobal(module, name)
    if (allowed === null) throw new Refusal(`refused ${clip(module)}.${clip(name)}: not data`)
    this.pushValue(allowed)
  }

  /** REDUCE of one of the allowed globals, decoded here: datetime, bytes; nothing is called. */
  private reduce(): void {
    const args = this.pop()
    const callable = this.pop()
    if (!(callable instanceof PickleGlobal))
      throw new Refusal('refused REDUCE: it calls something other than an allowed class')
    const what = `${callable.module}.${callable.name}`
    if (!Array.isArray(args) || this.shapes.get(args)?.kind !== 'tuple')
      throw new Refusal(`malformed pickle: REDUCE of ${what} without a tuple of arguments`)
    if (what === 'datetime.datetime') {
      const [state] = args as unknown[]
      const ms =
        args.length === 1 && state instanceof PickleBytes ? datetimeFromState(state.data) : null
      if (ms === null)
        throw new Refusal(
          args.length === 2
            ? 'refused datetime.datetime with a timezone: only naive datetimes are taken'
            : 'refused datetime.datetime: not a pickled date and time'
        )
      return this.pushValue(ms)
    }
    if (what === '_codecs.encode') {
      const [text, encoding] = args as unknown[]
      if (
        args.length !== 2 ||
        typeof text !== 'string' ||
        (encoding !== 'latin1' && encoding !== 'latin-1') ||
        /[\u0100-\uffff]/.test(text)
      )
        throw new Refusal('refused _codecs.encode: only the latin1 bytes of Python 3 pickles')
      return this.pushValue(new PickleBytes(Buffer.from(text, 'latin1')))
    }
    if (callable.name === 'set') {
      const [items] = args as unknown[]
      if (args.length === 0) return this.pushValue(this.sealedArray('set', []))
      if (args.length !== 1 || !Array.isArray(items) || this.shapes.get(items)?.kind !== 'list')
        throw new Refusal('refused set() of something other than a list')
      // The list is the set's items already (and sealed, being an argument): it stands for it.
      return this.pushValue(items)
    }
    if (args.length !== 0) throw new Refusal(`refused ${what} with arguments`)
    this.pushValue(new PickleBytes(Buffer.alloc(0)))
  }

  // The stack, the memo and containers -----------------------------------------------------

  private floor(): number {
    return this.marks.at(-1) ?? 0
  }

  private pushValue(value: unknown): void {
    if (this.stack.length >= this.limits.maxValues)
      throw new OverLimit(`more than ${this.limits.maxValues} values on the stack`)
    this.stack.push(value)
  }

  private pop(): unknown {
    if (this.stack.length <= this.floor()) throw new Refusal('malformed pickle: stack underflow')
    return this.stack.pop()
  }

  private top(): unknown {
    if (this.stack.length <= this.floor()) throw new Refusal('malformed pickle: stack underflow')
    return this.stack[this.stack.length - 1]
  }

  private popMark(): unknown[] {
    const mark = this.marks.pop()
    if (mark === undefined) throw new Refusal('malformed pickle: no MARK to pop')
    return this.stack.splice(mark)
  }

  private memoIndex(text: string): number {
    if (!/^\d{1,10}$/.test(text)) throw new Refusal('malformed pickle: a bad memo index')
    return Number(text)
  }

  private put(index: number): void {
    const value = this.top()
    if (!this.memo.has(index) && this.memo.size >= this.limits.maxMemo)
      throw new OverLimit(`more than ${this.limits.maxMemo} memo entries`)
    this.memo.set(index, value)
  }

  private get(index: number): void {
    if (!this.memo.has(index)) throw new Refusal(`malformed pickle: memo ${index} is not set`)
    const value = this.memo.get(index)
    this.sealIfContainer(value)
    this.pushValue(value)
  }

  private container<T extends object>(kind: Kind, value: T): T {
    this.shapes.set(value, { kind, sealed: false, weight: 2, values: 0, depth: 1 })
    return value
  }

  private sealedArray(kind: 'tuple' | 'set', items: unknown[]): unknown[] {
    const array = this.container(kind, [] as unknown[])
    this.appendAll(array, items)
    this.shapes.get(array)!.sealed = true
    return array
  }

  private sealIfContainer(value: unknown): void {
    if (typeof value === 'object' && value !== null) {
      const shape = this.shapes.get(value)
      if (shape !== undefined) shape.sealed = true
    }
  }

  /** Appends to a list or set (`want`: what the opcode may append to; none: one built here). */
  private appendAll(target: unknown, items: unknown[], want?: Kind): void {
    const shape =
      want === undefined ? this.shapes.get(target as object)! : this.writable(target, want)
    const array = target as unknown[]
    for (const item of items) {
      this.adopt(shape, item, 0)
      array.push(item)
    }
  }

  private setAll(target: unknown, items: unknown[]): void {
    const shape = this.writable(target, 'dict')
    if (items.length % 2 !== 0) throw new Refusal('malformed pickle: a key without a value')
    const dict = target as Record<string, unknown>
    for (let i = 0; i < items.length; i += 2) {
      const key = dictKey(items[i])
      this.adopt(shape, items[i + 1], key.length + 3)
      if (key === '__proto__')
        Object.defineProperty(dict, key, {
          value: items[i + 1],
          enumerable: true,
          writable: true,
          configurable: true
        })
      else dict[key] = items[i + 1]
    }
  }

  private writable(target: unknown, kind: Kind | undefined): Shape {
    const shape =
      typeof target === 'object' && target !== null ? this.shapes.get(target) : undefined
    if (shape === undefined || shape.kind !== kind)
      throw new Refusal(`malformed pickle: adding to something not a ${kind ?? 'container'}`)
    return shape
  }

  /** Counts `child` into its container; `extra`: the bytes of its key. */
  private adopt(parent: Shape, child: unknown, extra: number): void {
    if (child instanceof PickleGlobal) throw this.asData(child)
    this.sealIfContainer(child)
    if (parent.sealed)
      throw new Refusal('refused: a container changed after it was used (a recursive structure)')
    const inner = typeof child === 'object' && child !== null ? this.shapes.get(child) : undefined
    parent.weight += weightOf(child, inner) + extra + 1
    parent.values += 1 + (inner?.values ?? 0)
    parent.depth = Math.max(parent.depth, 1 + (inner?.depth ?? 0))
    const { maxBytes, maxValues, maxDepth } = this.limits
    if (parent.weight > maxBytes) throw new OverLimit(`longer than ${maxBytes} bytes as JSON`)
    if (parent.values > maxValues) throw new OverLimit(`more than ${maxValues} values`)
    if (parent.depth > maxDepth) throw new OverLimit(`nested deeper than ${maxDepth} levels`)
  }

  private asData(value: PickleGlobal): Refusal {
    return new Refusal(`refused ${value.module}.${value.name} as a value: not data`)
  }

  private lineText(arg: Buffer): string {
    return arg.subarray(0, -1).toString('latin1').replace(/\r$/, '')
  }
}

/** A counted operand's bytes, without its length header. */
function payload(op: Opcode, arg: Buffer): Buffer {
  const header = op.operand.kind === 'counted' ? op.operand.header : 0
  return arg.subarray(header)
}

/** A dict key as JSON has it: str as is; int, float, bool and None as json.dumps writes them. */
function dictKey(key: unknown): string {
  if (typeof key === 'string') return key
  if (typeof key === 'number') return String(key)
  if (typeof key === 'boolean') return key ? 'true' : 'false'
  if (key === null) return 'null'
  throw new Refusal('refused: a dict key that is not a str, int, float, bool or None')
}

/** A lower bound of a value's JSON length in bytes (UTF-8 is never shorter than UTF-16 units). */
function weightOf(value: unknown, shape: Shape | undefined): number {
  if (shape !== undefined) return shape.weight
  if (typeof value === 'string') return value.length + 2
  if (value instanceof PickleBytes) return value.textLength + 2
  return value === null || typeof value === 'boolean' ? 4 : 1
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0')
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}
