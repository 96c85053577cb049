import { afterEach, describe, expect, it } from 'vitest'

import type {
  DeviceRollupRecord,
  FieldBuckets,
  PartitionFieldPaths
} from '../../../../src/main/core/persistence/partition-rollups'
import type { ReportPartitions } from '../../../../src/main/core/persistence/report-partitions'
import { freshStorage, type BackendFactory, type BackendStorage } from './backend-fixture'

const T0 = Date.UTC(2026, 11, 1, 8)

function buckets(field: string, t: number[], exact = true): FieldBuckets {
  return {
    field,
    exact,
    t,
    // Values a text format must keep exactly: fractions, negatives, large and tiny ones.
    min: t.map((_, i) => -0.1 * (i + 1)),
    max: t.map((_, i) => 0.1 + 0.2 + i),
    sum: t.map((_, i) => 1e300 / (i + 1)),
    count: t.map((_, i) => i + 1),
    last: t.map((_, i) => 5e-324 * (i + 1))
  }
}

const pump: DeviceRollupRecord = {
  device: 'pump-7',
  allFields: true,
  minute: [buckets('temp', [T0, T0 + 60_000]), buckets('motor.temp', [T0])],
  hour: [buckets('temp', [T0]), buckets('motor.temp', [T0])]
}
// Unicode in ids and field names; a field that is not exact; a device past its rolled-up values.
const boiler: DeviceRollupRecord = {
  device: 'chaudière-泵-2',
  allFields: false,
  minute: [buckets('température', [T0 + 120_000], false)],
  hour: [buckets('température', [T0], false)]
}

const NO_PATHS: PartitionFieldPaths = { paths: [], devices: [] }

/** What every backend's PartitionRollups do: run from each backend's spec file. */
export function partitionRollupsContract(backend: string, storage: BackendFactory): void {
  describe(`PartitionRollups (${backend})`, () => {
    const fresh = freshStorage(storage)
    // Registered after the storage's cleanup, so it runs before it (hooks run as a stack).
    const ended: ReportPartitions[] = []
    afterEach(async () => {
      await Promise.all(ended.splice(0).map((p) => p.end()))
    })

    /** Names of closed partitions, as the backend's ReportPartitions makes them. */
    async function closedPartitions(s: BackendStorage, count: number): Promise<string[]> {
      const partitions = s.open().reportPartitions()
      ended.push(partitions)
      await partitions.open(() => undefined)
      const names: string[] = []
      for (let i = 0; i < count; i++) {
        const active = await partitions.create(T0 + i * 3_600_000)
        names.push((await partitions.close(active)).file)
      }
      return names
    }

    it('keeps nothing at first', async () => {
      const s = await fresh()
      const [name] = (await closedPartitions(s, 1)) as [string]
      const rollups = s.open().partitionRollups()
      expect(await rollups.list()).toEqual([])
      expect(await rollups.read(name, 'pump-7', 'minute')).toBeUndefined()
      await rollups.delete(name) // none kept: no error
    })

    it('answers one device at one width, exactly as written, and null for a device it does not hold', async () => {
      const s = await fresh()
      const [name] = (await closedPartitions(s, 1)) as [string]
      const rollups = s.open().partitionRollups()
      await rollups.write(name, [pump, boiler], NO_PATHS)
      expect(await rollups.list()).toEqual([name])
      expect(await rollups.read(name, 'pump-7', 'minute')).toEqual({
        device: 'pump-7',
        allFields: true,
        fields: pump.minute
      })
      expect(await rollups.read(name, 'pump-7', 'hour')).toEqual({
        device: 'pump-7',
        allFields: true,
        fields: pump.hour
      })
      expect(await rollups.read(name, boiler.device, 'minute')).toEqual({
        device: boiler.device,
        allFields: false,
        fields: boiler.minute
      })
      expect(await rollups.read(name, 'nobody', 'hour')).toBeNull()
    })

    it('keeps them across a restart, each partition its own, and replaces one written again', async () => {
      const s = await fresh()
      const [first, second] = (await closedPartitions(s, 2)) as [string, string]
      const rollups = s.open().partitionRollups()
      await rollups.write(first, [pump], NO_PATHS)
      await rollups.write(second, [boiler], NO_PATHS)
      const replaced: DeviceRollupRecord = { ...pump, minute: [buckets('temp', [T0 + 60_000])] }
      await rollups.write(first, [replaced], NO_PATHS)
      const reopened = s.open().partitionRollups()
      expect((await reopened.list()).sort()).toEqual([first, second].sort())
      expect((await reopened.read(first, 'pump-7', 'minute'))?.fields).toEqual(replaced.minute)
      expect(await reopened.read(first, boiler.device, 'minute')).toBeNull()
      expect((await reopened.read(second, boiler.device, 'hour'))?.fields).toEqual(boiler.hour)
    })

    it('deletes one partition’s rollup, for this reader and after a restart', async () => {
      const s = await fresh()
      const [first, second] = (await closedPartitions(s, 2)) as [string, string]
      const rollups = s.open().partitionRollups()
      await rollups.write(first, [pump], NO_PATHS)
      await rollups.write(second, [pump], NO_PATHS)
      expect(await rollups.read(first, 'pump-7', 'hour')).toBeDefined() // and maybe cached
      await rollups.delete(first)
      expect(await rollups.read(first, 'pump-7', 'hour')).toBeUndefined()
      expect(await rollups.read(second, 'pump-7', 'hour')).not.toBeUndefined()
      expect(await s.open().partitionRollups().list()).toEqual([second])
    })

    it('keeps the field paths written with a rollup, and has none without one', async () => {
      const s = await fresh()
      const [first, second] = (await closedPartitions(s, 2)) as [string, string]
      const rollups = s.open().partitionRollups()
      const paths: PartitionFieldPaths = {
        paths: [['temp'], ['motor', 'temp'], ['état']],
        devices: [
          { device: pump.device, complete: true, leaves: [0, 0, 2, 1] },
          { device: boiler.device, complete: false, leaves: [1, 2] }
        ]
      }
      await rollups.write(first, [pump, boiler], paths)
      expect(await s.open().partitionRollups().readFieldPaths(first)).toEqual(paths)
      expect(await rollups.readFieldPaths(second)).toBeUndefined()
      await rollups.delete(first)
      expect(await rollups.readFieldPaths(first)).toBeUndefined()
    })

    it('keeps a partition with no devices, or devices without fields', async () => {
      const s = await fresh()
      const [first, second] = (await closedPartitions(s, 2)) as [string, string]
      const rollups = s.open().partitionRollups()
      await rollups.write(first, [], NO_PATHS)
      await rollups.write(
        second,
        [{ device: 'quiet', allFields: false, minute: [], hour: [] }],
        NO_PATHS
      )
      expect(await rollups.read(first, 'quiet', 'minute')).toBeNull()
      expect(await rollups.read(second, 'quiet', 'minute')).toEqual({
        device: 'quiet',
        allFields: false,
        fields: []
      })
    })
  })
}
