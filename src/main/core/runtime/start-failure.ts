/** Why a console could not start, as a person should read it: what happened, and what to do. */
export interface StartFailure {
  message: string
  hint?: string
}

/**
 * Turns a start error into words for the CLI's one line and the desktop window's notice. A port
 * in use names the port and how to find the process that holds it, on each system.
 */
export function describeStartFailure(
  error: unknown,
  ports: { ingest: number; web: number; mqtt?: number; pickle?: number }
): StartFailure {
  const e = error as NodeJS.ErrnoException & { port?: number }
  if (e.code === 'EADDRINUSE') {
    const port = e.port ?? ports.web
    const which =
      port === ports.ingest
        ? `ingest port ${port} (--ingest-port)`
        : port === ports.mqtt
          ? `MQTT port ${port} (--mqtt-port)`
          : port === ports.pickle
            ? `pickle port ${port} (--pickle-port)`
            : `web port ${port} (--web-port)`
    return {
      message: `the ${which} is already in use`,
      hint:
        `Is another Lookout (desktop or \`lookout serve\`) running? Find what holds the port with ` +
        `\`ss -ltnp 'sport = :${port}'\` (Linux), \`lsof -nP -iTCP:${port} -sTCP:LISTEN\` (macOS) ` +
        `or \`netstat -ano | findstr :${port}\` (Windows), stop it or choose another port.`
    }
  }
  if (e.code === 'EACCES')
    return {
      message: e.message,
      hint: 'A port below 1024 needs privileges, or the data dir is not writable.'
    }
  return { message: e.message ?? String(error) }
}
