/**
 * Messages of the Logs tab (inside the function panel envelope, and in the standalone log group
 * panel). Imports nothing, so the webview bundle can include it.
 *
 * extension → webview (notify):
 *   `reset`  LogsReset: everything the tab shows (on ready, after clear, after a new filter);
 *   `append` LogsAppend: new rows, batched (every BATCH_MS at most);
 *   `state`  LogsState: mode, filter, counters.
 * webview → extension:
 *   notify  `start`  LogsFilter: the tab is shown; start tailing (with the filter the view kept);
 *   notify  `pause`  { paused }: stop/resume sending rows (the extension keeps buffering);
 *   notify  `clear`: empty the buffer;
 *   notify  `copy`   { text }: put text on the clipboard;
 *   request `setFilter` LogsFilter → null: restart the tail with a new filter pattern / stream prefix;
 *   request `save` → { path } | null: save the buffer to a file the user picks;
 *   request `reconnect` → null: restart after an error.
 */

export const BATCH_MS = 75;

export type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export type LogsMode = 'connecting' | 'waiting' | 'live' | 'polling' | 'reconnecting' | 'error' | 'stopped';

export interface ReportBadges {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  restoreDurationMs?: number;
  coldStart: boolean;
  status?: string;
  errorType?: string;
}

/** One log event as shown. */
export interface LogRow {
  /** Increases with every row; never reused within a tail. */
  seq: number;
  /** Event time, epoch ms. */
  t: number;
  stream: string;
  /** The message without its runtime prefix (JSON messages: their message field). */
  text: string;
  /** The original message, when it differs from text. */
  raw?: string;
  level?: LogLevelName;
  requestId?: string;
  /** Remaining fields of a JSON message: [name, value as compact JSON]. */
  fields?: [string, string][];
  platform?: 'start' | 'end' | 'report';
  /** On a START line. */
  version?: string;
  /** On a REPORT line. */
  report?: ReportBadges;
}

export interface LogsFilter {
  filterPattern: string;
  streamPrefix: string;
}

export interface LogsState extends LogsFilter {
  /** What is tailed, e.g. "/aws/lambda/hello-node" and where. */
  title: string;
  subtitle: string;
  mode: LogsMode;
  detail?: string;
  sampled: boolean;
  paused: boolean;
  /** Rows dropped because the buffer is full (since the last clear). */
  dropped: number;
  capacity: number;
  /** Rows received while paused and not yet shown. */
  pending: number;
}

export interface LogsReset {
  rows: LogRow[];
  state: LogsState;
}

export interface LogsAppend {
  rows: LogRow[];
  /** Rows with a smaller seq have been dropped from the buffer. */
  firstSeq: number;
  dropped: number;
}

export const LOGS_FILTER_LIMITS = { filterPattern: 1024, streamPrefix: 512 } as const;

/** Short form of a Lambda stream name `2024/01/01/[$LATEST]0123abcd…` → `[$LATEST]0123abcd`. */
export function shortStreamName(stream: string): string {
  const m = /^\d{4}\/\d{2}\/\d{2}\/(\[[^\]]*\])([0-9a-f]{8})[0-9a-f]*$/i.exec(stream);
  if (m) return `${m[1]}${m[2]}`;
  return stream.length > 24 ? `…${stream.slice(-23)}` : stream;
}

/** A row as one line of text (copy, save). */
export function rowToText(row: LogRow): string {
  const time = new Date(row.t).toISOString();
  const message = (row.raw ?? row.text).replace(/\r?\n$/, '');
  return `${time}\t${row.stream}\t${message}`;
}
