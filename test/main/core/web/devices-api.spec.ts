import { afterEach, describe, expect, it } from 'vitest'

import type { DevicePage, DeviceState } from '../../../../src/shared/api-types'
import {
  api,
  consoleFixture,
  eventually,
  liveClient,
  nextEvent,
  VIEW_KEY,
  type LiveClient,
  type RunningConsole
} from '../../../support/console'
import { LineClient } from '../../../support/line-client'

const fixture = consoleFixture()
const closers: Array<() => void> = []
afterEach(async () => {
  for (const close of closers.splice(0)) close()
  await fixture.cleanup()
})

/** Reports one report from each of `count` devices (`dev-00000`…) and waits for their acks. */
async function fleet(c: RunningConsole, count: number, prefix = 'dev-'): Promise<LineClient> {
  const d = await LineClient.connect(c.addresses.ingest.port)
  closers.push(() => d.socket.destroy())
  const before = d.replies.length
  d.send(
    ...Array.from({ length: count }, (_, i) => ({
      device: `${prefix}${String(i).padStart(5, '0')}`,
      seq: i
    }))
  )
  await d.waitForReplies(before + count)
  return d
}

/** Devices the console knows now. */
function known(c: RunningConsole): number {
  return c.core.operations.devicePage({ limit: 1 }).total
}

function viewer(c: RunningConsole): LiveClient {
  const s = liveClient(c, VIEW_KEY)
  closers.push(() => s.close())
  return s
}

describe('GET /api/devices, paged', () => {
  it('walks every device in id order with limit and after', async () => {
    const c = await fixture.start()
    await fleet(c, 1200)
    await eventually(() => known(c) === 1200, 'all devices registered')
    const seen: string[] = []
    let after: string | null = null
    let pages = 0
    do {
      const query: string = after === null ? '?limit=500' : `?limit=500&after=${after}`
      const { status, body } = await api(c, `/api/devices${query}`, { key: VIEW_KEY })
      expect(status).toBe(200)
      const page = body as DevicePage
      expect(page.total).toBe(1200)
      expect(page.devices.length).toBeLessThanOrEqual(500)
      seen.push(...page.devices.map((d) => d.id))
      after = page.next
      pages += 1
    } while (after !== null)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(1200)
    expect(seen).toEqual([...seen].sort())
    expect(new Set(seen).size).toBe(1200)
  })

  it('answers a page of 500 for after= alone, and refuses bad limits', async () => {
    const c = await fixture.start()
    await fleet(c, 600)
    await eventually(() => known(c) === 600, 'all devices registered')
    const first = (await api(c, '/api/devices?after=')).body as DevicePage
    expect(first.devices).toHaveLength(500)
    expect(first.next).toBe('dev-00499')
    for (const limit of ['0', '5001', '-1', 'x', '1.5']) {
      const { status, body } = await api(c, `/api/devices?limit=${limit}`)
      expect(status).toBe(400)
      expect(body).toEqual({
        error: 'bad_request',
        message: 'limit: must be a whole number from 1 to 5000'
      })
    }
  })

  it('still answers a bare array without paging parameters (older scripts)', async () => {
    const c = await fixture.start()
    await fleet(c, 3)
    await eventually(() => known(c) === 3, 'all devices registered')
    const { body } = await api(c, '/api/devices')
    expect((body as DeviceState[]).map((d) => d.id)).toEqual([
      'dev-00000',
      'dev-00001',
      'dev-00002'
    ])
  })
})

describe('devices on /live', () => {
  it('sends a new viewer every device once, then only the devices that changed', async () => {
    const c = await fixture.start()
    const announced = new Set<string>()
    const { unsubscribe } = c.core.operations.subscribeLive((event, payload) => {
      if (event === 'devices') for (const x of payload as DeviceState[]) announced.add(x.id)
    })
    closers.push(unsubscribe)
    const d = await fleet(c, 2000)
    await eventually(() => known(c) === 2000, 'all devices registered')
    // The fleet's own announcement has gone out before the viewer joins.
    await eventually(() => announced.size === 2000, 'the fleet announced')
    const s = viewer(c)
    const batches: DeviceState[][] = []
    s.on('devices', (devices) => batches.push(devices))
    await nextEvent(s, 'metrics') // the snapshot's last part: its devices came before
    expect(batches).toHaveLength(1)
    expect(batches[0]!.map((x) => x.id)).toEqual(
      Array.from({ length: 2000 }, (_, i) => `dev-${String(i).padStart(5, '0')}`)
    )
    const from = batches.length
    d.send({ device: 'dev-00042', seq: 9000 }, { device: 'dev-01999', seq: 9001 })
    await eventually(
      () => batches.slice(from).some((b) => b.some((x) => x.id === 'dev-01999' && x.reports === 2)),
      'the change announced'
    )
    const changed = batches.slice(from).flat()
    expect(changed.length).toBeLessThanOrEqual(2 * 2)
    expect(new Set(changed.map((x) => x.id))).toEqual(new Set(['dev-00042', 'dev-01999']))
  })
})
