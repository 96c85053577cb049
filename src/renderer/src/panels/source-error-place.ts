import type { SourceType } from '../../../shared/source-types'
import { registerInputs, type SourceDraft } from './source-draft'

/**
 * A 400's message, `<path>: <message>` (`registers[2].address: must be at most 65535`), as the
 * input's path the form uses (`registers.2.address`) and what to say there; null when it names
 * no path.
 */
export function sourceFieldErrorOf(message: string): { field: string; message: string } | null {
  const match = /^([A-Za-z]\w*(?:\[\d+\])?(?:\.[A-Za-z]\w*)?): (.+)$/s.exec(message)
  if (match === null) return null
  return { field: match[1]!.replace(/\[(\d+)\]/, '.$1'), message: match[2]! }
}

const COMMON_INPUTS = ['id', 'device', 'type']
const TYPE_INPUTS: Record<SourceType, string[]> = {
  modbus: ['host', 'port', 'unitId', 'intervalMs', 'registers'],
  opcua: ['endpoint', 'securityMode', 'securityPolicy', 'user', 'password', 'nodes']
}

/**
 * Where the form shows an error of this path: by its input when the form has it, by its row
 * when the row has no such input, by the list when there is no such row; null (the form's
 * foot) for a path the form does not show.
 */
export function errorPlace(field: string, draft: SourceDraft): string | null {
  const [top, index, sub] = field.split('.')
  if (top === undefined) return null
  if (COMMON_INPUTS.includes(top) && index === undefined) return top
  if (!TYPE_INPUTS[draft.type].includes(top)) return null
  if (index === undefined) return top
  const row = Number(index)
  if (top === 'registers') {
    const register = draft.registers[row]
    if (register === undefined) return 'registers'
    return sub !== undefined && registerInputs(register).includes(sub) ? field : `registers.${row}`
  }
  if (top === 'nodes') {
    if (draft.nodes[row] === undefined) return 'nodes'
    return sub !== undefined && ['field', 'nodeId', 'samplingMs'].includes(sub)
      ? field
      : `nodes.${row}`
  }
  return null
}
