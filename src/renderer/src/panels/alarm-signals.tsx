import { useMemo } from 'react'

import { webAudioAlarmSound, type AlarmSoundMaker } from '../alarm-tone'
import { useAlarmTone } from '../hooks/use-alarm-tone'
import { useBridge, useConsole } from '../hooks/use-console'
import { useTitleBadge } from '../hooks/use-title-badge'
import { isUnacked } from '../state/alarm-selectors'

/**
 * How the console calls for attention beyond the screen: the desktop window sounds a tone (a
 * control-room PC is watched by ear too); a browser tab shows the count in its title and icon
 * (a background tab cannot be relied on to play sound). Renders nothing.
 */
export function AlarmSignals(props: { makeSound?: AlarmSoundMaker }): null {
  const bridge = useBridge()
  const alarms = useConsole((v) => v.alarms)
  const unacked = useMemo(() => alarms.filter(isUnacked).length, [alarms])
  useAlarmTone(bridge.kind === 'desktop', alarms, props.makeSound ?? webAudioAlarmSound)
  useTitleBadge(unacked, bridge.kind === 'browser')
  return null
}
