import type { DeviceIdPattern } from '../ingest/protocol/device-id-pattern'

/** What `DeviceRules` needs of a rule: where it stands among the rules, and what it covers. */
export interface CoveringRule {
  /** Its place among the rules in force: lists keep this order. */
  readonly position: number
  /** The `devices` pattern as written (not a string: it covers no device). */
  readonly devices: unknown
  readonly pattern: DeviceIdPattern
}

// Device ids whose lists are remembered at once; beyond, the memory starts over (the device
// registry bounds devices far below this, so it is only a guard).
const MAX_CACHED_DEVICES = 200_000

/**
 * Which of some rules cover a device, kept cheap for many devices and many rules. A rule for
 * every device (`*`) is never matched, and one naming a single device (no `*` nor `?`) is found
 * by its id; only the other patterns are tested, once per device, and the answer is remembered.
 * Devices covered by the same rules share one list, so 10,000 devices under 2,000 `*` rules hold
 * one list, not 10,000 copies of it.
 */
export class DeviceRules<R extends CoveringRule> {
  private readonly everyDevice: readonly R[]
  /** The single-device rules, by the device they name. */
  private readonly named = new Map<string, R[]>()
  private readonly patterned: readonly R[]
  private readonly byDevice = new Map<string, readonly R[]>()
  /** The lists made so far, by the positions of the rules they add to `everyDevice`. */
  private readonly shared = new Map<string, readonly R[]>()

  constructor(rules: readonly R[]) {
    const everyDevice: R[] = []
    const patterned: R[] = []
    for (const rule of rules) {
      if (typeof rule.devices !== 'string') continue
      if (/^\*+$/.test(rule.devices)) everyDevice.push(rule)
      else if (/[*?]/.test(rule.devices)) patterned.push(rule)
      else {
        const list = this.named.get(rule.devices)
        if (list === undefined) this.named.set(rule.devices, [rule])
        else list.push(rule)
      }
    }
    this.everyDevice = everyDevice
    this.patterned = patterned
  }

  /** Whether no rule is held at all. */
  get empty(): boolean {
    return this.everyDevice.length === 0 && this.patterned.length === 0 && this.named.size === 0
  }

  /** The rules covering `device`, in their order; the same array for devices covered alike. */
  forDevice(device: string): readonly R[] {
    let rules = this.byDevice.get(device)
    if (rules !== undefined) return rules
    const named = this.named.get(device)
    // Only `*` rules, none naming this device: nothing to work out, nor to remember.
    if (this.patterned.length === 0 && named === undefined) return this.everyDevice
    const own = this.patterned.filter((rule) => rule.pattern.test(device))
    if (named !== undefined) own.push(...named)
    rules = this.sharedList(own)
    if (this.byDevice.size >= MAX_CACHED_DEVICES) this.byDevice.clear()
    this.byDevice.set(device, rules)
    return rules
  }

  /** A device the registry no longer knows: its list leaves memory. */
  forget(device: string): void {
    this.byDevice.delete(device)
  }

  /** `everyDevice` with `own` (rules not in it), in their order, as one shared array. */
  private sharedList(own: readonly R[]): readonly R[] {
    if (own.length === 0) return this.everyDevice
    const sorted = [...own].sort((a, b) => a.position - b.position)
    const key = sorted.map((rule) => rule.position).join(',')
    let list = this.shared.get(key)
    if (list === undefined) {
      list = merge(this.everyDevice, sorted)
      if (this.shared.size >= MAX_CACHED_DEVICES) this.shared.clear()
      this.shared.set(key, list)
    }
    return list
  }
}

/** Two lists sorted by position, as one. */
function merge<R extends CoveringRule>(a: readonly R[], b: readonly R[]): R[] {
  const merged: R[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.position < b[j]!.position)) merged.push(a[i++]!)
    else merged.push(b[j++]!)
  }
  return merged
}
