import { visibleJson } from '../visible-text'

/** A value an alarm carries (raised at, current), as one line: none is `—`. */
export function alarmValueText(value: unknown): string {
  return value === null || value === undefined ? '—' : visibleJson(value)
}
