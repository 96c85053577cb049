import type { StoredReport } from '../../../shared/ingest-protocol'
import { EXPORT_CSV_COLUMNS } from '../../../shared/history-types'
import { isBranch, NOT_VALUES } from '../store/report-values'

/** Top-level names of a report that are the console's or the protocol's, never a field. */
export const NOT_FIELDS: ReadonlySet<string> = NOT_VALUES

/** A column's place for a path that is not a column: its value goes to `other_fields`. */
export const OTHER = -1

/**
 * One name on the way down a report: the column of the value found there (or OTHER), and the
 * names below it when it is an object. A tree rather than a map of dotted paths, so a row is
 * laid out by walking its report with no path string made per value.
 */
export interface ColumnNode {
  /** Its dotted path: made once, when the node is. */
  name: string
  index: number
  children: Map<string, ColumnNode> | null
}

/**
 * The field columns of a CSV export, gathered from the reports themselves (a first pass over the
 * range): one per leaf path (`motor.rpm`; an array, an empty object or a scalar ends a path), in
 * the order first seen, at most `max` of them — a path seen after that is marked `overflowed`
 * and its values go together into `other_fields`. Nothing grows past the bound: a path not
 * taken makes no node.
 *
 * A top-level `a.b` and `a: { b }` share the column `a.b` (a dot in a name cannot be told from
 * nesting in one header); a field named like a fixed column (`time_ms`) goes to `other_fields`.
 */
export class ExportColumns {
  readonly root: ColumnNode = { name: '', index: OTHER, children: new Map() }
  readonly names: string[] = []
  /** Some path had no column: the rows need the `other_fields` column. */
  overflowed = false
  private readonly byName = new Map<string, number>()

  constructor(private readonly max: number) {
    for (const name of EXPORT_CSV_COLUMNS) this.byName.set(name, OTHER)
  }

  /** Takes every leaf path of a report's fields. */
  collect(report: StoredReport): void {
    this.collectIn(report, this.root, true)
  }

  /**
   * Takes one leaf path (its names, as a partition's field paths keep them) as `collect` would
   * have taken it from a report holding it: paths taken in the order their reports were stored
   * make the same columns as those reports.
   */
  collectPath(names: readonly string[]): void {
    let node = this.root
    for (let i = 0; i < names.length; i++) {
      const key = names[i]!
      let child = node.children?.get(key)
      if (child === undefined) {
        if (this.names.length >= this.max) {
          this.overflowed = true
          return
        }
        child = { name: i === 0 ? key : `${node.name}.${key}`, index: OTHER, children: null }
        ;(node.children ??= new Map()).set(key, child)
      }
      if (i < names.length - 1) child.children ??= new Map()
      else if (child.index === OTHER) this.leaf(child)
      node = child
    }
  }

  private collectIn(value: Record<string, unknown>, node: ColumnNode, top: boolean): void {
    for (const key in value) {
      if (top && NOT_FIELDS.has(key)) continue
      const inner = value[key]
      let child = node.children?.get(key)
      if (child === undefined) {
        if (this.names.length >= this.max) {
          this.overflowed = true
          continue
        }
        child = { name: top ? key : `${node.name}.${key}`, index: OTHER, children: null }
        ;(node.children ??= new Map()).set(key, child)
      }
      if (isBranch(inner)) {
        child.children ??= new Map()
        this.collectIn(inner, child, false)
      } else if (child.index === OTHER) {
        this.leaf(child)
      }
    }
  }

  private leaf(node: ColumnNode): void {
    const name = node.name
    const known = this.byName.get(name)
    if (known !== undefined) {
      node.index = known
      if (known === OTHER) this.overflowed = true
      return
    }
    if (this.names.length >= this.max) {
      this.overflowed = true
      return
    }
    node.index = this.names.length
    this.byName.set(name, node.index)
    this.names.push(name)
  }
}
