import { describe, expect, it } from 'vitest'

import { plainChartText } from '../../../src/renderer/src/charts/chart-text'

// zrender's own pattern for a styled run in rich text (zrender/lib/graphic/helper/parseText.js).
const STYLED_RUN = /\{([a-zA-Z0-9_]+)\|([^}]*)\}/

describe('text put into an ECharts rich-text string', () => {
  it('opens no styled run, and draws the same characters', () => {
    for (const name of ['{a|RICH}{marker0|}', '{__EC_aUTo_1|x}', 'x{b|}y', '{value}', 'a|b}']) {
      const plain = plainChartText(name)
      expect(STYLED_RUN.test(plain)).toBe(false)
      expect(plain.replace(/\u2060/g, '')).toBe(name)
    }
  })

  it('leaves text without markup as it is, and writes invisible characters out', () => {
    expect(plainChartText('temperature')).toBe('temperature')
    expect(plainChartText('{value}')).toBe('{value}')
    expect(plainChartText('p\u200b1')).toBe('p\\u200b1')
  })
})
