import { Option, type Command } from 'commander'

import { CONFIG_UNITS_PER, SETTINGS, type ConsoleConfigInput, type Setting } from '../core/config'
import { numberAbove, parseCommaList, parsePort, wholeNumberWithin } from './option-parsers'

// `lookout serve`'s options, made from the config's settings table: each has the row's flag
// and env var, shows the row's default in the flag's unit, and refuses values out of the row's
// bounds in that unit. What was given is read back in the config's unit; the rest the config
// fills in, so no default is written twice.

/** How many of the config's units one of the flag's is. */
const scaleOf = (setting: Setting): number =>
  setting.unit === undefined ? 1 : CONFIG_UNITS_PER[setting.unit]

/** One option per setting that has a flag, in the table's order. */
export function settingOptions(): Option[] {
  return flagged().map(([, setting]) => optionOf(setting))
}

/**
 * The settings given on the command line or by environment variable (not those at their
 * default), in the config's units.
 */
export function givenSettings(command: Command): ConsoleConfigInput {
  const given: Record<string, unknown> = {}
  for (const [key, setting] of flagged()) {
    const name = new Option(setting.flag!).attributeName()
    const source = command.getOptionValueSource(name)
    if (source !== 'cli' && source !== 'env') continue
    const value: unknown = command.getOptionValue(name)
    given[key] = typeof value === 'number' ? value * scaleOf(setting) : value
  }
  return given as ConsoleConfigInput
}

/** A setting's default as the flag takes it (seconds, not milliseconds); none for a list. */
export function shownDefault(setting: Setting): string | number | undefined {
  const value: unknown =
    typeof setting.default === 'function' ? (setting.default as () => unknown)() : setting.default
  if (typeof value === 'number') return value / scaleOf(setting)
  return typeof value === 'string' ? value : undefined
}

function flagged(): Array<[string, Setting]> {
  return Object.entries(SETTINGS as Record<string, Setting>).filter(([, s]) => s.flag !== undefined)
}

function optionOf(setting: Setting): Option {
  const option = new Option(setting.flag!, setting.description)
  if (setting.env !== undefined) option.env(setting.env)
  const parser = parserOf(setting)
  if (parser !== undefined) option.argParser(parser)
  const shown = shownDefault(setting)
  if (shown !== undefined) option.default(shown)
  return option
}

function parserOf(setting: Setting): ((text: string) => unknown) | undefined {
  const scale = scaleOf(setting)
  const { min, above, max } = setting.bounds ?? {}
  switch (setting.kind) {
    case 'port':
      return parsePort
    case 'whole':
      return wholeNumberWithin(
        Math.ceil((min ?? 0) / scale),
        max === undefined ? undefined : Math.floor(max / scale)
      )
    case 'decimal':
      return numberAbove((above ?? 0) / scale, max === undefined ? undefined : max / scale)
    case 'list':
      return parseCommaList
    case 'text':
      return undefined
  }
}
