import type { IncomingMessage } from 'node:http'

import { HttpError } from './routes/http-json'

/** Reads a JSON request body of at most `maxBytes`; a 413, 415 or 400 otherwise. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send the body as JSON, with "Content-Type: application/json"'
    )
  }
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > maxBytes)
    throw new HttpError(413, 'too_large', `the body must be at most ${maxBytes} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes)
      throw new HttpError(413, 'too_large', `the body must be at most ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (error) {
    throw new HttpError(400, 'bad_json', `the body is not valid JSON: ${(error as Error).message}`)
  }
}
