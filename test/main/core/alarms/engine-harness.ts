import type { AlarmRuleInfo } from '../../../../src/shared/alarm-types'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import {
  AlarmEngine,
  type ActionActor,
  type AlarmEngineOptions,
  type EngineOutput
} from '../../../../src/main/core/alarms/alarm-engine'
import { alarmId } from '../../../../src/main/core/alarms/alarm-id'

/** A clock that moves only when the test says so. */
export class TestClock {
  constructor(public time = 1_700_000_000_000) {}
  readonly now = (): number => this.time
  advance(ms: number): void {
    this.time += ms
  }
}

/** `temp` above 80 on any `plc-*`, high; `overrides` change what a test is about. */
export function rule(overrides: Partial<AlarmRuleInfo> = {}): AlarmRuleInfo {
  return {
    id: 'hot',
    name: 'Too hot',
    devices: 'plc-*',
    field: 'temp',
    above: 80,
    severity: 'high',
    source: 'console',
    ...overrides
  }
}

export function report(device: string, fields: Record<string, unknown>): StoredReport {
  return { device, time: 0, identity: 'anonymous', ...fields }
}

export const operator: ActionActor = { by: 'operator', via: 'console' }

/** An engine over `rules` with a test clock (flood threshold high unless a test sets it). */
export function engineWith(
  rules: AlarmRuleInfo[],
  options: Partial<Omit<AlarmEngineOptions, 'now'>> = {}
): { engine: AlarmEngine; clock: TestClock } {
  const clock = new TestClock()
  const engine = new AlarmEngine({
    now: clock.now,
    maxAlarms: 1000,
    maxShelveMs: 8 * 3_600_000,
    flood: { threshold: 1000, windowMs: 600_000 },
    ...options
  })
  engine.setRules(rules)
  return { engine, clock }
}

export function types(output: EngineOutput): string[] {
  return output.events.map((event) => event.type)
}

/** The id of rule `hot` (or `ruleId`) on `device`. */
export function idOf(device: string, ruleId = 'hot'): string {
  return alarmId(ruleId, device)
}

export function stateOf(engine: AlarmEngine, device: string, ruleId = 'hot'): string {
  return engine.get(idOf(device, ruleId))?.state ?? 'normal'
}
