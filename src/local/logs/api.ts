import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendError, sendJson } from '../http';
import { compileFilterPattern, FilterPatternError, type MessageMatcher } from './filterPattern';
import { startLiveTail } from './liveTail';
import {
  ACCOUNT_ID, decodeToken, encodeToken, GROUP_NOT_FOUND, groupNameParam, invalid, logGroupArn, notFound, optBool,
  optInt, optString, optStringList, parseParams, REGION, reqString, STREAM_NOT_FOUND, type Params,
} from './params';
import { compareStrings, eventSize, firstIndexAfter, type LogGroupState, type LogStore, type LogStreamState, type StoredLogEvent } from './store';

/** The CloudWatch Logs API (JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`) over a LogStore. */

const TARGET_PREFIX = 'Logs_20140328.';
const JSON_11 = { 'Content-Type': 'application/x-amz-json-1.1' };
/** GetLogEvents and FilterLogEvents answer at most 1 MB of events. */
const MAX_RESPONSE_BYTES = 1_048_576;
const NAME_PATTERN = /^[.\-_/#A-Za-z0-9]+$/;

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
  const name = reqString(p, 'logGroupName', 512);
  if (!NAME_PATTERN.test(name)) {
    throw invalid(`Log group name "${name}" may contain only letters, digits and the characters . - _ / #.`);
  }
  if (!store.createGroup(name)) throw new ApiError(400, 'ResourceAlreadyExistsException', 'The specified log group already exists');
}

function createLogStream(p: Params, store: LogStore): void {
  const group = reqString(p, 'logGroupName', 512);
  const stream = reqString(p, 'logStreamName', 512);
  if (/[:*]/.test(stream)) throw invalid(`Log stream name "${stream}" must not contain ":" or "*".`);
  const outcome = store.createStream(group, stream);
  if (outcome === 'no-group') throw notFound(GROUP_NOT_FOUND);
  if (outcome === 'exists') throw new ApiError(400, 'ResourceAlreadyExistsException', 'The specified log stream already exists');
}

function deleteLogGroup(p: Params, store: LogStore): void {
  if (!store.deleteGroup(reqString(p, 'logGroupName', 512))) throw notFound(GROUP_NOT_FOUND);
}

function deleteLogStream(p: Params, store: LogStore): void {
  const group = requireGroup(store, reqString(p, 'logGroupName', 512));
  if (!store.deleteStream(group.name, reqString(p, 'logStreamName', 512))) throw notFound(STREAM_NOT_FOUND);
}

const isNameToken = (v: unknown): v is { n: string } => typeof (v as { n?: unknown })?.n === 'string';
const isOffsetToken = (v: unknown): v is { o: number } => Number.isInteger((v as { o?: unknown })?.o) && (v as { o: number }).o >= 0;

function describeLogGroups(p: Params, store: LogStore): unknown {
  const prefix = optString(p, 'logGroupNamePrefix', 512);
  const pattern = optString(p, 'logGroupNamePattern', 512);
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
      logGroupClass: 'STANDARD',
    })),
    ...(matching.length > limit ? { nextToken: encodeToken({ n: page[page.length - 1].name }) } : {}),
  };
}

