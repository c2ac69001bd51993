import {
  InvalidLogsRequestError, LiveTailSessionEndedError, LiveTailUnavailableError, LogGroupNotFoundError,
  type FilterRequest, type FilterResult, type LiveTailFrame, type LiveTailRequest, type LogEvent, type LogGroupSummary,
} from '../../aws/logs';
import { WorkbenchError } from '../../aws/errors';
import { EventDeduper, type DedupePass } from './dedupe';
import { errorMessage } from '../../shared/errors';

/** The calls a tail needs; LogsApi provides them, tests script them. */
export interface TailSource {
  findLogGroup(name: string): Promise<LogGroupSummary>;
  startLiveTail(request: LiveTailRequest, signal: AbortSignal): Promise<AsyncIterable<LiveTailFrame>>;
  filterLogEvents(request: FilterRequest, signal?: AbortSignal): Promise<FilterResult>;
}

/**
 * - connecting: starting; waiting: the log group does not exist yet (retried);
 * - live: a Live Tail session is streaming; polling: FilterLogEvents every interval (Live Tail refused);
 * - reconnecting: the connection failed and is retried with backoff;
 * - error: stopped by an error retrying cannot fix (bad filter pattern, credentials); stopped: stop() was called.
 */
export type TailMode = 'connecting' | 'waiting' | 'live' | 'polling' | 'reconnecting' | 'error' | 'stopped';

export interface TailStatus {
  mode: TailMode;
  /** Why: the error, the reason for polling, when the next attempt is. */
  detail?: string;
  /** The last Live Tail update was sampled: AWS left out events (too many matched). */
  sampled?: boolean;
}

export interface TailOptions {
  logGroup: string;
  filterPattern?: string;
  streamPrefix?: string;
  /** Events from this time on are wanted (epoch ms); the first backfill starts here. */
  startTime: number;
  /** Use FilterLogEvents polling from the start. */
  pollOnly?: boolean;
  pollIntervalMs?: number;
  /** Retry interval while the group does not exist. */
  groupRetryMs?: number;
  /** Reconnect delay: initial, doubled per failure up to max (with ±20% jitter). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** No frame at all for this long means the connection is dead (AWS updates every second; the Local Lambda sends a heartbeat every 5 s). */
  idleTimeoutMs?: number;
  /**
   * Backfills and polls re-read this much before the newest event seen, because events are not
   * always ingested in timestamp order; duplicates are dropped.
   */
  overlapMs?: number;
  /**
   * After a reconnect, read the gap once more this much later, for events that FilterLogEvents
   * did not return yet (CloudWatch indexes with a short delay). 0 turns it off.
   */
  settleMs?: number;
  dedupeCapacity?: number;
  /** After a sampled Live Tail update, read what it left out this often (while sampling lasts). */
  catchUpMs?: number;
  /** Upper bound on events read by one backfill or poll. */
  maxBackfillEvents?: number;
}

export interface TailListener {
  onEvents(events: LogEvent[]): void;
  onStatus(status: TailStatus): void;
}

const DEFAULTS = {
  pollIntervalMs: 1000,
  groupRetryMs: 1000,
  backoffInitialMs: 250,
  backoffMaxMs: 30_000,
  idleTimeoutMs: 30_000,
  overlapMs: 2000,
  settleMs: 0,
  catchUpMs: 1000,
  dedupeCapacity: 50_000,
  maxBackfillEvents: 10_000,
};

/** Continuations of one backfill whose reads were cut at maxBackfillEvents. */
const MAX_BACKFILL_ROUNDS = 10;

class StreamIdleError extends Error {
  constructor(ms: number) {
    super(`No data from the Live Tail stream for ${Math.round(ms / 1000)} s.`);
    this.name = 'StreamIdleError';
  }
}

/** A dropped connection that the test hook or the idle watchdog caused. */
class ForcedDisconnect extends Error {
  constructor(message = 'The Live Tail connection was dropped.') {
    super(message);
    this.name = 'ForcedDisconnect';
  }
}

/**
 * Tails one log group: Live Tail when the endpoint allows it, else FilterLogEvents polling.
 * Reconnects with exponential backoff, restarts sessions that reach their time limit, waits for
 * a group that does not exist yet, and after every (re)start reads the gap since the last event
 * seen with FilterLogEvents, so nothing is lost; the deduper makes sure nothing shows twice.
 */
