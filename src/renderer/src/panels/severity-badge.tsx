import { useTranslation } from 'react-i18next'

import type { AlarmSeverity } from '../../../shared/alarm-types'

/** An alarm's severity, in its colour: the same badge in the bar, the lists and the forms. */
export function SeverityBadge(props: {
  severity: AlarmSeverity
  /** Shown instead of the severity's name (a count); the name is then its accessible label. */
  children?: React.ReactNode
  testId?: string
  /** A count of none: shown dimmed. */
  zero?: boolean
}): React.JSX.Element {
  const { t } = useTranslation()
  const name = t(`alarms.severity_${props.severity}`)
  return (
    <span
      className={`severity severity-${props.severity}${props.zero === true ? ' zero' : ''}`}
      data-testid={props.testId}
      data-severity={props.severity}
      aria-label={props.children === undefined ? undefined : name}
      title={props.children === undefined ? undefined : name}
    >
      {props.children ?? name}
    </span>
  )
}
