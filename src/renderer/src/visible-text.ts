// Text that devices and phones sent, made safe to show. Format characters (Unicode category Cf:
// U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, the bidi isolates, U+FEFF …) draw
// nothing but reorder or hide what is around them: `\u202eexe.txt` shows as `txt.exe`, `p\u200b1`
// looks like `p1`. New device ids and uids refuse them, but old stored ids, field names and values
// can still carry them, so the UI writes each one as its escape (`\u202e`, as the log does) and
// isolates every id from its neighbours. Control characters (Cc) are escaped with them.

const invisible = /[\p{Cf}\p{Cc}]/u
const invisibleAll = /[\p{Cf}\p{Cc}]/gu

/** `\u202e` for a character of the basic plane, `\u{e0001}` beyond it, as the log names one. */
export function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0)!
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`
}

/** `text` cut into plain runs and the invisible characters between them (each a run of its own). */
export function splitInvisible(text: string): Array<{ text: string; invisible: boolean }> {
  const parts: Array<{ text: string; invisible: boolean }> = []
  let last = 0
  for (const match of text.matchAll(invisibleAll)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), invisible: false })
    parts.push({ text: match[0], invisible: true })
    last = match.index + match[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last), invisible: false })
  return parts
}

/** `text` with every format and control character written as its escape. */
export function revealInvisible(text: string): string {
  return invisible.test(text) ? text.replace(invisibleAll, escapeCodePoint) : text
}

/**
 * An id for plain text (an `<option>`, a `title`, a sentence from the translations): its
 * invisible characters revealed and the whole wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL
 * ISOLATE, the plain-text form of `<bdi>`, so right-to-left letters in it cannot move the words
 * around it.
 */
export function isolatedText(text: string): string {
  return `\u2068${revealInvisible(text)}\u2069`
}

/**
 * JSON for people to read: JSON.stringify leaves format characters (and DEL, C1 controls) raw
 * inside strings; here they become `\u` escapes too, which keeps it valid JSON meaning the same.
 */
export function visibleJson(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space) ?? ''
  // Raw newlines and spaces in stringify's output are its own layout, never data (those it
  // escapes), so only Cf and the controls it leaves alone are rewritten.
  return json.replace(/[\p{Cf}\u007f-\u009f]/gu, (char) =>
    Array.from(
      { length: char.length },
      (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`
    ).join('')
  )
}
