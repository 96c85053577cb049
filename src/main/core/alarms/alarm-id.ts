import { createHash } from 'node:crypto'

/**
 * The id of the alarm of one rule on one device: the same for that pair for good (across
 * restarts, and in the audit trail), short, and safe in a URL whatever the device id holds. The
 * NUL between the two cannot occur in either, so no other pair gives the same input.
 */
export function alarmId(rule: string, device: string): string {
  return createHash('sha256')
    .update(rule + '\0' + device)
    .digest('base64url')
    .slice(0, 16)
}
