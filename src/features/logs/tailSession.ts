import {
  groupNameOf, InvalidLogsRequestError, LiveTailSessionEndedError, LiveTailUnavailableError, LogGroupNotFoundError,
  type FilterRequest, type FilterResult, type LiveTailFrame, type LiveTailRequest, type LogEvent, type LogGroupSummary,
} from '../../aws/logs';
import { WorkbenchError } from '../../aws/errors';
import { EventDeduper, type DedupePass } from './dedupe';
import { errorMessage } from '../../shared/errors';

/** How the tail may page through a request: no SDK retries, and a pause before each further page. */
export interface PagingOptions {
  singleAttempt?: boolean;
  beforePage?: () => Promise<void>;
}

/** The calls a tail needs; LogsApi provides them, tests script them. */
export interface TailSource {
  findLogGroup(name: string, options?: PagingOptions): Promise<LogGroupSummary>;
  startLiveTail(request: LiveTailRequest, signal: AbortSignal): Promise<AsyncIterable<LiveTailFrame>>;
  filterLogEvents(request: FilterRequest, signal?: AbortSignal): Promise<FilterResult>;
}

/**
 * The tail's state:
 * - connecting: starting (the history is read first); waiting: the log group does not exist yet (retried);
 * - live: a Live Tail session is streaming;
 * - reconnecting: a session failed or ended too soon and is retried with backoff;
 * - polling: FilterLogEvents every interval, because Live Tail is refused or kept failing (it is
 *   tried again now and then);
 * - failed: stopped by an error retrying cannot fix (bad filter pattern, credentials); stopped: stop() was called.
 * The tail itself never pauses: a paused view keeps receiving lines into its buffer (LogFeed).
 */
export type TailMode = 'connecting' | 'waiting' | 'live' | 'reconnecting' | 'polling' | 'failed' | 'stopped';

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
  /**
   * Events from this time on are wanted (epoch ms): the history read at start begins here, and
   * Live Tail events older than this are dropped.
   */
  startTime: number;
  /** Use FilterLogEvents polling from the start. */
  pollOnly?: boolean;
  pollIntervalMs?: number;
  /** Retry interval while the group does not exist. */
  groupRetryMs?: number;
  /** Retry delay after a failure: initial, doubled per consecutive failure up to max (with ±20% jitter). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** A Live Tail attempt whose session has not started this long after the request is given up (a failed attempt). */
  startTimeoutMs?: number;
  /** No frame at all for this long means the connection is dead (AWS updates every second; the Local Lambda sends a heartbeat every 5 s). */
  idleTimeoutMs?: number;
  /**
   * Every request to the endpoint starts at least this long after the previous one, in every
   * state (an endpoint that fails at once must not be hammered; AWS limits FilterLogEvents to a few
   * requests a second per account).
   */
  minRequestIntervalMs?: number;
  /** A Live Tail session that ends sooner than this without one event counts as a failed attempt. */
  shortSessionMs?: number;
  /** Consecutive failed Live Tail attempts after which the tail polls instead. */
  liveFailureBudget?: number;
  /** While polling because Live Tail failed, try it again after this long (doubling up to liveRetryMaxMs); 0: never. */
  liveRetryMs?: number;
  liveRetryMaxMs?: number;
  /** Live Tail events stamped further ahead of now than this are dropped (CloudWatch takes events at most 2 hours ahead). */
  maxFutureMs?: number;
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
  /** How long live updates wait for the gap read of a new session before they are shown anyway. */
  holdLiveMs?: number;
  /** Upper bound on events read by one backfill or poll. */
  maxBackfillEvents?: number;
  /** A FilterLogEvents read (all its pages) not answered within this long is given up (and counts as a failed poll). */
  readTimeoutMs?: number;
}

export interface TailListener {
  onEvents(events: LogEvent[]): void;
  onStatus(status: TailStatus): void;
}

