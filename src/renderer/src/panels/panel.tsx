/** A titled region of the console, with its tools in the title bar. */
export function Panel(props: {
  title: string
  className?: string
  testId?: string
  tools?: React.ReactNode
  children: React.ReactNode
}): React.JSX.Element {
  return (
    <section
      className={`panel ${props.className ?? ''}`}
      data-testid={props.testId}
      aria-label={props.title}
    >
      <div className="panel-bar">
        <h2>{props.title}</h2>
        <div className="panel-tools">{props.tools}</div>
      </div>
      <div className="panel-body">{props.children}</div>
    </section>
  )
}
