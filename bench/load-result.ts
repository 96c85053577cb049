import type { LoadResult } from './load-protocol'

/** One result for many connections or processes: counts add up, times take the slowest. */
export function mergeLoadResults(results: LoadResult[]): LoadResult {
  const firstAcks = results.flatMap((r) => (r.firstAckAt === undefined ? [] : [r.firstAckAt]))
  return {
    sent: sum(results.map((r) => r.sent)),
    acked: sum(results.map((r) => r.acked)),
    ackedInWindow: sum(results.map((r) => r.ackedInWindow)),
    errors: sum(results.map((r) => r.errors)),
    firstError: results.find((r) => r.firstError !== undefined)?.firstError,
    firstAckAt: firstAcks.length > 0 ? Math.min(...firstAcks) : undefined,
    sendingMs: Math.max(0, ...results.map((r) => r.sendingMs)),
    finishedMs: Math.max(0, ...results.map((r) => r.finishedMs)),
    failures: results.flatMap((r) => r.failures)
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
