/**
 * A device id, uid or field name as devices and phones sent it: isolated from the text around it
 * (a right-to-left override inside cannot reverse its neighbours), cut to its box with an
 * ellipsis, and shown whole on hover.
 */
export function IdText(props: { text: string; className?: string }): React.JSX.Element {
  return (
    <bdi className={`id-text ${props.className ?? ''}`} title={props.text}>
      {props.text}
    </bdi>
  )
}
