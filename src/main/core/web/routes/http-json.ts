import type { ServerResponse } from 'node:http'

import type { ApiErrorBody } from '../../../../shared/api-types'
import type { ErrorCode } from '../../../../shared/error-codes'

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // JSON is never a page: nothing may be framed, run or leak a referrer from it.
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin'
  })
  res.end(text)
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: ErrorCode,
  message: string
): void {
  const body: ApiErrorBody = { error, message }
  sendJson(res, status, body)
}

/**
 * A refusal of the web port itself, before any operation runs: no such endpoint (404), a method
 * it does not answer (405), too many wrong keys (429, with `Retry-After`), a body it cannot
 * read. What an operation refuses is an OperationError, given its status by `statusOfCode`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

/**
 * The HTTP status of each code. Total over the closed union, so a new code fails to compile
 * until it has one; the statuses are the contract (docs/protocol.md) and never change.
 */
const STATUS_OF_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  bad_json: 400,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  method_not_allowed: 405,
  misdirected: 421,
  too_large: 413,
  too_soon: 429,
  too_many_attempts: 429,
  // Socket.IO acknowledgements' codes, never an HTTP answer: the client's fault, as before.
  too_many_uids: 400,
  too_many_registrations: 400,
  too_many_clients: 400,
  not_registered: 400,
  disconnected: 400,
  ui_not_built: 503,
  unavailable: 503,
  not_running: 503,
  internal: 500
}

export function statusOfCode(code: ErrorCode): number {
  return STATUS_OF_CODE[code]
}
