import { describe, expect, it } from 'vitest'

import {
  LineFramer,
  OVERSIZE_LINE,
  type FramedLine
} from '../../../../../src/main/core/ingest/tcp/line-framer'

/** Feeds the chunks through a real LineFramer and returns what it emitted, lines as strings. */
async function frame(chunks: Array<string | Buffer>, max = 64): Promise<Array<string | symbol>> {
  const framer = new LineFramer(max)
  const out: Array<string | symbol> = []
  framer.on('data', (lines: FramedLine[]) => {
    for (const line of lines) out.push(line === OVERSIZE_LINE ? line : line.toString('utf8'))
  })
  const ended = new Promise((resolve) => framer.on('end', resolve))
  for (const chunk of chunks) framer.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  framer.end()
  await ended
  return out
}

describe('LineFramer', () => {
  it('splits many lines arriving in one chunk', async () => {
    expect(await frame(['a\nb\nc\n'])).toEqual(['a', 'b', 'c'])
  })

  it('joins a line split across chunks', async () => {
    expect(await frame(['{"dev', 'ice":', '"x"}\n'])).toEqual(['{"device":"x"}'])
  })

  it('accepts CRLF endings and drops the CR', async () => {
    expect(await frame(['a\r\nb\r', '\n'])).toEqual(['a', 'b'])
  })

  it('ignores empty and blank lines', async () => {
    expect(await frame(['\n\r\n  \n\ta\n\n'])).toEqual(['\ta'])
  })

  it('keeps a multi-byte character split between chunks intact', async () => {
    const bytes = Buffer.from('{"t":"温度"}\n')
    expect(await frame([bytes.subarray(0, 7), bytes.subarray(7)])).toEqual(['{"t":"温度"}'])
  })

  it('reports an oversize line once and resumes after its newline', async () => {
    expect(await frame(['x'.repeat(100) + '\nok\n'], 64)).toEqual([OVERSIZE_LINE, 'ok'])
  })

  it('reports an oversize line that grows across chunks once, without buffering it', async () => {
    const chunks = ['start', ...Array.from({ length: 50 }, () => 'y'.repeat(40)), '\nnext\n']
    expect(await frame(chunks, 64)).toEqual([OVERSIZE_LINE, 'next'])
  })

  it('holds no more than the limit of an oversize line, however long it grows', () => {
    const framer = new LineFramer(1024)
    framer.on('data', () => undefined)
    let most = 0
    for (let i = 0; i < 1000; i++) {
      framer.write(Buffer.from('x'.repeat(700)))
      most = Math.max(most, framer.bufferedBytes)
    }
    expect(most).toBeLessThanOrEqual(1025)
    framer.write(Buffer.from('\n{"ok":1}\n'))
    expect(framer.bufferedBytes).toBe(0)
  })

  it('accepts a line of exactly the limit, even with a CR after it', async () => {
    const line = 'z'.repeat(64)
    expect(await frame([line + '\r\n'])).toEqual([line])
    expect(await frame([line.slice(0, 30), line.slice(30) + '\r', '\n'])).toEqual([line])
  })

  it('emits a last line that has no newline when the input ends', async () => {
    expect(await frame(['a\nb'])).toEqual(['a', 'b'])
  })
})
