import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) that a summary needs. */
interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
  }>
  samples: number[]
  timeDeltas: number[]
}

export interface HotFunction {
  name: string
  /** Where it is defined, relative to the project when it is inside it. */
  where: string
  selfMs: number
  /** Share of the busy (non-idle) time. */
  percent: number
}

export interface ProfileSummary {
  /** Sampled time, idle included, ms. */
  totalMs: number
  busyMs: number
  top: HotFunction[]
}

/**
 * Self time per function over every `.cpuprofile` in `dir`, largest first: where the console's
 * CPU time went. `(garbage collector)` and `(program)` are V8's own buckets; `(idle)` is left out
 * of the list and of the percentages.
 */
export async function summariseProfiles(dir: string, top: number): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'))
  const self = new Map<string, { name: string; where: string; us: number }>()
  let totalUs = 0
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
    for (let i = 0; i < profile.samples.length; i++) {
      const frame = byId.get(profile.samples[i]!)
      const us = profile.timeDeltas[i] ?? 0
      totalUs += us
      if (frame === undefined) continue
      const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
      const key = `${frame.functionName}@${where}`
      const entry = self.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 }
      entry.us += us
      self.set(key, entry)
    }
  }
  const idleUs = [...self.values()].find((e) => e.name === '(idle)')?.us ?? 0
  const busyUs = totalUs - idleUs
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    top: [...self.values()]
      .filter((e) => e.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({
        name: e.name,
        where: e.where,
        selfMs: e.us / 1000,
        percent: busyUs > 0 ? (100 * e.us) / busyUs : 0
      }))
  }
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '')
  const inProject = relative(join(__dirname, '..'), path)
  return inProject.startsWith('..') ? path : inProject
}
