import { revealInvisible, splitInvisible } from '../visible-text'

/**
 * A device id, uid or field name as devices and phones sent it: isolated from the text around it
 * (right-to-left letters inside cannot reorder their neighbours), each invisible character shown
 * as its escape, marked (`p\u200b1` is not `p1`; an override cannot reverse anything), cut to its
 * box with an ellipsis, and shown whole on hover.
 */
export function IdText(props: { text: string; className?: string }): React.JSX.Element {
  return (
    <bdi className={`id-text ${props.className ?? ''}`} title={revealInvisible(props.text)}>
      {splitInvisible(props.text).map((part, i) =>
        part.invisible ? (
          <span key={i} className="invisible-char">
            {revealInvisible(part.text)}
          </span>
        ) : (
          part.text
        )
      )}
    </bdi>
  )
}

const PLACEHOLDER = '\u0000'

/**
 * A translated sentence with an id in it — `t('detail.title', { id })` — the id shown as an
 * IdText wherever the translation puts it.
 */
export function WithId(props: {
  id: string
  sentence: (id: string) => string
  className?: string
}): React.JSX.Element {
  const [before = '', ...after] = props.sentence(PLACEHOLDER).split(PLACEHOLDER)
  return (
    <>
      {before}
      <IdText text={props.id} className={props.className} />
      {after.join('')}
    </>
  )
}
