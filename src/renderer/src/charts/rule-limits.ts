import type { AlarmRule, AlarmSeverity } from '../../../shared/alarm-types'
import type { ChartLimit } from './line-chart-option'

/**
 * The limits the enabled rules watching `field` draw on a device's chart — `rules` being the
 * device's own, as the console matched them to it: one line per `above` or `below`, named after
 * its rule and coloured by its severity.
 */
export function ruleLimits(
  rules: readonly AlarmRule[],
  field: string,
  colors: Record<AlarmSeverity, string>
): ChartLimit[] {
  const limits: ChartLimit[] = []
  for (const rule of rules) {
    if (rule.enabled === false || rule.field !== field) continue
    const color = colors[rule.severity]
    if (rule.above !== undefined)
      limits.push({ value: rule.above, label: `${rule.name} > ${rule.above}`, color })
    if (rule.below !== undefined)
      limits.push({ value: rule.below, label: `${rule.name} < ${rule.below}`, color })
  }
  return limits
}
