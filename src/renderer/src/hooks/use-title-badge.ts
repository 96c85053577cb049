import { useEffect } from 'react'

const PREFIX = /^\(\d+\) /
const ALARM_ICON = './icon-alarm.svg'

/**
 * A browser tab that says alarms are waiting: `(N) ` before the page's title and the alarm
 * icon, while N > 0; the title and icon as they were otherwise.
 */
export function useTitleBadge(count: number, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
    const plainIcon = icon?.getAttribute('href') ?? null
    const title = document.title.replace(PREFIX, '')
    if (count > 0) {
      document.title = `(${count}) ${title}`
      icon?.setAttribute('href', ALARM_ICON)
    }
    return () => {
      document.title = title
      if (plainIcon !== null) icon?.setAttribute('href', plainIcon)
    }
  }, [count, enabled])
}