const DEFAULTS = {
  pollIntervalMs: 2000,
  groupRetryMs: 2000,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
  idleTimeoutMs: 30_000,
  startTimeoutMs: 10_000,
  minRequestIntervalMs: 1000,
  shortSessionMs: 5000,
  liveFailureBudget: 3,
  liveRetryMs: 60_000,
  liveRetryMaxMs: 10 * 60_000,
  maxFutureMs: 2 * 60 * 60_000 + 5 * 60_000,
  overlapMs: 2000,
  settleMs: 0,
  catchUpMs: 1000,
  holdLiveMs: 250,
  dedupeCapacity: 50_000,
  maxBackfillEvents: 10_000,
  readTimeoutMs: 15_000,
};

/** Continuations of one backfill whose reads were cut at maxBackfillEvents. */
const MAX_BACKFILL_ROUNDS = 10;

class StreamIdleError extends Error {
  constructor(ms: number) {
    super(`No data from the Live Tail stream for ${Math.round(ms / 1000)} s.`);
    this.name = 'StreamIdleError';
  }
}

class StartTimeout extends Error {
  constructor(ms: number) {
    super(`StartLiveTail did not start a session within ${Math.round(ms / 1000)} s.`);
    this.name = 'StartTimeout';
  }
}

class ReadTimeout extends Error {
  constructor(ms: number) {
    super(`FilterLogEvents did not answer within ${Math.round(ms / 1000)} s.`);
    this.name = 'ReadTimeout';
  }
}

/** A dropped connection that the test hook or the idle watchdog caused. */
class ForcedDisconnect extends Error {
  constructor(message = 'The Live Tail connection was dropped.') {
    super(message);
    this.name = 'ForcedDisconnect';
  }
}

