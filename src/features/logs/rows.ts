import type { LogEvent } from '../../aws/logs';
import { parseLogMessage } from './logMessage';
import { parseAsyncLogLine } from '../../shared/lambda/asyncLog';
import type { LogRow } from './protocol';

/** Streams whose open request is remembered; Lambda writes one stream per execution environment. */
const MAX_TRACKED_STREAMS = 1000;

/**
 * Turns log events into rows: parses each message (level, JSON fields, START/END/REPORT) and
 * assigns lines without a request id (e.g. Python's print) to the request open in their stream
 * between its START and END. Events must come in stream order, as Live Tail and FilterLogEvents
 * deliver them.
 */
export class RowBuilder {
  private readonly openRequest = new Map<string, string>();

  build(event: LogEvent): LogRow {
    const parsed = parseLogMessage(event.message);
    const stream = event.logStreamName;
    let requestId = parsed.requestId;
    if (parsed.platform?.kind === 'start') this.setOpen(stream, parsed.platform.requestId);
    else if (parsed.platform?.kind === 'end') this.openRequest.delete(stream);
    else if (!requestId) requestId = this.openRequest.get(stream);

    const row: LogRow = { seq: 0, t: event.timestamp, stream, text: parsed.text };
    const trimmedRaw = event.message.replace(/\r?\n$/, '');
    if (trimmedRaw !== parsed.text) row.raw = event.message;
    if (parsed.level) row.level = parsed.level;
    const asyncLine = parsed.platform ? undefined : parseAsyncLogLine(parsed.text);
    if (asyncLine?.kind === 'attempt') {
      row.attempt = { n: asyncLine.attempt, of: asyncLine.of };
      requestId ??= asyncLine.requestId;
    } else if (asyncLine?.kind === 'destination') {
      row.destination = { kind: asyncLine.destinationKind, arn: asyncLine.destination, condition: asyncLine.condition };
      requestId = asyncLine.requestId;
    }
    if (requestId) row.requestId = requestId;
    if (parsed.fields) row.fields = parsed.fields;
    if (parsed.platform) {
      row.platform = parsed.platform.kind;
      if (parsed.platform.kind === 'start') row.version = parsed.platform.version;
      if (parsed.platform.kind === 'report') row.report = { ...parsed.platform.report };
      if (row.report) delete (row.report as { requestId?: string }).requestId;
    }
    return row;
  }

  reset(): void {
    this.openRequest.clear();
  }

  private setOpen(stream: string, requestId: string): void {
    this.openRequest.delete(stream);
    this.openRequest.set(stream, requestId);
    if (this.openRequest.size > MAX_TRACKED_STREAMS) {
      const oldest = this.openRequest.keys().next();
      if (!oldest.done) this.openRequest.delete(oldest.value);
    }
  }
}
