import { z } from 'zod'

import { INGEST_LIMITS, RESERVED_REPORT_FIELDS } from '../../../shared/ingest-protocol'
import {
  MODBUS_REGISTER_KINDS,
  MODBUS_VALUE_TYPES,
  OPCUA_SECURITY_MODES,
  OPCUA_SECURITY_POLICIES,
  type SourceConfig
} from '../../../shared/source-types'
import { findInvisibleCharacter } from '../ingest/protocol/invisible-characters'
import { OperationError } from '../operations/operation-error'
import { parseStructuredText, type TextPath } from '../runtime/structured-text'

/** Every count a source's config can raise, bounded (docs/sources.md). */
export const SOURCE_LIMITS = {
  /** Sources in force, the console's and the file's together. */
  maxSources: 200,
  /** Registers of a Modbus source, nodes of an OPC UA one. */
  maxPoints: 200,
  minIntervalMs: 100,
  maxIntervalMs: 3_600_000,
  fieldMaxLength: 128,
  hostMaxLength: 253,
  endpointMaxLength: 1024,
  nodeIdMaxLength: 1024,
  userMaxLength: 256,
  passwordMaxLength: 1024
} as const

/** What `GET /api/sources` shows for a password, and what a PUT may send back to keep it. */
export const HIDDEN_PASSWORD = '…'

/** The fields a report's header takes, and those the console sets: a reading must not name them. */
const NOT_A_FIELD = new Set<string>(['device', 'auth', 'seq', 'ts', ...RESERVED_REPORT_FIELDS])

/** The message of a type mismatch, or `required` when the field is missing. */
const expected = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : `expected ${what}`

const noInvisible = (text: string, context: z.RefinementCtx): void => {
  const invisible = findInvisibleCharacter(text)
  if (invisible !== null)
    context.addIssue({
      code: 'custom',
      message: `must not contain the invisible character ${invisible}`
    })
}

/** As a report's device id is (report-parser.ts): a source's id is held to the same rules. */
const deviceId = z
  .string({ error: expected('a string') })
  .min(1, 'must not be empty')
  .max(INGEST_LIMITS.deviceIdMaxLength, `at most ${INGEST_LIMITS.deviceIdMaxLength} characters`)
  .superRefine(noInvisible)

/** A name a report's field may have (storable-document.ts), and not one of the header's. */
const field = z
  .string({ error: expected('a field name') })
  .min(1, 'must not be empty')
  .max(SOURCE_LIMITS.fieldMaxLength, `at most ${SOURCE_LIMITS.fieldMaxLength} characters`)
  .superRefine((name, context) => {
    const fail = (message: string): void => void context.addIssue({ code: 'custom', message })
    if (NOT_A_FIELD.has(name)) fail(`${name} is a report's own field: choose another name`)
    else if (name.startsWith('$')) fail('must not start with "$"')
    else if (name.includes('.')) fail('must not contain "."')
    else if (name === '__proto__') fail('not allowed as a field name')
    else noInvisible(name, context)
  })

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: expected(what) })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)

const intervalMs = whole(
  'a number of milliseconds',
  SOURCE_LIMITS.minIntervalMs,
  SOURCE_LIMITS.maxIntervalMs
)
const finite = z.number({ error: expected('a number') }).finite('must be a finite number')

const registerSchema = z.strictObject({
  field,
  kind: z.enum(MODBUS_REGISTER_KINDS, { error: expected(MODBUS_REGISTER_KINDS.join(', ')) }),
  address: whole('a register address', 0, 65_535),
  type: z.enum(MODBUS_VALUE_TYPES, { error: expected(MODBUS_VALUE_TYPES.join(', ')) }).optional(),
  wordOrder: z.enum(['big', 'little'], { error: expected('big or little') }).optional(),
  scale: finite.optional(),
  offset: finite.optional()
})

const modbusSchema = z.strictObject({
  id: deviceId,
  type: z.literal('modbus'),
  device: deviceId,
  host: z
    .string({ error: expected('a host name or address') })
    .min(1, 'must not be empty')
    .max(SOURCE_LIMITS.hostMaxLength, `at most ${SOURCE_LIMITS.hostMaxLength} characters`)
    .regex(/^[^\s/]+$/, 'a host name or address, without spaces or slashes'),
  port: whole('a port', 1, 65_535).optional(),
  unitId: whole('a unit id', 0, 255).optional(),
  intervalMs: intervalMs.optional(),
  registers: z
    .array(registerSchema, { error: expected('a list of registers') })
    .min(1, 'at least one register')
    .max(SOURCE_LIMITS.maxPoints, `at most ${SOURCE_LIMITS.maxPoints} registers`)
})

