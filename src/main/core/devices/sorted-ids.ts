/** Device ids compared by UTF-16 code units: a total order, cheap, the same in every locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Device ids in order, sorted lazily: a new id is appended and merged in when the order is next
 * read, so a burst of new devices costs one sort of the burst and one merge, not one sort per
 * read nor a splice per id.
 */
export class SortedIds {
  private sorted: string[] = []
  private added: string[] = []

  /** Takes a new id (the caller knows it is not here yet). */
  add(id: string): void {
    this.added.push(id)
  }

  /** Replaces every id. */
  reset(ids: Iterable<string>): void {
    this.sorted = [...ids].sort(compareIds)
    this.added = []
  }

  /** Every id, in order; the array is this object's own: read it, do not keep it. */
  all(): readonly string[] {
    if (this.added.length > 0) {
      this.sorted = mergeSorted(this.sorted, this.added.sort(compareIds))
      this.added = []
    }
    return this.sorted
  }

  /** Where the first id after `after` is in all(). */
  indexAfter(after: string): number {
    const ids = this.all()
    let low = 0
    let high = ids.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareIds(ids[mid]!, after) <= 0) low = mid + 1
      else high = mid
    }
    return low
  }
}

function mergeSorted(a: string[], b: string[]): string[] {
  const out = new Array<string>(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = compareIds(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!
  while (i < a.length) out[k++] = a[i++]!
  while (j < b.length) out[k++] = b[j++]!
  return out
}
