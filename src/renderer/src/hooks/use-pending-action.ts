import { useCallback, useEffect, useRef, useState } from 'react'

export interface PendingAction {
  busy: boolean
  /** What the console answered the last failed try, as it worded it. */
  error: string | null
  /** Runs the work once at a time; true when it succeeded. */
  run: (work: () => Promise<unknown>) => Promise<boolean>
}

/** One request an operator makes from a form: busy while it runs, its refusal kept to show. */
export function usePendingAction(): PendingAction {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // A form closed by its own success (or a dialog closed) no longer takes state updates.
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  const run = useCallback(async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true)
    setError(null)
    try {
      await work()
      return true
    } catch (e) {
      if (mounted.current) setError((e as Error).message)
      return false
    } finally {
      if (mounted.current) setBusy(false)
    }
  }, [])
  return { busy, error, run }
}
