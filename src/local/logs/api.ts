import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendError, sendJson } from '../http';
import { compileFilterPattern, FilterPatternError, MAX_FILTER_PATTERN_LENGTH, type MessageMatcher } from './filterPattern';
import { startLiveTail } from './liveTail';
import { createHash } from 'node:crypto';
import {
  ACCOUNT_ID, constraint, decodeToken, encodeToken, GROUP_NOT_FOUND, groupName, groupNameParam, invalid, logGroupArn, notFound, optBool,
  optInt, optString, optStringList, parseParams, REGION, STREAM_NOT_FOUND, streamName, type Params,
} from './params';
import { compareStrings, eventSize, firstIndexAfter, type LogGroupState, type LogStore, type LogStreamState, type StoredLogEvent } from './store';

/** The CloudWatch Logs API (JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`) over a LogStore. */

const TARGET_PREFIX = 'Logs_20140328.';
const JSON_11 = { 'Content-Type': 'application/x-amz-json-1.1' };
/** GetLogEvents and FilterLogEvents answer at most 1 MB of events. */
const MAX_RESPONSE_BYTES = 1_048_576;
/** GetLogEvents and FilterLogEvents answer at most 10,000 events. */
const MAX_RESPONSE_EVENTS = 10_000;

/**
 * How long one FilterLogEvents call may scan before it answers with what it found and a
 * nextToken, as CloudWatch answers a long search in pages (some of them empty). It keeps one
 * search from holding the single-threaded server. Tests may lower it.
 */
export const filterLimits = { timeBudgetMs: 20 };
const MIN_SCAN_EVENTS = 32;

/** Paging tokens older than this are refused, as CloudWatch's expire after 24 hours. */
const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The retention periods CloudWatch accepts, in days. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Retention set with PutRetentionPolicy; held in memory only (the store does not persist it). */
const retention = new WeakMap<LogGroupState, number>();

type Operation = (p: Params, store: LogStore) => unknown;

const operations: Record<string, Operation> = {
  CreateLogGroup: createLogGroup,
  CreateLogStream: createLogStream,
  DeleteLogGroup: deleteLogGroup,
  DeleteLogStream: deleteLogStream,
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
};

/** `LOCAL_LAMBDA_LIVETAIL=off` makes StartLiveTail answer as AWS does when it is not allowed, to exercise clients' fallbacks. */
const LIVE_TAIL_SWITCH = 'LOCAL_LAMBDA_LIVETAIL';
function liveTailRefused(): boolean {
  return process.env[LIVE_TAIL_SWITCH]?.trim().toLowerCase() === 'off';
}

export async function handleLogsRequest(req: IncomingMessage, res: ServerResponse, body: Buffer, store: LogStore): Promise<void> {
  try {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (op !== 'StartLiveTail' && !Object.hasOwn(operations, op)) {
      throw new ApiError(400, 'UnknownOperationException', `The Local Lambda does not support the CloudWatch Logs operation "${target || '(no X-Amz-Target header)'}".`);
    }
    const params = parseParams(body);
    if (op === 'StartLiveTail' && liveTailRefused()) {
      throw new ApiError(400, 'AccessDeniedException', `StartLiveTail is turned off in this Local Lambda (${LIVE_TAIL_SWITCH}=off); use FilterLogEvents.`);
    }
    if (op === 'StartLiveTail') {
      await startLiveTail(res, params, store);
      return;
    }
    sendJson(res, 200, operations[op](params, store) ?? {}, JSON_11);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, err instanceof ApiError ? err : new ApiError(500, 'ServiceUnavailableException', (err as Error).message), 'json-1.1');
  }
}

// ------------------------------------------------------------ groups and streams

function requireGroup(store: LogStore, name: string): LogGroupState {
  const group = store.getGroup(name);
  if (!group) throw notFound(GROUP_NOT_FOUND);
  return group;
}

function requireStream(group: LogGroupState, name: string): LogStreamState {
  const stream = group.streams.get(name);
  if (!stream) throw notFound(STREAM_NOT_FOUND);
  return stream;
}