const nodeSchema = z.strictObject({
  field,
  nodeId: z
    .string({ error: expected('a node id (ns=2;s=Temperature)') })
    .min(1, 'must not be empty')
    .max(SOURCE_LIMITS.nodeIdMaxLength, `at most ${SOURCE_LIMITS.nodeIdMaxLength} characters`),
  samplingMs: intervalMs.optional()
})

const opcuaSchema = z.strictObject({
  id: deviceId,
  type: z.literal('opcua'),
  device: deviceId,
  endpoint: z
    .string({ error: expected('an opc.tcp:// address') })
    .max(SOURCE_LIMITS.endpointMaxLength, `at most ${SOURCE_LIMITS.endpointMaxLength} characters`)
    .regex(/^opc\.tcp:\/\/[^\s/]+/, 'must be an opc.tcp://host:port address'),
  securityMode: z
    .enum(OPCUA_SECURITY_MODES, { error: expected(OPCUA_SECURITY_MODES.join(', ')) })
    .optional(),
  securityPolicy: z
    .enum(OPCUA_SECURITY_POLICIES, { error: expected(OPCUA_SECURITY_POLICIES.join(', ')) })
    .optional(),
  user: z
    .string({ error: expected('a user name') })
    .min(1, 'must not be empty')
    .max(SOURCE_LIMITS.userMaxLength, `at most ${SOURCE_LIMITS.userMaxLength} characters`)
    .optional(),
  password: z
    .string({ error: expected('a password') })
    .max(SOURCE_LIMITS.passwordMaxLength, `at most ${SOURCE_LIMITS.passwordMaxLength} characters`)
    .optional(),
  nodes: z
    .array(nodeSchema, { error: expected('a list of nodes') })
    .min(1, 'at least one node')
    .max(SOURCE_LIMITS.maxPoints, `at most ${SOURCE_LIMITS.maxPoints} nodes`)
})

/** Why an input is not a source: the first field at fault, and what is wrong with it. */
export interface SourceFault {
  path: TextPath
  message: string
}

