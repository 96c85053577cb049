/** The audit trail's file name, HTTP's and the desktop window's alike: `alarm-events-<UTC day>`. */
export function auditTrailFilename(extension: 'csv' | 'ndjson', now: number): string {
  return `alarm-events-${new Date(now).toISOString().slice(0, 10)}.${extension}`
}
