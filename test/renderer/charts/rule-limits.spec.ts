import { describe, expect, it } from 'vitest'

import { lineChartOption } from '../../../src/renderer/src/charts/line-chart-option'
import { ruleLimits } from '../../../src/renderer/src/charts/rule-limits'
import { rule } from '../support/alarm-fixtures'

const colors = { critical: 'red', high: 'orange', medium: 'yellow', low: 'blue' }

describe('alarm limits on a device’s chart', () => {
  it('draws the limits of the enabled rules of the device that watch this field', () => {
    const rules = [
      rule({ id: 'hot', name: 'Hot', above: 90 }),
      rule({ id: 'cold', name: 'Cold', above: undefined, below: 5, severity: 'low' }),
      rule({ id: 'off', name: 'Off', above: 80, enabled: false }),
      rule({ id: 'other', name: 'Other field', field: 'rpm' }),
      rule({ id: 'stale', name: 'Quiet', field: undefined, above: undefined, stale: 30 })
    ]
    expect(ruleLimits(rules, 'temp', colors)).toEqual([
      { value: 90, label: 'Hot > 90', color: 'red' },
      { value: 5, label: 'Cold < 5', color: 'blue' }
    ])
  })

  it('puts them on the chart as mark lines, the y axis stretched to show them', () => {
    const option = lineChartOption({
      series: [{ name: 'temp', data: [[1, 40]] }],
      limits: [{ value: 90, label: 'Hot {b} > 90', color: 'red' }],
      colors: { text: '#000', line: '#ccc' }
    })
    const markLine = option.series[0]!.markLine!
    expect(markLine.data).toEqual([
      expect.objectContaining({ yAxis: 90, lineStyle: expect.objectContaining({ color: 'red' }) })
    ])
    // A function, so `{b}` in a rule's name is not read as a template.
    expect(markLine.data[0]!.label.formatter()).toBe('Hot {b} > 90')
    const max = option.yAxis.max as (extent: { max: number }) => number
    expect(max({ max: 40 })).toBe(99) // room above the limit for its label
    expect(max({ max: 120 })).toBe(120)

    const plain = lineChartOption({ series: [], colors: { text: '#000', line: '#ccc' } })
    expect(plain.yAxis).toMatchObject({ min: 0, max: undefined })
  })
})
