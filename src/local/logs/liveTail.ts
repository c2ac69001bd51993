import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { LogStore, StoredLogEvent } from './store';
import { ApiError } from '../http';
import { compileFilterPattern, FilterPatternError, MAX_FILTER_PATTERN_LENGTH } from './filterPattern';
import { ACCOUNT_ID, constraint, GROUP_NOT_FOUND, invalid, notFound, optString, optStringList, REGION, type Params } from './params';

/**
 * StartLiveTail: an `application/vnd.amazon.eventstream` response carrying one `sessionStart`,
 * then `sessionUpdate`s. Events are batched for UPDATE_BATCH_MS after the first one arrives
 * (AWS sends about one update a second; a shorter window keeps the local tail snappy and the
 * SDK reads any cadence), at most MAX_EVENTS_PER_UPDATE each, extra events in a window being
 * dropped and the update marked `sampled`. When nothing happens an empty update is sent every
 * HEARTBEAT_MS so a vanished client is noticed. The session ends with a SessionTimeoutException
 * after 3 hours, or LOCAL_LAMBDA_LIVETAIL_MAX_MS milliseconds when that is set.
 *
 * A client that reads slower than updates come gets what CloudWatch gives it: up to 10 updates
 * or 5,000 events wait for it, older ones are dropped, and the next update sent says `sampled`.
 * Nothing is handed to the socket while it still holds unsent bytes, so the memory a session
 * holds stays bounded however slow its reader.
 */

const UPDATE_BATCH_MS = 100;
const HEARTBEAT_MS = 5_000;
const MAX_EVENTS_PER_UPDATE = 500;
/** An update also stops growing at this many message bytes (the rest of the window is sampled away). */
const MAX_UPDATE_BYTES = 1024 * 1024;
const DEFAULT_MAX_SESSION_MS = 3 * 60 * 60 * 1000;
const MAX_QUEUED_UPDATES = 10;
const MAX_QUEUED_EVENTS = 5_000;
/** The socket is considered busy while it holds more unsent bytes than this. */
const SOCKET_HIGH_WATER = 64 * 1024;

/**
 * Concurrent sessions allowed. CloudWatch has a per-account quota on concurrent Live Tail
 * sessions; its exact figure is not verified here, so 15 is an assumption. Tests may lower it.
 */
export const liveTailLimits = { maxSessions: 15 };
let activeSessions = 0;

/** What each open session holds for its reader, for tests and diagnostics. */
const backlogs = new Set<() => { updates: number; events: number }>();

/** Sessions open now, and the largest backlog any of them holds. */
export function liveTailBacklog(): { sessions: number; maxUpdates: number; maxEvents: number } {
  let maxUpdates = 0;
  let maxEvents = 0;
  for (const read of backlogs) {
    const b = read();
    maxUpdates = Math.max(maxUpdates, b.updates);
    maxEvents = Math.max(maxEvents, b.events);
  }
  return { sessions: activeSessions, maxUpdates, maxEvents };
}

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

const ARN_PATTERN = /^arn:aws[\w-]*:logs:([^:]*):([^:]*):log-group:(.+)$/;

/**
 * The group an identifier names. CloudWatch asks for ARNs (no trailing `*`); a bare name is
 * accepted too, so a client that has no ARN at hand can still tail the Local Lambda.
 */
