import type { Envelope } from '../../../shared/envelope'
import { isErrorCode } from '../../../shared/error-codes'

/** What a peer is told of an error that is none of the closed union's (a bug, a disk failing). */
export const INTERNAL_MESSAGE = 'the console could not answer this request; its log says why'

/**
 * How an internal error is answered: the desktop window is the operator's own and is shown the
 * error's message; a peer on the network (a phone on `/push`, a browser on `/live`) is told
 * INTERNAL_MESSAGE only, as over HTTP — a storage error's message can hold a path — and the
 * error goes to the log.
 */
export type InternalErrors =
  { show: 'message' } | { show: 'nothing'; log: (error: unknown) => void }

/**
 * Runs `work` and answers in the one envelope: its value as `data`, or its error as
 * `{ code, message }` (`code` from the error when it is one of the closed union, else `internal`:
 * a Node error's `ENOENT` is no code a client knows).
 */
export async function toEnvelope<T>(
  work: () => T | Promise<T>,
  internal: InternalErrors = { show: 'message' }
): Promise<Envelope<T>> {
  try {
    return { ok: true, data: await work() }
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown }
    if (isErrorCode(e.code) && e.code !== 'internal')
      return { ok: false, error: { code: e.code, message: String(e.message ?? error) } }
    if (internal.show === 'nothing') {
      internal.log(error)
      return { ok: false, error: { code: 'internal', message: INTERNAL_MESSAGE } }
    }
    return { ok: false, error: { code: 'internal', message: String(e.message ?? error) } }
  }
}

/**
 * Wraps a Socket.IO handler: its payload is passed on, its result or error goes back through
 * the acknowledgement in the envelope. Socket.IO passes the acknowledgement as the last argument
 * (the only one for an event sent without a payload); without one, the answer is dropped. The
 * peer is on the network: an internal error reaches it as INTERNAL_MESSAGE, and `logInternal`.
 */
export function withAck<P, T>(
  handler: (payload: P) => T | Promise<T>,
  logInternal: (error: unknown) => void
): (...args: unknown[]) => void {
  return (...args) => {
    const ack =
      typeof args.at(-1) === 'function' ? (args.pop() as (result: Envelope<T>) => void) : undefined
    void toEnvelope(() => handler(args[0] as P), { show: 'nothing', log: logInternal }).then(
      (result) => ack?.(result)
    )
  }
}
