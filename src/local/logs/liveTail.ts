import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { LogStore, StoredLogEvent } from './store';
import { compileFilterPattern, FilterPatternError } from './filterPattern';
import { GROUP_NOT_FOUND, groupNameFromIdentifier, invalid, notFound, optString, optStringList, type Params } from './params';

/**
 * StartLiveTail: an `application/vnd.amazon.eventstream` response carrying one `sessionStart`,
 * then `sessionUpdate`s. Events are batched for UPDATE_BATCH_MS after the first one arrives
 * (AWS sends about one update a second; a shorter window keeps the local tail snappy and the
 * SDK reads any cadence), at most MAX_EVENTS_PER_UPDATE each, extra events in a window being
 * dropped and the update marked `sampled`. When nothing happens an empty update is sent every
 * HEARTBEAT_MS so a vanished client is noticed. The session ends with a SessionTimeoutException
 * after 3 hours, or LOCAL_LAMBDA_LIVETAIL_MAX_MS milliseconds when that is set.
 */

const UPDATE_BATCH_MS = 100;
const HEARTBEAT_MS = 5_000;
const MAX_EVENTS_PER_UPDATE = 500;
const DEFAULT_MAX_SESSION_MS = 3 * 60 * 60 * 1000;
/** Stop queueing frames for a client that does not read. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

const codec = new EventStreamCodec(toUtf8, fromUtf8);

interface LiveTailEvent {
  logStreamName: string;
  logGroupIdentifier: string;
  message: string;
  timestamp: number;
  ingestionTime: number;
}

interface TailRequest {
  identifiers: string[];
  /** group name → identifier as the client gave it */
  groups: Map<string, string>;
  logStreamNames?: string[];
  logStreamNamePrefixes?: string[];
  filterPattern?: string;
}

function readTailRequest(p: Params, store: LogStore): TailRequest {
  const identifiers = optStringList(p, 'logGroupIdentifiers', 1, 10);
  if (!identifiers) throw invalid('logGroupIdentifiers is required: give 1 to 10 log group ARNs.');
  const groups = new Map<string, string>();
  for (const id of identifiers) {
    if (id.endsWith('*')) throw invalid(`Log group identifier ${id} must not end with "*".`);
    const name = groupNameFromIdentifier(id);
    if (!store.getGroup(name)) throw notFound(`${GROUP_NOT_FOUND} (${id})`);
    groups.set(name, id);
  }
  const logStreamNames = optStringList(p, 'logStreamNames', 1, 100);
  const logStreamNamePrefixes = optStringList(p, 'logStreamNamePrefixes', 1, 100);
  if (logStreamNames && logStreamNamePrefixes) throw invalid('Specify logStreamNames or logStreamNamePrefixes, not both.');
  if ((logStreamNames || logStreamNamePrefixes) && identifiers.length !== 1) {
    throw invalid('logStreamNames and logStreamNamePrefixes can be used only with exactly one log group identifier.');
  }
  const filterPattern = optString(p, 'logEventFilterPattern', 1024);
  return { identifiers, groups, logStreamNames, logStreamNamePrefixes, filterPattern };
}

function frame(headers: Record<string, string>, body: unknown): Buffer {
  const encoded = codec.encode({
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { type: 'string' as const, value: v }])),
    body: fromUtf8(JSON.stringify(body)),
  });
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

function eventFrame(eventType: 'sessionStart' | 'sessionUpdate', body: unknown): Buffer {
  return frame({ ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' }, body);
}

function maxSessionMs(): number {
  const configured = Number(process.env.LOCAL_LAMBDA_LIVETAIL_MAX_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_SESSION_MS;
}

/** Validates the request (errors are thrown before anything is written), then streams until the session ends. */
export function startLiveTail(res: ServerResponse, p: Params, store: LogStore): Promise<void> {
  const request = readTailRequest(p, store);
  let matches: (message: string) => boolean;
  try {
    matches = compileFilterPattern(request.filterPattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalid(err.message);
    throw err;
  }
  const streamWanted = (stream: string): boolean =>
    (!request.logStreamNames || request.logStreamNames.includes(stream)) &&
    (!request.logStreamNamePrefixes || request.logStreamNamePrefixes.some((prefix) => stream.startsWith(prefix)));

  const requestId = randomUUID();
  res.writeHead(200, {
    'Content-Type': 'application/vnd.amazon.eventstream',
    'x-amzn-RequestId': requestId,
    'Cache-Control': 'no-cache',
  });
  res.write(eventFrame('sessionStart', {
    requestId,
    sessionId: randomUUID(),
    logGroupIdentifiers: request.identifiers,
    ...(request.logStreamNames ? { logStreamNames: request.logStreamNames } : {}),
    ...(request.logStreamNamePrefixes ? { logStreamNamePrefixes: request.logStreamNamePrefixes } : {}),
    ...(request.filterPattern !== undefined ? { logEventFilterPattern: request.filterPattern } : {}),
  }));

  return new Promise<void>((resolve) => {
    let pending: LiveTailEvent[] = [];
    let sampled = false;
    let batchTimer: NodeJS.Timeout | undefined;
    let ended = false;

    const sendUpdate = (): void => {
      batchTimer = undefined;
      if (ended) return;
      if (res.writableLength > MAX_UNSENT_BYTES) {
        sampled = pending.length > 0 || sampled;
        pending = [];
        return;
      }
      res.write(eventFrame('sessionUpdate', { sessionMetadata: { sampled }, sessionResults: pending }));
      pending = [];
      sampled = false;
    };

    const unsubscribe = store.subscribe((groupName, streamName, events: readonly StoredLogEvent[]) => {
      const identifier = request.groups.get(groupName);
      if (identifier === undefined || !streamWanted(streamName)) return;
      for (const e of events) {
        if (!matches(e.message)) continue;
        if (pending.length >= MAX_EVENTS_PER_UPDATE) { sampled = true; continue; }
        pending.push({ logStreamName: streamName, logGroupIdentifier: identifier, message: e.message, timestamp: e.timestamp, ingestionTime: e.ingestionTime });
      }
      if (pending.length > 0 && !batchTimer) batchTimer = setTimeout(sendUpdate, UPDATE_BATCH_MS);
    });

    const heartbeat = setInterval(() => {
      if (!batchTimer && pending.length === 0) sendUpdate();
    }, HEARTBEAT_MS);

    const finish = (): void => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(batchTimer);
      clearTimeout(timeout);
      resolve();
    };

    const limitMs = maxSessionMs();
    const timeout = setTimeout(() => {
      if (pending.length > 0) sendUpdate();
      const minutes = Math.round(limitMs / 60_000);
      res.end(frame(
        { ':message-type': 'exception', ':exception-type': 'SessionTimeoutException', ':content-type': 'application/json' },
        { message: `The Live Tail session reached its time limit (${minutes >= 1 ? `${minutes} min` : `${limitMs} ms`}); start a new session to keep tailing.` },
      ));
      finish();
    }, limitMs);

    res.on('close', finish);
    res.on('error', finish);
  });
}
