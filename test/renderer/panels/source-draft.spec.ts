import { describe, expect, it } from 'vitest'

import {
  configFromDraft,
  draftFromConfig,
  newSourceDraft
} from '../../../src/renderer/src/panels/source-draft'
import { errorPlace, sourceFieldErrorOf } from '../../../src/renderer/src/panels/source-error-place'
import type { ModbusSourceConfig } from '../../../src/shared/source-types'
import { modbusConfig, opcuaConfig } from '../support/source-fixtures'

// The example of docs/sources.md: every kind, type and word order.
const boiler: ModbusSourceConfig = modbusConfig({
  registers: [
    { field: 'temp', kind: 'holding', address: 0, type: 'int16', scale: 0.1 },
    { field: 'flow', kind: 'holding', address: 1, type: 'float32', wordOrder: 'little' },
    { field: 'hours', kind: 'input', address: 10, type: 'uint32', wordOrder: 'big' },
    { field: 'pump', kind: 'coil', address: 0 },
    { field: 'door', kind: 'discrete', address: 3 }
  ]
})

describe('a source’s draft', () => {
  it('gives back the config it was made from, Modbus and OPC UA (the password as …)', () => {
    const uint16 = { ...boiler.registers[0]!, type: 'uint16' as const }
    expect(configFromDraft(draftFromConfig(boiler))).toEqual(boiler)
    expect(configFromDraft(draftFromConfig({ ...boiler, registers: [uint16] }))).toEqual({
      ...boiler,
      registers: [uint16]
    })
    const opcua = opcuaConfig({ securityMode: 'Sign', securityPolicy: 'Basic256Sha256' })
    expect(configFromDraft(draftFromConfig(opcua))).toEqual(opcua)
  })

  it('sends a password typed over the kept one, and none without a user', () => {
    const draft = draftFromConfig(opcuaConfig())
    expect(configFromDraft({ ...draft, password: 's3cret' })).toMatchObject({ password: 's3cret' })
    const anonymous = configFromDraft({ ...draft, user: '' })
    expect(anonymous).not.toHaveProperty('user')
    expect(anonymous).not.toHaveProperty('password')
  })

  it('names the first input it can tell is wrong by itself', () => {
    const draft = { ...newSourceDraft(), id: 'a', device: 'a', host: 'h' }
    expect(configFromDraft(draft)).toEqual({ field: 'registers.0.field', problem: 'required' })
    const rows = [{ ...draft.registers[0]!, field: 'f', scale: 'x' }]
    expect(configFromDraft({ ...draft, registers: rows })).toEqual({
      field: 'registers.0.scale',
      problem: 'number'
    })
  })

  it('places the console’s refusal by its input, its row, its list or the form’s foot', () => {
    const draft = draftFromConfig(boiler)
    expect(sourceFieldErrorOf('registers[3].address: must be at most 65535')).toEqual({
      field: 'registers.3.address',
      message: 'must be at most 65535'
    })
    expect(sourceFieldErrorOf('at most 200 sources')).toBeNull()
    expect(errorPlace('host', draft)).toBe('host')
    expect(errorPlace('registers.3.address', draft)).toBe('registers.3.address')
    // A coil has no scale input: its row says it.
    expect(errorPlace('registers.3.scale', draft)).toBe('registers.3')
    expect(errorPlace('registers.9.field', draft)).toBe('registers')
    expect(errorPlace('registers', draft)).toBe('registers')
    // An OPC UA input of a Modbus draft, or a path the form does not know: at the foot.
    expect(errorPlace('endpoint', draft)).toBeNull()
    expect(errorPlace('color', draft)).toBeNull()
  })
})
