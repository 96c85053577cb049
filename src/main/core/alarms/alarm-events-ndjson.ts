import type { AlarmEvent } from '../../../shared/alarm-types'

/** About how much text is handed out at once: one write per event would cost a syscall each. */
const CHUNK_CHARS = 64 * 1024

/**
 * The audit trail as NDJSON: one event per line, as `GET /api/alarm-events` answers it in JSON,
 * made as the events arrive (constant memory whatever the range).
 */
export async function* alarmEventsNdjson(
  events: AsyncIterable<AlarmEvent>
): AsyncGenerator<string> {
  let text = ''
  for await (const event of events) {
    text += JSON.stringify(event) + '\n'
    if (text.length >= CHUNK_CHARS) {
      yield text
      text = ''
    }
  }
  if (text.length > 0) yield text
}
