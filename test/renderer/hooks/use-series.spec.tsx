// @vitest-environment jsdom
import { act, useState } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, describe, expect, it } from 'vitest'

import { BridgeError } from '../../../src/renderer/src/bridge/console-bridge'
import { useSeries, type SeriesView } from '../../../src/renderer/src/hooks/use-series'
import type { SeriesBody, SeriesQuery } from '../../../src/shared/history-types'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

/** A bridge whose answers the spec hands out, one asked query at a time. */
function pendingBridge() {
  const asked: Array<{
    query: SeriesQuery
    answer: (body: SeriesBody) => Promise<void>
    refuse: (message: string) => Promise<void>
  }> = []
  const bridge = {
    series: (query: SeriesQuery) =>
      new Promise<SeriesBody>((resolve, reject) => {
        asked.push({
          query,
          answer: (body) => act(async () => resolve(body)),
          refuse: (message) => act(async () => reject(new BridgeError('bad_request', message)))
        })
      })
  }
  return { bridge, asked }
}

const body = (since: number): SeriesBody => ({
  device: 'd',
  since,
  until: since + 1000,
  bucketMs: 1,
  series: [{ field: 'temp', buckets: [] }]
})

let root: Root | undefined
afterEach(() => act(() => root?.unmount()))

/** Renders the hook; `setKey` changes its key, `views` is every view it returned. */
async function render(bridge: ReturnType<typeof pendingBridge>['bridge']) {
  const views: SeriesView[] = []
  let setKey: (key: number) => void = () => undefined
  function Probe(): null {
    const [key, set] = useState(0)
    setKey = set
    views.push(
      useSeries(bridge, String(key), () => ({
        device: 'd',
        fields: ['temp'],
        since: key,
        until: key + 1000
      }))
    )
    return null
  }
  root = createRoot(document.createElement('div'))
  await act(async () => root!.render(<Probe />))
  return { views, setKey: (key: number) => act(async () => setKey(key)) }
}

describe('useSeries', () => {
  it('asks as its key changes, keeping the last answer on screen meanwhile', async () => {
    const { bridge, asked } = pendingBridge()
    const { views, setKey } = await render(bridge)
    expect(asked.map((a) => a.query.since)).toEqual([0])
    expect(views.at(-1)).toEqual({ state: 'loading' })
    await asked[0]!.answer(body(0))
    expect(views.at(-1)).toEqual({ state: 'ready', body: body(0) })

    await setKey(5)
    expect(asked.map((a) => a.query.since)).toEqual([0, 5])
    expect(views.at(-1)).toEqual({ state: 'loading', body: body(0) })
    await asked[1]!.answer(body(5))
    expect(views.at(-1)).toEqual({ state: 'ready', body: body(5) })
  })

  it('drops an answer that comes after a newer question', async () => {
    const { bridge, asked } = pendingBridge()
    const { views, setKey } = await render(bridge)
    await setKey(5)
    await asked[1]!.answer(body(5))
    await asked[0]!.answer(body(0))
    expect(views.at(-1)).toEqual({ state: 'ready', body: body(5) })
  })

  it('shows a refusal as the view, not thrown', async () => {
    const { bridge, asked } = pendingBridge()
    const { views } = await render(bridge)
    await asked[0]!.refuse('points must be at most 10000')
    expect(views.at(-1)).toEqual({ state: 'error', message: 'points must be at most 10000' })
  })
})
