import type { ServerResponse } from 'node:http'

import type { ApiErrorBody } from '../../../shared/api-types'

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
  error: string,
  message: string
): void {
  const body: ApiErrorBody = { error, message }
  sendJson(res, status, body)
}

/** A request the client got wrong; becomes a 4xx JSON error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

/** The HTTP status of a RequestError's code; a code not listed is the client's fault. */
const STATUS_OF_CODE: Record<string, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  too_soon: 429,
  unavailable: 503
}

export function statusOfCode(code: string): number {
  return STATUS_OF_CODE[code] ?? 400
}
