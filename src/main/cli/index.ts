import { Command, CommanderError } from 'commander'

import { version } from '../../../package.json'
import { serveCommand, StartError } from './serve-command'
import { simulateCommand } from './simulate-command'
import { UsageError } from './usage-error'

/** `lookout` — a thin face over the console core. Exit codes: 0 ok, 1 failure, 2 bad usage. */
export function createProgram(): Command {
  const program = new Command('lookout')
    .description('Lookout: a monitoring console for control rooms')
    .version(version)
    .showSuggestionAfterError(false)
    .exitOverride()
  program.addCommand(serveCommand().exitOverride().showSuggestionAfterError(false))
  program.addCommand(simulateCommand().exitOverride().showSuggestionAfterError(false))
  return program
}

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its one-line message (or the help) already.
      return error.exitCode === 0 ? 0 : 2
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`)
      return 2
    }
    process.stderr.write(
      `lookout: ${error instanceof StartError ? error.message : String((error as Error).message ?? error)}\n`
    )
    return 1
  }
}

void main(process.argv).then((code) => process.exit(code))
