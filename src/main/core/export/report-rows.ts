import { EXPORT_CSV_COLUMNS, EXPORT_OTHER_FIELDS_COLUMN } from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { csvJson, csvText, csvValue } from './csv-cell'
import { isBranch } from '../store/report-values'
import { NOT_FIELDS, OTHER, type ExportColumns, type ColumnNode } from './export-columns'
import { IsoTimes } from './iso-times'

/**
 * How an export writes its reports: a first line (the CSV header; nothing for NDJSON), then a
 * line per report. Each line is made by concatenating strings, with no array of cells per row
 * beyond the one reused: an export writes millions of them.
 */
export interface ReportRows {
  header(): string
  row(report: StoredReport): string
}

const CRLF = '\r\n'

/** The CSV header of the fixed columns and then `fields`, each a cell. */
function csvHeader(fields: readonly string[], other: boolean): string {
  let line = EXPORT_CSV_COLUMNS.join(',')
  for (const name of fields) line += ',' + csvText(name)
  if (other) line += ',' + EXPORT_OTHER_FIELDS_COLUMN
  return line + CRLF
}

/**
 * `time,time_ms,device,identity,seq,ts` of a report, without a separator after. A device's id
 * and identity repeat row after row: their cells are made once each (up to a bound).
 */
class FixedCells {
  private readonly times = new IsoTimes()
  private readonly texts = new Map<string, string>()

  of(report: StoredReport): string {
    return (
      this.times.format(report.time) +
      ',' +
      csvValue(report.time) +
      ',' +
      this.text(report.device) +
      ',' +
      (typeof report.identity === 'string' ? this.text(report.identity) : '') +
      ',' +
      csvValue(report.seq) +
      ',' +
      csvValue(report.ts)
    )
  }

  private text(value: string): string {
    let cell = this.texts.get(value)
    if (cell === undefined) {
      if (this.texts.size >= TEXT_CELLS_KEPT) this.texts.clear()
      cell = csvText(value)
      this.texts.set(value, cell)
    }
    return cell
  }
}

/** Device ids and identities whose cells are kept: a fleet's worth, a few hundred KB at most. */
const TEXT_CELLS_KEPT = 4096

/**
 * CSV rows of every field, laid out by the columns a first pass gathered: each report is walked
 * down the column tree, its values put in a row's cells, anything without a column into
 * `other_fields` as a JSON object of dotted paths (only when there are more fields than columns).
 */
export class CsvRows implements ReportRows {
  private readonly fixed = new FixedCells()
  private readonly cells: string[]
  private readonly filled: number[] = []
  private other: Record<string, unknown> | null = null

  constructor(private readonly columns: ExportColumns) {
    this.cells = columns.names.map(() => '')
  }

  header(): string {
    return csvHeader(this.columns.names, this.columns.overflowed)
  }

  row(report: StoredReport): string {
    this.fill(report, this.columns.root, true)
    let line = this.fixed.of(report)
    if (this.cells.length > 0) line += ',' + this.cells.join(',')
    if (this.columns.overflowed) {
      line += ',' + (this.other === null ? '' : csvJson(this.other))
      this.other = null
    }
    for (const index of this.filled) this.cells[index] = ''
    this.filled.length = 0
    return line + CRLF
  }

  private fill(value: Record<string, unknown>, node: ColumnNode, top: boolean): void {
    for (const key in value) {
      if (top && NOT_FIELDS.has(key)) continue
      const inner = value[key]
      const child = node.children?.get(key)
      if (child !== undefined && child.children !== null && isBranch(inner)) {
        this.fill(inner, child, false)
      } else if (child !== undefined && child.index !== OTHER) {
        this.cells[child.index] = csvValue(inner)
        this.filled.push(child.index)
      } else {
        ;(this.other ??= noPrototype())[top ? key : `${node.name}.${key}`] = inner
      }
    }
  }
}

/**
 * CSV rows of the chosen fields only, in the order asked: no first pass. A field that holds an
 * object is written as its JSON text; one a report lacks is an empty cell.
 */
export class ChosenCsvRows implements ReportRows {
  private readonly fixed = new FixedCells()
  private readonly paths: FieldPath[]

  constructor(private readonly fields: readonly string[]) {
    this.paths = fields.map(fieldPath)
  }

  header(): string {
    return csvHeader(this.fields, false)
  }

  row(report: StoredReport): string {
    let line = this.fixed.of(report)
    for (const path of this.paths) line += ',' + csvValue(valueAt(report, path))
    return line + CRLF
  }
}

/** NDJSON of whole reports, as stored: `_id`, `time`, `identity` and every field. */
export class NdjsonRows implements ReportRows {
  header(): string {
    return ''
  }

  row(report: StoredReport): string {
    return JSON.stringify(report) + '\n'
  }
}

/**
 * NDJSON of `_id`, `time`, `device` and the chosen fields, each under its dotted path as asked
 * (`"motor.rpm": 1450`); a field a report lacks is left out of its line.
 */
export class ChosenNdjsonRows implements ReportRows {
  private readonly paths: FieldPath[]
  /** Each field's `"name":`, made once. */
  private readonly keys: string[]

  constructor(fields: readonly string[]) {
    this.paths = fields.map(fieldPath)
    this.keys = fields.map((f) => JSON.stringify(f) + ':')
  }

  header(): string {
    return ''
  }

  row(report: StoredReport): string {
    let line =
      '{"_id":' +
      JSON.stringify(report._id) +
      ',"time":' +
      JSON.stringify(report.time) +
      ',"device":' +
      JSON.stringify(report.device)
    for (let i = 0; i < this.paths.length; i++) {
      const value = valueAt(report, this.paths[i]!)
      if (value !== undefined) line += ',' + this.keys[i]! + JSON.stringify(value)
    }
    return line + '}\n'
  }
}

/** An object to gather a device's names in: `__proto__` among them is a name like any other. */
function noPrototype(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>
}

/** A chosen field: as named, and split at its dots. */
interface FieldPath {
  name: string
  parts: string[]
}

function fieldPath(name: string): FieldPath {
  return { name, parts: name.split('.') }
}

/**
 * A chosen field's value: a top-level field of that very name (a name with a dot in it), else
 * down through nested objects (never into arrays); undefined when the report has none.
 */
function valueAt(report: StoredReport, path: FieldPath): unknown {
  if (Object.hasOwn(report, path.name)) return report[path.name]
  let value: unknown = report
  for (const part of path.parts) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    if (!Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}
