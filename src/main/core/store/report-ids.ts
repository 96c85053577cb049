import { randomBytes } from 'node:crypto'

/**
 * Makes the `_id` of each stored report. NeDB would otherwise draw 32 random bytes per document
 * and probe its index for a clash — a quarter of the console's CPU at 50,000 reports/s. A
 * per-process prefix (start time and 4 random characters) and a counter are unique without
 * probing, and sort in insertion order.
 */
export class ReportIds {
  private readonly prefix: string
  private counter = 0

  constructor(now: number = Date.now()) {
    this.prefix = now.toString(36) + randomBytes(3).toString('base64url')
  }

  next(): string {
    return this.prefix + (this.counter++).toString(36).padStart(8, '0')
  }
}

/**
 * Whether `text` has the shape of an id ReportIds issues: the start time in base 36, four
 * base64url characters, a base-36 counter of at least eight digits. Only such ids sort in the
 * order their reports were stored, so only they can name a place to resume a read from.
 */
export function isReportId(text: string): boolean {
  return REPORT_ID.test(text)
}

const REPORT_ID = /^[0-9a-z]{1,11}[A-Za-z0-9_-]{4}[0-9a-z]{8,13}$/
