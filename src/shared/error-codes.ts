/**
 * Every code an answer of the console can carry: HTTP error bodies (`{ error, message }`), the
 * envelope of IPC and Socket.IO acknowledgements (`{ ok: false, error: { code, message } }`).
 * Closed: a new code fails to compile until the HTTP side gives it a status. Clients match on
 * these strings, so none is ever renamed (docs/protocol.md lists them). The codes of a device's
 * line replies are `IngestErrorCode` (ingest-protocol.ts).
 */
export const ERROR_CODES = [
  'bad_request',
  'bad_json',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  /** The action does not fit the state it finds (acknowledging an alarm nobody needs to). */
  'conflict',
  'method_not_allowed',
  'misdirected',
  'too_large',
  'too_soon',
  'too_many_attempts',
  'too_many_uids',
  'too_many_registrations',
  'too_many_clients',
  'not_registered',
  'disconnected',
  'ui_not_built',
  'unavailable',
  /** Asked before the console started or after it stopped. */
  'not_running',
  /** The console failed to answer; the message says no more than that. */
  'internal'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export function isErrorCode(value: unknown): value is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(value)
}
