import type {
  ModbusRegister,
  ModbusRegisterKind,
  ModbusValueType,
  OpcuaSecurityMode,
  OpcuaSecurityPolicy,
  SourceConfig,
  SourceType
} from '../../../shared/source-types'

/** What a GET lists for a password, and what a PUT sends back to keep it (docs/sources.md). */
export const HIDDEN_PASSWORD = '…'

/** One register row as typed; `key` tells rows apart while they are added and removed. */
export interface RegisterDraft {
  key: number
  field: string
  kind: ModbusRegisterKind
  address: string
  type: ModbusValueType
  wordOrder: 'big' | 'little'
  scale: string
  offset: string
}

export interface NodeDraft {
  key: number
  field: string
  nodeId: string
  samplingMs: string
}

/**
 * A source as its form holds it: text as typed, both types' inputs kept (switching the type and
 * back loses nothing), turned into a config only when sent.
 */
export interface SourceDraft {
  /** The source edited; null for a new one. */
  editing: string | null
  type: SourceType
  id: string
  device: string
  host: string
  port: string
  unitId: string
  intervalMs: string
  registers: RegisterDraft[]
  endpoint: string
  securityMode: OpcuaSecurityMode
  securityPolicy: OpcuaSecurityPolicy
  user: string
  /** What was typed; empty with `passwordKept` sends `…`, keeping the stored one. */
  password: string
  passwordKept: boolean
  nodes: NodeDraft[]
}

let nextKey = 0
const key = (): number => ++nextKey

export function newRegister(): RegisterDraft {
  return {
    key: key(),
    field: '',
    kind: 'holding',
    address: '0',
    type: 'uint16',
    wordOrder: 'big',
    scale: '',
    offset: ''
  }
}

export function newNode(): NodeDraft {
  return { key: key(), field: '', nodeId: '', samplingMs: '' }
}

export function newSourceDraft(): SourceDraft {
  return {
    editing: null,
    type: 'modbus',
    id: '',
    device: '',
    host: '',
    port: '502',
    unitId: '1',
    intervalMs: '1000',
    registers: [newRegister()],
    endpoint: 'opc.tcp://',
    securityMode: 'None',
    securityPolicy: 'None',
    user: '',
    password: '',
    passwordKept: false,
    nodes: [newNode()]
  }
}

const text = (n: number | undefined): string => (n === undefined ? '' : String(n))

export function draftFromConfig(config: SourceConfig): SourceDraft {
  const draft = { ...newSourceDraft(), editing: config.id, type: config.type }
  draft.id = config.id
  draft.device = config.device
  if (config.type === 'modbus') {
    draft.host = config.host
    draft.port = text(config.port)
    draft.unitId = text(config.unitId)
    draft.intervalMs = text(config.intervalMs)
    draft.registers = config.registers.map((r) => ({
      key: key(),
      field: r.field,
      kind: r.kind,
      address: String(r.address),
      type: r.type ?? 'uint16',
      wordOrder: r.wordOrder ?? 'big',
      scale: text(r.scale),
      offset: text(r.offset)
    }))
  } else {
    draft.endpoint = config.endpoint
    draft.securityMode = config.securityMode ?? 'None'
    draft.securityPolicy = config.securityPolicy ?? 'None'
    draft.user = config.user ?? ''
    draft.passwordKept = config.password === HIDDEN_PASSWORD
    draft.nodes = config.nodes.map((n) => ({
      key: key(),
      field: n.field,
      nodeId: n.nodeId,
      samplingMs: text(n.samplingMs)
    }))
  }
  return draft
}

/** A refusal of the form's own, before anything is sent: the input's path and why. */
export interface DraftProblem {
  field: string
  problem: 'required' | 'number'
}

/** A register's kind reads words (and takes a type, a scale, an offset), not bits. */
export const takesWords = (kind: ModbusRegisterKind): boolean =>
  kind === 'holding' || kind === 'input'
export const is32Bit = (type: ModbusValueType): boolean => type !== 'int16' && type !== 'uint16'

/**
 * The config to send, or the first input the form itself can tell is wrong (empty where a
 * value is needed, not a number where one is). Empty optional inputs are left out, for the
 * console's defaults; what else is wrong the console says (its message shown by the input).
 */
export function configFromDraft(draft: SourceDraft): SourceConfig | DraftProblem {
  const problems: DraftProblem[] = []
  const required = (field: string, value: string): string => {
    if (value.trim() === '') problems.push({ field, problem: 'required' })
    return value.trim()
  }
  const number = (field: string, value: string, optional = true): number | undefined => {
    if (value.trim() === '') {
      if (!optional) problems.push({ field, problem: 'required' })
      return undefined
    }
    const n = Number(value)
    if (!Number.isFinite(n)) problems.push({ field, problem: 'number' })
    return n
  }
  const id = required('id', draft.id)
  const device = required('device', draft.device)
  let config: SourceConfig
  if (draft.type === 'modbus') {
    config = {
      id,
      type: 'modbus',
      device,
      host: required('host', draft.host),
      port: number('port', draft.port),
      unitId: number('unitId', draft.unitId),
      intervalMs: number('intervalMs', draft.intervalMs),
      registers: draft.registers.map((r, i): ModbusRegister => {
        const at = `registers.${i}`
        const words = takesWords(r.kind)
        return {
          field: required(`${at}.field`, r.field),
          kind: r.kind,
          address: number(`${at}.address`, r.address, false)!,
          type: words ? r.type : undefined,
          wordOrder: words && is32Bit(r.type) ? r.wordOrder : undefined,
          scale: words ? number(`${at}.scale`, r.scale) : undefined,
          offset: words ? number(`${at}.offset`, r.offset) : undefined
        }
      })
    }
  } else {
    const user = draft.user.trim()
    config = {
      id,
      type: 'opcua',
      device,
      endpoint: required('endpoint', draft.endpoint),
      securityMode: draft.securityMode,
      securityPolicy: draft.securityPolicy,
      user: user === '' ? undefined : user,
      password:
        user === ''
          ? undefined
          : draft.password !== ''
            ? draft.password
            : draft.passwordKept
              ? HIDDEN_PASSWORD
              : undefined,
      nodes: draft.nodes.map((n, i) => ({
        field: required(`nodes.${i}.field`, n.field),
        nodeId: required(`nodes.${i}.nodeId`, n.nodeId),
        samplingMs: number(`nodes.${i}.samplingMs`, n.samplingMs)
      }))
    }
  }
  return problems[0] ?? withoutUndefined(config)
}

// Left out, not sent as undefined: the console refuses unknown and null fields alike.
function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

export const isProblem = (result: SourceConfig | DraftProblem): result is DraftProblem =>
  'problem' in result

/** The columns a register row shows: a bit has no type, scale or offset; 16 bits no word order. */
export function registerInputs(row: RegisterDraft): string[] {
  if (!takesWords(row.kind)) return ['field', 'kind', 'address']
  const inputs = ['field', 'kind', 'address', 'type', 'scale', 'offset']
  return is32Bit(row.type) ? [...inputs, 'wordOrder'] : inputs
}
