/** The most characters of a value an alarm keeps, sends and stores. */
export const MAX_VALUE_CHARS = 1000

/**
 * A reading as an alarm keeps it (`value`, `currentValue`): small whatever the device sent. A
 * string longer than `MAX_VALUE_CHARS` is cut there (ending in '…'); an object or array becomes
 * its JSON text, cut likewise. Anything else is kept as it is.
 */
export function boundedValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_VALUE_CHARS ? truncated(value) : value
  if (typeof value !== 'object' || value === null) return value
  let text: unknown
  try {
    text = JSON.stringify(value)
  } catch {
    text = undefined
  }
  if (typeof text !== 'string') return null
  return text.length > MAX_VALUE_CHARS ? truncated(text) : text
}

function truncated(text: string): string {
  let end = MAX_VALUE_CHARS - 1
  // Not between the two halves of a surrogate pair.
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  // A slice may keep the whole original alive behind it (V8's sliced strings); going through
  // JSON makes a string of its own, so a 60 KB status held 20,000 times costs 1,000 characters.
  return JSON.parse(JSON.stringify(text.slice(0, end) + '…')) as string
}