function groupFromIdentifier(id: string): { name: string; ours: boolean } {
  if (id === '') throw constraint('logGroupIdentifiers.member', id, 'have length greater than or equal to 1');
  if (id.length > 2048) throw constraint('logGroupIdentifiers.member', id, 'have length less than or equal to 2048');
  if (id.endsWith('*')) throw invalid(`Log group identifier ${id} must not end with "*".`);
  if (!/^[\w#+=/:,.@-]*$/.test(id)) throw constraint('logGroupIdentifiers.member', id, 'satisfy regular expression pattern: [\\w#+=/:,.@-]*');
  if (!id.startsWith('arn:')) return { name: id, ours: true };
  const m = ARN_PATTERN.exec(id);
  if (!m) throw invalid(`Log group identifier ${id} is not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>).`);
  return { name: m[3], ours: m[1] === REGION && m[2] === ACCOUNT_ID };
}

function readTailRequest(p: Params, store: LogStore): TailRequest {
  const identifiers = optStringList(p, 'logGroupIdentifiers', 1, 10);
  if (!identifiers) throw constraint('logGroupIdentifiers', null, 'not be null');
  const groups = new Map<string, string>();
  for (const id of identifiers) {
    const { name, ours } = groupFromIdentifier(id);
    if (!ours || !store.getGroup(name)) throw notFound(`${GROUP_NOT_FOUND} (${id})`);
    groups.set(name, id);
  }
  const logStreamNames = optStringList(p, 'logStreamNames', 1, 100);
  const logStreamNamePrefixes = optStringList(p, 'logStreamNamePrefixes', 1, 100);
  for (const [key, list] of [['logStreamNames', logStreamNames], ['logStreamNamePrefixes', logStreamNamePrefixes]] as const) {
    for (const s of list ?? []) {
      if (s === '' || s.length > 512) throw constraint(`${key}.member`, s, s === '' ? 'have length greater than or equal to 1' : 'have length less than or equal to 512');
      if (/[:*]/.test(s)) throw constraint(`${key}.member`, s, 'satisfy regular expression pattern: [^:*]*');
    }
  }
  if (logStreamNames && logStreamNamePrefixes) throw invalid('Specify logStreamNames or logStreamNamePrefixes, not both.');
  if ((logStreamNames || logStreamNamePrefixes) && identifiers.length !== 1) {
    throw invalid('logStreamNames and logStreamNamePrefixes can be used only with exactly one log group identifier.');
  }
  const filterPattern = optString(p, 'logEventFilterPattern', MAX_FILTER_PATTERN_LENGTH, 0);
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
  if (activeSessions >= liveTailLimits.maxSessions) {
    throw new ApiError(400, 'LimitExceededException', `Too many concurrent Live Tail sessions: at most ${liveTailLimits.maxSessions} may be open at once; close one and try again.`);
  }
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
  activeSessions++;
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
    let pendingBytes = 0;
    let sampled = false;
    /** Updates waiting for the socket to drain, oldest first. */
    const queue: { frame: Buffer; events: number }[] = [];
    let queuedEvents = 0;
    let batchTimer: NodeJS.Timeout | undefined;
    let ended = false;
    const backlog = (): { updates: number; events: number } => ({ updates: queue.length, events: queuedEvents + pending.length });
    backlogs.add(backlog);

    const socketBusy = (): boolean => res.writableLength > SOCKET_HIGH_WATER;

    const pump = (): void => {
      while (!ended && queue.length > 0 && !socketBusy()) {
        const next = queue.shift()!;
        queuedEvents -= next.events;
        res.write(next.frame);
      }
    };

    const sendUpdate = (): void => {
      batchTimer = undefined;
      if (ended) return;
      // An update whose events cannot all wait is dropped whole, oldest first, and the next
      // one to go out says so.
      queue.push({ frame: eventFrame('sessionUpdate', { sessionMetadata: { sampled }, sessionResults: pending }), events: pending.length });
      queuedEvents += pending.length;
      pending = [];
      pendingBytes = 0;
      sampled = false;
      while (queue.length > MAX_QUEUED_UPDATES || queuedEvents > MAX_QUEUED_EVENTS) {
        queuedEvents -= queue.shift()!.events;
        sampled = true;
      }
      pump();
    };

    const unsubscribe = store.subscribe((groupName, streamName, events: readonly StoredLogEvent[]) => {
      const identifier = request.groups.get(groupName);
      if (identifier === undefined || !streamWanted(streamName)) return;
      for (const e of events) {
        if (!matches(e.message)) continue;
        const bytes = Buffer.byteLength(e.message, 'utf8');
        if (pending.length >= MAX_EVENTS_PER_UPDATE || (pending.length > 0 && pendingBytes + bytes > MAX_UPDATE_BYTES)) { sampled = true; continue; }
        pending.push({ logStreamName: streamName, logGroupIdentifier: identifier, message: e.message, timestamp: e.timestamp, ingestionTime: e.ingestionTime });
        pendingBytes += bytes;
      }
      if (pending.length > 0 && !batchTimer) batchTimer = setTimeout(sendUpdate, UPDATE_BATCH_MS);
    });

    const heartbeat = setInterval(() => {
      if (!batchTimer && pending.length === 0 && queue.length === 0) sendUpdate();
    }, HEARTBEAT_MS);

    const finish = (): void => {
      if (ended) return;
      ended = true;
      activeSessions--;
      backlogs.delete(backlog);
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(batchTimer);
      clearTimeout(timeout);
      queue.length = 0;
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

    res.on('drain', pump);
    res.on('close', finish);
    res.on('error', finish);
  });
}
