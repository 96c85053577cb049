/**
 * A pattern of device ids a token may report as: `*` stands for any run of characters
 * (including none), `?` for exactly one; everything else is literal. `plc-*` allows `plc-1` and
 * `plc-hall-2/a`; `line-?` allows `line-1`, not `line-12`.
 */
export function deviceIdPattern(pattern: string): RegExp {
  let source = ''
  for (const char of pattern) {
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}
