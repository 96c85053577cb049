import { readFile } from 'node:fs/promises'

import type { AlarmRule } from '../../../shared/alarm-types'
import type { Logger } from '../runtime/logger'
import { WatchedFile } from '../runtime/watched-file'
import { parseRulesFile } from './alarm-rule-schema'

/** `--max-alarm-rules`: the rules in force in all, the console's counted with the file's. */
export interface AlarmRulesBound {
  max: number
  /** The rules made in the console now (one whose id the file has is the file's). */
  consoleRules: () => readonly { id: string }[]
}

/**
 * The file's rules, or an Error naming the file when, with the console's, they would be more
 * than the bound: refused as a broken edit is, so the file never puts more rules in force.
 */
function withinBound(path: string, rules: AlarmRule[], bound: AlarmRulesBound): AlarmRule[] {
  const ids = new Set(rules.map((r) => r.id))
  const fromConsole = bound.consoleRules().filter((r) => !ids.has(r.id)).length
  if (rules.length + fromConsole <= bound.max) return rules
  const andConsole = fromConsole === 0 ? '' : ` and ${fromConsole} made in the console`
  throw new Error(
    `alarm rules file ${path}: ${rules.length} rules${andConsole}, more than --max-alarm-rules ` +
      `(${bound.max}) allows in all`
  )
}

async function readRulesText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`alarm rules file ${path}: ${(error as Error).message}`)
  }
}

/**
 * The rules file (`--alarm-rules`) kept in force while the console runs: re-read when it
 * changes (WatchedFile), so rules kept in version control apply without a restart. An edit that
 * does not parse is refused with an error log line saying where, and the rules in force stay;
 * `lastError()` says so until the file is fixed.
 */
export class AlarmRulesFile {
  private constructor(private readonly file: WatchedFile<AlarmRule[]>) {}

  /**
   * Reads the file (an error stops the start: the console must not run without the rules it was
   * given). `onChange` is called with the rules of each edit that parsed and keeps to `bound`;
   * one beyond it is refused as a broken edit is (saving it again, once there is room, retries).
   */
  static async open(
    path: string,
    logger: Logger,
    onChange: (rules: AlarmRule[]) => void,
    bound?: AlarmRulesBound
  ): Promise<AlarmRulesFile> {
    const file = await WatchedFile.open<AlarmRule[]>(path, {
      read: readRulesText,
      parse: (text) => {
        const rules = parseRulesFile(path, text)
        return bound === undefined ? rules : withinBound(path, rules, bound)
      },
      changed: (rules) => {
        logger.info({ path, rules: rules.length }, 'alarm rules file reloaded')
        onChange(rules)
      },
      refused: (error) =>
        logger.error(
          { path, reason: error.message },
          'alarm rules file not reloaded; the rules in force stay as they were'
        ),
      unwatched: (error) =>
        logger.warn({ err: error, path }, 'stopped watching the alarm rules file')
    })
    return new AlarmRulesFile(file)
  }

  /** The rules in force from the file. */
  rules(): AlarmRule[] {
    return this.file.value
  }

  /** Why the file's present text is not in force (for the UI and diagnostics), or null. */
  lastError(): string | null {
    return this.file.lastError
  }

  close(): void {
    this.file.close()
  }
}
