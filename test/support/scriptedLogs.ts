import {
  InvalidLogsRequestError, LiveTailSessionEndedError, LiveTailUnavailableError, LogGroupNotFoundError,
  type FilterRequest, type FilterResult, type LiveTailFrame, type LiveTailRequest, type LogEvent, type LogGroupSummary,
} from '../../src/aws/logs';
import { NetworkError } from '../../src/aws/errors';
import type { TailSource } from '../../src/features/logs/tailSession';

interface Session {
  request: LiveTailRequest;
  queue: (LiveTailFrame | Error)[];
  wake?: () => void;
  closed: boolean;
}

/**
 * A CloudWatch Logs stand-in for one group, scripted by the test: `write` stores events and
 * streams them to open Live Tail sessions; `drop`, `endSessions` and `refuseLiveTail` make the
 * failures a TailSession must survive. Filter patterns are plain substrings here.
 */
export class ScriptedLogs implements TailSource {
  readonly events: LogEvent[] = [];
  readonly sessions: Session[] = [];
  groupExists = true;
  refuseLiveTail = false;
  /** While set, StartLiveTail throws it (e.g. a NetworkError: the endpoint is down). */
  liveTailFailure?: Error;
  /** Sessions end right after they start (with what events are queued by then). */
  endAtOnce = false;
  startLiveTailCalls = 0;
  /** When set, FilterLogEvents ignores events written later than this many ms ago (indexing delay). */
  filterDelayMs = 0;
  filterCalls: FilterRequest[] = [];
  /** When set, Live Tail updates carry at most this many events and say they are sampled. */
  sampleTo?: number;
  private nextId = 1;
  private lastIngestion = 0;

  constructor(readonly group = '/aws/lambda/fn') {}

  write(stream: string, messages: string[], timestamp = Date.now()): LogEvent[] {
    this.groupExists = true;
    // Each write is one ingested batch with its own ingestion time.
    this.lastIngestion = Math.max(Date.now(), this.lastIngestion + 1);
    const ingestionTime = this.lastIngestion;
    const written = messages.map((message) => ({ logStreamName: stream, timestamp, message, eventId: String(this.nextId++), ingestionTime }));
    this.events.push(...written);
    for (const s of this.open()) {
      const matching = written.filter((e) => matches(e.message, s.request.logEventFilterPattern));
      const sent = this.sampleTo !== undefined ? matching.slice(0, this.sampleTo) : matching;
      if (matching.length) this.push(s, { kind: 'update', events: sent.map(({ eventId: _id, ...e }) => e), sampled: sent.length < matching.length });
    }
    return written;
  }

  /** Open Live Tail sessions. */
  open(): Session[] {
    return this.sessions.filter((s) => !s.closed);
  }

  /** Every open session fails as a dropped connection would. */
  drop(): void {
    for (const s of this.open()) this.push(s, new NetworkError('Cannot reach the endpoint: socket hang up'));
  }

  /** Every open session reaches its time limit. */
  endSessions(): void {
    for (const s of this.open()) this.push(s, new LiveTailSessionEndedError('The session reached its time limit.'));
  }

  async findLogGroup(name: string): Promise<LogGroupSummary> {
    if (!this.groupExists || name !== this.group) throw new LogGroupNotFoundError(name);
    return { name, arn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}` };
  }

  async startLiveTail(request: LiveTailRequest, signal: AbortSignal): Promise<AsyncIterable<LiveTailFrame>> {
    this.startLiveTailCalls++;
    if (this.liveTailFailure) throw this.liveTailFailure;
    if (this.refuseLiveTail) throw new LiveTailUnavailableError('Live Tail is not available here (AccessDeniedException).');
    if (!this.groupExists) throw new LogGroupNotFoundError(this.group);
    if (request.logEventFilterPattern === 'BAD{') throw new InvalidLogsRequestError('Invalid filter pattern');
    const session: Session = { request, queue: [{ kind: 'start', sessionId: `s${this.sessions.length + 1}` }], closed: false };
    this.sessions.push(session);
    if (this.endAtOnce) this.push(session, new LiveTailSessionEndedError('The session ended.'));
    signal.addEventListener('abort', () => this.push(session, Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
    return this.iterate(session);
  }

  async filterLogEvents(request: FilterRequest): Promise<FilterResult> {
    this.filterCalls.push(request);
    if (!this.groupExists) throw new LogGroupNotFoundError(request.logGroupName);
    if (request.filterPattern === 'BAD{') throw new InvalidLogsRequestError('Invalid filter pattern');
    const indexedBefore = Date.now() - this.filterDelayMs;
    const events = this.events
      .filter((e) => (request.startTime === undefined || e.timestamp >= request.startTime) && (request.endTime === undefined || e.timestamp <= request.endTime))
      .filter((e) => (e.ingestionTime ?? 0) <= indexedBefore || this.filterDelayMs === 0)
      .filter((e) => !request.logStreamNamePrefix || e.logStreamName.startsWith(request.logStreamNamePrefix))
      .filter((e) => matches(e.message, request.filterPattern))
      .sort((a, b) => a.timestamp - b.timestamp || Number(a.eventId) - Number(b.eventId));
    const max = request.maxEvents ?? 10_000;
    return { events: events.slice(0, max).map((e) => ({ ...e })), truncated: events.length > max };
  }

  private push(session: Session, item: LiveTailFrame | Error): void {
    if (session.closed) return;
    session.queue.push(item);
    if (item instanceof Error) session.closed = true;
    session.wake?.();
  }

  private async *iterate(session: Session): AsyncGenerator<LiveTailFrame> {
    try {
      for (;;) {
        const item = session.queue.shift();
        if (item === undefined) {
          await new Promise<void>((resolve) => (session.wake = resolve));
          session.wake = undefined;
          continue;
        }
        if (item instanceof Error) throw item;
        yield item;
      }
    } finally {
      session.closed = true;
    }
  }
}

function matches(message: string, pattern: string | undefined): boolean {
  return !pattern || message.includes(pattern);
}

/** Waits until `check` holds (polling every 5 ms, at most `ms`). */
export async function until(check: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
