// Format characters (Unicode category Cf: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH
// SPACE, U+2066–U+2069 isolates, U+FEFF, tag characters …) draw nothing themselves but reorder
// or hide the text around them: `\u202eexe.txt` shows as `txt.exe`, `p\u200b1` looks like `p1`.
// An id that carries one can pass for another id, so ids refuse them; text that is only shown
// (log lines) gets them escaped instead, together with control characters (Cc), which can end
// a log line early or drive a terminal.
const formatCharacter = /\p{Cf}/u
const invisibleOrControl = /[\p{Cf}\p{Cc}]/u
const invisibleOrControlAll = /[\p{Cf}\p{Cc}]/gu

/** `\u202e` for a character of the basic plane, `\u{e0001}` beyond it: how messages name one. */
export function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0)!
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`
}

/**
 * The first invisible format character (category Cf) in `text`, escaped as `\u202e`, or null
 * when there is none. For ids that people compare by eye: device ids, push uids.
 */
export function findInvisibleCharacter(text: string): string | null {
  const match = formatCharacter.exec(text)
  return match === null ? null : escapeCodePoint(match[0])
}

/**
 * `text` with every format (Cf) and control (Cc) character written as its escape, so that it
 * cannot reorder, hide or break the line it is shown in. Text without one is returned as it is.
 */
export function escapeInvisibleCharacters(text: string): string {
  if (!invisibleOrControl.test(text)) return text
  return text.replace(invisibleOrControlAll, escapeCodePoint)
}
