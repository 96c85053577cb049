import type { Envelope } from '../../shared/envelope'

/**
 * Runs `work` and answers in the one envelope: its value as `data`, or its error as
 * `{ code, message }` (`code` from the error when it has a string one, else `internal`).
 */
export async function toEnvelope<T>(work: () => T | Promise<T>): Promise<Envelope<T>> {
  try {
    return { ok: true, data: await work() }
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown }
    return {
      ok: false,
      error: {
        code: typeof e.code === 'string' ? e.code : 'internal',
        message: String(e.message ?? error)
      }
    }
  }
}

/** An error whose code and message are meant for the asking side. */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}