export class TailSession {
  private readonly o: Required<Omit<TailOptions, 'filterPattern' | 'streamPrefix' | 'pollOnly'>> & TailOptions;
  private readonly dedupe: EventDeduper;
  private readonly stopController = new AbortController();
  private attemptAbort?: AbortController;
  private running?: Promise<void>;
  private useLive: boolean;
  private groupArn?: string;
  /** Newest timestamp delivered. */
  private newest?: number;
  private failures = 0;
  private pollReason?: string;
  /** Events from here on may have been left out by a sampled Live Tail update. */
  private sampledFrom?: number;
  private sampledAgain = false;
  private catchingUp = false;
  private statusNow: TailStatus = { mode: 'connecting' };
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Sessions started, for tests and diagnostics. */
  sessionsStarted = 0;

  constructor(
    private readonly source: TailSource,
    options: TailOptions,
    private readonly listener: TailListener,
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.dedupe = new EventDeduper(this.o.dedupeCapacity);
    this.useLive = !options.pollOnly;
  }

  get status(): TailStatus {
    return this.statusNow;
  }

  get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the tail; resolves when the loop has finished. */
  async stop(): Promise<void> {
    if (!this.stopped) this.stopController.abort();
    this.attemptAbort?.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.running;
    this.setStatus({ mode: 'stopped' });
  }

  /** Drops the current connection as a network failure would (used by tests and "reconnect now"). */
  forceDisconnect(): void {
    this.attemptAbort?.abort(new ForcedDisconnect());
  }