/** `registers[2].address` */
export function sourcePathText(path: TextPath): string {
  let text = ''
  for (const part of path)
    text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`
  return text === '' ? 'source' : text
}

/** A source's config, checked: every bound, and the rules between its fields. */
export function checkSource(input: unknown): { source: SourceConfig } | SourceFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { path: [], message: 'expected an object (a source)' }
  const type = (input as { type?: unknown }).type
  const schema = type === 'modbus' ? modbusSchema : type === 'opcua' ? opcuaSchema : null
  if (schema === null)
    return { path: ['type'], message: type === undefined ? 'required' : 'expected modbus or opcua' }
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = issue.path as TextPath
    if (issue.code === 'unrecognized_keys')
      return { path: [...path, issue.keys[0]!], message: 'unknown field' }
    return { path, message: issue.message }
  }
  const source = parsed.data as SourceConfig
  const fault = source.type === 'modbus' ? modbusFault(source) : opcuaFault(source)
  return fault ?? { source }
}

function modbusFault(source: Extract<SourceConfig, { type: 'modbus' }>): SourceFault | null {
  const fields = new Map<string, number>()
  for (const [index, register] of source.registers.entries()) {
    const at = (name: string, message: string): SourceFault => ({
      path: ['registers', index, name],
      message
    })
    const first = fields.get(register.field)
    if (first !== undefined) return at('field', `registers[${first}] reads into it already`)
    fields.set(register.field, index)
    const bits = register.kind === 'coil' || register.kind === 'discrete'
    if (bits) {
      for (const name of ['type', 'wordOrder', 'scale', 'offset'] as const)
        if (register[name] !== undefined)
          return at(name, `a ${register.kind === 'coil' ? 'coil' : 'discrete input'} is a boolean`)
      continue
    }
    const type = register.type ?? 'uint16'
    const wide = type === 'int32' || type === 'uint32' || type === 'float32'
    if (!wide && register.wordOrder !== undefined)
      return at('wordOrder', `only for int32, uint32 and float32 (${type} is one register)`)
    if (wide && register.address === 65_535)
      return at('address', `${type} takes two registers: the last address is 65534`)
  }
  return null
}

function opcuaFault(source: Extract<SourceConfig, { type: 'opcua' }>): SourceFault | null {
  const fields = new Map<string, number>()
  for (const [index, node] of source.nodes.entries()) {
    const first = fields.get(node.field)
    if (first !== undefined)
      return { path: ['nodes', index, 'field'], message: `nodes[${first}] reads into it already` }
    fields.set(node.field, index)
  }
  const mode = source.securityMode ?? 'None'
  const policy = source.securityPolicy ?? 'None'
  if (mode === 'None' && policy !== 'None')
    return { path: ['securityPolicy'], message: 'must be None when securityMode is None' }
  if (mode !== 'None' && policy === 'None')
    return { path: ['securityPolicy'], message: `required (not None) with securityMode ${mode}` }
  if (source.password !== undefined && source.user === undefined)
    return { path: ['password'], message: 'only with a user' }
  if (source.user !== undefined && source.password === undefined)
    return { path: ['password'], message: `required with a user (${source.user})` }
  return null
}

/** A source from the API or the window: the config, or a `bad_request` naming the field. */
export function parseSource(input: unknown): SourceConfig {
  const checked = checkSource(input)
  if ('source' in checked) return checked.source
  throw new OperationError('bad_request', `${sourcePathText(checked.path)}: ${checked.message}`)
}

/** Where a list of sources is at fault: its path, and the message naming the source. */
export interface SourceListFault extends SourceFault {
  /** `sources[3] (plc-1): registers[0].address: must be at most 65535` */
  text: string
}

/** The sources of `{ "sources": [ … ] }` (the sources file), or the first fault. */
export function checkSourceList(input: unknown): { sources: SourceConfig[] } | SourceListFault {
  const fault = (path: TextPath, message: string): SourceListFault => ({
    path,
    message,
    text: path.length === 0 ? message : `${sourcePathText(path)}: ${message}`
  })
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fault([], 'expected an object { "sources": [ … ] }')
  const unknown = Object.keys(input).find((key) => key !== 'sources')
  if (unknown !== undefined)
    return fault([unknown], 'unknown field (expected { "sources": [ … ] })')
  const list = (input as { sources?: unknown }).sources
  if (!Array.isArray(list))
    return fault(['sources'], list === undefined ? 'required' : 'expected a list of sources')
  if (list.length > SOURCE_LIMITS.maxSources)
    return fault(['sources'], `at most ${SOURCE_LIMITS.maxSources} sources`)
  const sources: SourceConfig[] = []
  const at = new Map<string, number>()
  for (const [index, raw] of list.entries()) {
    const id = (raw as { id?: unknown } | null)?.id
    const where = `sources[${index}]${typeof id === 'string' && id !== '' ? ` (${id.slice(0, 64)})` : ''}`
    const checked = checkSource(raw)
    if (!('source' in checked))
      return {
        path: ['sources', index, ...checked.path],
        message: checked.message,
        text: `${where}: ${sourcePathText(checked.path)}: ${checked.message}`
      }
    const first = at.get(checked.source.id)
    if (first !== undefined) {
      const message = `${checked.source.id} is already the id of sources[${first}]`
      return { path: ['sources', index, 'id'], message, text: `${where}: id: ${message}` }
    }
    at.set(checked.source.id, index)
    sources.push(checked.source)
  }
  return { sources }
}

/**
 * The sources of a sources file (`--sources`): `{ "sources": [ … ] }` in JSON (`.json`) or YAML
 * (anything else). Throws an Error naming the file and where: the line and column of a syntax
 * error, and of a YAML source's field at fault, as the alarm rules file does.
 */
export function parseSourcesFile(path: string, text: string): SourceConfig[] {
  const parsed = parseStructuredText('sources file', path, text)
  const checked = checkSourceList(parsed.value)
  if ('sources' in checked) return checked.sources
  const where = parsed.where(checked.path, { key: checked.message.startsWith('unknown field') })
  const split = checked.text.indexOf(': ')
  // sources[3] (plc-1) at line 12, column 7: registers[0].address: must be at most 65535
  const located =
    where === '' || split < 0 || checked.path[0] !== 'sources'
      ? checked.text + where
      : checked.text.slice(0, split) + where + checked.text.slice(split)
  throw new Error(`sources file ${path}: ${located}`)
}
