import { afterEach, describe, expect, it } from 'vitest'

import { serveApi, startServe, type ServeProcess } from '../../../../support/cli-process'
import { mqttClients } from '../../../../support/mqtt'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
const clients = mqttClients()
let serve: ServeProcess | null = null
afterEach(async () => {
  await clients.cleanup()
  if (serve !== null && serve.proc.exitCode === null && serve.proc.signalCode === null) {
    serve.proc.kill('SIGKILL')
    await serve.exited
  }
  serve = null
  await dirs.cleanup()
})

describe('lookout serve --mqtt-port (the built CLI)', () => {
  it('prints the broker as an ingest line, stores what it is sent, and stops on SIGTERM', async () => {
    serve = await startServe(await dirs.make(), ['--mqtt-port', '0'])
    const line = /^ingest: mqtt:\/\/127\.0\.0\.1:(\d+)$/m.exec(serve.stdout())
    expect(line, serve.stdout()).not.toBeNull()
    const device = await clients.connect(Number(line![1]))
    await device.publishAsync('lookout/cli-1/temp', '19.5', { qos: 1 })
    expect(await serveApi(serve, '/api/reports?device=cli-1')).toMatchObject([{ temp: 19.5 }])
    serve.proc.kill('SIGTERM')
    expect(await serve.exited).toBe(0)
  })
})
