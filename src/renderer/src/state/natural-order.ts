const ZERO = 0x30
const NINE = 0x39

const isDigit = (code: number): boolean => code >= ZERO && code <= NINE

/**
 * Ids as people count: `sim-2` before `sim-10`. A run of ASCII digits compares as the number it
 * writes (any length: by its digits without leading zeros), everything else by UTF-16 code
 * units, as the console orders ids; ids still equal after that (`a01`, `a1`) fall back to code
 * units, so two ids are only ever equal when they are the same. That makes it a total order —
 * what keeping 10,000 ids sorted by merging needs — whatever the locale, unlike a collator,
 * which ignores invisible characters and differs between machines.
 */
export function compareNatural(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(j)
    if (isDigit(x) && isDigit(y)) {
      // Both at the start of a number: skip its leading zeros, then the longer number is larger,
      // and of two as long the first digit that differs decides.
      while (a.charCodeAt(i) === ZERO) i++
      while (b.charCodeAt(j) === ZERO) j++
      let endA = i
      let endB = j
      while (isDigit(a.charCodeAt(endA))) endA++
      while (isDigit(b.charCodeAt(endB))) endB++
      if (endA - i !== endB - j) return endA - i - (endB - j)
      for (; i < endA; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j)
        if (d !== 0) return d
      }
      continue
    }
    if (x !== y) return x - y
    i++
    j++
  }
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1
  return a < b ? -1 : a > b ? 1 : 0
}
