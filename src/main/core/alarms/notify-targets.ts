import type { NotifyTargets } from '../../../shared/alarm-types'

/** Whether `targets` names anyone: `all`, or a list that is not empty. */
export function hasTargets(targets: unknown): targets is NotifyTargets {
  return (
    targets === 'all' ||
    (Array.isArray(targets) &&
      targets.length > 0 &&
      targets.every((target) => typeof target === 'string'))
  )
}

/** Everyone in either: `all` absorbs any list; lists are joined without repeats, in order. */
export function mergeTargets(a: NotifyTargets | null, b: NotifyTargets): NotifyTargets {
  if (a === 'all' || b === 'all') return 'all'
  if (a === null) return [...b]
  return [...new Set([...a, ...b])]
}

export function copyTargets(targets: NotifyTargets): NotifyTargets {
  return targets === 'all' ? 'all' : [...targets]
}
