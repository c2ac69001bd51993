import { parsePlatformLine, type PlatformLine } from '../../shared/lambda/report';

/**
 * What a log view needs from one log message: its level, the text to show, the request it
 * belongs to, and for structured (JSON, e.g. Powertools) messages the remaining fields.
 *
 * Recognised shapes:
 * - Lambda platform lines START / END / REPORT (text or JSON log format), via report.ts;
 * - the Node.js runtime's text format `<ISO time>\t<request id>\t<LEVEL>\t<message>`;
 * - Python's `[LEVEL]\t<ISO time>\t<request id>\t<message>`;
 * - a JSON object with a level (`level`, `levelname`, `severity`, `log_level`; pino's numbers)
 *   and a message (`message`, `msg`), alone or after the Node.js prefix.
 */

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface ParsedLogMessage {
  level?: LogLevel;
  /** The message without the runtime's prefix (for JSON: its `message` field). */
  text: string;
  requestId?: string;
  /** Other fields of a JSON message, values as compact JSON, in their order. */
  fields?: [string, string][];
  platform?: PlatformLine;
}

const LEVEL_WORDS: Record<string, LogLevel> = {
  TRACE: 'TRACE', DEBUG: 'DEBUG', INFO: 'INFO', INFORMATION: 'INFO', NOTICE: 'INFO', LOG: 'INFO',
  WARN: 'WARN', WARNING: 'WARN', ERROR: 'ERROR', ERR: 'ERROR', CRITICAL: 'FATAL', FATAL: 'FATAL', ALERT: 'FATAL', EMERGENCY: 'FATAL',
};

const ISO_TIME = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z`;
/** Node.js: time, request id (or "undefined" outside a request), level, message. */
const NODE_TEXT = new RegExp(`^${ISO_TIME}\\t(\\S+)\\t([A-Z]+)\\t([\\s\\S]*)$`);
/** Python's logging module in Lambda. */
const PYTHON_TEXT = new RegExp(`^\\[([A-Z]+)\\]\\t${ISO_TIME}\\t(\\S+)\\t([\\s\\S]*)$`);
/** Plain lines: an upper-case level word on its own. */
const PLAIN_ERROR = /(^|[^A-Za-z])(ERROR|FATAL|CRITICAL)([^A-Za-z]|$)|^Traceback \(most recent call last\)|Task timed out after/;
const PLAIN_WARN = /(^|[^A-Za-z])(WARN|WARNING)([^A-Za-z]|$)/;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const LEVEL_KEYS = ['level', 'levelname', 'severity', 'log_level', 'logLevel', 'lvl'];
const MESSAGE_KEYS = ['message', 'msg'];
const REQUEST_ID_KEYS = ['requestId', 'function_request_id', 'AWSRequestId', 'aws_request_id', 'request_id'];

export function levelOf(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') {
    // pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal
    if (value >= 60) return 'FATAL';
    if (value >= 50) return 'ERROR';
    if (value >= 40) return 'WARN';
    if (value >= 30) return 'INFO';
    if (value >= 20) return 'DEBUG';
    return 'TRACE';
  }
  return typeof value === 'string' ? LEVEL_WORDS[value.trim().toUpperCase()] : undefined;
}

function plainLevel(text: string): LogLevel | undefined {
  if (PLAIN_ERROR.test(text)) return 'ERROR';
  if (PLAIN_WARN.test(text)) return 'WARN';
  return undefined;
}

function compact(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A JSON object message with a level or a message key; anything else is undefined. */
function parseStructured(text: string): Omit<ParsedLogMessage, 'platform'> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const levelKey = LEVEL_KEYS.find((k) => k in record);
  const messageKey = MESSAGE_KEYS.find((k) => k in record);
  if (!levelKey && !messageKey) return undefined;
  const requestKey = REQUEST_ID_KEYS.find((k) => typeof record[k] === 'string');
  const fields: [string, string][] = [];
  for (const [key, v] of Object.entries(record)) {
    if (key === levelKey || key === messageKey) continue;
    fields.push([key, compact(v)]);
  }
  const message = messageKey ? record[messageKey] : undefined;
  const parsed: Omit<ParsedLogMessage, 'platform'> = { text: message === undefined ? '' : compact(message) };
  const level = levelKey ? levelOf(record[levelKey]) : undefined;
  if (level) parsed.level = level;
  if (requestKey) parsed.requestId = record[requestKey] as string;
  if (fields.length > 0) parsed.fields = fields;
  return parsed;
}

/** Parses one log message (a CloudWatch event's message; trailing newline ignored). */
export function parseLogMessage(raw: string): ParsedLogMessage {
  const message = raw.replace(/\r?\n$/, '');
  const platform = parsePlatformLine(message);
  if (platform) {
    const failed = platform.kind === 'report' && platform.report.status !== undefined && platform.report.status !== 'success';
    return { text: message.trim(), requestId: platform.requestId, platform, level: failed ? 'ERROR' : undefined };
  }

  let requestId: string | undefined;
  let level: LogLevel | undefined;
  let body = message;
  let m = NODE_TEXT.exec(message);
  if (m) {
    requestId = m[1];
    level = levelOf(m[2]);
    body = m[3];
  } else if ((m = PYTHON_TEXT.exec(message))) {
    level = levelOf(m[1]);
    requestId = m[2];
    body = m[3];
  }
  if (requestId !== undefined && !REQUEST_ID.test(requestId)) requestId = undefined;

  const structured = parseStructured(body);
  const result: ParsedLogMessage = structured ?? { text: body };
  const finalLevel = result.level ?? level ?? plainLevel(result.text);
  if (finalLevel) result.level = finalLevel;
  else delete result.level;
  result.requestId ??= requestId;
  if (!result.requestId) delete result.requestId;
  return result;
}