  private setStatus(status: TailStatus): void {
    const same = status.mode === this.statusNow.mode && status.detail === this.statusNow.detail && status.sampled === this.statusNow.sampled;
    this.statusNow = status;
    if (!same) this.listener.onStatus(status);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.attemptAbort = new AbortController();
      const onStop = () => this.attemptAbort?.abort();
      this.stopController.signal.addEventListener('abort', onStop, { once: true });
      try {
        if (this.useLive) await this.runLive(this.attemptAbort.signal);
        else await this.runPolling(this.attemptAbort.signal);
      } catch (error) {
        if (this.stopped) break;
        if (!(await this.recover(error))) return;
      } finally {
        this.stopController.signal.removeEventListener('abort', onStop);
      }
    }
  }

  /** Decides what a failure means; false ends the tail. */
  private async recover(error: unknown): Promise<boolean> {
    if (error instanceof LogGroupNotFoundError) {
      this.groupArn = undefined;
      this.setStatus({ mode: 'waiting', detail: `Waiting for log group ${this.o.logGroup} (it appears with the first invocation).` });
      await this.sleep(this.o.groupRetryMs);
      return true;
    }
    if (error instanceof LiveTailUnavailableError) {
      this.useLive = false;
      this.pollReason = `${error.message} Polling FilterLogEvents every ${this.o.pollIntervalMs / 1000} s instead.`;
      this.setStatus({ mode: 'polling', detail: this.pollReason });
      return true;
    }
    if (error instanceof LiveTailSessionEndedError) {
      return true; // the session limit: start the next one at once; the backfill covers the moment between
    }
    if (error instanceof InvalidLogsRequestError || (error instanceof WorkbenchError && (error.kind === 'credentials' || error.kind === 'accessDenied'))) {
      this.setStatus({ mode: 'error', detail: error.message });
      return false;
    }
    this.failures++;
    const delay = this.backoff(this.failures);
    const reason = errorMessage(error);
    this.setStatus({ mode: 'reconnecting', detail: `${reason} Retrying in ${(delay / 1000).toFixed(1)} s.` });
    await this.sleep(delay);
    return true;
  }

  private backoff(failures: number): number {
    const base = Math.min(this.o.backoffMaxMs, this.o.backoffInitialMs * 2 ** Math.min(failures - 1, 20));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      const signal = this.stopController.signal;
      const timers = this.timers;
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        timers.delete(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /** Start of the next read: a little before the newest event seen, never before startTime. */
  private readFrom(): number {
    return this.newest === undefined ? this.o.startTime : Math.max(this.o.startTime, this.newest - this.o.overlapMs);
  }

  private deliver(events: readonly LogEvent[], pass: DedupePass): void {
    const fresh = pass.filter(events);
    if (fresh.length === 0) return;
    for (const e of fresh) if (this.newest === undefined || e.timestamp > this.newest) this.newest = e.timestamp;
    this.listener.onEvents(fresh);
  }

  /** Reads [from, endTime] with FilterLogEvents; a read cut at maxBackfillEvents continues where it stopped (bounded). */
  private async backfill(from: number, signal: AbortSignal, endTime?: number): Promise<void> {
    let start = from;
    for (let round = 0; round < MAX_BACKFILL_ROUNDS; round++) {
      const result = await this.source.filterLogEvents({
        logGroupName: this.o.logGroup,
        logStreamNamePrefix: this.o.streamPrefix,
        filterPattern: this.o.filterPattern,
        startTime: start,
        endTime,
        maxEvents: this.o.maxBackfillEvents,
      }, signal);
      if (signal.aborted) return;
      this.deliver(result.events, this.dedupe.pass());
      const last = result.events[result.events.length - 1]?.timestamp;
      // Continue from the last timestamp read (events sharing it are deduplicated); stop if that makes no progress.
      if (!result.truncated || last === undefined || last <= start) return;
      start = last;
    }
  }

  private async runLive(signal: AbortSignal): Promise<void> {
    this.groupArn ??= (await this.source.findLogGroup(this.o.logGroup)).arn ?? this.o.logGroup;
    const request: LiveTailRequest = {
      logGroupIdentifiers: [this.groupArn],
      logStreamNamePrefixes: this.o.streamPrefix ? [this.o.streamPrefix] : undefined,
      logEventFilterPattern: this.o.filterPattern,
    };
    const frames = await this.source.startLiveTail(request, signal);
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => this.attemptAbort?.abort(new StreamIdleError(this.o.idleTimeoutMs)), this.o.idleTimeoutMs);
    };
    armIdle();
    const pass = this.dedupe.pass();
    const reconnected = this.sessionsStarted > 0;
    try {
      for await (const frame of untilAborted(frames, signal)) {
        armIdle();
        if (frame.kind === 'start') {
          this.sessionsStarted++;
          const gapFrom = this.readFrom();
          const startedAt = Date.now();
          await this.backfill(gapFrom, signal);
          this.failures = 0;
          this.setStatus({ mode: 'live' });
          if (reconnected && this.o.settleMs > 0) this.later(this.o.settleMs, () => this.backfill(gapFrom, signal, startedAt));
        } else {
          if (frame.sampled) this.catchUpAfterSampling(signal);
          this.deliver(frame.events, pass);
          if (frame.sampled !== (this.statusNow.sampled === true) && this.statusNow.mode === 'live') {
            this.setStatus({ mode: 'live', sampled: frame.sampled || undefined, detail: frame.sampled ? 'Live Tail is sampling (too many events match); the events it leaves out are read with FilterLogEvents.' : undefined });
          }
        }
      }
    } catch (error) {
      throw signal.aborted && signal.reason instanceof Error ? signal.reason : error;
    } finally {
      clearTimeout(idle);
    }
    if (signal.aborted && !this.stopped) throw signal.reason instanceof Error ? signal.reason : new ForcedDisconnect();
    if (!this.stopped) throw new ForcedDisconnect('The Live Tail stream closed.');
  }

  /**
   * A sampled update left events out: read them with FilterLogEvents, from just before the
   * newest event seen when sampling began, at most once per catchUpMs, until a read is complete.
   */
  private catchUpAfterSampling(signal: AbortSignal): void {
    this.sampledFrom ??= this.readFrom();
    this.sampledAgain = true;
    if (this.catchingUp) return;
    this.catchingUp = true;
    const run = async (): Promise<void> => {
      while (this.sampledFrom !== undefined && !signal.aborted) {
        await this.sleep(this.o.catchUpMs);
        if (signal.aborted) break;
        this.sampledAgain = false;
        const from = this.sampledFrom;
        const result = await this.source.filterLogEvents({
          logGroupName: this.o.logGroup, logStreamNamePrefix: this.o.streamPrefix, filterPattern: this.o.filterPattern,
          startTime: from, maxEvents: this.o.maxBackfillEvents,
        }, signal);
        if (signal.aborted) break;
        this.deliver(result.events, this.dedupe.pass());
        const last = result.events[result.events.length - 1]?.timestamp;
        // Truncated: continue after what was read; sampled again meanwhile: read from there once more.
        if (result.truncated && last !== undefined) this.sampledFrom = Math.max(from, last - this.o.overlapMs);
        else if (!this.sampledAgain) this.sampledFrom = undefined;
      }
    };
    run().catch(() => undefined).finally(() => {
      this.catchingUp = false;
      this.sampledFrom = undefined;
    });
  }

  private later(ms: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run().catch(() => undefined); // a failed second look is harmless: the first backfill already ran
    }, ms);
    this.timers.add(timer);
  }

  private async runPolling(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.backfill(this.readFrom(), signal);
      this.failures = 0;
      this.setStatus({ mode: 'polling', detail: this.pollReason ?? `Polling FilterLogEvents every ${this.o.pollIntervalMs / 1000} s.` });
      await this.sleep(this.o.pollIntervalMs);
    }
  }
}

/**
 * The frames of a stream until `signal` aborts: ends at once on abort even when the stream
 * itself does not react to it (the pending read is left behind and the stream is closed).
 */
async function* untilAborted<T>(stream: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      const read = iterator.next();
      read.catch(() => undefined); // a read still pending when the signal wins must not reject unhandled
      const next = await Promise.race([read, aborted]);
      if (next === 'aborted' || next.done) return;
      yield next.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