/** It is time to try Live Tail again (ends a polling round). */
class RetryLiveTail extends Error {}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 2 : 1)} s`;
}

/**
 * Tails one log group. At start it reads the recent history with FilterLogEvents, then streams
 * with Live Tail when the endpoint allows it, else polls FilterLogEvents. Failed Live Tail
 * attempts (errors, and sessions that end at once without an event) are retried with capped
 * backoff; after a few in a row the tail polls, and tries Live Tail again now and then. Every
 * request is paced (minRequestIntervalMs). After every (re)start the gap since the last event
 * seen is read with FilterLogEvents, so nothing is lost; the deduper makes sure nothing shows
 * twice. Live Tail events of other groups, other streams or outside the time window are dropped:
 * an endpoint that answers wrongly must not show them as this group's.
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
  /** Consecutive failed Live Tail attempts. */
  private liveFailures = 0;
  /** Consecutive Live Tail attempts that could not reach the endpoint. */
  private networkFailures = 0;
  /** Consecutive failed polls. */
  private pollFailures = 0;
  /** The current Live Tail attempt is a retry made while polling: the status stays "polling" until it proves itself. */
  private probing = false;
  private nextLiveRetryAt?: number;
  private liveRetryDelay: number;
  private pollReason?: string;
  /** The earliest time the next request may start. */
  private nextRequestAt = 0;
  /** Events from here on may have been left out by a sampled Live Tail update. */
  private sampledFrom?: number;
  private sampledAgain = false;
  private catchingUp = false;
  private statusNow: TailStatus = { mode: 'connecting' };
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Sessions started, for tests and diagnostics. */
  sessionsStarted = 0;
  /** Live Tail events dropped because of their group, stream or time, for tests and diagnostics. */
  rejectedEvents = 0;

  constructor(
    private readonly source: TailSource,
    options: TailOptions,
    private readonly listener: TailListener,
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.dedupe = new EventDeduper(this.o.dedupeCapacity);
    this.useLive = !options.pollOnly;
    this.liveRetryDelay = this.o.liveRetryMs;
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
    if (this.statusNow.mode === 'stopped' || (this.stopped && status.mode !== 'stopped')) return;
    const same = status.mode === this.statusNow.mode && status.detail === this.statusNow.detail && status.sampled === this.statusNow.sampled;
    this.statusNow = status;
    if (!same) this.listener.onStatus(status);
  }

  private async run(): Promise<void> {
    await this.readHistory();
    while (!this.stopped) {
      this.attemptAbort = new AbortController();
      const attempt = this.attemptAbort;
      const onStop = () => attempt.abort();
      this.stopController.signal.addEventListener('abort', onStop, { once: true });
      let verdict: Verdict = { failed: false };
      try {
        if (this.useLive) verdict = await this.runLive(attempt.signal);
        else await this.runPolling(attempt.signal);
      } catch (error) {
        verdict = { failed: true, error };
      } finally {
        this.stopController.signal.removeEventListener('abort', onStop);
        // Ends what the attempt left running (a gap backfill, a catch-up read).
        attempt.abort();
      }
      if (this.stopped) break;
      if (!(await this.recover(verdict))) return;
    }
  }

  /** The recent events, shown before (and whether or not) a Live Tail session starts. */
  private async readHistory(): Promise<void> {
    const signal = this.stopController.signal;
    try {
      await this.backfill(this.o.startTime, signal);
    } catch {
      // The first attempt meets the same error and reports it; its gap backfill reads the history again.
    }
  }

  /** Decides what the end of an attempt means; false ends the tail. */
  private async recover(verdict: Verdict): Promise<boolean> {
    const { error } = verdict;
    if (error instanceof RetryLiveTail) {
      this.useLive = true;
      this.probing = true;
      return true;
    }
    if (error instanceof LogGroupNotFoundError) {
      this.groupArn = undefined;
      this.setStatus({ mode: 'waiting', detail: `Waiting for log group ${this.o.logGroup} (it appears with the first invocation).` });
      await this.sleep(this.o.groupRetryMs);
      return true;
    }
    if (error instanceof InvalidLogsRequestError || (error instanceof WorkbenchError && (error.kind === 'credentials' || error.kind === 'accessDenied'))) {
      this.setStatus({ mode: 'failed', detail: error.message });
      return false;
    }
    if (!this.useLive) return true; // polling handles its own failures
    if (error instanceof LiveTailUnavailableError && error.permanent) {
      this.startPolling(error.message);
      return true;
    }
    if (!verdict.failed) {
      // A session that streamed for a while ended: its time limit is a routine restart, anything else a reconnect.
      this.liveFailures = 0;
      if (error instanceof LiveTailSessionEndedError) return true;
      const delay = this.backoff(1);
      this.setStatus({ mode: 'reconnecting', detail: `${reasonOf(error)} Reconnecting in ${seconds(delay)}.` });
      await this.sleep(delay);
      return true;
    }
    const reason = reasonOf(error);
    if (error instanceof WorkbenchError && error.kind === 'network' && !this.probing) {
      // The endpoint is unreachable (restarting, say): polling would not help, so keep trying Live Tail, slower and slower.
      this.networkFailures++;
      const delay = this.backoff(this.networkFailures);
      this.setStatus({ mode: 'reconnecting', detail: `${reason} Retrying in ${seconds(delay)}.` });
      await this.sleep(delay);
      return true;
    }
    this.liveFailures++;
    if (this.probing) {
      this.liveRetryDelay = Math.min(this.o.liveRetryMaxMs, this.liveRetryDelay * 2);
      this.startPolling(reason);
      return true;
    }
    if (this.liveFailures >= this.o.liveFailureBudget) {
      this.startPolling(reason);
      return true;
    }
    const delay = this.backoff(this.liveFailures);
    this.setStatus({ mode: 'reconnecting', detail: `${reason} Retrying in ${seconds(delay)} (attempt ${this.liveFailures + 1} of ${this.o.liveFailureBudget} before polling).` });
    await this.sleep(delay);
    return true;
  }

  private startPolling(reason: string): void {
    this.useLive = false;
    this.probing = false;
    this.liveFailures = 0;
    this.nextLiveRetryAt = this.o.liveRetryMs > 0 ? Date.now() + this.liveRetryDelay : undefined;
    this.pollReason = `Polling every ${seconds(this.o.pollIntervalMs)} — this endpoint's Live Tail is not available. ${reason}`;
    this.setStatus({ mode: 'polling', detail: this.pollReason });
  }

  private backoff(failures: number): number {
    const base = Math.min(this.o.backoffMaxMs, this.o.backoffInitialMs * 2 ** Math.min(failures - 1, 20));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** Resolves after `ms`, or at once when the tail stops or `signal` aborts. */
  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped || signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      const stop = this.stopController.signal;
      const timers = this.timers;
      stop.addEventListener('abort', done, { once: true });
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        timers.delete(timer);
        stop.removeEventListener('abort', done);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /**
   * Makes one request in the next slot: a request starts at least minRequestIntervalMs after the
   * previous one started and after it was answered (so the endpoint sees them that far apart
   * however long the SDK takes to send), whoever makes them (the main loop, a gap backfill, a
   * catch-up read, the pages of one read).
   */
  private async request<T>(signal: AbortSignal, send: (beforePage: () => Promise<void>) => Promise<T>): Promise<T> {
    await this.pace(signal);
    const beforePage = async () => {
      this.answered();
      await this.pace(signal);
    };
    try {
      return await send(beforePage);
    } finally {
      this.answered();
    }
  }

  private answered(): void {
    this.nextRequestAt = Math.max(this.nextRequestAt, Date.now() + this.o.minRequestIntervalMs);
  }

  private async pace(signal: AbortSignal): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextRequestAt);
    this.nextRequestAt = slot + this.o.minRequestIntervalMs;
    if (slot > now) await this.sleep(slot - now, signal);
    if (signal.aborted || this.stopped) {
      // Give the slot back when no later request took the one after it.
      if (this.nextRequestAt === slot + this.o.minRequestIntervalMs && Date.now() < slot) this.nextRequestAt = slot;
      throw signal.reason instanceof Error ? signal.reason : new ForcedDisconnect('Stopped.');
    }
  }

  /** Start of the next read: a little before the newest event seen, never before startTime. */
  private readFrom(): number {
    return this.newest === undefined ? this.o.startTime : Math.max(this.o.startTime, this.newest - this.o.overlapMs);
  }

  private deliver(events: readonly LogEvent[], pass: DedupePass): number {
    const fresh = pass.filter(events);
    if (fresh.length === 0) return 0;
    for (const e of fresh) if (this.newest === undefined || e.timestamp > this.newest) this.newest = e.timestamp;
    this.listener.onEvents(fresh);
    return fresh.length;
  }

  /** Whether a Live Tail event belongs here: this group (by ARN or name), the stream prefix, the time window. */
  private wanted(e: LogEvent): boolean {
    if (e.logGroupIdentifier !== undefined) {
      const id = e.logGroupIdentifier.replace(/:\*$/, '');
      if (id !== this.groupArn && groupNameOf(id) !== this.o.logGroup) return false;
    }
    if (this.o.streamPrefix && !e.logStreamName.startsWith(this.o.streamPrefix)) return false;
    return this.inWindow(e);
  }

  private inWindow(e: LogEvent): boolean {
    return e.timestamp >= this.o.startTime && e.timestamp <= Date.now() + this.o.maxFutureMs;
  }

  private filterRequest(startTime: number, beforePage: () => Promise<void>, endTime?: number): FilterRequest {
    return {
      logGroupName: this.o.logGroup,
      logStreamNamePrefix: this.o.streamPrefix,
      filterPattern: this.o.filterPattern,
      startTime,
      endTime,
      maxEvents: this.o.maxBackfillEvents,
      singleAttempt: true,
      beforePage,
    };
  }

  /** Reads [from, endTime] with FilterLogEvents; a read cut at maxBackfillEvents continues where it stopped (bounded). */
  private async backfill(from: number, signal: AbortSignal, endTime?: number): Promise<void> {
    let start = from;
    for (let round = 0; round < MAX_BACKFILL_ROUNDS; round++) {
      const result = await this.read(signal, start, endTime);
      if (signal.aborted) return;
      this.deliver(result.events.filter((e) => this.inWindow(e)), this.dedupe.pass());
      const last = result.events[result.events.length - 1]?.timestamp;
      // Continue from the last timestamp read (events sharing it are deduplicated); stop if that makes no progress.
      if (!result.truncated || last === undefined || last <= start) return;
      start = last;
    }
  }

  /**
   * One FilterLogEvents read (all its pages), given up after readTimeoutMs: a read that hangs
   * must not hold back the live updates waiting for it, nor the next poll.
   */
  private async read(signal: AbortSignal, startTime: number, endTime?: number): Promise<FilterResult> {
    const limited = new AbortController();
    const onAbort = () => limited.abort(signal.reason);
    if (signal.aborted) limited.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => limited.abort(new ReadTimeout(this.o.readTimeoutMs)), this.o.readTimeoutMs);
    try {
      return await this.request(limited.signal, (beforePage) => this.source.filterLogEvents(this.filterRequest(startTime, beforePage, endTime), limited.signal));
    } catch (error) {
      throw !signal.aborted && limited.signal.reason instanceof ReadTimeout ? limited.signal.reason : error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * One Live Tail attempt, until its session ends. Resolves with `failed: false` when the session
   * proved itself (lasted shortSessionMs or brought an event) before it ended; throws when it
   * could not start or ended before that.
   */
  private async runLive(signal: AbortSignal): Promise<Verdict> {
    if (!this.groupArn) {
      const group = await this.request(signal, (beforePage) => this.source.findLogGroup(this.o.logGroup, { singleAttempt: true, beforePage }));
      this.groupArn = group.arn ?? this.o.logGroup;
    }
    const request: LiveTailRequest = {
      logGroupIdentifiers: [this.groupArn],
      logStreamNamePrefixes: this.o.streamPrefix ? [this.o.streamPrefix] : undefined,
      logEventFilterPattern: this.o.filterPattern,
    };
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => this.attemptAbort?.abort(new StreamIdleError(this.o.idleTimeoutMs)), this.o.idleTimeoutMs);
    };
    let proven = false;
    let sessionStart: number | undefined;
    let proveTimer: NodeJS.Timeout | undefined;
    const prove = () => {
      if (proven || signal.aborted) return;
      proven = true;
      clearTimeout(proveTimer);
      this.liveFailures = 0;
      this.networkFailures = 0;
      this.probing = false;
      this.liveRetryDelay = this.o.liveRetryMs;
      this.pollReason = undefined;
      this.setStatus({ mode: 'live' });
    };
    let startTimer: NodeJS.Timeout | undefined;
    try {
      armIdle();
      startTimer = setTimeout(() => this.attemptAbort?.abort(new StartTimeout(this.o.startTimeoutMs)), this.o.startTimeoutMs);
      const frames = await this.request(signal, () => this.source.startLiveTail(request, signal));
      const pass = this.dedupe.pass();
      const reconnected = this.sessionsStarted > 0;
      /** Updates that arrive while the gap is read wait for it, so lines keep their order. */
      let gapRead: Promise<void> | undefined;
      let held: LogEvent[] = [];
      let holdTimer: NodeJS.Timeout | undefined;
      const release = () => {
        const events = held;
        held = [];
        if (this.deliver(events, pass) > 0) prove();
      };
      try {
        for await (const frame of untilAborted(frames, signal)) {
          armIdle();
          if (frame.kind === 'start') {
            clearTimeout(startTimer);
            this.sessionsStarted++;
            const gapFrom = this.readFrom();
            const startedAt = Date.now();
            sessionStart = startedAt;
            if (this.o.shortSessionMs <= 0) prove();
            else {
              if (!this.probing) this.setStatus({ mode: 'live' });
              proveTimer = setTimeout(prove, this.o.shortSessionMs);
            }
            gapRead = this.backfill(gapFrom, signal).catch(() => undefined).finally(() => {
              gapRead = undefined;
              release();
            });
            if (reconnected && this.o.settleMs > 0) this.later(this.o.settleMs, () => this.backfill(gapFrom, signal, startedAt));
          } else {
            const events = frame.events.filter((e) => this.wanted(e));
            this.rejectedEvents += frame.events.length - events.length;
            if (frame.sampled) this.catchUpAfterSampling(signal);
            held.push(...events);
            if (!gapRead) release();
            // The gap read may wait its turn (requests are paced): live lines wait for it only briefly.
            else if (held.length && !holdTimer) holdTimer = setTimeout(() => { holdTimer = undefined; release(); }, this.o.holdLiveMs);
            if (frame.sampled !== (this.statusNow.sampled === true) && this.statusNow.mode === 'live') {
              this.setStatus({ mode: 'live', sampled: frame.sampled || undefined, detail: frame.sampled ? 'Live Tail is sampling (too many events match); the events it leaves out are read with FilterLogEvents.' : undefined });
            }
          }
        }
      } finally {
        clearTimeout(holdTimer);
        if (held.length) release();
      }
    } catch (error) {
      const cause = signal.aborted && signal.reason instanceof Error ? signal.reason : error;
      if (this.stopped) return { failed: false };
      if (proven) return { failed: false, error: cause };
      throw cause;
    } finally {
      clearTimeout(idle);
      clearTimeout(startTimer);
      clearTimeout(proveTimer);
    }
    if (this.stopped) return { failed: false };
    const ended = signal.aborted && signal.reason instanceof Error ? signal.reason : new ForcedDisconnect('The Live Tail stream closed.');
    if (proven) return { failed: false, error: ended };
    if (signal.aborted) throw ended;
    const after = sessionStart === undefined ? 'before the session started' : `after ${seconds(Math.round((Date.now() - sessionStart) / 100) * 100)}`;
    throw new ForcedDisconnect(`Its Live Tail session ended at once (${after}, without an event).`);
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
        await this.sleep(this.o.catchUpMs, signal);
        if (signal.aborted) break;
        this.sampledAgain = false;
        const from = this.sampledFrom;
        const result = await this.read(signal, from);
        if (signal.aborted) break;
        this.deliver(result.events.filter((e) => this.inWindow(e)), this.dedupe.pass());
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

  /** Polls until the tail stops, the group is missing (thrown), or it is time to try Live Tail again (RetryLiveTail). */
  private async runPolling(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.nextLiveRetryAt !== undefined && Date.now() >= this.nextLiveRetryAt) {
        this.nextLiveRetryAt = undefined;
        throw new RetryLiveTail();
      }
      let wait = this.o.pollIntervalMs;
      try {
        await this.backfill(this.readFrom(), signal);
        this.pollFailures = 0;
        this.setStatus({ mode: 'polling', detail: this.pollReason ?? `Polling FilterLogEvents every ${seconds(this.o.pollIntervalMs)}.` });
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof LogGroupNotFoundError || error instanceof InvalidLogsRequestError) throw error;
        if (error instanceof WorkbenchError && (error.kind === 'credentials' || error.kind === 'accessDenied')) throw error;
        this.pollFailures++;
        // Each failure in a row doubles the interval, up to backoffMaxMs.
        wait = Math.round(Math.min(Math.max(this.o.backoffMaxMs, wait), wait * 2 ** Math.min(this.pollFailures, 20)) * (0.8 + Math.random() * 0.4));
        this.setStatus({ mode: 'polling', detail: `Polling failed: ${reasonOf(error)} Polling again in ${seconds(wait)}.` });
      }
      await this.sleep(wait, signal);
    }
  }
}

/** How an attempt ended: `failed` when it counts against the Live Tail budget; `error` what ended it. */
interface Verdict {
  failed: boolean;
  error?: unknown;
}

function reasonOf(error: unknown): string {
  const text = error === undefined ? 'The attempt ended.' : errorMessage(error);
  return /[.!?)]$/.test(text) ? text : `${text}.`;
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
