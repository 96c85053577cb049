import type { PartitionFieldPaths } from '../persistence/partition-rollups'

/**
 * The field paths of some devices of one partition, in the order the first of them stored each
 * (the order a read of their reports would meet them): undefined when any of them has paths
 * that were not kept, or none at all here (the partition's reports must be read for them).
 */
export function orderedFieldPaths(
  fieldPaths: PartitionFieldPaths,
  devices: Iterable<string>
): string[][] | undefined {
  const byDevice = new Map(fieldPaths.devices.map((d) => [d.device, d]))
  const firstOrder = new Map<number, number>()
  for (const id of devices) {
    const device = byDevice.get(id)
    if (device === undefined || !device.complete) return undefined
    const leaves = device.leaves
    for (let i = 0; i + 1 < leaves.length; i += 2) {
      const order = leaves[i]!
      const path = leaves[i + 1]!
      if (fieldPaths.paths[path] === undefined) return undefined
      const known = firstOrder.get(path)
      if (known === undefined || order < known) firstOrder.set(path, order)
    }
  }
  return [...firstOrder].sort((a, b) => a[1] - b[1]).map(([path]) => fieldPaths.paths[path]!)
}
