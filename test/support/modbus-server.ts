import { ServerTCP } from 'modbus-serial'

/** What the test server answers, by address: change a value and the next read sees it. */
export interface ModbusVector {
  holding: Map<number, number>
  input: Map<number, number>
  coils: Map<number, boolean>
  discrete: Map<number, boolean>
}

export function modbusVector(): ModbusVector {
  return { holding: new Map(), input: new Map(), coils: new Map(), discrete: new Map() }
}

/** Two registers of a float32, high word first (`big`) or low word first (`little`). */
export function float32Words(value: number, order: 'big' | 'little' = 'big'): [number, number] {
  const buffer = Buffer.alloc(4)
  buffer.writeFloatBE(value, 0)
  const high = buffer.readUInt16BE(0)
  const low = buffer.readUInt16BE(2)
  return order === 'big' ? [high, low] : [low, high]
}

/** A 16-bit register holding a signed value (two's complement), as a device sends -12. */
export function int16Word(value: number): number {
  return value & 0xffff
}

export interface RunningModbusServer {
  port: number
  /** Reads served so far (each register or bit counted), to see a poller reading. */
  reads(): number
  close(): Promise<void>
}

/**
 * modbus-serial's real Modbus TCP server on 127.0.0.1:`port` (it takes no port 0: a port of 0
 * is its default 502), answering from `vector`; an address not in it answers 0 / false.
 */
export async function startModbusServer(
  vector: ModbusVector,
  port: number,
  unitID = 1
): Promise<RunningModbusServer> {
  let reads = 0
  const word = (map: Map<number, number>, addr: number): number => {
    reads++
    return map.get(addr) ?? 0
  }
  const bit = (map: Map<number, boolean>, addr: number): boolean => {
    reads++
    return map.get(addr) ?? false
  }
  const server = new ServerTCP(
    {
      getHoldingRegister: (addr: number) => word(vector.holding, addr),
      getInputRegister: (addr: number) => word(vector.input, addr),
      getCoil: (addr: number) => bit(vector.coils, addr),
      getDiscreteInput: (addr: number) => bit(vector.discrete, addr)
    },
    { host: '127.0.0.1', port, unitID }
  )
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve())
    server.once('serverError', (error: Error | null) => reject(error ?? new Error('serverError')))
  })
  let closed: Promise<void> | null = null
  return {
    port,
    reads: () => reads,
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve())))
  }
}
