import type { AuthThrottle } from '../../auth/auth-throttle'
import { checkKey } from '../../auth/key-check'
import { roleOf, type ConsoleKeys } from '../../auth/keys'
import type { Identification } from '../protocol/device-auth'
import { ERROR_LEVEL, filterReachesLookout, isLookoutTopic, LOOKOUT_ROOT } from './lookout-topics'

/**
 * Who an MQTT client logged in as, from the password of its CONNECT (the user name is free: a
 * device's id, say). A device token: the identity and device ids it grants, looked up again at
 * each report (held for the connection's life, as the socket holds it), so revoking it refuses
 * the next report; the view key: a viewer, who may read
 * `lookout/#` and publish no report; the access key: the operator, who may read it too; no
 * password: nobody in particular (open mode only).
 */
export type MqttLogin =
  | { role: 'device'; token: string }
  | { role: 'viewer' }
  | { role: 'operator' }
  | { role: 'anonymous' }

/** The device authentication the broker follows: its mode, and the tokens whatever the mode. */
export interface MqttDeviceAuth {
  readonly mode: 'open' | 'token'
  readonly tokens: {
    knows(token: string): boolean
    identify(token: string, device: string): Identification
  }
}

/** CONNACK's return codes for a refused login (MQTT 3.1.1, 3.2.2.3). */
export const CONNACK_BAD_CREDENTIALS = 4
export const CONNACK_NOT_AUTHORIZED = 5

export type LoginVerdict =
  | { ok: true; login: MqttLogin }
  | { ok: false; returnCode: typeof CONNACK_BAD_CREDENTIALS | typeof CONNACK_NOT_AUTHORIZED }

/**
 * Decides a CONNECT's login: a password must be a device token or one of the console's keys
 * (wrong: refused as bad credentials, and counted by the same throttle as every other door's
 * keys); no password is taken only while the console is in open mode.
 */
export function mqttLogin(
  password: Buffer | undefined,
  address: string,
  deps: { auth: MqttDeviceAuth; keys: ConsoleKeys; throttle: AuthThrottle }
): LoginVerdict {
  const presented = password === undefined ? undefined : password.toString('utf8')
  const verdict = checkKey<MqttLogin>(
    presented,
    (key) => {
      const role = roleOf(key, deps.keys)
      if (role !== null) return { role }
      return deps.auth.tokens.knows(key) ? { role: 'device', token: key } : null
    },
    { address, door: 'mqtt', throttle: deps.throttle }
  )
  if ('granted' in verdict) return { ok: true, login: verdict.granted }
  if (verdict.refused === 'no_key' && deps.auth.mode === 'open')
    return { ok: true, login: { role: 'anonymous' } }
  return {
    ok: false,
    returnCode: verdict.refused === 'wrong_key' ? CONNACK_BAD_CREDENTIALS : CONNACK_NOT_AUTHORIZED
  }
}

/**
 * Whether a message on `topic` may be forwarded to the login: every topic outside `lookout/`;
 * under it everything for the keys, and for a device only the error topics of devices it may
 * report as (any device's, in open mode without a token, as any device's reports are).
 */
export function mayRead(login: MqttLogin, topic: string, auth: MqttDeviceAuth): boolean {
  if (!isLookoutTopic(topic) || login.role === 'viewer' || login.role === 'operator') return true
  const levels = topic.split('/')
  const device = levels[1] ?? ''
  if (levels.length !== 3 || levels[2] !== ERROR_LEVEL || device === '') return false
  if (login.role === 'device') return auth.tokens.identify(login.token, device).ok
  return auth.mode === 'open'
}

/**
 * Whether the login may subscribe `filter`. Under `lookout/` a device may name only error
 * topics it may read; a filter with a wildcard at the root (`#`, `+/…`) is taken from anyone,
 * and what it matches under `lookout/` is held back message by message (mayRead).
 */
export function maySubscribe(login: MqttLogin, filter: string, auth: MqttDeviceAuth): boolean {
  if (!filterReachesLookout(filter) || login.role === 'viewer' || login.role === 'operator')
    return true
  if (!filter.startsWith(`${LOOKOUT_ROOT}/`) && filter !== LOOKOUT_ROOT) return true
  return !/[+#]/.test(filter) && mayRead(login, filter, auth)
}
