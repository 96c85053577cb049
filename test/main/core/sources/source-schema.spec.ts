import { describe, expect, it } from 'vitest'

import {
  checkSource,
  parseSource,
  parseSourcesFile
} from '../../../../src/main/core/sources/source-schema'

const modbus = {
  id: 'plc-1',
  type: 'modbus',
  device: 'plc-1',
  host: '10.0.0.7',
  registers: [{ field: 't', kind: 'holding', address: 0 }]
}

describe('checkSource', () => {
  it('takes a full Modbus and OPC UA source as given, defaults left to the driver', () => {
    const full = {
      ...modbus,
      port: 5020,
      unitId: 0,
      intervalMs: 3_600_000,
      registers: [
        { field: 'f', kind: 'input', address: 65_534, type: 'float32', wordOrder: 'little' },
        { field: 'c', kind: 'coil', address: 65_535 }
      ]
    }
    expect(checkSource(full)).toEqual({ source: full })
    const opcua = {
      id: 'opc-1',
      type: 'opcua',
      device: 'line-2',
      endpoint: 'opc.tcp://[fe80::1]:4840',
      nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Rpm' }]
    }
    expect(checkSource(opcua)).toEqual({ source: opcua })
  })

  it.each([
    [
      { ...modbus, registers: [{ field: 'f', kind: 'holding', address: 65_535, type: 'int32' }] },
      'registers[0].address: int32 takes two registers: the last address is 65534'
    ],
    [
      { ...modbus, registers: [{ field: 'f', kind: 'holding', address: 0, wordOrder: 'big' }] },
      'registers[0].wordOrder: only for int32, uint32 and float32 (uint16 is one register)'
    ],
    [
      {
        ...modbus,
        registers: [
          { field: 'f', kind: 'holding', address: 0 },
          { field: 'f', kind: 'input', address: 0 }
        ]
      },
      'registers[1].field: registers[0] reads into it already'
    ],
    [
      { ...modbus, registers: [{ field: 'seq', kind: 'holding', address: 0 }] },
      "registers[0].field: seq is a report's own field: choose another name"
    ],
    [
      { ...modbus, registers: [{ field: '$x', kind: 'holding', address: 0 }] },
      'registers[0].field: must not start with "$"'
    ],
    [
      { ...modbus, registers: [{ field: 'f', kind: 'holding', address: 1.5 }] },
      'registers[0].address: must be a whole number'
    ],
    [
      { ...modbus, registers: [{ field: 'f', kind: 'holding', address: 0, scale: 'x' }] },
      'registers[0].scale: expected a number'
    ],
    [
      { ...modbus, registers: [{ field: 'f', kind: 'holding', address: 0, type: 'int64' }] },
      'registers[0].type: expected int16, uint16, int32, uint32, float32'
    ],
    [{ ...modbus, host: 'a b' }, 'host: a host name or address, without spaces or slashes'],
    [{ ...modbus, port: 0 }, 'port: must be at least 1'],
    [{ ...modbus, intervalMs: 3_600_001 }, 'intervalMs: must be at most 3600000'],
    [{ ...modbus, device: '' }, 'device: must not be empty'],
    [{ ...modbus, id: 'x'.repeat(129) }, 'id: at most 128 characters'],
    [{ ...modbus, device: undefined }, 'device: required'],
    [
      {
        id: 'o',
        type: 'opcua',
        device: 'o',
        endpoint: 'opc.tcp://h',
        nodes: [{ field: 'a', nodeId: 'i=1' }],
        password: 'p'
      },
      'password: only with a user'
    ],
    [
      {
        id: 'o',
        type: 'opcua',
        device: 'o',
        endpoint: 'opc.tcp://h',
        nodes: [{ field: 'a', nodeId: 'i=1' }],
        user: 'u'
      },
      'password: required with a user (u)'
    ],
    [
      {
        id: 'o',
        type: 'opcua',
        device: 'o',
        endpoint: 'opc.tcp://h',
        nodes: [{ field: 'a', nodeId: 'i=1' }],
        securityMode: 'Sign'
      },
      'securityPolicy: required (not None) with securityMode Sign'
    ],
    [
      { id: 'o', type: 'opcua', device: 'o', endpoint: 'opc.tcp://h', nodes: [] },
      'nodes: at least one node'
    ],
    [[modbus], 'source: expected an object (a source)']
  ])('refuses %j: %s', (input, message) => {
    expect(() => parseSource(input)).toThrow(message)
  })
})

describe('parseSourcesFile', () => {
  it('reads YAML and JSON (a byte-order mark and all)', () => {
    const yaml = [
      'sources:',
      '  - id: plc-1',
      '    type: modbus',
      '    device: plc-1',
      '    host: 10.0.0.7',
      '    registers: [{ field: t, kind: holding, address: 0 }]'
    ].join('\n')
    expect(parseSourcesFile('/etc/lookout/sources.yaml', yaml)).toEqual([modbus])
    const json = '\uFEFF' + JSON.stringify({ sources: [modbus] })
    expect(parseSourcesFile('/etc/lookout/sources.JSON', json)).toEqual([modbus])
    expect(parseSourcesFile('/etc/lookout/sources.yml', 'sources: []\n')).toEqual([])
  })

  it('says where a YAML source is at fault, by line and column', () => {
    const yaml = [
      'sources:',
      '  - id: plc-1',
      '    type: modbus',
      '    device: plc-1',
      '    host: 10.0.0.7',
      '    colour: red',
      '    registers: [{ field: t, kind: holding, address: 0 }]',
      '  - id: plc-1'
    ].join('\n')
    expect(() => parseSourcesFile('s.yaml', yaml)).toThrow(
      'sources file s.yaml: sources[0] (plc-1) at line 6, column 5: colour: unknown field'
    )
    const twice = [
      'sources:',
      '  - { id: a, type: modbus, device: a, host: h, registers: [{ field: t, kind: coil, address: 0 }] }',
      '  - { id: a, type: modbus, device: a, host: h, registers: [{ field: t, kind: coil, address: 0 }] }'
    ].join('\n')
    expect(() => parseSourcesFile('s.yaml', twice)).toThrow(
      'sources file s.yaml: sources[1] (a) at line 3, column 11: id: a is already the id of sources[0]'
    )
    expect(() => parseSourcesFile('s.yaml', 'sources: {}')).toThrow(
      'sources file s.yaml: sources at line 1, column 10: expected a list of sources'
    )
    expect(() => parseSourcesFile('s.json', '{"sources": [\n  {"id": "a",]}')).toThrow(
      'sources file s.json: not valid JSON (at line 2, column 14)'
    )
  })

  it('holds the file to 200 sources', () => {
    const sources = Array.from({ length: 201 }, (_, i) => ({ ...modbus, id: `p${i}` }))
    expect(() => parseSourcesFile('s.json', JSON.stringify({ sources }))).toThrow(
      'sources file s.json: sources at line 1, column 12: at most 200 sources'
    )
  })
})
