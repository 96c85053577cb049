import type { StoredReport } from '../../../shared/ingest-protocol'
import { compareNatural } from './natural-order'
import { numericPaths } from './report-fields'

/** Values one Overview tile shows. */
export const TILE_FIELDS = 6
/** Longest field pattern, in characters. */
export const MAX_PATTERN_LENGTH = 200
/** Globs in one field pattern (`temp*, pressure` is two). */
export const MAX_PATTERN_GLOBS = 12
/**
 * Numeric fields of a report looked at, the first sent: a report of 10,000 fields costs a tile
 * what these do, every time it reports.
 */
export const FIELDS_LOOKED_AT = 1000

/** Why a pattern cannot be kept, or null when it can. */
export type PatternProblem = 'tooLong' | 'tooMany' | null

export function patternProblem(pattern: string): PatternProblem {
  if (pattern.length > MAX_PATTERN_LENGTH) return 'tooLong'
  if (patternGlobs(pattern).length > MAX_PATTERN_GLOBS) return 'tooMany'
  return null
}

/** The globs of a pattern: comma-separated, trimmed, each once, empty ones left out. */
export function patternGlobs(pattern: string): string[] {
  return [
    ...new Set(
      pattern
        .split(',')
        .map((glob) => glob.trim())
        .filter((glob) => glob !== '')
    )
  ]
}

/**
 * Whether a field path matches a glob: `*` stands for any run of characters (none too), `?` for
 * one, anything else for itself, case and all, as the console's device patterns read. Matched
 * by walking both once, going back only to the last star: at most the path's length times the
 * glob's, never the exponential backtracking a regular expression of `.*` runs can take.
 */
export function globMatches(glob: string, path: string): boolean {
  const g = Array.from(glob)
  const s = Array.from(path)
  let gi = 0
  let si = 0
  let star = -1 // the last star seen in the glob
  let resume = 0 // where in the path that star's run ends so far
  while (si < s.length) {
    if (gi < g.length && g[gi] !== '*' && (g[gi] === '?' || g[gi] === s[si])) {
      gi++
      si++
    } else if (gi < g.length && g[gi] === '*') {
      star = gi++
      resume = si
    } else if (star >= 0) {
      // The last star takes one more character, and the glob after it starts over from there.
      gi = star + 1
      si = ++resume
    } else return false
  }
  while (g[gi] === '*') gi++
  return gi === g.length
}

/**
 * The fields a tile shows of a device's latest report, at most TILE_FIELDS: with a pattern, the
 * numeric fields matching its first glob (in name order), then its second's, …; without one,
 * the first numeric fields in name order (`temp2` before `temp10`).
 */
export function tileFields(report: StoredReport, pattern: string): string[] {
  const numeric = numericPaths(report, FIELDS_LOOKED_AT).sort(compareNatural)
  const globs = patternGlobs(pattern)
  if (globs.length === 0) return numeric.slice(0, TILE_FIELDS)
  const chosen = new Set<string>()
  for (const glob of globs)
    for (const path of numeric) {
      if (chosen.size === TILE_FIELDS) return [...chosen]
      if (globMatches(glob, path)) chosen.add(path)
    }
  return [...chosen]
}
