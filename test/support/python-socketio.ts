import { spawnSync } from 'node:child_process'

// Debian's python3-socketio lives in /usr/bin/python3's dist-packages, not in a pyenv python.
export const PYTHON = '/usr/bin/python3'
const INSTALL = 'apt-get install -y python3-socketio python3-requests python3-websocket'

/**
 * Whether the interop specs can run: python3-socketio importable by PYTHON. When it is not, the
 * skip is said loudly on stderr, and under CI it is an error, since CI must run every test.
 */
export function pythonSocketioAvailable(): boolean {
  const available = spawnSync(PYTHON, ['-c', 'import socketio'], { encoding: 'utf8' }).status === 0
  if (!available) {
    const line = `\n*** SKIPPED: the python3-socketio interop test needs Debian's python3-socketio: ${INSTALL} ***\n`
    if (process.env.CI) throw new Error(`CI must run every test${line}`)
    process.stderr.write(line)
  }
  return available
}

/**
 * Whether the `/stream` witness can run: Debian's python3-websocket (websocket-client)
 * importable by PYTHON; said loudly when not, and an error under CI, as above.
 */
export function pythonWebsocketAvailable(): boolean {
  const available = spawnSync(PYTHON, ['-c', 'import websocket'], { encoding: 'utf8' }).status === 0
  if (!available) {
    const line = `\n*** SKIPPED: the /stream witness test needs Debian's python3-websocket: ${INSTALL} ***\n`
    if (process.env.CI) throw new Error(`CI must run every test${line}`)
    process.stderr.write(line)
  }
  return available
}
