/**
 * The Logs view's protocol: channel "logs" of the function panel, and of the log group panel.
 * Plain data and types only, so the webview bundle includes it.
 */
import { event, query, request, signal, type Schema } from '../../shared/protocol';

export const BATCH_MS = 75;

export type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/** The tail's state (see TailMode). */
export type LogsTailMode = 'connecting' | 'waiting' | 'live' | 'reconnecting' | 'polling' | 'failed' | 'stopped';
/** What the view shows: the tail's state, or "paused" while the view holds new lines back (the tail goes on). */
export type LogsMode = LogsTailMode | 'paused';

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
  /** On the Local Lambda's ASYNC line: which run of an Event call this is. */
  attempt?: { n: number; of: number };
  /** On its DESTINATION line: where the invocation record went. */
  destination?: { kind: 'OnSuccess' | 'OnFailure'; arn: string; condition: string };
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
  /** The tail's own state, also while paused. */
  tailMode: LogsTailMode;
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

const filterSchema: Schema<LogsFilter> = {
  type: 'object',
  properties: {
    filterPattern: { type: 'string', maxLength: LOGS_FILTER_LIMITS.filterPattern },
    streamPrefix: { type: 'string', maxLength: LOGS_FILTER_LIMITS.streamPrefix },
  },
  required: ['filterPattern', 'streamPrefix'],
  additionalProperties: false,
};

/** What the view would show (for tests and diagnostics). */
export interface LogsSnapshot {
  state: LogsState;
  rows: LogRow[];
  sessions: number;
}

export const logsProtocol = {
  requests: {
    /** Restart the tail with a new filter pattern / stream prefix. */
    setFilter: request<LogsFilter, null>(filterSchema),
    /** Save the buffer to a file the person picks; null when they cancel. */
    save: query<{ path: string } | null>(),
    /** Restart after an error. */
    reconnect: query<null>(),
    /** For tests and diagnostics: what the view would show. */
    snapshot: query<LogsSnapshot>(),
    /** For tests: drop the live connection as a network failure would. */
    dropConnection: query<null>(),
  },
  fromWebview: {
    /** The view is shown: start tailing, with the filter it kept. */
    start: event<LogsFilter>(filterSchema),
    /** Stop or resume sending rows (the extension keeps buffering). */
    pause: event<{ paused: boolean }>({ type: 'object', properties: { paused: { type: 'boolean' } }, required: ['paused'], additionalProperties: false }),
    clear: signal(),
    /** Put text on the clipboard. */
    copy: event<{ text: string }>({ type: 'object', properties: { text: { type: 'string', maxLength: 64 * 1024 * 1024 } }, required: ['text'], additionalProperties: false }),
  },
  toWebview: {
    /** Everything the view shows (on ready, after clear, after a new filter). */
    reset: signal<LogsReset>(),
    /** New rows, batched (every BATCH_MS at most). */
    append: signal<LogsAppend>(),
    /** Mode, filter, counters. */
    state: signal<LogsState>(),
  },
} as const;
export type LogsProtocol = typeof logsProtocol;

/** The log group panel's own messages (channel "frame"): the ready handshake and its title. */
export const logGroupFrameProtocol = {
  requests: {},
  fromWebview: { ready: signal() },
  toWebview: { init: signal<{ title: string }>() },
} as const;
export type LogGroupFrameProtocol = typeof logGroupFrameProtocol;
