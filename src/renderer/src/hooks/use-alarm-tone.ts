import { useEffect, useRef } from 'react'

import type { Alarm } from '../../../shared/alarm-types'
import type { AlarmSound, AlarmSoundMaker } from '../alarm-tone'
import { soundsTone } from '../state/alarm-selectors'

/**
 * Sounds while any urgent alarm waits for an acknowledgement and nobody silenced it; stops as
 * soon as none does (acked, silenced, shelved…). Says whether it sounds.
 */
export function useAlarmTone(
  enabled: boolean,
  alarms: readonly Alarm[],
  makeSound: AlarmSoundMaker
): boolean {
  const sounding = enabled && alarms.some(soundsTone)
  const sound = useRef<AlarmSound | null>(null)
  useEffect(() => {
    if (!sounding) return
    const current = (sound.current ??= makeSound())
    current.start()
    return () => current.stop()
  }, [sounding, makeSound])
  return sounding
}
