#!/usr/bin/env node
// The `lookout` command: runs the built CLI (out/main/cli.js) in plain Node, no Electron.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(
    'lookout: not built yet — run `npm run build` in ' + join(__dirname, '..') + ' first\n'
  )
  process.exit(1)
}
require(cli)
