#!/usr/bin/env node
// `npm start`: build, then open the desktop app where Electron's runtime is present; where it is
// not (no binary and no way to download it, or no display), say so in one line and run the same
// console headless, exactly as `lookout serve` does. Arguments after `--` go to `lookout serve`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'))
const skipBuild = args[0] === '--no-build'
const serveArgs = skipBuild ? args.slice(1) : args

if (!skipBuild) {
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
  if (build.status !== 0) {
    console.error('lookout: the build failed (see above); fix it, then run `npm start` again')
    process.exit(build.status ?? 1)
  }
}

const runtime = await findElectronRuntime()
if (runtime.binary !== null) {
  const child = spawn(runtime.binary, [root], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} else {
  console.log(
    `Lookout: ${runtime.reason}, so the console runs headless (as \`lookout serve\`): open the \`open:\` address below in a browser.`
  )
  process.argv = [process.argv[0], join(root, 'out/main/cli.js'), 'serve', ...serveArgs]
  await import(pathToFileURL(join(root, 'out/main/cli.js')).href)
}

/** The Electron binary to launch, or null and the reason there is none. */
async function findElectronRuntime() {
  if (process.env.LOOKOUT_HEADLESS === '1')
    return { binary: null, reason: 'LOOKOUT_HEADLESS=1 is set' }
  let electronDir
  try {
    electronDir = dirname(require.resolve('electron/package.json'))
  } catch {
    return { binary: null, reason: 'Electron is not installed (npm install skipped it)' }
  }
  const installed = () => {
    const pathFile = join(electronDir, 'path.txt')
    if (!existsSync(pathFile)) return null
    const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? binary : null
  }
  let binary = installed()
  if (binary !== null) return withDisplay(binary)
  // Electron fetches its binary on first use; here that download is ours to run, quietly, so a
  // machine without access to it gets one clear line instead of the downloader's stack trace.
  const notice = setTimeout(
    () => console.log("Lookout: fetching Electron's runtime (first start only)…"),
    2000
  )
  const ok = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore' })
    child.on('error', () => resolve(false))
    child.on('exit', (code) => resolve(code === 0))
  })
  clearTimeout(notice)
  binary = ok ? installed() : null
  if (binary !== null) return withDisplay(binary)
  return {
    binary: null,
    reason: "Electron's runtime is not installed and could not be downloaded here"
  }
}

function withDisplay(binary) {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return {
      binary: null,
      reason: 'there is no display ($DISPLAY is not set) for the desktop window'
    }
  }
  return { binary }
}
