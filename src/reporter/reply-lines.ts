import type { IngestReply } from '../shared/ingest-protocol'

/** Splits the console's reply stream into parsed replies; a line that is not JSON is skipped. */
export class ReplyLines {
  private tail = ''

  push(text: string): IngestReply[] {
    const replies: IngestReply[] = []
    let start = 0
    const data = this.tail + text
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
      const line = data.slice(start, nl)
      start = nl + 1
      try {
        replies.push(JSON.parse(line) as IngestReply)
      } catch {
        // Not a reply of protocol v1; nothing to act on.
      }
    }
    this.tail = data.slice(start)
    return replies
  }

  reset(): void {
    this.tail = ''
  }
}
