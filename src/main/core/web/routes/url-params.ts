import { OperationError } from '../../operations/operation-error'

/** Digits as their number; anything else as it came, for the operation to refuse by name. */
export function wholeNumberOr(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text
}

/** A percent-encoded path segment, decoded; a malformed one is the client's error. */
export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw new OperationError('bad_request', `malformed path segment: ${part}`)
  }
}
