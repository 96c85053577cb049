import type { AlarmEvent, AlarmRuleInfo } from '../../../shared/alarm-types'

/**
 * The rules in force as last recorded, so each change of them — made in the console, or an edit
 * of the rules file — becomes audit events: created, changed, deleted, each with who did it.
 */
export class RuleChanges {
  private known = new Map<string, string>()

  /** The rules in force at start: not changes. */
  seed(rules: readonly AlarmRuleInfo[]): void {
    this.known = new Map(rules.map((r) => [r.id, JSON.stringify(r)]))
  }

  /** The events that take the recorded rules to `rules`; records them as the rules now. */
  diff(
    rules: readonly AlarmRuleInfo[],
    actor: { by: string; via: AlarmEvent['via'] },
    time: number
  ): AlarmEvent[] {
    const events: AlarmEvent[] = []
    const next = new Map(rules.map((r) => [r.id, JSON.stringify(r)]))
    const event = (type: AlarmEvent['type'], rule: AlarmRuleInfo | string): AlarmEvent => ({
      time,
      type,
      alarm: null,
      rule: typeof rule === 'string' ? rule : rule.id,
      device: null,
      severity: typeof rule === 'string' ? null : rule.severity,
      state: null,
      by: actor.by,
      via: actor.via,
      comment: null,
      detail: typeof rule === 'string' ? null : rule
    })
    for (const rule of rules) {
      const before = this.known.get(rule.id)
      if (before === undefined) events.push(event('rule-created', rule))
      else if (before !== next.get(rule.id)) events.push(event('rule-changed', rule))
    }
    for (const id of this.known.keys()) if (!next.has(id)) events.push(event('rule-deleted', id))
    this.known = next
    return events
  }
}