function describeLogStreams(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const prefix = optString(p, 'logStreamNamePrefix', 512);
  const orderBy = optString(p, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid(`orderBy must be LogStreamName or LastEventTime; got ${orderBy}.`);
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const descending = optBool(p, 'descending') ?? false;
  const limit = optInt(p, 'limit', 1, 50) ?? 50;
  const token = optString(p, 'nextToken', 4096);
  const offset = token !== undefined ? decodeToken(token, isOffsetToken).o : 0;
  const lastEventTime = (s: LogStreamState): number => s.events[s.events.length - 1]?.timestamp ?? 0;
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
        firstEventTimestamp: s.events[0].timestamp,
        lastEventTimestamp: s.events[s.events.length - 1].timestamp,
      } : {}),
      ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
      arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${group.name}:log-stream:${s.name}`,
      storedBytes: s.storedBytes,
    })),
    ...(offset + limit < streams.length ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
  };
}

// ------------------------------------------------------------ events

const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const DAY_MS = 24 * 60 * 60 * 1000;
const TOO_NEW_MS = 2 * 60 * 60 * 1000;
const TOO_OLD_MS = 14 * DAY_MS;

function putLogEvents(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const streamName = reqString(p, 'logStreamName', 512);
  requireStream(group, streamName);
  const raw = p.logEvents;
  if (!Array.isArray(raw) || raw.length === 0) throw invalid('logEvents must be a list of 1 to 10,000 events.');
  if (raw.length > MAX_BATCH_EVENTS) throw invalid(`A batch can hold at most ${MAX_BATCH_EVENTS} events; got ${raw.length}.`);
  let bytes = 0;
  const events = raw.map((e: unknown, i) => {
    const { timestamp, message } = (e ?? {}) as { timestamp?: unknown; message?: unknown };
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) throw invalid(`logEvents[${i}].timestamp must be epoch milliseconds.`);
    if (typeof message !== 'string' || message === '') throw invalid(`logEvents[${i}].message must be a non-empty string.`);
    bytes += eventSize(message);
    return { timestamp, message };
  });
  if (bytes > MAX_BATCH_BYTES) throw invalid(`The batch is ${bytes} bytes (message bytes + 26 per event); the limit is ${MAX_BATCH_BYTES}.`);
  const times = events.map((e) => e.timestamp);
  if (Math.max(...times) - Math.min(...times) > DAY_MS) throw invalid('The log events in a single PutLogEvents request cannot span more than 24 hours.');
  // Lenient: events need not be in chronological order (the stream keeps them sorted).
  const now = Date.now();
  const accepted: typeof events = [];
  let tooNewStart: number | undefined;
  let tooOldEnd: number | undefined;
  events.forEach((e, i) => {
    if (e.timestamp > now + TOO_NEW_MS) tooNewStart ??= i;
    else if (e.timestamp < now - TOO_OLD_MS) tooOldEnd = i;
    else accepted.push(e);
  });
  if (accepted.length > 0) store.write(group.name, streamName, accepted);
  return {
    nextSequenceToken: String(Date.now()).padStart(20, '0'),
    ...(tooNewStart !== undefined || tooOldEnd !== undefined ? {
      rejectedLogEventsInfo: {
        ...(tooNewStart !== undefined ? { tooNewLogEventStartIndex: tooNewStart } : {}),
        ...(tooOldEnd !== undefined ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
      },
    } : {}),
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

/**
 * GetLogEvents tokens name a position between events: `f/<timestamp>/<seq>` reads forward from
 * it, `b/<timestamp>/<seq>` backward. At either end the token passed in comes back unchanged.
 */
function parseStreamToken(token: string): { forward: boolean; t: number; q: number } {
  const m = /^([fb])\/(\d{1,16})\/(\d{1,16})$/.exec(token);
  if (!m) throw invalid('The specified nextToken is invalid.');
  return { forward: m[1] === 'f', t: Number(m[2]), q: Number(m[3]) };
}

function getLogEvents(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const stream = requireStream(group, reqString(p, 'logStreamName', 512));
  const startTime = optInt(p, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const endTime = optInt(p, 'endTime', 0, Number.MAX_SAFE_INTEGER);
  const limit = optInt(p, 'limit', 1, 10_000) ?? 10_000;
  const startFromHead = optBool(p, 'startFromHead') ?? false;
  const token = optString(p, 'nextToken', 4096);

  const all = stream.events;
  // The window: startTime inclusive, endTime exclusive.
  const lo = startTime === undefined ? 0 : firstIndexAfter(all, startTime - 1, Number.MAX_SAFE_INTEGER);
  const hi = endTime === undefined ? all.length : firstIndexAfter(all, endTime - 1, Number.MAX_SAFE_INTEGER);

  let forward: boolean;
  let cursor: number; // index into `all` of the position
  if (token !== undefined) {
    const parsed = parseStreamToken(token);
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
      bytes += eventSize(all[i].message);
      if (bytes > MAX_RESPONSE_BYTES && picked.length > 0) break;
      picked.push(all[i]);
    }
  } else {
    for (let i = cursor - 1; i >= lo && picked.length < limit; i--) {
      bytes += eventSize(all[i].message);
      if (bytes > MAX_RESPONSE_BYTES && picked.length > 0) break;
      picked.push(all[i]);
    }
    picked.reverse();
  }

  const positionBefore = (e: StoredLogEvent): string => `${e.timestamp}/${e.seq}`;
  const positionAfter = (e: StoredLogEvent): string => `${e.timestamp}/${e.seq + 1}`;
  const here = all[cursor] ? positionBefore(all[cursor]) : all[cursor - 1] ? positionAfter(all[cursor - 1]) : `${startTime ?? 0}/0`;
  const first = picked[0];
  const last = picked[picked.length - 1];
  return {
    events: picked.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: token !== undefined && forward && !last ? token : `f/${last ? positionAfter(last) : here}`,
    nextBackwardToken: token !== undefined && !forward && !first ? token : `b/${first ? positionBefore(first) : here}`,
  };
}

const isFilterToken = (v: unknown): v is { t: number; q: number } =>
  Number.isInteger((v as { t?: unknown })?.t) && Number.isInteger((v as { q?: unknown })?.q);

function filterLogEvents(p: Params, store: LogStore): unknown {
  const group = requireGroup(store, groupNameParam(p));
  const names = optStringList(p, 'logStreamNames', 1, 100);
  const prefix = optString(p, 'logStreamNamePrefix', 512);
  if (names && prefix !== undefined) throw invalid('logStreamNames and logStreamNamePrefix cannot both be specified.');
  const startTime = optInt(p, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const endTime = optInt(p, 'endTime', 0, Number.MAX_SAFE_INTEGER);
  const limit = optInt(p, 'limit', 1, 10_000) ?? 10_000;
  const matches = compileOrReject(optString(p, 'filterPattern', 1024));
  const token = optString(p, 'nextToken', 4096);
  const from = token !== undefined ? decodeToken(token, isFilterToken) : { t: startTime ?? 0, q: 0 };

  const streams = [...group.streams.values()]
    .filter((s) => (!names || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)))
    .sort((a, b) => compareStrings(a.name, b.name));
  // Merge the streams in (timestamp, seq) order, starting at the position `from`.
  const heads = streams.map((s) => ({ stream: s, i: firstIndexAfter(s.events, from.t, from.q - 1) }));
  const events: { logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[] = [];
  let scanned = 0;
  let bytes = 0;
  let resume: { t: number; q: number } | undefined;
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const h of heads) {
      const e = h.stream.events[h.i];
      if (e === undefined || (endTime !== undefined && e.timestamp > endTime)) continue;
      if (!best || e.timestamp < best.stream.events[best.i].timestamp
        || (e.timestamp === best.stream.events[best.i].timestamp && e.seq < best.stream.events[best.i].seq)) best = h;
    }
    if (!best) break;
    const e = best.stream.events[best.i];
    if (events.length >= limit || scanned >= store.filterScanBudget) {
      resume = { t: e.timestamp, q: e.seq };
      break;
    }
    scanned++;
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
    ...(resume ? { nextToken: encodeToken(resume) } : {}),
  };
}
