import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * A modal panel over the console: closed by its button, by Escape, or by a click beside it.
 */
export function Dialog(props: {
  label: string
  testId: string
  /** A class of its own (a wider dialog). */
  className?: string
  /** The title bar's heading; `label` when not given. */
  title?: React.ReactNode
  /** Shown in the title bar before the close button. */
  tools?: React.ReactNode
  onClose: () => void
  children: React.ReactNode
}): React.JSX.Element {
  const { t } = useTranslation()
  const { onClose } = props
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  return (
    <div className="overlay" onClick={onClose}>
      <section
        className={`panel detail ${props.className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={props.label}
        data-testid={props.testId}
        onClick={(e) => e.stopPropagation()}
      >
        <div className="panel-bar">
          <h2>{props.title ?? props.label}</h2>
          <div className="panel-tools">
            {props.tools}
            <button type="button" onClick={onClose}>
              {t('detail.close')}
            </button>
          </div>
        </div>
        <div className="panel-body">{props.children}</div>
      </section>
    </div>
  )
}
