import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { repairTornTail } from '../../../../../src/main/core/persistence/nedb/torn-tail'
import { serveApi, startServe } from '../../../../support/cli-process'
import { LineClient } from '../../../../support/line-client'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(await dirs.make(), 'x.db')
  await writeFile(path, content)
  return path
}

describe('repairTornTail', () => {
  it('leaves a whole file alone', async () => {
    const path = await fileWith('{"a":1}\n{"a":2}\n')
    expect(await repairTornTail(path)).toBeNull()
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n')
  })

  it('cuts a last line without its newline, keeping every complete line', async () => {
    const path = await fileWith('{"a":1}\n{"a":2}\n{"a":3,"b":"hal')
    expect(await repairTornTail(path)).toEqual({ file: path, bytes: 15 })
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n')
  })

  it('cuts the NUL bytes a power cut leaves, with the torn line before them', async () => {
    const path = await fileWith(Buffer.concat([Buffer.from('{"a":1}\n{"a":'), Buffer.alloc(4096)]))
    expect(await repairTornTail(path)).toEqual({ file: path, bytes: 5 + 4096 })
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n')
    const onlyZeros = await fileWith(Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.alloc(100)]))
    expect(await repairTornTail(onlyZeros)).toEqual({ file: onlyZeros, bytes: 100 })
  })

  it('empties a file whose only line is torn', async () => {
    const path = await fileWith('{"a":1')
    expect(await repairTornTail(path)).toEqual({ file: path, bytes: 6 })
    expect(await readFile(path, 'utf8')).toBe('')
  })
})

describe('a console killed mid-write', () => {
  it('repairs the torn store file on start, says so, and keeps every acked report', async () => {
    const dir = await dirs.make()
    let serve = await startServe(dir)
    const device = await LineClient.connect(serve.ingestPort)
    device.send(...Array.from({ length: 5 }, (_, i) => ({ device: 'boiler', seq: i + 1 })))
    await device.waitForReplies(5)
    device.close()
    serve.proc.kill('SIGKILL')
    await serve.exited

    // The write a power cut interrupted: half a report at the end of the active partition, and
    // half a push client record. Six lines with one torn is 17% corrupt: NeDB alone would refuse.
    const reportsDir = join(dir, 'reports')
    const active = (await readdir(reportsDir))
      .filter((f) => f.startsWith('reports-'))
      .sort()
      .at(-1)!
    await appendFile(join(reportsDir, active), '{"device":"boiler","seq":6,"ti')
    await appendFile(join(dir, 'clients.db'), '{"uid":"pho')

    serve = await startServe(dir)
    try {
      expect(serve.stderr()).toMatch(
        new RegExp(`repaired a data file: removed its torn last line.*${active}`)
      )
      expect(serve.stderr()).toMatch(/repaired a data file.*clients\.db/)
      const stored = (await serveApi(serve, '/api/reports?device=boiler')) as Array<{ seq: number }>
      expect(stored.map((r) => r.seq)).toEqual([5, 4, 3, 2, 1])
      // And it goes on: the resent report is stored once.
      const again = await LineClient.connect(serve.ingestPort)
      again.send({ device: 'boiler', seq: 6 })
      expect(await again.waitForReplies(1)).toEqual([{ ack: 6 }])
      again.close()
    } finally {
      serve.proc.kill('SIGTERM')
      await serve.exited
    }
  })
})
