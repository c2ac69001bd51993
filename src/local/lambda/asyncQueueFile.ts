/**
 * The asynchronous queue on disk: the events accepted with 202 and not yet finished, so that a
 * restart of the Local Lambda goes on with them (their request ids, attempt counts, last results
 * and the time each is due) instead of losing them. AWS keeps queued events for up to six hours;
 * so does this file, up to QUEUE_FILE_LIMITS.payloadBytes of payloads.
 *
 * Read whole and checked at start: a file that is not what it should be is refused untouched
 * (CorruptStateError), as every state file is.
 */

import { CorruptStateError, readJsonFile, writeJsonAtomic } from '../persist';

export const ASYNC_QUEUE_FILE = 'async-events.json';

export const QUEUE_FILE_LIMITS = {
  /** Payload bytes kept across a restart (the newest events past this are not written). */
  payloadBytes: 32 * 1024 * 1024,
  events: 10_000,
} as const;

/** One queued event as the file keeps it. */
export interface StoredEvent {
  requestId: string;
  functionName: string;
  configQualifier: string;
  arnQualifier?: string;
  executedVersion: string;
  /** Base64. */
  payload: string;
  receivedAt: number;
  /** Epoch ms when the next attempt is due (wall clock). */
  dueAt: number;
  runs: number;
  backoffMs: number;
  chain: number;
  last?: { payload: string; functionError?: 'Unhandled' | 'Handled'; logStreamName?: string };
  lastRefusal?: { errorType: string; errorMessage: string };
}

interface QueueFile {
  formatVersion: 1;
  events: StoredEvent[];
}

const NAME = /^[A-Za-z0-9_-]{1,140}$/;
const QUALIFIER = /^[A-Za-z0-9$_-]{1,128}$/;
const VERSION = /^(\$LATEST|[0-9]{1,10})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function check(file: string, i: number, value: unknown): StoredEvent {
  const fail = (field: string, detail: string): never => { throw new CorruptStateError(file, detail, { record: `event ${i + 1}`, ...(field ? { field } : {}) }); };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('', 'an event must be an object');
  const e = value as Record<string, unknown>;
  const str = (field: string, pattern?: RegExp, max = 256): string => {
    const v = e[field];
    if (typeof v !== 'string' || v.length > max || (pattern && !pattern.test(v))) fail(field, `not a valid ${field}`);
    return v as string;
  };
  const num = (field: string, min: number, max: number): number => {
    const v = e[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(field, `${field} must be a number from ${min} to ${max}`);
    return v as number;
  };
  // Base64 of a 1 MB event, and of a 6 MB result.
  const payloadMax = Math.ceil((1024 * 1024 * 4) / 3) + 4;
  const lastMax = Math.ceil((6 * 1024 * 1024 * 4) / 3) + 4;
  const out: StoredEvent = {
    requestId: str('requestId', /^[A-Za-z0-9-]{1,64}$/),
    functionName: str('functionName', NAME),
    configQualifier: str('configQualifier', QUALIFIER),
    executedVersion: str('executedVersion', VERSION),
    payload: str('payload', BASE64, payloadMax),
    receivedAt: num('receivedAt', 0, 8.64e15),
    dueAt: num('dueAt', 0, 8.64e15),
    runs: num('runs', 0, 3),
    backoffMs: num('backoffMs', 0, 24 * 3600 * 1000),
    chain: num('chain', 0, 64),
  };
  if (e.arnQualifier !== undefined) out.arnQualifier = str('arnQualifier', QUALIFIER);
  if (e.last !== undefined) {
    const l = e.last as Record<string, unknown>;
    if (typeof l !== 'object' || l === null || typeof l.payload !== 'string' || l.payload.length > lastMax || !BASE64.test(l.payload)) fail('last', 'last must hold the base64 payload of the last run');
    if (l.functionError !== undefined && l.functionError !== 'Unhandled' && l.functionError !== 'Handled') fail('last', 'last.functionError must be Unhandled or Handled');
    if (l.logStreamName !== undefined && (typeof l.logStreamName !== 'string' || l.logStreamName.length > 512)) fail('last', 'last.logStreamName must be a log stream name');
    out.last = { payload: l.payload as string, ...(l.functionError ? { functionError: l.functionError as 'Unhandled' | 'Handled' } : {}),
      ...(typeof l.logStreamName === 'string' ? { logStreamName: l.logStreamName } : {}) };
  }
  if (e.lastRefusal !== undefined) {
    const r = e.lastRefusal as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || typeof r.errorType !== 'string' || typeof r.errorMessage !== 'string' || r.errorType.length > 256 || r.errorMessage.length > 4096) {
      fail('lastRefusal', 'lastRefusal must hold errorType and errorMessage');
    }
    out.lastRefusal = { errorType: r.errorType as string, errorMessage: r.errorMessage as string };
  }
  return out;
}

/** The events the file holds; none when it does not exist. */
export function readQueueFile(file: string): StoredEvent[] {
  const data = readJsonFile<Partial<QueueFile>>(file);
  if (data === undefined) return [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CorruptStateError(file, 'not an object with formatVersion and events');
  if (data.formatVersion !== 1) throw new CorruptStateError(file, `formatVersion ${String(data.formatVersion).slice(0, 20)} is not one this Local Lambda reads (1)`);
  if (!Array.isArray(data.events)) throw new CorruptStateError(file, 'events must be a list');
  if (data.events.length > QUEUE_FILE_LIMITS.events) throw new CorruptStateError(file, `it lists ${data.events.length} events, more than ${QUEUE_FILE_LIMITS.events}`);
  const events = data.events.map((e, i) => check(file, i, e));
  const ids = new Set<string>();
  events.forEach((e, i) => {
    if (ids.has(e.requestId)) throw new CorruptStateError(file, `the request id ${e.requestId} appears twice`, { record: `event ${i + 1}` });
    ids.add(e.requestId);
  });
  return events;
}

/**
 * Writes the events, oldest first, as many as fit in QUEUE_FILE_LIMITS.payloadBytes; returns how
 * many did not fit.
 */
export function writeQueueFile(file: string, events: readonly StoredEvent[]): number {
  const kept: StoredEvent[] = [];
  let bytes = 0;
  for (const e of [...events].sort((a, b) => a.receivedAt - b.receivedAt)) {
    bytes += e.payload.length + (e.last?.payload.length ?? 0);
    if (bytes > QUEUE_FILE_LIMITS.payloadBytes || kept.length >= QUEUE_FILE_LIMITS.events) break;
    kept.push(e);
  }
  writeJsonAtomic(file, { formatVersion: 1, events: kept } satisfies QueueFile);
  return events.length - kept.length;
}
