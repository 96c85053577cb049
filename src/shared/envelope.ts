import type { ErrorCode } from './error-codes'

/**
 * The one answer shape of IPC handlers and Socket.IO acknowledgements, produced by one wrapper on
 * the answering side and turned back into a value or a thrown Error on the asking side.
 */
export type Envelope<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } }
