import { spawnSync } from 'node:child_process'
import { chmod, mkdir, open, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { serveApi, startServe, type ServeProcess } from '../../support/cli-process'
import { eventually } from '../../support/console'
import { LineClient } from '../../support/line-client'
import { tempDirs } from '../../support/temp-dir'

// A disk that fills up under a running console: as root (CI), a real 16 MB tmpfs filled to the
// last byte; elsewhere, where mounting is not allowed, a data dir made read-only (root ignores
// file permissions, so this variant cannot stand in for the first).

const dirs = tempDirs()
const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await dirs.cleanup()
})

interface DiskFault {
  dataDir: string
  break(): Promise<void>
  mend(): Promise<void>
  kind: string
}

async function tmpfsFault(): Promise<DiskFault | null> {
  if (process.getuid?.() !== 0) return null
  const mountPoint = await dirs.make('lookout-tmpfs-')
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint])
  if (mounted.status !== 0) return null
  cleanups.push(async () => spawnSync('umount', ['-l', mountPoint]))
  const dataDir = join(mountPoint, 'data')
  const filler = join(mountPoint, 'filler')
  return {
    kind: 'a full tmpfs',
    dataDir,
    async break() {
      // Fill every last byte, as a runaway log would.
      const handle = await open(filler, 'w')
      const block = Buffer.alloc(64 * 1024, 0x78)
      try {
        for (;;) await handle.write(block)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      }
      let size = 1024
      while (size >= 1) {
        try {
          await handle.write(Buffer.alloc(size, 0x78))
        } catch {
          size = Math.floor(size / 2)
        }
      }
      await handle.close()
    },
    async mend() {
      await rm(filler)
    }
  }
}

async function readOnlyFault(): Promise<DiskFault> {
  const dataDir = join(await dirs.make(), 'data')
  const reports = join(dataDir, 'reports')
  const setMode = async (mode: number) => {
    for (const name of await readdir(reports)) await chmod(join(reports, name), mode)
    await chmod(reports, mode === 0o444 ? 0o555 : 0o755)
  }
  return {
    kind: 'a read-only data dir',
    dataDir,
    break: () => setMode(0o444),
    mend: () => setMode(0o644)
  }
}

// 300-byte reports: a full disk still takes a few into the slack of its last page.
const report = (seq: number) => ({ device: 'tank', seq, note: 'x'.repeat(300) })
const OUTAGE_SEQS = Array.from({ length: 60 }, (_, i) => i + 2)

/** Fills the disk under a device that has had report 1 acked, and sends 60 more into it. */
async function sendIntoOutage(fault: DiskFault, device: LineClient) {
  await fault.break()
  device.send(...OUTAGE_SEQS.map(report))
  const replies = (await device.waitForReplies(1 + OUTAGE_SEQS.length)).slice(1)
  const acked = new Set(replies.filter((r) => 'ack' in r).map((r) => r.ack as number))
  return { replies, acked }
}

/** The stored seqs of the test's device, in order. */
async function storedSeqs(serve: ServeProcess): Promise<number[]> {
  const reports = (await serveApi(serve, '/api/reports?device=tank&limit=1000')) as Array<{
    seq: number
  }>
  return reports.map((r) => r.seq).sort((a, b) => a - b)
}

describe('a disk that fills up', () => {
  it('stops acking with `unavailable`, keeps serving, and recovers by itself when space returns', async () => {
    const fault = (await tmpfsFault()) ?? (await readOnlyFault())
    await mkdir(fault.dataDir, { recursive: true })
    const serve: ServeProcess = await startServe(fault.dataDir)
    cleanups.push(async () => {
      serve.proc.kill('SIGKILL')
      await serve.exited
    })
    const device = await LineClient.connect(serve.ingestPort)
    cleanups.push(async () => device.close())
    device.send(report(1))
    expect(await device.waitForReplies(1)).toEqual([{ ack: 1 }])

    const seqs = OUTAGE_SEQS
    const { replies, acked } = await sendIntoOutage(fault, device)
    const refused = replies.filter((r) => 'error' in r)
    expect(refused.length, fault.kind).toBeGreaterThan(0)
    for (const r of refused) expect(r).toMatchObject({ error: 'unavailable' })
    // Still up: the API and the UI's port answer, and the device's connection stays open.
    expect((await serveApi(serve, '/healthz')).ok).toBe(true)
    expect(await storedSeqs(serve)).toEqual([1, ...acked].sort((a, b) => a - b))
    expect(serve.proc.exitCode).toBeNull()

    await fault.mend()
    // The device resends what was not acked, as the reporter libraries do, until all is acked:
    // the console takes it again without a restart.
    await eventually(async () => {
      const missing = seqs.filter((s) => !acked.has(s))
      if (missing.length === 0) return true
      const before = device.replies.length
      device.send(...missing.map(report))
      for (const r of (await device.waitForReplies(before + missing.length)).slice(before))
        if ('ack' in r) acked.add(r.ack as number)
      return false
    }, 'every report acked once space is back')
    const all = [1, ...seqs]
    // Each once: what a failed write had put on disk was cut back, so resends are not doubled.
    expect(await storedSeqs(serve)).toEqual(all)

    // And what it wrote is whole: a restart loads every report.
    serve.proc.kill('SIGTERM')
    await serve.exited
    const again = await startServe(fault.dataDir)
    cleanups.push(async () => {
      again.proc.kill('SIGKILL')
      await again.exited
    })
    expect(await storedSeqs(again)).toEqual(all)
  })

  it('keeps exactly what was acked when it stops during the outage, and stores resends once after a restart', async () => {
    const fault = (await tmpfsFault()) ?? (await readOnlyFault())
    await mkdir(fault.dataDir, { recursive: true })
    const serve = await startServe(fault.dataDir)
    const device = await LineClient.connect(serve.ingestPort)
    device.send(report(1))
    await device.waitForReplies(1)
    const seqs = OUTAGE_SEQS
    const { acked } = await sendIntoOutage(fault, device)
    expect(acked.size).toBeLessThan(seqs.length)
    device.close()
    serve.proc.kill('SIGTERM')
    expect(await serve.exited).toBe(0)

    await fault.mend()
    const again = await startServe(fault.dataDir)
    cleanups.push(async () => {
      again.proc.kill('SIGKILL')
      await again.exited
    })
    // Exactly what was acked is stored: the unacked part of the failed write went as it stopped.
    expect(await storedSeqs(again)).toEqual([1, ...acked].sort((a, b) => a - b))
    const resend = await LineClient.connect(again.ingestPort)
    cleanups.push(async () => resend.close())
    const missing = seqs.filter((s) => !acked.has(s))
    resend.send(...missing.map(report))
    expect((await resend.waitForReplies(missing.length)).every((r) => 'ack' in r)).toBe(true)
    expect(await storedSeqs(again)).toEqual([1, ...seqs])
  })
})
