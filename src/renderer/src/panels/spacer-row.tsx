/** Stands in for the rows of a virtualized table that are out of sight. */
export function SpacerRow(props: { height: number; columns: number }): React.JSX.Element {
  return (
    <tr className="spacer" aria-hidden>
      <td colSpan={props.columns} style={{ height: props.height }} />
    </tr>
  )
}
