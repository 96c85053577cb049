import type { ErrorCode } from '../../../shared/error-codes'

/**
 * The one error of an operation: its code (from the closed union the clients know) and message
 * are meant for the asking side — an HTTP body, an IPC answer, a Socket.IO acknowledgement.
 */
export class OperationError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'OperationError'
  }
}

export function notRunning(): OperationError {
  return new OperationError('not_running', 'the console is not running')
}
