import { useLayoutEffect, useRef, useState, type RefObject } from 'react'

/**
 * An element's width in px, followed as the window or its panel resizes; undefined until it is
 * laid out. Measured before the first paint, so what depends on it (a chart's labels, how many
 * points to ask for) is right from the first drawing.
 */
export function useElementWidth<E extends HTMLElement>(): [
  RefObject<E | null>,
  number | undefined
] {
  const ref = useRef<E>(null)
  const [width, setWidth] = useState<number | undefined>(undefined)
  useLayoutEffect(() => {
    const element = ref.current
    if (element === null) return
    setWidth(element.clientWidth)
    const observer = new ResizeObserver(([entry]) => {
      if (entry !== undefined) setWidth(Math.round(entry.contentRect.width))
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [ref, width]
}
