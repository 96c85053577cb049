import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

import { formatNumber } from '../format'
import { revealInvisible } from '../visible-text'
import { IdText } from './id-text'

/** Matching ids shown at once: a bounded list, however many there are. */
const SHOWN = 50

export interface IdPickerProps {
  ids: readonly string[]
  value: string
  onChange: (id: string) => void
  label: string
  placeholder: string
  /** The list's line when nothing matches. */
  noMatch: string
  /** The list's last line when more match than are shown, given their formatted count. */
  more: (formatted: string) => string
  /** A name shown beside an id and matched as well (a push client's). */
  names?: ReadonlyMap<string, string>
  /** Whether empty is a choice of its own (every device, every client). Default: it is. */
  emptyMeansAll?: boolean
  disabled?: boolean
  testId?: string
}

/**
 * Picks one id out of thousands (a device, a push client, a report's field): a text field that
 * lists the ids containing what was typed (the first 50, and how many more), where a `<select>`
 * would put 10,000 options in the page.
 */
export function IdPicker(props: IdPickerProps): React.JSX.Element {
  const { i18n } = useTranslation()
  const listId = useId()
  const input = useRef<HTMLInputElement>(null)
  const [text, setText] = useState<string | null>(null) // null: not editing, show the value
  const [focused, setFocused] = useState(false)
  // Opened, the list shows every id (the chosen one active), as a select does; typing narrows it.
  const [typed, setTyped] = useState(false)
  const [active, setActive] = useState(0)
  const open = text !== null && focused
  const query = typed ? (text ?? '').trim().toLowerCase() : ''
  const emptyMeansAll = props.emptyMeansAll ?? true
  const { ids, names } = props

  const { shown, more } = useMemo(() => {
    if (!open) return { shown: [], more: 0 }
    const found: string[] = []
    let total = 0
    for (const id of ids) {
      // An id with invisible characters is shown with their escapes: it is found by those too.
      if (query !== '' && !matches(id, names?.get(id), query)) continue
      total += 1
      if (found.length < SHOWN) found.push(id)
    }
    return { shown: found, more: total - found.length }
  }, [open, query, ids, names])

  // The arrows move through more than the list's height: the active one scrolls into sight.
  useEffect(() => {
    if (open) document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' })
  }, [open, active, listId])

  // Text left in the field that names no id stays there, marked invalid, never silently swapped
  // for the last choice or for "all": a form around the picker (the send form) refuses to submit
  // while it is, so a half-typed uid cannot turn into a broadcast.
  const left = (text ?? '').trim()
  const unresolved = text !== null && left !== '' && left !== props.value && !ids.includes(left)
  useEffect(() => {
    input.current?.setCustomValidity(unresolved ? props.noMatch : '')
  }, [unresolved, props.noMatch])

  const pick = (id: string): void => {
    setText(null)
    props.onChange(id)
  }
  const commit = (): void => {
    if (left === '') {
      if (emptyMeansAll) pick('')
      else setText(null)
    } else if (ids.includes(left)) pick(left)
    else if (shown[active] !== undefined) pick(shown[active])
  }
  /** Opens the list on every id, or on what was left typed in the field. */
  const openList = (): void => {
    setFocused(true)
    if (text !== null) return
    setText(props.value)
    setTyped(false)
    // The chosen one active when it is among the first shown; else the first.
    setActive(Math.max(ids.slice(0, SHOWN).indexOf(props.value), 0))
  }
  const name = names?.get(props.value)

  return (
    <div className="id-picker">
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-label={props.label}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && shown[active] ? `${listId}-${active}` : undefined}
        placeholder={props.placeholder}
        // Not editing, the field shows the chosen id with its invisible characters written out.
        value={text ?? revealInvisible(props.value)}
        title={
          props.value === ''
            ? undefined
            : revealInvisible(name ? `${props.value} (${name})` : props.value)
        }
        disabled={props.disabled}
        data-testid={props.testId}
        aria-invalid={unresolved || undefined}
        onFocus={(e) => {
          openList()
          // Selected, so that typing replaces it.
          e.target.select()
        }}
        onBlur={() => {
          setFocused(false)
          // An id typed whole counts as picked; other text stays, marked (see `unresolved`).
          if (text === null) return
          if (left === props.value || (left === '' && !emptyMeansAll)) setText(null)
          else if (left === '' || ids.includes(left)) pick(left)
        }}
        // Closed after a pick, with the focus still here: a click opens it again, as on a select.
        onClick={() => {
          if (!open) openList()
        }}
        onChange={(e) => {
          setText(e.target.value)
          setTyped(true)
          setActive(0)
          // Cleared (the field's own ✕, or every letter deleted): all of them again.
          if (emptyMeansAll && e.target.value === '' && props.value !== '') props.onChange('')
        }}
        onKeyDown={(e) => {
          if (!open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            // Closed after a pick or Escape: the arrows open it again.
            openList()
          } else if (e.key === 'ArrowDown') setActive(Math.min(active + 1, shown.length - 1))
          else if (e.key === 'ArrowUp') setActive(Math.max(active - 1, 0))
          // Closed (after a pick), Enter is the form's again: it submits, it does not pick.
          else if (e.key === 'Enter' && open) commit()
          else if (e.key === 'Escape' && open) {
            // Closes the list only, as a select's Escape does: not the dialog around it.
            setText(null)
            e.stopPropagation()
          } else return
          e.preventDefault()
        }}
      />
      {open && (
        <ul className="id-picker-list" id={listId} role="listbox" aria-label={props.label}>
          {shown.length === 0 && <li className="more">{props.noMatch}</li>}
          {shown.map((id, i) => {
            const idName = names?.get(id)
            return (
              <li
                key={id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                data-id={id}
                // Before the field's blur, which closes the list.
                onMouseDown={(e) => {
                  e.preventDefault()
                  pick(id)
                }}
              >
                <IdText text={id} className="mono" />
                {idName && (
                  <span className="muted">
                    {' · '}
                    <IdText text={idName} />
                  </span>
                )}
              </li>
            )
          })}
          {more > 0 && (
            <li className="more" aria-disabled>
              {props.more(formatNumber(more, i18n.resolvedLanguage ?? 'en'))}
            </li>
          )}
        </ul>
      )}
    </div>
  )
}

function matches(id: string, name: string | undefined, query: string): boolean {
  return (
    id.toLowerCase().includes(query) ||
    revealInvisible(id).toLowerCase().includes(query) ||
    (name !== undefined && name.toLowerCase().includes(query))
  )
}
