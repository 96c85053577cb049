import type { AlarmRuleInfo } from '../../../shared/alarm-types'
import { deviceIdPattern, type DeviceIdPattern } from '../ingest/protocol/device-id-pattern'
import { ruleKind, type RuleKind } from './alarm-condition'
import { DeviceRules } from './device-rules'

/** A rule in force, ready to evaluate. */
export interface IndexedRule {
  readonly info: AlarmRuleInfo
  /** null: a rule with no condition, never evaluated. */
  readonly kind: RuleKind | null
  readonly enabled: boolean
  readonly pattern: DeviceIdPattern
  readonly devices: unknown
  /** Its place among the rules in force. */
  readonly position: number
  /** Its definition as text: a rule whose fingerprint differs has changed. */
  readonly fingerprint: string
}

/**
 * The rules in force, by id, and which of them cover a device. Matching every rule's pattern
 * against every report would cost rules × reports; the list per device is worked out when the
 * device first needs it and kept until the rules change (a new index is made then, so the
 * devices' lists are made again one by one, as each reports, never all at once). The `stale`
 * rules have lists of their own, so what the clock checks costs nothing for the other rules.
 */
export class RuleIndex {
  private readonly byId = new Map<string, IndexedRule>()
  private readonly all: DeviceRules<IndexedRule>
  private readonly stale: DeviceRules<IndexedRule>

  constructor(rules: readonly AlarmRuleInfo[]) {
    const infos = new Map<string, AlarmRuleInfo>()
    for (const info of rules) infos.set(info.id, info)
    let position = 0
    for (const info of infos.values()) {
      const pattern =
        typeof info.devices === 'string' ? deviceIdPattern(info.devices) : { test: () => false }
      this.byId.set(info.id, {
        info,
        kind: ruleKind(info),
        enabled: info.enabled !== false,
        pattern,
        devices: info.devices,
        position: position++,
        fingerprint: JSON.stringify(info)
      })
    }
    const indexed = [...this.byId.values()]
    this.all = new DeviceRules(indexed)
    this.stale = new DeviceRules(indexed.filter((rule) => rule.kind === 'stale'))
  }

  get size(): number {
    return this.byId.size
  }

  /** Whether any `stale` rule is in force (enabled or not). */
  get hasStale(): boolean {
    return !this.stale.empty
  }

  get(id: string): IndexedRule | undefined {
    return this.byId.get(id)
  }

  /** The rules whose `devices` pattern matches `device`, enabled or not. */
  forDevice(device: string): readonly IndexedRule[] {
    return this.all.forDevice(device)
  }

  /** The `stale` rules among them. */
  staleFor(device: string): readonly IndexedRule[] {
    return this.stale.forDevice(device)
  }

  /** A device the registry no longer knows: what was worked out for it leaves memory. */
  forget(device: string): void {
    this.all.forget(device)
    this.stale.forget(device)
  }
}
