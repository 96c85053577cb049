/**
 * What a simulated machine reports: a few readings that drift like real sensors (a bounded
 * random walk), and a status that follows them. Pure apart from the random source.
 */
export interface Reading {
  temperature: number
  pressure: number
  rpm: number
  status: 'ok' | 'warn' | 'alarm'
}

export class DeviceModel {
  private temperature: number
  private pressure: number
  private rpm: number

  constructor(private readonly random: () => number = Math.random) {
    this.temperature = 40 + random() * 20
    this.pressure = 1 + random()
    this.rpm = 1200 + random() * 600
  }

  next(): Reading {
    this.temperature = clamp(this.temperature + (this.random() - 0.5) * 1.5, 15, 110)
    this.pressure = clamp(this.pressure + (this.random() - 0.5) * 0.05, 0.5, 3)
    this.rpm = clamp(this.rpm + (this.random() - 0.5) * 40, 0, 3000)
    const status = this.temperature > 95 ? 'alarm' : this.temperature > 80 ? 'warn' : 'ok'
    return {
      temperature: round(this.temperature, 2),
      pressure: round(this.pressure, 3),
      rpm: Math.round(this.rpm),
      status
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
