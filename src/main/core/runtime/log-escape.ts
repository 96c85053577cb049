import { escapeInvisibleCharacters } from '../ingest/protocol/invisible-characters'

// Log lines carry what devices and clients chose: device ids, uids, names. A U+202E in one would
// reverse the rest of the line on screen, U+200B would hide that two ids differ, a newline or an
// ANSI escape would forge a line or drive the terminal. Every string that goes into a log line is
// passed through here; only strings holding such a character are rewritten, so the usual line
// costs a scan and no copy.

/** Nesting followed into logged objects; deeper values are logged as they are (none are, today). */
const MAX_DEPTH = 8

/**
 * `value` with every string in it (keys included) escaped, copied only where something changed.
 * Plain objects and arrays are followed; anything else (an Error before its serializer, a
 * Buffer) is returned as it is.
 */
export function escapeLogged<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return escapeInvisibleCharacters(value) as T
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    value.forEach((item, i) => {
      const escaped = escapeLogged(item, depth + 1)
      if (escaped !== item) (copy ??= [...value])[i] = escaped
    })
    return (copy ?? value) as T
  }
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return value
  const fields = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const [key, item] of Object.entries(fields)) {
    const escaped = escapeLogged(item, depth + 1)
    const escapedKey = escapeInvisibleCharacters(key)
    if (escaped === item && escapedKey === key) continue
    copy ??= { ...fields }
    if (escapedKey !== key) delete copy[key]
    copy[escapedKey] = escaped
  }
  return (copy ?? value) as T
}

/**
 * An error as pino's serializer made it (a fresh object of its own), escaped in place. The
 * stack's line breaks are the runtime's own and are kept; what a message put into it is not.
 */
export function escapeLoggedError<T>(serialized: T): T {
  if (typeof serialized !== 'object' || serialized === null) return escapeLogged(serialized)
  const fields = serialized as Record<string, unknown>
  const { message, stack } = fields
  for (const key of Object.keys(fields)) fields[key] = escapeLogged(fields[key], 1)
  if (typeof stack === 'string') {
    // The stack starts with the message, whose line breaks are not the runtime's.
    const withMessage =
      typeof message === 'string' && message !== ''
        ? stack.replace(message, () => escapeInvisibleCharacters(message))
        : stack
    fields.stack = withMessage.split('\n').map(escapeInvisibleCharacters).join('\n')
  }
  return serialized
}
