import type { AlarmRuleInfo } from '../../../shared/alarm-types'
import { deviceIdPattern, type DeviceIdPattern } from '../ingest/protocol/device-id-pattern'
import { ruleKind, type RuleKind } from './alarm-condition'

/** A rule in force, ready to evaluate. */
export interface IndexedRule {
  readonly info: AlarmRuleInfo
  /** null: a rule with no condition, never evaluated. */
  readonly kind: RuleKind | null
  readonly enabled: boolean
  readonly pattern: DeviceIdPattern
  /** Its definition as text: a rule whose fingerprint differs has changed. */
  readonly fingerprint: string
}

// Device ids whose matching rules are remembered at once; beyond, the memory starts over (the
// device registry bounds devices far below this, so it is only a guard).
const MAX_CACHED_DEVICES = 200_000

/**
 * The rules in force, by id, and which of them cover a device. Matching every rule's pattern
 * against every report would cost rules × reports; the list per device is worked out once and
 * kept until the rules change (a new index is made then).
 */
export class RuleIndex {
  private readonly byId = new Map<string, IndexedRule>()
  private readonly byDevice = new Map<string, readonly IndexedRule[]>()
  /** The enabled `stale` rules: the clock has to check these. */
  readonly stale: readonly IndexedRule[]

  constructor(rules: readonly AlarmRuleInfo[]) {
    for (const info of rules) {
      const pattern =
        typeof info.devices === 'string' ? deviceIdPattern(info.devices) : { test: () => false }
      this.byId.set(info.id, {
        info,
        kind: ruleKind(info),
        enabled: info.enabled !== false,
        pattern,
        fingerprint: JSON.stringify(info)
      })
    }
    this.stale = [...this.byId.values()].filter((rule) => rule.kind === 'stale' && rule.enabled)
  }

  get size(): number {
    return this.byId.size
  }

  get(id: string): IndexedRule | undefined {
    return this.byId.get(id)
  }

  /** The rules whose `devices` pattern matches `device`, enabled or not. */
  forDevice(device: string): readonly IndexedRule[] {
    let rules = this.byDevice.get(device)
    if (rules === undefined) {
      rules = [...this.byId.values()].filter((rule) => rule.pattern.test(device))
      if (this.byDevice.size >= MAX_CACHED_DEVICES) this.byDevice.clear()
      this.byDevice.set(device, rules)
    }
    return rules
  }
}
