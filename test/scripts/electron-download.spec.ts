import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { tempDirs } from '../support/temp-dir'

const root = join(__dirname, '../..')
const electronDir = join(root, 'node_modules/electron')
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as {
  version: string
}

const dirs = tempDirs()
let server: Server | null = null
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  server = null
  await dirs.cleanup()
})

/** A zip like Electron's release asset, holding a stand-in `electron` that says it ran. */
function fakeElectronZip(dir: string): Buffer {
  const content = join(dir, 'content')
  mkdirSync(content)
  writeFileSync(join(content, 'electron'), '#!/bin/sh\necho "stand-in electron ran: $*"\n', {
    mode: 0o755
  })
  writeFileSync(join(content, 'version'), version)
  const zip = join(dir, 'electron.zip')
  // python3's zipfile keeps the executable bit (it is on every machine these tests run on).
  execFileSync('python3', [
    '-c',
    'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  for n in sys.argv[3:]: z.write(sys.argv[2] + "/" + n, n)',
    zip,
    content,
    'electron',
    'version'
  ])
  return readFileSync(zip)
}

/** Serves one release, as Electron's mirror lays it out: `v<version>/<file>` and SHASUMS256.txt. */
async function serveMirror(fileName: string, zip: Buffer): Promise<string> {
  const sum = createHash('sha256').update(zip).digest('hex')
  server = createServer((req, res) => {
    if (req.url === `/v${version}/${fileName}`) res.end(zip)
    else if (req.url === `/v${version}/SHASUMS256.txt`) res.end(`${sum} *${fileName}\n`)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`
}

describe("Electron's first-start download on this Node", () => {
  // Electron 45's downloader declares Node >= 22.12 (npm warns EBADENGINE on Node 20); README
  // claims the download works on the Node the console needs. This runs it for real, from a
  // mirror on 127.0.0.1, into a copy of the electron package (the real one is left alone).
  it.skipIf(process.platform !== 'linux')(
    'downloads, checks and unpacks the runtime, and the unpacked binary runs',
    async () => {
      const dir = await dirs.make()
      const pkg = join(dir, 'node_modules/electron')
      mkdirSync(pkg, { recursive: true })
      for (const file of ['install.js', 'package.json', 'index.js'])
        copyFileSync(join(electronDir, file), join(pkg, file))
      for (const scope of ['@electron', '@electron-internal'])
        symlinkSync(join(root, 'node_modules', scope), join(dir, 'node_modules', scope), 'dir')
      const fileName = `electron-v${version}-linux-${process.arch}.zip`
      const mirror = await serveMirror(fileName, fakeElectronZip(dir))

      const env = {
        ...process.env,
        ELECTRON_MIRROR: mirror,
        electron_use_remote_checksums: '1',
        electron_config_cache: join(dir, 'cache')
      }
      const install = spawn(process.execPath, [join(pkg, 'install.js')], { env })
      let output = ''
      install.stdout.on('data', (b: Buffer) => (output += b))
      install.stderr.on('data', (b: Buffer) => (output += b))
      const code = await new Promise((resolve) => install.on('exit', resolve))

      expect({ code, output }).toEqual({ code: 0, output: '' })
      expect(readFileSync(join(pkg, 'path.txt'), 'utf8')).toBe('electron')
      expect(execFileSync(join(pkg, 'dist/electron'), ['--version'], { encoding: 'utf8' })).toBe(
        'stand-in electron ran: --version\n'
      )
      // electron's own index.js, as `require('electron')` in a launcher, names that binary.
      const named = execFileSync(
        process.execPath,
        ['-e', `process.stdout.write(require(${JSON.stringify(pkg)}))`],
        { encoding: 'utf8' }
      )
      expect(named).toBe(join(pkg, 'dist/electron'))
    }
  )
})
