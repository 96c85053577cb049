import { describe, expect, it } from 'vitest'

import type { Envelope } from '../../../../src/shared/envelope'
import { OperationError } from '../../../../src/main/core/operations/operation-error'
import {
  INTERNAL_MESSAGE,
  toEnvelope,
  withAck
} from '../../../../src/main/core/operations/to-envelope'

/** Calls a wrapped Socket.IO handler as Socket.IO would, and resolves with what it acknowledged. */
function acknowledged<T>(handler: (...args: unknown[]) => void, payload: unknown) {
  return new Promise<Envelope<T>>((resolve) => handler(payload, resolve))
}

describe('the envelope of a Socket.IO acknowledgement', () => {
  it("tells a network peer nothing of an internal error's message, and logs the error", async () => {
    const logged: unknown[] = []
    const failure = Object.assign(new Error("ENOENT: no such file '/var/lib/lookout/clients.db'"), {
      code: 'ENOENT'
    })
    const handler = withAck(
      () => {
        throw failure
      },
      (error) => logged.push(error)
    )
    expect(await acknowledged(handler, {})).toEqual({
      ok: false,
      error: { code: 'internal', message: INTERNAL_MESSAGE }
    })
    expect(logged).toEqual([failure])
  })

  it('gives a refusal of the closed union with its own message, and logs nothing', async () => {
    const logged: unknown[] = []
    const handler = withAck(
      () => {
        throw new OperationError('not_registered', 'register before sending receipts')
      },
      (error) => logged.push(error)
    )
    expect(await acknowledged(handler, {})).toEqual({
      ok: false,
      error: { code: 'not_registered', message: 'register before sending receipts' }
    })
    expect(logged).toEqual([])
  })

  it("shows the desktop window (the operator's own) an internal error's message", async () => {
    expect(
      await toEnvelope(() => {
        throw new TypeError('something broke')
      })
    ).toEqual({ ok: false, error: { code: 'internal', message: 'something broke' } })
  })
})
