/**
 * Where a JSON text stops being JSON: the offset of the first character at fault (the text's
 * length when it ends too soon), or null when it is JSON. Node's JSON.parse says only that a
 * text is not JSON (Node 20 dropped the position from its message), and an operator editing a
 * rules file needs the line. A scan with an explicit stack, not recursion: nesting cannot
 * overflow it. Only called once JSON.parse has refused a text.
 */
export function jsonErrorOffset(text: string): number | null {
  const stack: Array<'{' | '['> = []
  let i = 0
  let state: 'value' | 'firstValue' | 'key' | 'firstKey' | 'after' = 'value'
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  for (;;) {
    skipSpace()
    const c = text[i]
    if (state === 'after') {
      const top = stack.at(-1)
      if (top === undefined) return i === text.length ? null : i
      if (c === ',') state = top === '{' ? 'key' : 'value'
      else if (c === (top === '{' ? '}' : ']')) stack.pop()
      else return i
      i++
      continue
    }
    if (state === 'firstKey' || state === 'key') {
      if (state === 'firstKey' && c === '}') {
        stack.pop()
        i++
        state = 'after'
        continue
      }
      if (c !== '"') return i
      const end = stringEnd(text, i)
      if (end < 0) return -end - 1
      i = end
      skipSpace()
      if (text[i] !== ':') return i
      i++
      state = 'value'
      continue
    }
    if (state === 'firstValue' && c === ']') {
      stack.pop()
      i++
      state = 'after'
      continue
    }
    if (c === '{' || c === '[') {
      stack.push(c)
      i++
      state = c === '{' ? 'firstKey' : 'firstValue'
      continue
    }
    const end = c === '"' ? stringEnd(text, i) : scalarEnd(text, i)
    if (end < 0) return -end - 1
    i = end
    state = 'after'
  }
}

/** Ends below are returned as is; a fault at offset `n` as `-(n + 1)`. */
function fault(offset: number): number {
  return -(offset + 1)
}

/** The offset after the string starting at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  for (;;) {
    if (i >= text.length) return fault(text.length)
    const c = text[i]!
    if (c === '"') return i + 1
    if (c === '\\') {
      const escape = text[i + 1]
      if (escape === 'u') {
        for (let h = 2; h < 6; h++) if (!/[0-9a-fA-F]/.test(text[i + h] ?? '')) return fault(i + h)
        i += 6
      } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
        i += 2
      } else {
        return fault(i + 1)
      }
      continue
    }
    if (c.charCodeAt(0) < 0x20) return fault(i)
    i++
  }
}

/** The offset after the number, `true`, `false` or `null` starting at `start`. */
function scalarEnd(text: string, start: number): number {
  for (const word of ['true', 'false', 'null']) {
    if (text[start] !== word[0]) continue
    for (let k = 1; k < word.length; k++) if (text[start + k] !== word[k]) return fault(start + k)
    return start + word.length
  }
  let i = start
  const digits = (): number => {
    const from = i
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++
    return i - from
  }
  if (text[i] === '-') i++
  if (text[i] === '0') i++
  else if (digits() === 0) return fault(i)
  if (text[i] === '.') {
    i++
    if (digits() === 0) return fault(i)
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++
    if (text[i] === '+' || text[i] === '-') i++
    if (digits() === 0) return fault(i)
  }
  return i
}

/** The 1-based line and column of an offset, as editors count them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}
