import { OPCUACertificateManager } from 'node-opcua-certificate-manager'
import { DataType, Variant } from 'node-opcua-client'
import { OPCUAServer } from 'node-opcua-server'

/** The variables of the test server, under ns=1 with string ids (`ns=1;s=Temp`). */
export interface OpcuaTestValues {
  Temp: number
  Running: boolean
  Mode: string
  Count: number
  Big: [number, number]
  Started: Date
  Samples: number[]
}

const TYPES: Record<keyof OpcuaTestValues, { dataType: DataType; array?: boolean }> = {
  Temp: { dataType: DataType.Double },
  Running: { dataType: DataType.Boolean },
  Mode: { dataType: DataType.String },
  Count: { dataType: DataType.Int32 },
  Big: { dataType: DataType.Int64 },
  Started: { dataType: DataType.DateTime },
  Samples: { dataType: DataType.Double, array: true }
}

export interface RunningOpcuaServer {
  endpoint: string
  port: number
  /** Sets a variable's value as the device would: the next sample reports it. */
  set<K extends keyof OpcuaTestValues>(name: K, value: OpcuaTestValues[K]): void
  close(): Promise<void>
}

export interface OpcuaServerOptions {
  port: number
  /** Its certificates (a temp dir): never the user's home. */
  pkiDir: string
  /** user → password; when given, anonymous sessions are refused. */
  users?: Record<string, string>
  initial?: Partial<OpcuaTestValues>
}

const DEFAULTS: OpcuaTestValues = {
  Temp: 21.5,
  Running: true,
  Mode: 'auto',
  Count: -7,
  Big: [1, 705_032_704], // 5,000,000,000
  Started: new Date(1_700_000_000_000),
  Samples: [1, 2]
}

/** A real node-opcua server on 127.0.0.1, security None, a few variables of each kind. */
export async function startOpcuaServer(options: OpcuaServerOptions): Promise<RunningOpcuaServer> {
  const values = { ...DEFAULTS, ...options.initial }
  const users = options.users
  const certificates = new OPCUACertificateManager({
    rootFolder: `${options.pkiDir}/server`,
    disableFileWatchers: true,
    automaticallyAcceptUnknownCertificate: true
  })
  const userCertificates = new OPCUACertificateManager({
    rootFolder: `${options.pkiDir}/user`,
    disableFileWatchers: true
  })
  const server = new OPCUAServer({
    port: options.port,
    hostname: '127.0.0.1',
    resourcePath: '/lookout',
    serverCertificateManager: certificates,
    userCertificateManager: userCertificates,
    allowAnonymous: users === undefined,
    userManager:
      users === undefined
        ? undefined
        : { isValidUser: (user: string, password: string) => users[user] === password },
    buildInfo: { productName: 'lookout-test', buildNumber: '1' }
  })
  await server.initialize()
  const addressSpace = server.engine.addressSpace
  if (addressSpace === null) throw new Error('the OPC UA test server has no address space')
  const namespace = addressSpace.getOwnNamespace()
  const device = namespace.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: 'Plc'
  })
  const variables = new Map<keyof OpcuaTestValues, ReturnType<typeof namespace.addVariable>>()
  for (const name of Object.keys(TYPES) as (keyof OpcuaTestValues)[]) {
    const { dataType, array } = TYPES[name]
    const variable = namespace.addVariable({
      componentOf: device,
      browseName: name,
      nodeId: `s=${name}`,
      dataType,
      valueRank: array === true ? 1 : -1
    })
    variables.set(name, variable)
  }
  const set = <K extends keyof OpcuaTestValues>(name: K, value: OpcuaTestValues[K]): void => {
    const { dataType, array } = TYPES[name]
    variables
      .get(name)
      ?.setValueFromSource(new Variant({ dataType, value, arrayType: array === true ? 1 : 0 }))
  }
  for (const name of Object.keys(TYPES) as (keyof OpcuaTestValues)[]) set(name, values[name])
  await server.start()
  return {
    endpoint: `opc.tcp://127.0.0.1:${options.port}/lookout`,
    port: options.port,
    set,
    close: async () => {
      await server.shutdown(0)
      await Promise.all([certificates.dispose(), userCertificates.dispose()])
    }
  }
}
