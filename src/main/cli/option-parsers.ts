import { InvalidArgumentError } from 'commander'

function wholeNumber(text: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected ${what}`)
  const value = Number(text)
  if (value < min || value > max) throw new InvalidArgumentError(`expected ${what}`)
  return value
}

export const parsePort = (text: string): number =>
  wholeNumber(text, 0, 65535, 'a port from 0 to 65535 (0: any free port)')

export const parsePositiveInt = (text: string): number =>
  wholeNumber(text, 1, Number.MAX_SAFE_INTEGER, 'a whole number of at least 1')

export const parseNonNegativeInt = (text: string): number =>
  wholeNumber(text, 0, Number.MAX_SAFE_INTEGER, 'a whole number of at least 0')

export function parsePositiveNumber(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('expected a number above 0')
  return value
}
