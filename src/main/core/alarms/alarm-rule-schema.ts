import { randomInt } from 'node:crypto'

import { z } from 'zod'

import { ALARM_SEVERITIES, type AlarmRule } from '../../../shared/alarm-types'
import { OperationError } from '../operations/operation-error'
import { parseStructuredText } from '../runtime/structured-text'

export const RULE_ID = /^[A-Za-z0-9._-]{1,64}$/
/** The longest id made from a name: room is left for a suffix when it is taken. */
const ID_FROM_NAME_MAX = 48
const CONDITIONS = ['above', 'below', 'equals', 'notEquals', 'stale'] as const
const DAY_S = 86_400

/** A path into the input, as a UI names a field: `escalate.afterSeconds`, `notify[2]`. */
export type FieldPath = ReadonlyArray<string | number>

/** Why an input is not a rule: the first field at fault, and what is wrong with it. */
export interface RuleFault {
  path: FieldPath
  message: string
}

/** The message of a type mismatch, or `required` when the field is missing. */
const expected = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : `expected ${what}`

const seconds = (max: number, maxText: string) =>
  z
    .number({ error: expected('a number of seconds') })
    .gt(0, 'must be more than 0 seconds')
    .max(max, `at most ${max} seconds (${maxText})`)

const uid = z
  .string({ error: expected('a push client uid') })
  .min(1, 'must not be empty')
  .max(256, 'at most 256 characters')

const notify = z.union(
  [
    z.literal('all'),
    z
      .array(uid, { error: expected("'all' or a list of push client uids") })
      .min(1, "must name at least one push client (or be 'all')")
      .max(100, 'at most 100 push clients')
  ],
  { error: expected("'all' or a list of push client uids") }
)

const matchValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()], {
    error: expected('a string, a number, true, false or null')
  })
  .refine((v) => typeof v !== 'string' || v.length <= 1000, 'at most 1000 characters')

const delay = z
  .number({ error: expected('a number of seconds') })
  .min(0, 'must not be negative')
  .max(DAY_S, `at most ${DAY_S} seconds (a day)`)

const flag = z.boolean({ error: expected('true or false') })

/** Limits beyond any reading a device sends; beyond them, sums and deadbands lose their digits. */
const LIMIT_MAX = 1e15
const DEADBAND_MAX = 1e9

const limit = z
  .number({ error: expected('a number') })
  .min(-LIMIT_MAX, 'at least -1e15')
  .max(LIMIT_MAX, 'at most 1e15')

const ruleSchema = z.strictObject(
  {
    id: z
      .string({ error: expected('a string') })
      .regex(RULE_ID, "letters, digits, '.', '_' and '-' only, 1 to 64 of them")
      .optional(),
    name: z
      .string({ error: expected('a string') })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'at most 200 characters'),
    devices: z
      .string({ error: expected('a device id pattern') })
      .min(1, 'must not be empty')
      .max(128, 'at most 128 characters'),
    field: z
      .string({ error: expected('a field name') })
      .min(1, 'must not be empty')
      .max(200, 'at most 200 characters')
      .refine(
        (f) => f.split('.').every((part) => part.length > 0),
        'each part of a nested field (a.b) must not be empty'
      )
      .optional(),
    above: limit.optional(),
    below: limit.optional(),
    equals: matchValue.optional(),
    notEquals: matchValue.optional(),
    stale: seconds(30 * DAY_S, '30 days').optional(),
    deadband: z
      .number({ error: expected('a number') })
      .min(0, 'must not be negative')
      .max(DEADBAND_MAX, 'at most 1e9')
      .optional(),
    onDelay: delay.optional(),
    offDelay: delay.optional(),
    severity: z.enum(ALARM_SEVERITIES, {
      error: expected(`one of ${ALARM_SEVERITIES.join(', ')}`)
    }),
    notify: notify.optional(),
    escalate: z
      .strictObject(
        {
          afterSeconds: seconds(7 * DAY_S, '7 days'),
          notify
        },
        { error: expected('an object { afterSeconds, notify }') }
      )
      .optional(),
    commentRequired: flag.optional(),
    enabled: flag.optional()
  },
  { error: expected('a rule: an object { name, devices, severity, … }') }
)

type RuleInput = z.infer<typeof ruleSchema>

