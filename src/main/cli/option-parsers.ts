import { InvalidArgumentError } from 'commander'

function wholeNumber(text: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected ${what}`)
  const value = Number(text)
  if (value < min || value > max) throw new InvalidArgumentError(`expected ${what}`)
  return value
}

export const parsePort = (text: string): number =>
  wholeNumber(text, 0, 65535, 'a port from 0 to 65535 (0: any free port)')

/** A parser of whole numbers from `min` to `max` (any size when `max` is not given). */
export function wholeNumberWithin(min: number, max?: number): (text: string) => number {
  const what =
    max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`
  return (text) => wholeNumber(text, min, max ?? Number.MAX_SAFE_INTEGER, what)
}

export const parsePositiveInt = wholeNumberWithin(1)

export const parseNonNegativeInt = wholeNumberWithin(0)

/** A parser of numbers above `above` and at most `max`. */
export function numberAbove(above: number, max = Infinity): (text: string) => number {
  const what =
    max === Infinity ? `a number above ${above}` : `a number above ${above}, at most ${max}`
  return (text) => {
    const value = Number(text)
    if (text.trim() === '' || !Number.isFinite(value) || value <= above || value > max)
      throw new InvalidArgumentError(`expected ${what}`)
    return value
  }
}

export const parsePositiveNumber = numberAbove(0)

/** `a, b,,c` → `['a', 'b', 'c']`. */
export function parseCommaList(text: string): string[] {
  return text
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
}
