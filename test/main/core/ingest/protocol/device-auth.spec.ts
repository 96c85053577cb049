import { describe, expect, it } from 'vitest'

import {
  ConsoleDeviceAuthenticator,
  TokenTable
} from '../../../../../src/main/core/ingest/protocol/device-auth'
import { deviceIdPattern } from '../../../../../src/main/core/ingest/protocol/device-id-pattern'

const LINE_9 = 'tok-line-9-0123456789'
const HALL_2 = 'tok-hall-2-0123456789'

/** A console's authenticator over tokens made in the console, required or not, and maybe a file. */
function consoleAuth(options: { required?: boolean; file?: TokenTable } = {}) {
  const managed = {
    required: options.required ?? false,
    tokens: TokenTable.fromTokens({
      [LINE_9]: { identity: 'line-9', devices: [deviceIdPattern('plc-9*')] }
    })
  }
  const auth = new ConsoleDeviceAuthenticator({
    file: options.file === undefined ? null : { table: options.file },
    managed
  })
  return { auth, managed }
}

describe('ConsoleDeviceAuthenticator in open mode', () => {
  it('stores a report without auth as anonymous, from any device', () => {
    const { auth } = consoleAuth()
    expect(auth.mode).toBe('open')
    expect(auth.identify(undefined, 'anything')).toEqual({ ok: true, identity: 'anonymous' })
  })

  it('honours a valid token: its identity, and only from the device ids it allows', () => {
    const { auth } = consoleAuth()
    expect(auth.identify(LINE_9, 'plc-9a')).toEqual({ ok: true, identity: 'line-9' })
    expect(auth.identify(LINE_9, 'plc-8')).toEqual({
      ok: false,
      message: 'this token may not report as device "plc-8"'
    })
  })

  it('refuses an unknown token, and one revoked since, as token mode does', () => {
    const { auth, managed } = consoleAuth()
    expect(auth.identify('never-made-token-0123', 'plc-9a')).toEqual({
      ok: false,
      message: 'unknown device token'
    })
    expect(auth.identify(LINE_9, 'plc-9a').ok).toBe(true)
    managed.tokens = TokenTable.fromTokens({})
    expect(auth.identify(LINE_9, 'plc-9a')).toEqual({ ok: false, message: 'unknown device token' })
    expect(auth.mode).toBe('open')
    expect(auth.identify(undefined, 'plc-9a')).toEqual({ ok: true, identity: 'anonymous' })
  })
})

describe('ConsoleDeviceAuthenticator in token mode', () => {
  it('refuses a report without auth once tokens are required, and takes the file tokens too', () => {
    const { auth } = consoleAuth({
      required: true,
      file: TokenTable.fromTokens({ [HALL_2]: 'hall-2' })
    })
    expect(auth.mode).toBe('token')
    expect(auth.identify(undefined, 'plc-9a')).toEqual({
      ok: false,
      message: 'this console requires a device token in "auth"'
    })
    expect(auth.identify(HALL_2, 'meter-1')).toEqual({ ok: true, identity: 'hall-2' })
    expect(auth.identify(LINE_9, 'plc-9a')).toEqual({ ok: true, identity: 'line-9' })
  })
})
