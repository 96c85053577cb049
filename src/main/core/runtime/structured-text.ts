import { extname } from 'node:path'

import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'

import { jsonErrorOffset, lineColumn } from '../alarms/json-error-offset'

/** A path into a parsed file, as a UI names a field: `rules[3].above` is `['rules', 3, 'above']`. */
export type TextPath = ReadonlyArray<string | number>

/** A config file's text, parsed: its value, and where in the text a path's value is. */
export interface StructuredText {
  value: unknown
  /**
   * ` at line 12, column 5`: where `path` is in a YAML text (the nearest thing on it that is
   * there, for a field it lacks; its key when `key`, for an unknown field), in a JSON text as in
   * YAML; '' when that cannot be told.
   */
  where(path: TextPath, options?: { key?: boolean }): string
}

/**
 * A config file's text (alarm rules, sources): JSON for `.json`, YAML for anything else. Throws
 * an Error starting `<label> <path>:` and saying where a syntax error is (line and column), so an
 * operator can go straight to it. No parser's own message is quoted: it may quote the text, and
 * errors end up in logs.
 */
export function parseStructuredText(label: string, path: string, text: string): StructuredText {
  const fail = (message: string): never => {
    throw new Error(`${label} ${path}: ${message}`)
  }
  if (extname(path).toLowerCase() === '.json') {
    const json = text.replace(/^\uFEFF/, '') // an editor's byte-order mark is not the text
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch {
      const offset = jsonErrorOffset(json)
      const at = offset === null ? null : lineColumn(json, offset)
      return fail(
        `not valid JSON${at === null ? '' : ` (at line ${at.line}, column ${at.column})`}`
      )
    }
    // JSON.parse keeps no positions; a JSON text is YAML too, so YAML's parser finds where a
    // path is, once a field is at fault (never on a good file's load).
    let located: ((path: TextPath, key: boolean) => string) | undefined
    return {
      value,
      where: (path, options) => {
        located ??= locator(json)
        return located(path, options?.key === true)
      }
    }
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter })
  const error = doc.errors[0]
  if (error !== undefined) {
    const at = error.linePos?.[0]
    fail(`not valid YAML (${error.code}${at ? ` at line ${at.line}, column ${at.col}` : ''})`)
  }
  let value: unknown
  try {
    value = doc.toJS()
  } catch (error) {
    fail(`not valid YAML (${(error as Error).message})`) // an alias too many (a "billion laughs")
  }
  return { value, where: (path, options) => at(doc, lineCounter, path, options?.key === true) }
}

/** Where paths are in a JSON text, read as YAML; '' for every path if YAML reads it otherwise. */
function locator(json: string): (path: TextPath, key: boolean) => string {
  const lineCounter = new LineCounter()
  const doc = parseDocument(json, { lineCounter })
  if (doc.errors.length > 0) return () => ''
  return (path, key) => at(doc, lineCounter, path, key)
}

/** ` at line 12, column 5` for where `path` is in `doc`, or '' when it cannot be told. */
function at(doc: Document, lineCounter: LineCounter, path: TextPath, key: boolean): string {
  const offset = yamlOffset(doc, path, key)
  if (offset === null) return ''
  const { line, col } = lineCounter.linePos(offset)
  return ` at line ${line}, column ${col}`
}

/** Where in the YAML source `path` is: its value (or key), else the nearest thing on it there. */
function yamlOffset(doc: Document, path: TextPath, key: boolean): number | null {
  for (let length = path.length; length > 0; length--) {
    const parent = doc.getIn(path.slice(0, length - 1), true)
    const name = path[length - 1]
    let node: unknown
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === name)
      if (pair === undefined) continue
      node = (key && length === path.length) || !isNode(pair.value) ? pair.key : pair.value
    } else if (isSeq(parent) && typeof name === 'number') {
      node = parent.items[name]
    }
    if (isNode(node) && node.range) return node.range[0]
  }
  return null
}
