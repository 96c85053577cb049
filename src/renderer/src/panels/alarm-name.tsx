import type { Alarm } from '../../../shared/alarm-types'
import { IdText } from './id-text'

/** "rule name — device", both shown as their writers wrote them. */
export function AlarmName({ alarm }: { alarm: Pick<Alarm, 'name' | 'device'> }): React.JSX.Element {
  return (
    <>
      <IdText text={alarm.name} />
      {' — '}
      <IdText text={alarm.device} />
    </>
  )
}
