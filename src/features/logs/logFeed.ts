import type { LogEvent } from '../../aws/logs';
import { BATCH_MS, type LogRow, type LogsAppend, type LogsFilter, type LogsReset, type LogsState } from './protocol';
import { LogBuffer } from './logBuffer';
import { RowBuilder } from './rows';
import { TailSession, type TailOptions, type TailSource, type TailStatus } from './tailSession';
import { errorMessage } from '../../shared/errors';

export type FeedMessage =
  | { type: 'reset'; payload: LogsReset }
  | { type: 'append'; payload: LogsAppend }
  | { type: 'state'; payload: LogsState };

export interface LogFeedOptions {
  source: TailSource;
  /** The group to tail, or how to find it (e.g. from the function's LoggingConfig). */
  logGroup: string | (() => Promise<string>);
  title: string;
  subtitle: string;
  capacity: number;
  /** Sends to the view. */
  send(message: FeedMessage): void;
  /** Whether the view can receive now (visible and ready); rows wait in the buffer otherwise. */
  canSend(): boolean;
  /** Timing of the tail (tests and benchmarks shorten it). */
  tail?: Partial<Omit<TailOptions, 'logGroup' | 'filterPattern' | 'streamPrefix' | 'startTime'>>;
  batchMs?: number;
  /** Events wanted from this time on; default now. */
  since?: number;
  onError?(message: string): void;
}

/**
 * The data behind a Logs view, independent of VS Code: a TailSession feeding a bounded buffer of
 * rows, sent to the view in batches (at most one message every BATCH_MS) unless paused.
 */
export class LogFeed {
  private readonly buffer: LogBuffer<LogRow>;
  private readonly rows = new RowBuilder();
  private session?: TailSession;
  private status: TailStatus = { mode: 'connecting' };
  private filter: LogsFilter = { filterPattern: '', streamPrefix: '' };
  private paused = false;
  private lastSent = 0;
  private flushTimer?: NodeJS.Timeout;
  private stateDirty = false;
  private started = false;
  private disposed = false;
  private readonly since: number;
  private groupName?: string;
  private generation = 0;

  constructor(private readonly o: LogFeedOptions) {
    this.buffer = new LogBuffer<LogRow>(o.capacity);
    this.since = o.since ?? Date.now();
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** The running tail (tests use it to drop the connection). */
  get tail(): TailSession | undefined {
    return this.session;
  }

  get logGroup(): string | undefined {
    return this.groupName;
  }

  set capacity(value: number) {
    this.buffer.capacity = value;
    this.markState();
  }

  /** Starts tailing once; later calls do nothing (use setFilter to change what is tailed). */
  start(filter?: LogsFilter): void {
    if (this.started || this.disposed) return;
    this.started = true;
    if (filter) this.filter = { ...filter };
    void this.restart();
  }

  /** Tails again with another filter: the buffer is cleared and refilled from the time the tail began. */
  async setFilter(filter: LogsFilter): Promise<void> {
    this.filter = { ...filter };
    this.started = true;
    this.buffer.clear();
    this.rows.reset();
    this.lastSent = this.buffer.lastSeq;
    await this.restart();
    this.sendReset();
  }

  /** Restarts after an error or a stop, keeping the buffer. */
  async reconnect(): Promise<void> {
    this.started = true;
    await this.restart();
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.markState();
    if (!paused) this.scheduleFlush();
  }

  clear(): void {
    this.buffer.clear();
    this.lastSent = this.buffer.lastSeq;
    this.sendReset();
  }

  /** Everything in the buffer, oldest first. */
  allRows(): LogRow[] {
    return this.buffer.all();
  }

  /** The view (re)loaded: send it everything. */
  replay(): void {
    this.sendReset();
  }

  state(): LogsState {
    return {
      ...this.filter,
      title: this.groupName ?? this.o.title,
      subtitle: this.o.subtitle,
      mode: this.paused ? 'paused' : this.status.mode,
      tailMode: this.status.mode,
      detail: this.status.detail,
      sampled: this.status.sampled === true,
      paused: this.paused,
      dropped: this.buffer.dropped,
      capacity: this.buffer.capacity,
      pending: this.paused ? this.buffer.lastSeq - this.lastSent : 0,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.flushTimer);
    const session = this.session;
    this.session = undefined;
    await session?.stop();
  }

  private async restart(): Promise<void> {
    const generation = ++this.generation;
    const previous = this.session;
    this.session = undefined;
    await previous?.stop();
    if (this.disposed || generation !== this.generation) return;
    this.setStatus({ mode: 'connecting' });
    try {
      this.groupName ??= typeof this.o.logGroup === 'string' ? this.o.logGroup : await this.o.logGroup();
    } catch (error) {
      const message = errorMessage(error);
      this.setStatus({ mode: 'failed', detail: `Cannot tell which log group to tail: ${message}` });
      this.o.onError?.(message);
      return;
    }
    if (this.disposed || generation !== this.generation) return;
    const session = new TailSession(this.o.source, {
      ...this.o.tail,
      logGroup: this.groupName,
      filterPattern: this.filter.filterPattern.trim() || undefined,
      streamPrefix: this.filter.streamPrefix.trim() || undefined,
      startTime: this.since,
      maxBackfillEvents: Math.max(this.buffer.capacity, 1000),
    }, {
      onEvents: (events) => {
        if (this.session === session) this.add(events);
      },
      onStatus: (status) => {
        if (this.session !== session) return;
        this.setStatus(status);
        if (status.mode === 'failed' && status.detail) this.o.onError?.(status.detail);
      },
    });
    this.session = session;
    session.start();
  }

  private add(events: LogEvent[]): void {
    this.buffer.push(events.map((e) => this.rows.build(e)));
    this.scheduleFlush();
  }

  private setStatus(status: TailStatus): void {
    this.status = status;
    this.markState();
  }

  private markState(): void {
    this.stateDirty = true;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.disposed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.o.batchMs ?? BATCH_MS);
  }

  /** Sends what changed since the last message (called on the batch timer). */
  flush(): void {
    if (!this.o.canSend()) return;
    const newRows = !this.paused && this.buffer.lastSeq > this.lastSent;
    if (newRows) {
      const rows = this.buffer.after(this.lastSent);
      this.lastSent = this.buffer.lastSeq;
      this.o.send({ type: 'append', payload: { rows, firstSeq: this.buffer.firstSeq, dropped: this.buffer.dropped } });
    }
    if (this.stateDirty || (this.paused && this.buffer.lastSeq > this.lastSent)) {
      this.stateDirty = false;
      this.o.send({ type: 'state', payload: this.state() });
    }
  }

  private sendReset(): void {
    this.stateDirty = false;
    if (!this.o.canSend()) return;
    const rows = this.paused ? this.buffer.after(0).filter((r) => r.seq <= this.lastSent) : this.buffer.all();
    if (!this.paused) this.lastSent = this.buffer.lastSeq;
    this.o.send({ type: 'reset', payload: { rows, state: this.state() } });
  }
}
