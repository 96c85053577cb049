/** A compiled device-id pattern: whether an id matches it. */
export interface DeviceIdPattern {
  test(id: string): boolean
}

/**
 * A pattern of device ids a token may report as: `*` stands for any run of characters
 * (including none), `?` for exactly one; everything else is literal. `plc-*` allows `plc-1` and
 * `plc-hall-2/a`; `line-?` allows `line-1`, not `line-12`.
 *
 * Matched without backtracking (a regular expression of `.*` runs is not: `*a*a*a*a*a*b` against
 * 128 `a`s took 50 s and blocked the console). The pattern splits at its stars into literal
 * pieces; the first must start the id, the last must end it, and each one between is taken at
 * its leftmost place after the one before — taking it later can never help, since a star
 * absorbs whatever lies between. Each piece is looked for once, so matching costs at most the
 * id's length times the pattern's.
 */
export function deviceIdPattern(pattern: string): DeviceIdPattern {
  const pieces = pattern.split('*').map((piece) => Array.from(piece))
  if (pieces.length === 1) {
    const only = pieces[0]!
    return {
      test(id) {
        const chars = Array.from(id)
        return chars.length === only.length && matchesAt(chars, 0, only)
      }
    }
  }
  const first = pieces[0]!
  const last = pieces[pieces.length - 1]!
  const middle = pieces.slice(1, -1).filter((piece) => piece.length > 0)
  return {
    test(id) {
      const chars = Array.from(id)
      if (chars.length < first.length + last.length) return false
      if (!matchesAt(chars, 0, first)) return false
      const end = chars.length - last.length
      if (!matchesAt(chars, end, last)) return false
      let at = first.length
      for (const piece of middle) {
        const found = indexOfPiece(chars, piece, at, end)
        if (found < 0) return false
        at = found + piece.length
      }
      return true
    }
  }
}

/** Whether `piece` (literal characters and `?`) matches `chars` from `start`. */
function matchesAt(chars: string[], start: number, piece: string[]): boolean {
  if (start + piece.length > chars.length) return false
  for (let i = 0; i < piece.length; i++) {
    if (piece[i] !== '?' && piece[i] !== chars[start + i]) return false
  }
  return true
}

/** The leftmost place from `from` where `piece` matches and ends by `end`, or -1. */
function indexOfPiece(chars: string[], piece: string[], from: number, end: number): number {
  for (let start = from; start + piece.length <= end; start++) {
    if (matchesAt(chars, start, piece)) return start
  }
  return -1
}
