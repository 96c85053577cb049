/** An error whose code and message are meant for the asking side (an ack, an IPC answer). */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}
