/**
 * An RFC 4180 reader for the tests' own checks of what the console writes: quoted fields with
 * doubled quotes and line breaks inside, CRLF or LF between records. Written here rather than
 * trusted from the writer: a test reading CSV the way the writer meant it would prove nothing.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
      } else if (c === '"') {
        quoted = false
        i += 1
      } else {
        field += c
        i += 1
      }
    } else if (c === '"' && field === '') {
      quoted = true
      i += 1
    } else if (c === ',') {
      record.push(field)
      field = ''
      i += 1
    } else if (c === '\r' && text[i + 1] === '\n') {
      i += 1
    } else if (c === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i += 1
    } else {
      field += c
      i += 1
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  return records
}

/** A CSV's rows as objects by its header's names. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text)
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])))
}
