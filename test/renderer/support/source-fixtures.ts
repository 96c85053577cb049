import type {
  ModbusSourceConfig,
  OpcuaSourceConfig,
  SourceHealth,
  SourceStatus
} from '../../../src/shared/source-types'

export const modbusConfig = (over: Partial<ModbusSourceConfig> = {}): ModbusSourceConfig => ({
  id: 'boiler-plc',
  type: 'modbus',
  device: 'boiler-1',
  host: '10.0.0.7',
  port: 502,
  unitId: 1,
  intervalMs: 1000,
  registers: [{ field: 'temp', kind: 'holding', address: 0, type: 'int16', scale: 0.1 }],
  ...over
})

export const opcuaConfig = (over: Partial<OpcuaSourceConfig> = {}): OpcuaSourceConfig => ({
  id: 'line-2-opc',
  type: 'opcua',
  device: 'line-2',
  endpoint: 'opc.tcp://10.0.0.8:4840/UA/Server',
  user: 'lookout',
  password: '…',
  nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Line2.Rpm', samplingMs: 500 }],
  ...over
})

/** A source's status as GET /api/sources lists it. */
export function status(
  config: SourceStatus['config'],
  over: Partial<Omit<SourceStatus, 'config'>> = {}
): SourceStatus {
  return {
    config,
    origin: 'console',
    state: 'connected',
    lastError: null,
    lastRead: 4_000,
    readsPerSec: 1,
    ...over
  }
}

/** The same as the live topic `sources` carries it. */
export function healthOf(s: SourceStatus): SourceHealth {
  const { config, ...rest } = s
  return { id: config.id, type: config.type, device: config.device, ...rest }
}
