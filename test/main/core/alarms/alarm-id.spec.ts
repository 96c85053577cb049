import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'

import { alarmId } from '../../../../src/main/core/alarms/alarm-id'

describe('alarmId', () => {
  it('is the first 16 characters of the base64url sha256 of rule NUL device', () => {
    const expected = createHash('sha256').update('hot\0plc-1').digest('base64url').slice(0, 16)
    expect(alarmId('hot', 'plc-1')).toBe(expected)
    expect(alarmId('hot', 'plc-1')).toBe(alarmId('hot', 'plc-1'))
  })

  it('is URL-safe whatever the device id holds', () => {
    for (const device of ['a/b?c=d#e', 'plc hall 2', 'ünïcödé', '%%%']) {
      expect(alarmId('r', device)).toMatch(/^[A-Za-z0-9_-]{16}$/)
    }
  })

  it('tells apart pairs that join to the same text', () => {
    expect(alarmId('ab', 'c')).not.toBe(alarmId('a', 'bc'))
    expect(alarmId('hot', 'plc-1')).not.toBe(alarmId('hot', 'plc-2'))
  })
})