function createLogGroup(p: Params, store: LogStore): void {
  const name = groupName(p, 'logGroupName', true);
  if (name.toLowerCase().startsWith('aws/')) throw invalid('Log groups starting with AWS/ are reserved for AWS.');
  if (!store.createGroup(name)) throw new ApiError(400, 'ResourceAlreadyExistsException', 'The specified log group already exists');
}

function createLogStream(p: Params, store: LogStore): void {
  const group = groupName(p, 'logGroupName', true);
  const stream = streamName(p, 'logStreamName');
  const outcome = store.createStream(group, stream);
  if (outcome === 'no-group') throw notFound(GROUP_NOT_FOUND);
  if (outcome === 'exists') throw new ApiError(400, 'ResourceAlreadyExistsException', 'The specified log stream already exists');
}

function deleteLogGroup(p: Params, store: LogStore): void {
  if (!store.deleteGroup(groupName(p, 'logGroupName', true))) throw notFound(GROUP_NOT_FOUND);
}

function deleteLogStream(p: Params, store: LogStore): void {
  const group = requireGroup(store, groupName(p, 'logGroupName', true));
  if (!store.deleteStream(group.name, streamName(p, 'logStreamName'))) throw notFound(STREAM_NOT_FOUND);
}

function putRetentionPolicy(p: Params, store: LogStore): void {
  const group = requireGroup(store, groupName(p, 'logGroupName', true));
  const days = optInt(p, 'retentionInDays', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (days === undefined) throw constraint('retentionInDays', null, 'not be null');
  if (!RETENTION_DAYS.includes(days)) throw constraint('retentionInDays', days, `satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  retention.set(group, days);
}

function deleteRetentionPolicy(p: Params, store: LogStore): void {
  retention.delete(requireGroup(store, groupName(p, 'logGroupName', true)));
}

const isNameToken = (v: unknown): v is { n: string } => typeof (v as { n?: unknown })?.n === 'string';
const isOffsetToken = (v: unknown): v is { o: number; g: string } =>
  Number.isInteger((v as { o?: unknown })?.o) && (v as { o: number }).o >= 0 && typeof (v as { g?: unknown }).g === 'string';

function describeLogGroups(p: Params, store: LogStore): unknown {
  const prefix = groupName(p, 'logGroupNamePrefix', false);
  const pattern = optString(p, 'logGroupNamePattern', 512, 0);
  if (pattern !== undefined && !/^[.\-_/#A-Za-z0-9]*$/.test(pattern)) {
    throw constraint('logGroupNamePattern', pattern, 'satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]*');
  }
  if (prefix !== undefined && pattern !== undefined) throw invalid('logGroupNamePrefix and logGroupNamePattern cannot both be specified.');
  const limit = optInt(p, 'limit', 1, 50) ?? 50;
  const token = optString(p, 'nextToken', 4096);
  const after = token !== undefined ? decodeToken(token, isNameToken).n : undefined;
  // logGroupNamePattern is a case-insensitive substring match.
  const needle = pattern?.toLowerCase();
  const matching = store.listGroups().filter((g) =>
    (prefix === undefined || g.name.startsWith(prefix)) &&
    (needle === undefined || g.name.toLowerCase().includes(needle)) &&
    (after === undefined || compareStrings(g.name, after) > 0));
  const page = matching.slice(0, limit);
  return {
    logGroups: page.map((g) => ({
      logGroupName: g.name,
      creationTime: g.creationTime,
      metricFilterCount: 0,
      arn: `${logGroupArn(g.name)}:*`,
      logGroupArn: logGroupArn(g.name),
      storedBytes: store.groupStoredBytes(g),
      ...(retention.has(g) ? { retentionInDays: retention.get(g) } : {}),
      logGroupClass: 'STANDARD',
    })),
    ...(matching.length > limit ? { nextToken: encodeToken({ n: page[page.length - 1].name }) } : {}),
  };
}

function describeLogStreams(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const prefix = optString(p, 'logStreamNamePrefix', 512);
  const orderBy = optString(p, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw constraint('orderBy', orderBy, 'satisfy enum value set: [LogStreamName, LastEventTime]');
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const descending = optBool(p, 'descending') ?? false;
  const limit = optInt(p, 'limit', 1, 50) ?? 50;
  const token = optString(p, 'nextToken', 4096);
  const decoded = token !== undefined ? decodeToken(token, isOffsetToken) : undefined;
  if (decoded && decoded.g !== group.name) throw invalid('The specified nextToken is invalid.');
  const offset = decoded?.o ?? 0;
  const lastEventTime = (s: LogStreamState): number => s.events.get(s.events.length - 1)?.timestamp ?? 0;
  const streams = [...group.streams.values()]
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort((a, b) => (orderBy === 'LastEventTime' ? lastEventTime(a) - lastEventTime(b) : 0) || compareStrings(a.name, b.name));
  if (descending) streams.reverse();
  const page = streams.slice(offset, offset + limit);
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.name,
      creationTime: s.creationTime,
      ...(s.events.length > 0 ? {
        firstEventTimestamp: s.events.get(0)!.timestamp,
        lastEventTimestamp: s.events.get(s.events.length - 1)!.timestamp,
      } : {}),
      ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
      arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${group.name}:log-stream:${s.name}`,
      storedBytes: s.storedBytes,
    })),
    ...(offset + limit < streams.length ? { nextToken: encodeToken({ o: offset + limit, g: group.name }) } : {}),
  };
}

