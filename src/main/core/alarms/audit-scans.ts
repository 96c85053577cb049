import { ReadSlots } from '../runtime/read-slots'

/**
 * How many reads of the audit trail (`GET /api/alarm-events`, as JSON, CSV or NDJSON) run at
 * once: each reads day files from disk for as long as its range asks. One beyond is answered
 * `too_soon` (429) at once, before anything is read.
 */
export class AuditScans extends ReadSlots {
  constructor(max: number) {
    super(
      max,
      (n) => `the audit trail is being read by ${n} requests already: retry in a few seconds`
    )
  }
}
