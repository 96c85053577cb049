/**
 * Remembers which `seq` values each device has had stored, so a report re-sent after a
 * reconnect is recognised and acked again instead of being stored twice.
 *
 * Values are kept as runs of consecutive numbers (`[lo, hi]`), so a device that counts up by one
 * costs a single run however long it reports. Each device keeps at least `minRuns` runs; beyond
 * that the oldest are dropped in bulk (amortised O(1)), which is the edge of the dedup window.
 */
export class SeqWindow {
  /** Per device, a flat ascending array `[lo0, hi0, lo1, hi1, …]` of disjoint runs. */
  private readonly runs = new Map<string, number[]>()

  /**
   * @param minRuns runs kept per device at least
   * @param maxDevices devices remembered; the one that reported least recently is forgotten
   *   first, so a sender inventing device ids cannot grow memory without bound
   */
  constructor(
    private readonly minRuns = 1024,
    private readonly maxDevices = 100_000
  ) {}

  has(device: string, seq: number): boolean {
    const r = this.runs.get(device)
    if (r === undefined) return false
    const i = lowerRun(r, seq)
    return i < r.length && r[i]! <= seq && seq <= r[i + 1]!
  }

  add(device: string, seq: number): void {
    let r = this.runs.get(device)
    if (r === undefined) {
      r = []
      if (this.runs.size >= this.maxDevices) this.runs.delete(this.runs.keys().next().value!)
    } else {
      this.runs.delete(device) // re-inserted below: Map order is then least recently used first
    }
    this.runs.set(device, r)
    const n = r.length
    // Fast paths: a device counting up extends or follows its newest run.
    if (n === 0 || seq > r[n - 1]! + 1) {
      r.push(seq, seq)
    } else if (seq === r[n - 1]! + 1) {
      r[n - 1] = seq
    } else {
      insertInto(r, seq)
    }
    if (r.length > this.minRuns * 2 + this.minRuns / 2) {
      r.splice(0, r.length - this.minRuns * 2)
    }
  }

  /** Number of runs kept for a device (for tests and memory accounting). */
  runCount(device: string): number {
    return (this.runs.get(device)?.length ?? 0) / 2
  }
}

/** Index of the first run whose `hi` is >= seq (runs.length when none). */
function lowerRun(r: number[], seq: number): number {
  let lo = 0
  let hi = r.length / 2
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (r[mid * 2 + 1]! < seq) lo = mid + 1
    else hi = mid
  }
  return lo * 2
}

function insertInto(r: number[], seq: number): void {
  const i = lowerRun(r, seq)
  if (i < r.length && r[i]! <= seq) return // already inside run i
  const joinsPrev = i > 0 && r[i - 1]! === seq - 1
  const joinsNext = i < r.length && r[i]! === seq + 1
  if (joinsPrev && joinsNext) {
    r[i - 1] = r[i + 1]!
    r.splice(i, 2)
  } else if (joinsPrev) {
    r[i - 1] = seq
  } else if (joinsNext) {
    r[i] = seq
  } else {
    r.splice(i, 0, seq, seq)
  }
}