// ------------------------------------------------------------ events

const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
/**
 * One event may be at most 1 MB (message bytes + 26), as PutLogEvents documents since 2025
 * (256 KB before). A batch's own 1,048,576-byte limit is checked after it, so an event that
 * passes this can still make its batch too large.
 */
const MAX_EVENT_BYTES = 1_048_576;
const DAY_MS = 24 * 60 * 60 * 1000;
const TOO_NEW_MS = 2 * 60 * 60 * 1000;
const TOO_OLD_MS = 14 * DAY_MS;

function putLogEvents(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const stream = streamName(p, 'logStreamName');
  requireStream(group, stream);
  const raw = p.logEvents;
  if (raw === undefined || raw === null) throw constraint('logEvents', null, 'not be null');
  if (!Array.isArray(raw)) throw new ApiError(400, 'SerializationException', 'logEvents must be a list of events.');
  if (raw.length === 0) throw invalid("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (raw.length > MAX_BATCH_EVENTS) {
    throw invalid(`1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BATCH_EVENTS}`);
  }
  let bytes = 0;
  const events = raw.map((e: unknown, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ApiError(400, 'SerializationException', `logEvents[${i}] must be an object with timestamp and message.`);
    const { timestamp, message } = e as { timestamp?: unknown; message?: unknown };
    if (timestamp === undefined || timestamp === null) throw constraint(`logEvents.${i + 1}.member.timestamp`, null, 'not be null');
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) throw new ApiError(400, 'SerializationException', `logEvents[${i}].timestamp must be an integer (epoch milliseconds).`);
    if (timestamp < 0) throw constraint(`logEvents.${i + 1}.member.timestamp`, timestamp, 'have value greater than or equal to 0');
    if (message === undefined || message === null) throw constraint(`logEvents.${i + 1}.member.message`, null, 'not be null');
    if (typeof message !== 'string') throw new ApiError(400, 'SerializationException', `logEvents[${i}].message must be a string.`);
    if (message === '') throw constraint(`logEvents.${i + 1}.member.message`, '', 'have length greater than or equal to 1');
    const size = eventSize(message);
    if (size > MAX_EVENT_BYTES) throw invalid(`Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    bytes += size;
    return { timestamp, message };
  });
  if (bytes > MAX_BATCH_BYTES) throw invalid(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  for (let i = 1; i < events.length; i++) {
    if (events[i].timestamp < events[i - 1].timestamp) throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
  }
  // Events in order: the too old form a prefix, the too new a suffix; the rest are kept.
  const now = Date.now();
  const days = retention.get(group);
  const expiredBefore = days !== undefined ? now - days * DAY_MS : -Infinity;
  let tooOldEnd: number | undefined;
  let expiredEnd: number | undefined;
  let tooNewStart: number | undefined;
  const accepted: typeof events = [];
  events.forEach((e, i) => {
    if (e.timestamp > now + TOO_NEW_MS) tooNewStart ??= i;
    else if (e.timestamp < now - TOO_OLD_MS) tooOldEnd = i;
    else if (e.timestamp < expiredBefore) expiredEnd = i;
    else accepted.push(e);
  });
  if (accepted.length > 0 && accepted[accepted.length - 1].timestamp - accepted[0].timestamp > DAY_MS) {
    throw invalid('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  if (accepted.length > 0) store.writeDurable(group.name, stream, accepted);
  const rejected = {
    ...(tooNewStart !== undefined ? { tooNewLogEventStartIndex: tooNewStart } : {}),
    ...(tooOldEnd !== undefined ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
    ...(expiredEnd !== undefined ? { expiredLogEventEndIndex: expiredEnd } : {}),
  };
  return {
    nextSequenceToken: String(Date.now()).padStart(20, '0'),
    ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
  };
}

function compileOrReject(pattern: string | undefined): MessageMatcher {
  try {
    return compileFilterPattern(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalid(err.message);
    throw err;
  }
}

/** startTime and endTime: epoch milliseconds, start not after end. */
function timeRange(p: Params): { startTime?: number; endTime?: number } {
  const startTime = optInt(p, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const endTime = optInt(p, 'endTime', 0, Number.MAX_SAFE_INTEGER);
  // CloudWatch's wording for this case is not documented; the check is ours.
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw invalid(`startTime (${startTime}) must not be later than endTime (${endTime}).`);
  }
  return { startTime, endTime };
}

/** A short tag naming a group (and stream), so a token from one cannot be replayed on another. */
function scopeTag(...names: string[]): string {
  return createHash('sha256').update(names.join('\0')).digest('hex').slice(0, 12);
}

/**
 * GetLogEvents tokens name a position between events: `f/<timestamp>/<seq>/<scope>` reads
 * forward from it, `b/…` backward. At either end the token passed in comes back unchanged.
 */
function parseStreamToken(token: string, scope: string): { forward: boolean; t: number; q: number } {
  const m = /^([fb])\/(\d{1,16})\/(\d{1,16})\/([0-9a-f]{12})$/.exec(token);
  if (!m || m[4] !== scope) throw invalid('The specified nextToken is invalid.');
  return { forward: m[1] === 'f', t: Number(m[2]), q: Number(m[3]) };
}

function getLogEvents(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const stream = requireStream(group, streamName(p, 'logStreamName'));
  const { startTime, endTime } = timeRange(p);
  const limit = optInt(p, 'limit', 1, MAX_RESPONSE_EVENTS) ?? MAX_RESPONSE_EVENTS;
  const startFromHead = optBool(p, 'startFromHead') ?? false;
  const token = optString(p, 'nextToken', 4096);
  const scope = scopeTag(group.name, stream.name);

  const all = stream.events;
  // The window: startTime inclusive, endTime exclusive.
  const lo = startTime === undefined ? 0 : firstIndexAfter(all, startTime - 1, Number.MAX_SAFE_INTEGER);
  const hi = endTime === undefined ? all.length : firstIndexAfter(all, endTime - 1, Number.MAX_SAFE_INTEGER);

  let forward: boolean;
  let cursor: number; // index into `all` of the position
  if (token !== undefined) {
    const parsed = parseStreamToken(token, scope);
    forward = parsed.forward;
    // Position (t, q) sits before the first event whose key is ≥ (t, q).
    cursor = firstIndexAfter(all, parsed.t, parsed.q - 1);
  } else {
    forward = startFromHead;
    cursor = forward ? lo : hi;
  }
  cursor = Math.min(Math.max(cursor, lo), hi);

  const picked: StoredLogEvent[] = [];
  let bytes = 0;
  if (forward) {
    for (let i = cursor; i < hi && picked.length < limit; i++) {
      const e = all.get(i)!;
      bytes += eventSize(e.message);
      if (bytes > MAX_RESPONSE_BYTES && picked.length > 0) break;
      picked.push(e);
    }
  } else {
    for (let i = cursor - 1; i >= lo && picked.length < limit; i--) {
      const e = all.get(i)!;
      bytes += eventSize(e.message);
      if (bytes > MAX_RESPONSE_BYTES && picked.length > 0) break;
      picked.push(e);
    }
    picked.reverse();
  }

  const positionBefore = (e: StoredLogEvent): string => `${e.timestamp}/${e.seq}`;
  const positionAfter = (e: StoredLogEvent): string => `${e.timestamp}/${e.seq + 1}`;
  const atCursor = all.get(cursor);
  const beforeCursor = all.get(cursor - 1);
  const here = atCursor ? positionBefore(atCursor) : beforeCursor ? positionAfter(beforeCursor) : `${startTime ?? 0}/0`;
  const first = picked[0];
  const last = picked[picked.length - 1];
  return {
    events: picked.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: token !== undefined && forward && !last ? token : `f/${last ? positionAfter(last) : here}/${scope}`,
    nextBackwardToken: token !== undefined && !forward && !first ? token : `b/${first ? positionBefore(first) : here}/${scope}`,
  };
}

/** FilterLogEvents resumes at (t, q); `g` scopes the token to its group, `i` is when it was issued. */
interface FilterToken { t: number; q: number; g: string; i: number }
const isFilterToken = (v: unknown): v is FilterToken => {
  const o = v as Partial<FilterToken> | null;
  return Number.isSafeInteger(o?.t) && Number.isSafeInteger(o?.q) && typeof o?.g === 'string' && Number.isSafeInteger(o?.i);
};

function filterLogEvents(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const names = optStringList(p, 'logStreamNames', 1, 100);
  const prefix = optString(p, 'logStreamNamePrefix', 512);
  if (names && prefix !== undefined) throw invalid('logStreamNames and logStreamNamePrefix cannot both be specified.');
  const { startTime, endTime } = timeRange(p);
  const limit = optInt(p, 'limit', 1, MAX_RESPONSE_EVENTS) ?? MAX_RESPONSE_EVENTS;
  const matches = compileOrReject(optString(p, 'filterPattern', MAX_FILTER_PATTERN_LENGTH, 0));
  const token = optString(p, 'nextToken', 4096);
  let from = { t: startTime ?? 0, q: 0 };
  if (token !== undefined) {
    const decoded = decodeToken(token, isFilterToken);
    const now = Date.now();
    // A token from another group, from the future or older than a day is refused alike.
    if (decoded.g !== scopeTag(group.name) || decoded.i > now + 60_000 || now - decoded.i > TOKEN_LIFETIME_MS) {
      throw invalid('The specified nextToken is invalid.');
    }
    from = { t: decoded.t, q: decoded.q };
  }

  const streams = [...group.streams.values()]
    .filter((s) => (!names || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)))
    .sort((a, b) => compareStrings(a.name, b.name));
  // Merge the streams in (timestamp, seq) order, starting at the position `from`.
  const heads = streams.map((s) => ({ stream: s, i: firstIndexAfter(s.events, from.t, from.q - 1) }));
  const events: { logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[] = [];
  const deadline = performance.now() + filterLimits.timeBudgetMs;
  let scanned = 0;
  let scannedBytes = 0;
  let bytes = 0;
  let resume: { t: number; q: number } | undefined;
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const h of heads) {
      const e = h.stream.events.get(h.i);
      if (e === undefined || (endTime !== undefined && e.timestamp > endTime)) continue;
      const b = best?.stream.events.get(best.i);
      if (!b || e.timestamp < b.timestamp || (e.timestamp === b.timestamp && e.seq < b.seq)) best = h;
    }
    if (!best) break;
    const e = best.stream.events.get(best.i)!;
    // The clock only counts once a little work is done, so a small search always completes in one page.
    const budgetSpent = (scanned >= MIN_SCAN_EVENTS || scannedBytes >= MAX_RESPONSE_BYTES) && performance.now() > deadline;
    if (events.length >= limit || scanned >= store.filterScanBudget || budgetSpent) {
      resume = { t: e.timestamp, q: e.seq };
      break;
    }
    scanned++;
    scannedBytes += e.message.length;
    if (matches(e.message)) {
      bytes += eventSize(e.message);
      if (bytes > MAX_RESPONSE_BYTES && events.length > 0) {
        resume = { t: e.timestamp, q: e.seq };
        break;
      }
      events.push({ logStreamName: best.stream.name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: String(e.seq).padStart(20, '0') });
    }
    best.i++;
  }
  return {
    events,
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: resume === undefined })),
    ...(resume ? { nextToken: encodeToken({ ...resume, g: scopeTag(group.name), i: Date.now() }) } : {}),
  };
}