export interface ParseRuleOptions {
  /** The id when the input has none (a replace by id, a preview), instead of one made from the name. */
  id?: string
  /** Whether an id is taken: an id made from the name gets a short random suffix when it is. */
  taken?: (id: string) => boolean
}

/**
 * A rule from what an operator or a script sent, or the `bad_request` naming the first field at
 * fault (`above: expected a number`) so a UI can show it next to that field. Conditions not
 * named in a field are reported on `condition`.
 */
export function parseAlarmRule(input: unknown, options: ParseRuleOptions = {}): AlarmRule {
  const checked = checkAlarmRule(input, options)
  if ('rule' in checked) return checked.rule
  throw new OperationError('bad_request', faultText(checked))
}

/** As parseAlarmRule, with the fault returned: the rules file says where in it the fault is. */
export function checkAlarmRule(
  input: unknown,
  options: ParseRuleOptions = {}
): { rule: AlarmRule } | RuleFault {
  const parsed = ruleSchema.safeParse(input)
  if (!parsed.success) {
    const issue = innermost(parsed.error.issues[0]!)
    // An unknown key is the fault of that key, not of the object holding it.
    if (issue.code === 'unrecognized_keys')
      return { path: [...issue.path, issue.keys[0]!] as FieldPath, message: 'unknown field' }
    return { path: issue.path as FieldPath, message: issue.message }
  }
  const fault = combinationFault(parsed.data)
  if (fault !== null) return fault
  // A key given as undefined (from code, never from JSON) is a key left out.
  const { id, ...rest } = Object.fromEntries(
    Object.entries(parsed.data).filter(([, v]) => v !== undefined)
  ) as RuleInput
  return { rule: { id: id ?? options.id ?? ruleIdFromName(rest.name, options.taken), ...rest } }
}

/**
 * Of a value that fits no option of a union, the fault within the option of its type (`notify`:
 * a list of 101 uids is faulted as a list, not as "not 'all'"); zod does so only at times.
 */
function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue
  for (const option of issue.errors) {
    const inner = option[0]
    if (inner === undefined) continue
    const wrongKind =
      inner.path.length === 0 && (inner.code === 'invalid_type' || inner.code === 'invalid_value')
    if (!wrongKind) return innermost({ ...inner, path: [...issue.path, ...inner.path] })
  }
  return issue
}

/** What the fields allow one by one but not together. */
function combinationFault(rule: RuleInput): RuleFault | null {
  const present = CONDITIONS.filter((c) => rule[c] !== undefined)
  const [condition, second] = present
  if (condition === undefined)
    return { path: ['condition'], message: `needs one of ${CONDITIONS.join(', ')}` }
  if (second !== undefined)
    return {
      path: [second],
      message: `a rule has one condition: not both ${condition} and ${second}`
    }
  if (condition === 'stale') {
    if (rule.field !== undefined)
      return { path: ['field'], message: 'a stale rule watches reports, not a field: leave it out' }
  } else if (rule.field === undefined) {
    return { path: ['field'], message: `required with ${condition}` }
  }
  if (rule.deadband !== undefined && condition !== 'above' && condition !== 'below')
    return { path: ['deadband'], message: 'only with above or below' }
  return null
}

/**
 * An id made from a name: lowercased, accents dropped, each run of other characters a `-`, at
 * most 48 characters (`Tank 3 level high!` → `tank-3-level-high`); when `taken` says it is taken,
 * a short random suffix (`tank-3-level-high-k3x9qa`).
 */
export function ruleIdFromName(name: string, taken?: (id: string) => boolean): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, ID_FROM_NAME_MAX)
      .replace(/-+$/, '') || 'rule'
  if (taken === undefined || !taken(base)) return base
  for (let attempt = 0; attempt < 100; attempt++) {
    const id = `${base}-${randomSuffix()}`
    if (!taken(id)) return id
  }
  throw new OperationError('conflict', `id: no free id found for ${base}; give the rule an id`)
}

function randomSuffix(): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'
  let suffix = ''
  for (let i = 0; i < 6; i++) suffix += chars[randomInt(chars.length)]
  return suffix
}

