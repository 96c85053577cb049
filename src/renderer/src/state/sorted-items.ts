/** Keys compared by UTF-16 code units: the console's own order of devices (and cheap). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Items by key, in key order, updated incrementally: a live event of a few changed devices
 * replaces those few and merges in the new ones, never re-sorts 10,000. `compare` must be a
 * total order (0 only for the same key), or a merge would not keep the list sorted.
 */
export class SortedItems<T> {
  private readonly byKey = new Map<string, T>()
  private keys: string[] = []

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly compare: (a: string, b: string) => number = compareKeys
  ) {}

  /** Takes the changed items (all of them, when `replace`); answers every item in key order. */
  apply(items: readonly T[], replace: boolean): T[] {
    if (replace) {
      this.byKey.clear()
      this.keys = []
    }
    const added: string[] = []
    for (const item of items) {
      const key = this.keyOf(item)
      if (!this.byKey.has(key)) added.push(key)
      this.byKey.set(key, item)
    }
    if (added.length > 0) this.keys = mergeSorted(this.keys, added.sort(this.compare), this.compare)
    const all = new Array<T>(this.keys.length)
    for (let i = 0; i < this.keys.length; i++) all[i] = this.byKey.get(this.keys[i]!)!
    return all
  }
}

function mergeSorted(
  a: string[],
  b: string[],
  compare: (a: string, b: string) => number
): string[] {
  if (a.length === 0) return b
  const out = new Array<string>(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!
  while (i < a.length) out[k++] = a[i++]!
  while (j < b.length) out[k++] = b[j++]!
  return out
}
