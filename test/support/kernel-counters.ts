import { readFile } from 'node:fs/promises'

/**
 * Handshakes Linux has dropped, machine-wide, because a listening socket's accept queue was full
 * (TcpExt ListenOverflows in /proc/net/netstat). Elsewhere the figure is not to be had: null.
 */
export async function listenOverflows(): Promise<number | null> {
  let text: string
  try {
    text = await readFile('/proc/net/netstat', 'utf8')
  } catch {
    return null
  }
  const [names, values] = text.split('\n').filter((line) => line.startsWith('TcpExt:'))
  const at = names?.split(' ').indexOf('ListenOverflows') ?? -1
  return at === -1 ? null : Number(values?.split(' ')[at])
}
