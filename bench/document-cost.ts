/**
 * How long the real ReportStore takes to store the worst documents DOCUMENT_LIMITS allow, the
 * figure that justifies those limits (docs/protocol.md). Each shape is built right at the
 * limits, checked to pass the console's own check (and to fail it with one value more), then
 * stored several times into a store in a temp dir; the median is reported. Step 6 of
 * `npm run bench`; alone: `npx tsx bench/document-cost.ts [--repeats n]`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import { whyNotStorable } from '../src/main/core/ingest/protocol/storable-document'
import { NedbReportPartitions } from '../src/main/core/persistence/nedb/nedb-report-partitions'
import { silentLogger } from '../src/main/core/runtime/logger'
import { ReportStore } from '../src/main/core/store/report-store'
import { DOCUMENT_LIMITS } from '../src/shared/ingest-protocol'

const { maxDepth, maxArrayDepth, maxValues } = DOCUMENT_LIMITS

export interface DocumentCost {
  shape: string
  /** Milliseconds from submit to durable, median of the runs. */
  medianMs: number
  runs: number[]
}

interface Shape {
  name: string
  /** The report's `x` for a given number of values at the bottom. */
  build(leaves: number): unknown
  /** Containers on the chain from `x` down, each one value of its parent. */
  chain: number
}

const zeros = (n: number): number[] => Array.from({ length: n }, () => 0)
const fields = (n: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0]))

/** `levels` containers, each holding the next; `kindAt(i)` says which, from the top. */
function chain(
  levels: number,
  kindAt: (i: number) => 'array' | 'object',
  bottom: unknown
): unknown {
  let value = bottom
  for (let i = levels - 1; i >= 0; i--) value = kindAt(i) === 'array' ? [value] : { a: value }
  return value
}

// The report is { device, x }: level 1, then `x` at level 2. `chain` counts the containers from
// `x` down to the one holding the leaves, which is built by `build`.
const SHAPES: Shape[] = [
  {
    name: `values under ${maxArrayDepth} nested arrays`,
    chain: maxArrayDepth,
    build: (n) => chain(maxArrayDepth - 1, () => 'array', zeros(n))
  },
  {
    name: `one object of many fields under ${maxArrayDepth} nested arrays`,
    chain: maxArrayDepth + 1,
    build: (n) => chain(maxArrayDepth, () => 'array', fields(n))
  },
  {
    name: `empty objects under ${maxArrayDepth} nested arrays`,
    chain: maxArrayDepth,
    build: (n) =>
      chain(
        maxArrayDepth - 1,
        () => 'array',
        Array.from({ length: n }, () => ({}))
      )
  },
  {
    name: `${maxArrayDepth} arrays spread through ${maxDepth} levels, many fields at the bottom`,
    chain: maxDepth - 1,
    build: (n) =>
      chain(
        maxDepth - 2,
        (i) => (i % Math.floor((maxDepth - 2) / maxArrayDepth) === 0 && i > 0 ? 'array' : 'object'),
        fields(n)
      )
  },
  { name: 'one flat object of many fields', chain: 1, build: (n) => fields(n) }
]

function reportOf(shape: Shape, leaves: number): Record<string, unknown> {
  return { device: 'bench-documents', x: shape.build(leaves) }
}

export async function measureDocumentCost(repeats = 7): Promise<DocumentCost[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-bench-documents-'))
  const store = await ReportStore.open({
    partitions: new NedbReportPartitions({ dir, openPartitionCache: 1, logger: silentLogger() }),
    partitionMaxReports: 50_000,
    retentionDays: 30,
    retentionReports: 10_000_000,
    logger: silentLogger()
  })
  const results: DocumentCost[] = []
  try {
    let seq = 0
    for (const shape of SHAPES) {
      // `device` and the chain's containers are values too; the rest go to the bottom.
      const leaves = maxValues - 1 - shape.chain
      const fields = reportOf(shape, leaves)
      const problem = whyNotStorable(fields)
      if (problem !== null) throw new Error(`${shape.name}: refused by the check: ${problem}`)
      if (whyNotStorable(reportOf(shape, leaves + 1)) === null)
        throw new Error(`${shape.name}: not at the limit (one more value is still accepted)`)
      const runs: number[] = []
      for (let i = 0; i < repeats; i++) {
        const report = { ...fields, seq: seq++, time: Date.now(), identity: 'anonymous' }
        const started = performance.now()
        await new Promise<void>((resolve, reject) =>
          store.submit(report as never, (error) => (error ? reject(error) : resolve()))
        )
        runs.push(performance.now() - started)
      }
      results.push({ shape: shape.name, medianMs: median(runs), runs })
    }
  } finally {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
  return results
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function describeDocumentCost(results: DocumentCost[]): string[] {
  return results.map((r) => `   ${r.shape}: ${r.medianMs.toFixed(1)} ms to store (median)`)
}

if (process.argv[1]?.endsWith('document-cost.ts')) {
  const { values } = parseArgs({ options: { repeats: { type: 'string', default: '7' } } })
  process.stdout.write(
    `Worst documents DOCUMENT_LIMITS allow (depth ${maxDepth}, arrays ${maxArrayDepth}, ` +
      `${maxValues} values), stored by the real ReportStore:\n`
  )
  measureDocumentCost(Number(values.repeats)).then(
    (results) => process.stdout.write(describeDocumentCost(results).join('\n') + '\n'),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`)
      process.exitCode = 1
    }
  )
}
