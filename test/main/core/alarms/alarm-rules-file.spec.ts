import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'

import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'

import { AlarmRulesFile } from '../../../../src/main/core/alarms/alarm-rules-file'
import type { AlarmRule } from '../../../../src/shared/alarm-types'
import type { LogLine } from '../../../support/log-lines'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
const opened: AlarmRulesFile[] = []
afterEach(async () => {
  for (const file of opened.splice(0)) file.close()
  await dirs.cleanup()
})

/** A real pino logger whose lines a spec can wait for: reloads happen when the watcher says. */
function waitableLogger() {
  const lines: LogLine[] = []
  const waiting: Array<{ test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text === '') continue
        const line = JSON.parse(text) as LogLine
        lines.push(line)
        for (const w of waiting.filter((w) => w.test(line))) {
          waiting.splice(waiting.indexOf(w), 1)
          w.resolve(line)
        }
      }
      done()
    }
  })
  return {
    logger: pino({ level: 'trace' }, sink),
    lines,
    next: (test: (l: LogLine) => boolean) =>
      new Promise<LogLine>((resolve) => waiting.push({ test, resolve }))
  }
}

/** Each change the file announces, in turn. */
function changes() {
  const seen: AlarmRule[][] = []
  let wake: (() => void) | null = null
  return {
    onChange: (rules: AlarmRule[]) => {
      seen.push(rules)
      wake?.()
    },
    async next(): Promise<AlarmRule[]> {
      while (seen.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      return seen.shift()!
    }
  }
}

const rule = (id: string, above = 90) =>
  [
    `  - id: ${id}`,
    `    name: ${id}`,
    '    devices: tank-*',
    '    field: level',
    `    above: ${above}`,
    '    severity: high'
  ].join('\n')

describe('the alarm rules file', () => {
  it('applies each edit that parses, and keeps the rules in force when one does not', async () => {
    const dir = await dirs.make()
    const path = join(dir, 'rules.yaml')
    await writeFile(path, `rules:\n${rule('first')}\n`)
    const log = waitableLogger()
    const changed = changes()
    const file = await AlarmRulesFile.open(path, log.logger, changed.onChange)
    opened.push(file)
    expect(file.rules().map((r) => r.id)).toEqual(['first'])
    expect(file.lastError()).toBeNull()

    // An editor's save: a new file renamed over the old one.
    await writeFile(
      join(dir, 'rules.yaml.tmp'),
      `rules:\n${rule('first')}\n${rule('second', 80)}\n`
    )
    await rename(join(dir, 'rules.yaml.tmp'), path)
    expect((await changed.next()).map((r) => r.id)).toEqual(['first', 'second'])
    expect(file.rules().map((r) => r.id)).toEqual(['first', 'second'])
    expect(log.lines.find((l) => l.msg === 'alarm rules file reloaded')).toMatchObject({ rules: 2 })

    // A broken edit (line 12: `above: high`): refused, said where, the two rules stay.
    const refused = log.next((l) => l.msg.startsWith('alarm rules file not reloaded'))
    await writeFile(
      path,
      `rules:\n${rule('first')}\n${rule('second').replace('above: 90', 'above: high')}\n`
    )
    const line = await refused
    const where = 'rules[1] (second) at line 12, column 12: above: expected a number'
    expect(line.level).toBe(50) // error
    expect(line.reason).toBe(`alarm rules file ${path}: ${where}`)
    expect(file.rules().map((r) => r.id)).toEqual(['first', 'second'])
    expect(file.lastError()).toBe(`alarm rules file ${path}: ${where}`)

    // Fixed: in force, and no error to show any more.
    await writeFile(path, `rules:\n${rule('second', 70)}\n`)
    expect(await changed.next()).toEqual([
      {
        id: 'second',
        name: 'second',
        devices: 'tank-*',
        field: 'level',
        above: 70,
        severity: 'high'
      }
    ])
    expect(file.lastError()).toBeNull()
  })

  it('holds the file to --max-alarm-rules with the console’s rules: over it, at start or in an edit, is refused', async () => {
    const dir = await dirs.make()
    const path = join(dir, 'rules.yaml')
    const consoleRules = [{ id: 'made-here' }, { id: 'first' }]
    const bound = { max: 3, consoleRules: () => consoleRules }
    const three = `rules:\n${rule('first')}\n${rule('second')}\n${rule('third')}\n`
    // 3 in the file and 1 of the console's (`first` is the file's): 4 > 3, the start stops.
    await writeFile(path, three)
    const silent = pino({ level: 'silent' })
    await expect(AlarmRulesFile.open(path, silent, () => {}, bound)).rejects.toThrow(
      `alarm rules file ${path}: 3 rules and 1 made in the console, more than --max-alarm-rules (3) allows in all`
    )

    await writeFile(path, `rules:\n${rule('first')}\n${rule('second')}\n`)
    const log = waitableLogger()
    const changed = changes()
    const file = await AlarmRulesFile.open(path, log.logger, changed.onChange, bound)
    opened.push(file)
    expect(file.rules().map((r) => r.id)).toEqual(['first', 'second'])

    // An edit over the bound: refused like a broken edit, the rules in force stay.
    const refused = log.next((l) => l.msg.startsWith('alarm rules file not reloaded'))
    await writeFile(path, three)
    expect((await refused).reason).toMatch(/more than --max-alarm-rules \(3\)/)
    expect(file.rules().map((r) => r.id)).toEqual(['first', 'second'])
    expect(file.lastError()).toMatch(/3 rules and 1 made in the console/)

    // The console's rule deleted, the same text saved again: there is room now, it applies.
    consoleRules.splice(0, 1)
    await writeFile(path, three)
    expect((await changed.next()).map((r) => r.id)).toEqual(['first', 'second', 'third'])
    expect(file.lastError()).toBeNull()
  })

  it('stops the start when the file cannot be read or does not parse', async () => {
    const dir = await dirs.make()
    const missing = join(dir, 'missing.json')
    await expect(AlarmRulesFile.open(missing, pino({ level: 'silent' }), () => {})).rejects.toThrow(
      `alarm rules file ${missing}: ENOENT`
    )
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{\n  "rules": [\n    {"name": "a",\n  ]\n}\n')
    await expect(AlarmRulesFile.open(broken, pino({ level: 'silent' }), () => {})).rejects.toThrow(
      `alarm rules file ${broken}: not valid JSON (at line 4, column 3)`
    )
  })
})