/** `escalate.notify[2]` */
export function fieldPathText(path: FieldPath): string {
  let text = ''
  for (const part of path)
    text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`
  return text === '' ? 'rule' : text
}

function faultText(fault: RuleFault): string {
  return `${fieldPathText(fault.path)}: ${fault.message}`
}

/** Where a fault of a list of rules is: its rule's index, path and (from a YAML file) line. */
export interface RuleListFault extends RuleFault {
  /** The message, with the rule it is in: `rules[3] (tank-high): above: expected a number`. */
  text: string
}

/**
 * The rules of `{ "rules": [ … ] }` (the rules file, `PUT /api/alarm-rules`), or the first
 * fault. A rule without an id gets one made from its name, never a random one: the same file
 * must give the same ids every time it is read, so two rules whose names make one id are refused.
 */
export function checkRuleList(input: unknown): { rules: AlarmRule[] } | RuleListFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return listFault([], 'expected an object { "rules": [ … ] }')
  const unknown = Object.keys(input).find((key) => key !== 'rules')
  if (unknown !== undefined)
    return listFault([unknown], 'unknown field (expected { "rules": [ … ] })')
  const list = (input as { rules?: unknown }).rules
  if (!Array.isArray(list))
    return listFault(['rules'], list === undefined ? 'required' : 'expected a list of rules')
  const rules: AlarmRule[] = []
  const at = new Map<string, number>()
  for (const [index, raw] of list.entries()) {
    const where = `rules[${index}]${ruleLabel(raw)}`
    const checked = checkAlarmRule(raw)
    if (!('rule' in checked)) {
      return {
        path: ['rules', index, ...checked.path],
        message: checked.message,
        text: `${where}: ${faultText(checked)}`
      }
    }
    const first = at.get(checked.rule.id)
    if (first !== undefined) {
      const path = (raw as { id?: unknown }).id === undefined ? 'name' : 'id'
      const message = `${checked.rule.id} is already the id of rules[${first}]${path === 'name' ? ' (made from its name: give one an id)' : ''}`
      return { path: ['rules', index, path], message, text: `${where}: ${path}: ${message}` }
    }
    at.set(checked.rule.id, index)
    rules.push(checked.rule)
  }
  return { rules }
}

/** `PUT /api/alarm-rules`'s body: the rules, or a `bad_request` naming the rule and its field. */
export function parseAlarmRules(input: unknown): AlarmRule[] {
  const checked = checkRuleList(input)
  if ('rules' in checked) return checked.rules
  throw new OperationError('bad_request', checked.text)
}

function listFault(path: FieldPath, message: string): RuleListFault {
  return { path, message, text: path.length === 0 ? message : `${fieldPathText(path)}: ${message}` }
}

/** ` (tank-high)`: a rule's id, else its name, to find it in a file by. */
function ruleLabel(raw: unknown): string {
  const { id, name } = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    id?: unknown
    name?: unknown
  }
  const label = typeof id === 'string' && id !== '' ? id : typeof name === 'string' ? name : ''
  return label === '' ? '' : ` (${label.length > 64 ? label.slice(0, 64) + '…' : label})`
}

/**
 * The rules of a rules file: `{ "rules": [ … ] }` in JSON (`.json`) or YAML (anything else).
 * Throws an Error that names the file and says where: the line and column of a syntax error,
 * and of a YAML rule's field at fault (`alarm rules file x.yaml: rules[3] (tank-high) at line 12,
 * column 12: above: expected a number`), so an operator can go straight to it.
 */
export function parseRulesFile(path: string, text: string): AlarmRule[] {
  const fail = (message: string): never => {
    throw new Error(`alarm rules file ${path}: ${message}`)
  }
  const parsed = parseStructuredText('alarm rules file', path, text)
  // A condition's fault is its rule's (no field of that name is there to point at).
  const locate = (fault: RuleListFault): string =>
    parsed.where(fault.path.at(-1) === 'condition' ? fault.path.slice(0, -1) : fault.path, {
      key: fault.message.startsWith('unknown field')
    })
  const raw = parsed.value
  const checked = checkRuleList(raw)
  if ('rules' in checked) return checked.rules
  const where = locate(checked)
  if (where === '' || checked.path[0] !== 'rules' || typeof checked.path[1] !== 'number')
    return fail(checked.text + where)
  // rules[3] (tank-high) at line 12, column 12: above: expected a number
  const split = checked.text.indexOf(': ')
  return fail(checked.text.slice(0, split) + where + checked.text.slice(split))
}
