import type { Envelope } from '../../../shared/envelope'
import { isErrorCode } from '../../../shared/error-codes'

/**
 * Runs `work` and answers in the one envelope: its value as `data`, or its error as
 * `{ code, message }` (`code` from the error when it is one of the closed union, else `internal`:
 * a Node error's `ENOENT` is no code a client knows).
 */
export async function toEnvelope<T>(work: () => T | Promise<T>): Promise<Envelope<T>> {
  try {
    return { ok: true, data: await work() }
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown }
    return {
      ok: false,
      error: {
        code: isErrorCode(e.code) ? e.code : 'internal',
        message: String(e.message ?? error)
      }
    }
  }
}

/**
 * Wraps a Socket.IO handler: its payload is passed on, its result or error goes back through
 * the acknowledgement in the envelope. Socket.IO passes the acknowledgement as the last argument
 * (the only one for an event sent without a payload); without one, the answer is dropped.
 */
export function withAck<P, T>(
  handler: (payload: P) => T | Promise<T>
): (...args: unknown[]) => void {
  return (...args) => {
    const ack =
      typeof args.at(-1) === 'function' ? (args.pop() as (result: Envelope<T>) => void) : undefined
    void toEnvelope(() => handler(args[0] as P)).then((result) => ack?.(result))
  }
}
