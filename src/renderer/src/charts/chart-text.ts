import { revealInvisible } from '../visible-text'

// ECharts draws its tooltips here as rich text (the CSP rules out HTML tooltips): zrender reads
// every `{style|text}` in the string as a styled run (its pattern is /\{([a-zA-Z0-9_]+)\|([^}]*)\}/)
// and has no escape for it. A field named `{a|RICH}{marker0|}` would be drawn in a style of its
// choosing, or lose parts of its name.

/** WORD JOINER: draws nothing and breaks no line, but is not a letter, so `{⁠a|` starts no run. */
const JOINER = '\u2060'

/**
 * `text` (a series name, a value) as something a rich-text string shows literally: invisible
 * characters revealed, and every `{` that would open a styled run followed by a word joiner.
 * A `}` needs nothing as long as it is not inside a run, which is why the tooltip is built by
 * the chart's own formatter (see line-chart.tsx) rather than ECharts' default, which wraps
 * each name in a run of its own.
 */
export function plainChartText(text: string): string {
  return revealInvisible(text).replace(/\{(?=[a-zA-Z0-9_]+\|)/g, `{${JOINER}`)
}
