/** One cell of a source's register or node rows: its input, and the error about it below. */
export function PointCell(props: {
  place: string
  error: string | null
  children: React.ReactNode
}): React.JSX.Element {
  return (
    <td data-field={props.place}>
      {props.children}
      {props.error !== null && (
        <span
          className="error field-error"
          role="alert"
          data-testid={`source-error-${props.place}`}
        >
          {props.error}
        </span>
      )}
    </td>
  )
}

/** The error of a list or of one of its rows as a whole (`registers: at least 1`). */
export function PointsError(props: {
  place: string
  error: string | null
}): React.JSX.Element | null {
  if (props.error === null) return null
  return (
    <p className="error field-error" role="alert" data-testid={`source-error-${props.place}`}>
      {props.error}
    </p>
  )
}

/** A cell whose input takes text (or a number) as typed. */
export function PointTextCell(props: {
  place: string
  error: string | null
  label: string
  value: string
  numeric: boolean
  testId: string
  onChange: (value: string) => void
}): React.JSX.Element {
  return (
    <PointCell place={props.place} error={props.error}>
      <input
        type={props.numeric ? 'number' : 'text'}
        step="any"
        aria-label={props.label}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
        aria-invalid={props.error !== null}
      />
    </PointCell>
  )
}
