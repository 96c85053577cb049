import type { CpuInfo } from 'node:os'

/** Busy share of each core and of all together since the previous reading, in percent. */
export interface CpuLoadReading {
  cpus: number[]
  cpu: number
}

type Times = CpuInfo['times']

/**
 * CPU load from the kernel's per-core time counters (`os.cpus()`), the difference between two
 * readings. systeminformation's `currentLoad()` reads the same counters but also runs
 * `cat /proc/stat | grep cpu` through a shell with execSync, once a sample: on a loaded
 * machine that held the console's event loop for tens of milliseconds every second (9% of the
 * main thread's time under the MQTT benchmark), stalling every connection meanwhile.
 */
export class CpuLoad {
  private previous: Times[] = []

  /** The load since the last call (since boot on the first), from `times`: one entry per core. */
  read(times: readonly Times[]): CpuLoadReading {
    let busyAll = 0
    let totalAll = 0
    const cpus = times.map((now, i) => {
      const before = this.previous[i]
      const busy = busyOf(now) - (before === undefined ? 0 : busyOf(before))
      const total = busy + now.idle - (before?.idle ?? 0)
      busyAll += busy
      totalAll += total
      return percent(busy, total)
    })
    this.previous = times.map((t) => ({ ...t }))
    return { cpus, cpu: percent(busyAll, totalAll) }
  }
}

function busyOf(t: Times): number {
  return t.user + t.nice + t.sys + t.irq
}

/** 0 when no time passed (or a counter went back, as after a core went offline). */
function percent(busy: number, total: number): number {
  return total > 0 && busy >= 0 ? Math.min(100, (100 * busy) / total) : 0
}
