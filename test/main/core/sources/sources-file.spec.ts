import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { api, eventually } from '../../../support/console'
import { freePort } from '../../../support/free-port'
import { modbusVector } from '../../../support/modbus-server'
import { FAST_RETRY, latestReport, sourcesFixture, sourceStatuses } from './source-fixtures'

const fixture = sourcesFixture()
afterEach(() => fixture.cleanup())

function yaml(port: number, field: string, extra = ''): string {
  return [
    'sources:',
    '  - id: boiler',
    '    type: modbus',
    '    device: boiler',
    '    host: 127.0.0.1',
    `    port: ${port}`,
    '    intervalMs: 100',
    '    registers:',
    `      - { field: ${field}, kind: holding, address: 0 }`,
    extra
  ].join('\n')
}

describe('the sources file (--sources)', () => {
  it('runs its sources, applies an edit, refuses a broken one with line and column and keeps the old', async () => {
    const vector = modbusVector()
    vector.holding.set(0, 42)
    const server = await fixture.modbusServer(vector)
    const dir = await fixture.dirs.make()
    const file = join(dir, 'sources.yaml')
    await writeFile(file, yaml(server.port, 'pressure'))
    const c = await fixture.start({ sourcesFile: file }, FAST_RETRY)

    await eventually(
      async () => (await latestReport(c, 'boiler'))?.pressure === 42,
      'the file source'
    )
    expect((await sourceStatuses(c))[0]).toMatchObject({ origin: 'file', config: { id: 'boiler' } })

    // An edit applies without a restart: a renamed field, a second source.
    const second = [
      '  - id: boiler-2',
      '    type: modbus',
      '    device: boiler-2',
      '    host: 127.0.0.1',
      `    port: ${server.port}`,
      '    intervalMs: 100',
      '    registers: [{ field: level, kind: holding, address: 0 }]'
    ].join('\n')
    await writeFile(file, yaml(server.port, 'bar', second))
    await eventually(async () => (await latestReport(c, 'boiler'))?.bar === 42, 'the renamed field')
    await eventually(
      async () => (await latestReport(c, 'boiler-2'))?.level === 42,
      'the new source'
    )

    // A broken edit: refused, saying where; what was in force keeps reading.
    await writeFile(file, yaml(server.port, 'bar').replace('address: 0', 'address: -1'))
    await eventually(
      async () => (await api(c, '/api/diagnostics')).body.sources.fileError !== null,
      'the refusal'
    )
    const { fileError } = (await api(c, '/api/diagnostics')).body.sources
    expect(fileError).toMatch(
      /sources file .*sources\.yaml: sources\[0\] \(boiler\) at line 9, column \d+: registers\[0\]\.address: must be at least 0/
    )
    await writeFile(file, 'sources: [ { id: boiler\n')
    await eventually(
      async () =>
        /not valid YAML.*line \d+, column \d+/.test(
          (await api(c, '/api/diagnostics')).body.sources.fileError ?? ''
        ),
      'the syntax error with its line'
    )
    expect((await sourceStatuses(c)).map((s) => s.config.id)).toEqual(['boiler', 'boiler-2'])
    vector.holding.set(0, 43)
    await eventually(async () => (await latestReport(c, 'boiler-2'))?.level === 43, 'still reading')
  })

  it('keeps file sources read-only here, and file and console ids apart', async () => {
    const dir = await fixture.dirs.make()
    const file = join(dir, 'sources.json')
    const port = await freePort()
    const fileSource = {
      id: 'boiler',
      type: 'modbus',
      device: 'boiler',
      host: '127.0.0.1',
      port,
      registers: [{ field: 'p', kind: 'holding', address: 0 }]
    }
    await writeFile(file, JSON.stringify({ sources: [fileSource] }))
    const c = await fixture.start({ sourcesFile: file }, FAST_RETRY)

    const put = await api(c, '/api/sources/boiler', {
      method: 'PUT',
      body: JSON.stringify(fileSource)
    })
    expect(put.status).toBe(409)
    expect(put.body.message).toMatch(/sources file \(--sources\): change it there/)
    expect((await api(c, '/api/sources/boiler', { method: 'DELETE' })).status).toBe(409)
    const taken = await api(c, '/api/sources', { method: 'POST', body: JSON.stringify(fileSource) })
    expect(taken.status).toBe(409)

    // A console source, then a file edit that would take its id: refused, naming it.
    const mine = { ...fileSource, id: 'mine', device: 'mine' }
    expect(
      (await api(c, '/api/sources', { method: 'POST', body: JSON.stringify(mine) })).status
    ).toBe(201)
    await writeFile(file, JSON.stringify({ sources: [fileSource, mine] }))
    await eventually(
      async () =>
        /mine is the id of a source made in the console/.test(
          (await api(c, '/api/diagnostics')).body.sources.fileError ?? ''
        ),
      'the collision refused'
    )
    const listed = await sourceStatuses(c)
    expect(listed.map((s) => [s.config.id, s.origin])).toEqual([
      ['boiler', 'file'],
      ['mine', 'console']
    ])

    // A JSON syntax error says where.
    await writeFile(file, '{ "sources": [ { "id": "boiler", } ] }')
    await eventually(
      async () =>
        /not valid JSON \(at line 1, column \d+\)/.test(
          (await api(c, '/api/diagnostics')).body.sources.fileError ?? ''
        ),
      'the JSON syntax error'
    )
  })

  it('stops the start when the file is broken from the first', async () => {
    const dir = await fixture.dirs.make()
    const file = join(dir, 'sources.yaml')
    await writeFile(file, 'sources:\n  - id: x\n    type: modbus\n')
    await expect(fixture.start({ sourcesFile: file }, FAST_RETRY)).rejects.toThrow(
      /sources file .*: sources\[0\] \(x\) at line 2, column \d+: device: required/
    )
  })
})
