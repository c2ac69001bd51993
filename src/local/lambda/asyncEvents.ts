import { randomBytes, randomUUID } from 'node:crypto';
import { asyncAttemptLine, destinationLine, type AsyncCondition, type DestinationKind } from '../../shared/lambda/asyncLog';
import { EVENT_INVOKE_LIMITS, parseDestinationArn, type DestinationType } from '../../shared/lambda/eventInvoke';
import { logStreamName } from '../../shared/lambda/report';
import { payloadLimit } from '../../shared/lambda/limits';
import { ApiError } from '../http';
import { TooManyRequestsError, type InvokeOutcome, type LogSink } from '../types';
import type { CodeWatcher } from './codeWatch';
import { executionSpecOf, resolveQualifier, type Invoker } from './invoke';
import { ACCOUNT_ID, REGION, functionArn, type FunctionRecord, type VersionRecord } from './model';
import type { LambdaStore } from './store';
import { writeQueueFile, type StoredEvent } from './asyncQueueFile';

/**
 * The queue of asynchronous (Event) invocations, as Lambda runs it: each event is tried, and on a
 * function error tried again up to MaximumRetryAttempts times (about 1 minute before the first
 * retry, 2 minutes before the second); a throttle or a system error sends it back to wait with
 * backoff (1 s doubling up to 5 minutes) until it is older than MaximumEventAgeInSeconds. Its end
 * (success, retries exhausted, too old) goes to the OnSuccess / OnFailure destination as an
 * invocation record. Every delay, and the age, run on a time scale (1 = real time) so that
 * tests and local work need not wait minutes. With a state file, the queue is written there
 * (at most QUEUE_WRITE_DELAY_MS after each change, and at close) and a restart goes on with it.
 */

export const ASYNC_LIMITS = {
  /** Events held at once (waiting, running, waiting to be tried again). */
  queuedEvents: 10_000,
  /** Payload bytes held at once. */
  queuedBytes: 256 * 1024 * 1024,
  /** Invocation records kept for GET /_local/destinations, and the bytes they may take together. */
  deliveriesKept: 1000,
  deliveriesKeptBytes: 64 * 1024 * 1024,
  /** A chain of Lambda destinations this long stops, as Lambda stops a recursive loop. */
  destinationChain: 16,
  /** Metric data points kept for the metrics API. */
  metricPointsKept: 10_000,
  timeScale: { min: 0.0001, max: 1, default: 1 },
} as const;

const FIRST_RETRY_MS = 60_000;
const SECOND_RETRY_MS = 120_000;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;

export type AsyncMetricName = 'AsyncEventsReceived' | 'AsyncEventAge' | 'AsyncEventsDropped' | 'DestinationDeliveryFailures';

export interface AsyncMetricPoint {
  metric: AsyncMetricName;
  functionName: string;
  /** The version that ran (or would run) the event: `$LATEST` or a number. */
  executedVersion: string;
  /** A count, or milliseconds for AsyncEventAge. */
  value: number;
  timestamp: number;
  /** The alias or version the event was sent to, as the caller named it (undefined: unqualified). */
  qualifier?: string;
}

/** What the async queue counted, per function and version, with timestamps, for a metrics API to read. */
export class AsyncMetrics {
  private readonly points: AsyncMetricPoint[] = [];
  private readonly sums: Record<AsyncMetricName, number> = { AsyncEventsReceived: 0, AsyncEventAge: 0, AsyncEventsDropped: 0, DestinationDeliveryFailures: 0 };
  private ageSamples = 0;
  private ageMax = 0;

  add(metric: AsyncMetricName, functionName: string, executedVersion: string, value: number, qualifier?: string, timestamp = Date.now()): void {
    this.points.push({ metric, functionName, executedVersion, value, timestamp, ...(qualifier !== undefined ? { qualifier } : {}) });
    if (this.points.length > ASYNC_LIMITS.metricPointsKept) this.points.splice(0, this.points.length - ASYNC_LIMITS.metricPointsKept);
    this.sums[metric] += value;
    if (metric === 'AsyncEventAge') {
      this.ageSamples++;
      this.ageMax = Math.max(this.ageMax, value);
    }
  }

  /** The data points kept (the newest ASYNC_LIMITS.metricPointsKept), optionally of one function, oldest first. */
  read(functionName?: string): AsyncMetricPoint[] {
    return this.points.filter((p) => functionName === undefined || p.functionName === functionName).map((p) => ({ ...p }));
  }

  totals(): { eventsReceived: number; eventsDropped: number; destinationDeliveryFailures: number; eventAge: { samples: number; maxMs: number; averageMs: number } } {
    return {
      eventsReceived: this.sums.AsyncEventsReceived,
      eventsDropped: this.sums.AsyncEventsDropped,
      destinationDeliveryFailures: this.sums.DestinationDeliveryFailures,
      eventAge: { samples: this.ageSamples, maxMs: this.ageMax, averageMs: this.ageSamples ? Math.round(this.sums.AsyncEventAge / this.ageSamples) : 0 },
    };
  }
}

/** AWS's invocation record, as a destination receives it. */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: AsyncCondition; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload: unknown;
}

export interface Delivery {
  /** The function whose event this record is about. */
  functionName: string;
  destination: string;
  type: DestinationType;
  kind: DestinationKind;
  condition: AsyncCondition;
  requestId: string;
  /** Runs of the function the event had. */
  attempt: number;
  delivered: boolean;
  reason?: string;
  record: InvocationRecord;
}

export interface AsyncEventsOptions {
  store: LambdaStore;
  invoker: Invoker;
  codeWatcher: CodeWatcher;
  logSink: LogSink;
  /** Multiplies every delay; the event age is measured on the same scale (default 1). */
  timeScale?: number;
  maxQueuedEvents?: number;
  /** Where what could not be said in a function's log goes. */
  log?: (line: string) => void;
  /** The queue's file (async-events.json in the data folder); none: the queue lives in memory only. */
  stateFile?: string;
  /** The events that file held at start (read, and checked, before anything is written). */
  restored?: StoredEvent[];
}

/** How long after a change the queue file is written: bursts of events make one write. */
const QUEUE_WRITE_DELAY_MS = 200;

interface QueuedEvent {
  requestId: string;
  functionName: string;
  /** The qualifier whose event invoke config applies: `$LATEST`, a version or an alias. */
  configQualifier: string;
  /** As the caller named it (undefined: unqualified). */
  arnQualifier?: string;
  executedVersion: string;
  payload: Buffer;
  receivedAt: number;
  runs: number;
  backoffMs: number;
  last?: { outcome: InvokeOutcome };
  /** What the last attempt that could not run met: a throttle or a system error. */
  lastRefusal?: { errorType: string; errorMessage: string };
  /** How many Lambda destinations led to this event. */
  chain: number;
  timer?: NodeJS.Timeout;
  /** Epoch ms when the next attempt is due. */
  dueAt?: number;
}

/** Parsed JSON, or the text itself when it is not JSON, or null when empty. */
function jsonOrText(bytes: Buffer): unknown {
  if (bytes.length === 0) return null;
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class AsyncEvents {
  readonly metrics = new AsyncMetrics();
  private readonly held = new Set<QueuedEvent>();
  private heldBytes = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly deliveryLog: Delivery[] = [];
  private readonly deliverySizes: number[] = [];
  private deliveryBytes = 0;
  private readonly scale: number;
  private readonly maxQueued: number;
  private closed = false;
  private writeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AsyncEventsOptions) {
    const scale = opts.timeScale ?? ASYNC_LIMITS.timeScale.default;
    if (!(scale >= ASYNC_LIMITS.timeScale.min && scale <= ASYNC_LIMITS.timeScale.max)) {
      throw new Error(`The time scale must be a number from ${ASYNC_LIMITS.timeScale.min} to ${ASYNC_LIMITS.timeScale.max} (got ${String(scale)}).`);
    }
    this.scale = scale;
    this.maxQueued = opts.maxQueuedEvents ?? ASYNC_LIMITS.queuedEvents;
    if (opts.restored) this.restore(opts.restored);
  }

  /** Takes back the events a previous run left queued, each due when it was (at once if that has passed). */
  private restore(stored: StoredEvent[]): void {
    const now = Date.now();
    for (const s of stored) {
      const event: QueuedEvent = {
        requestId: s.requestId, functionName: s.functionName, configQualifier: s.configQualifier,
        ...(s.arnQualifier !== undefined ? { arnQualifier: s.arnQualifier } : {}),
        executedVersion: s.executedVersion, payload: Buffer.from(s.payload, 'base64'), receivedAt: s.receivedAt,
        runs: s.runs, backoffMs: s.backoffMs, chain: s.chain,
        ...(s.last ? { last: { outcome: { payload: Buffer.from(s.last.payload, 'base64'), functionError: s.last.functionError, log: '', durationMs: 0, billedDurationMs: 0, maxMemoryUsedMB: 0,
          ...(s.last.logStreamName ? { logStreamName: s.last.logStreamName } : {}) } } } : {}),
        ...(s.lastRefusal ? { lastRefusal: s.lastRefusal } : {}),
      };
      this.held.add(event);
      this.heldBytes += event.payload.length;
      this.later(event, Math.max(0, s.dueAt - now) / this.scale);
    }
    if (stored.length) this.opts.log?.(`Local Lambda: ${stored.length} queued asynchronous invocation${stored.length === 1 ? '' : 's'} taken back from the last run.`);
  }

  private stored(): StoredEvent[] {
    return [...this.held].map((e) => ({
      requestId: e.requestId, functionName: e.functionName, configQualifier: e.configQualifier,
      ...(e.arnQualifier !== undefined ? { arnQualifier: e.arnQualifier } : {}),
      executedVersion: e.executedVersion, payload: e.payload.toString('base64'), receivedAt: e.receivedAt,
      // A running attempt that a restart cuts short is made again.
      dueAt: e.dueAt ?? Date.now(), runs: e.runs, backoffMs: e.backoffMs, chain: e.chain,
      ...(e.last ? { last: { payload: e.last.outcome.payload.toString('base64'), ...(e.last.outcome.functionError ? { functionError: e.last.outcome.functionError } : {}),
        ...(e.last.outcome.logStreamName ? { logStreamName: e.last.outcome.logStreamName } : {}) } } : {}),
      ...(e.lastRefusal ? { lastRefusal: e.lastRefusal } : {}),
    }));
  }

  private writeSoon(): void {
    if (!this.opts.stateFile || this.writeTimer || this.closed) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      this.writeNow();
    }, QUEUE_WRITE_DELAY_MS);
    this.writeTimer.unref();
  }

  private writeNow(): void {
    if (!this.opts.stateFile) return;
    try {
      const left = writeQueueFile(this.opts.stateFile, this.stored());
      if (left > 0) this.opts.log?.(`Local Lambda: ${left} queued asynchronous invocations are not kept across a restart: the queue file holds the oldest events up to 32 MB.`);
    } catch (err) {
      this.opts.log?.(`Local Lambda: could not save the asynchronous queue: ${(err as Error).message}`);
    }
  }

  /** Events held now (waiting, running or waiting to be tried again). */
  get queued(): number {
    return this.held.size;
  }

  /**
   * Takes one Event invocation. Throws a 429 TooManyRequestsException when the queue is full.
   * `qualifier` is what the caller named; the version is chosen now (an alias's weights once per event).
   */
  enqueue(fn: FunctionRecord, qualifier: string | undefined, payload: Buffer, requestId: string, chain = 0): void {
    if (this.closed) throw new ApiError(503, 'ServiceException', 'The Local Lambda is shutting down.');
    if (this.held.size >= this.maxQueued || this.heldBytes + payload.length > ASYNC_LIMITS.queuedBytes) {
      throw new ApiError(429, 'TooManyRequestsException',
        `The Local Lambda's asynchronous queue is full (${this.held.size} events, ${Math.round(this.heldBytes / 1048576)} MB held; ` +
        `at most ${this.maxQueued} events and ${ASYNC_LIMITS.queuedBytes / 1048576} MB); try again once some have run.`, { 'Retry-After': '1' });
    }
    const { record } = resolveQualifier(this.opts.store, fn, qualifier);
    const event: QueuedEvent = {
      requestId, functionName: fn.name, configQualifier: qualifier ?? '$LATEST', arnQualifier: qualifier, executedVersion: record.version,
      payload, receivedAt: Date.now(), runs: 0, backoffMs: BACKOFF_FIRST_MS, chain,
    };
    this.held.add(event);
    this.heldBytes += payload.length;
    this.metrics.add('AsyncEventsReceived', fn.name, record.version, 1, qualifier);
    this.later(event, 0);
  }

  /** Invocation records kept (the newest ASYNC_LIMITS.deliveriesKept), optionally those of one function's events, oldest first. */
  deliveries(functionName?: string): Delivery[] {
    return this.deliveryLog.filter((d) => functionName === undefined || d.functionName === functionName);
  }

  /**
   * Saves the queue (with a state file), then drops every queued event and stops every timer;
   * attempts running now finish, and nothing follows them (the saved queue tries them again).
   */
  close(): void {
    if (this.closed) return;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.writeNow();
    this.closed = true;
    for (const event of this.held) if (event.timer) clearTimeout(event.timer);
    this.held.clear();
    this.heldBytes = 0;
  }

  /** Settles when the attempts running now have ended. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Runs the event after `ms` of emulated time. */
  private later(event: QueuedEvent, ms: number): void {
    const wait = Math.max(0, Math.round(ms * this.scale));
    event.dueAt = Date.now() + wait;
    this.writeSoon();
    event.timer = setTimeout(() => {
      event.timer = undefined;
      event.dueAt = undefined;
      const run = this.attempt(event).catch((err: unknown) => {
        this.opts.log?.(`Local Lambda: the asynchronous invocation ${event.requestId} of ${event.functionName} failed: ${(err as Error).stack ?? String(err)}`);
        this.release(event);
      });
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, wait);
  }

  /** Emulated milliseconds since the event arrived. */
  private ageOf(event: QueuedEvent): number {
    return (Date.now() - event.receivedAt) / this.scale;
  }

  private release(event: QueuedEvent): void {
    if (this.held.delete(event)) {
      this.heldBytes -= event.payload.length;
      this.writeSoon();
    }
  }

  private settings(fn: FunctionRecord, event: QueuedEvent) {
    const config = this.opts.store.eventInvokeConfig(fn, event.configQualifier);
    return {
      config,
      maxRetries: config?.maximumRetryAttempts ?? EVENT_INVOKE_LIMITS.maximumRetryAttempts.default,
      maxAgeMs: (config?.maximumEventAgeInSeconds ?? EVENT_INVOKE_LIMITS.maximumEventAgeInSeconds.default) * 1000,
    };
  }

  private async attempt(event: QueuedEvent): Promise<void> {
    if (this.closed || !this.held.has(event)) return;
    const { store } = this.opts;
    const fn = store.find(event.functionName);
    const version: VersionRecord | undefined = fn && (event.executedVersion === '$LATEST' ? fn.latest : store.version(fn, event.executedVersion));
    if (!fn || !version) {
      this.opts.log?.(`Local Lambda: the asynchronous invocation ${event.requestId} was dropped: ${event.functionName}:${event.executedVersion} was deleted before it ran.`);
      this.metrics.add('AsyncEventsDropped', event.functionName, event.executedVersion, 1, event.arnQualifier);
      this.release(event);
      return;
    }
    const { maxRetries, maxAgeMs } = this.settings(fn, event);
    const age = this.ageOf(event);
    if (age > maxAgeMs) {
      this.finish(fn, event, 'EventAgeExceeded');
      return;
    }
    this.metrics.add('AsyncEventAge', fn.name, event.executedVersion, Math.round(age), event.arnQualifier);
    const spec = executionSpecOf(store, fn, version, this.opts.codeWatcher);
    let outcome: InvokeOutcome;
    try {
      outcome = await this.opts.invoker.invoke(spec, {
        requestId: event.requestId,
        payload: event.payload,
        invokedFunctionArn: functionArn(fn.name, event.arnQualifier),
        invocationType: 'Event',
        logLines: [asyncAttemptLine(event.requestId, event.runs + 1, maxRetries + 1)],
      });
    } catch (err) {
      if (this.closed) return;
      // A throttle or a system error: back to the queue, with backoff, while the event is young enough.
      event.lastRefusal = err instanceof TooManyRequestsError
        ? { errorType: 'TooManyRequestsException', errorMessage: err.message }
        : { errorType: 'ServiceException', errorMessage: (err as Error).message };
      const delay = event.backoffMs;
      event.backoffMs = Math.min(event.backoffMs * 2, BACKOFF_MAX_MS);
      this.later(event, Math.min(delay, Math.max(0, maxAgeMs - this.ageOf(event)) + 1));
      return;
    }
    if (this.closed) return;
    event.runs++;
    event.last = { outcome };
    if (!outcome.functionError) {
      this.finish(fn, event, 'Success');
    } else if (event.runs <= maxRetries) {
      this.later(event, event.runs === 1 ? FIRST_RETRY_MS : SECOND_RETRY_MS);
    } else {
      this.finish(fn, event, 'RetriesExhausted');
    }
  }

  private finish(fn: FunctionRecord, event: QueuedEvent, condition: AsyncCondition): void {
    this.release(event);
    if (condition !== 'Success') this.metrics.add('AsyncEventsDropped', fn.name, event.executedVersion, 1, event.arnQualifier);
    const { config } = this.settings(fn, event);
    const kind: DestinationKind = condition === 'Success' ? 'OnSuccess' : 'OnFailure';
    const destination = kind === 'OnSuccess' ? config?.onSuccess : config?.onFailure;
    if (destination) this.deliver(fn, event, kind, destination, condition);
  }

  private recordOf(event: QueuedEvent, condition: AsyncCondition): InvocationRecord {
    const outcome = event.last?.outcome;
    return {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: event.requestId,
        functionArn: functionArn(event.functionName, event.arnQualifier ?? '$LATEST'),
        condition,
        approximateInvokeCount: event.runs,
      },
      requestPayload: jsonOrText(event.payload),
      // An event that never ran (throttled until too old) answers as the last refusal did.
      responseContext: outcome
        ? { statusCode: 200, executedVersion: event.executedVersion, ...(outcome.functionError ? { functionError: outcome.functionError } : {}) }
        : { statusCode: event.lastRefusal?.errorType === 'ServiceException' ? 500 : 429, executedVersion: event.executedVersion },
      responsePayload: outcome ? jsonOrText(outcome.payload) : event.lastRefusal ?? { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
    };
  }

  private deliver(fn: FunctionRecord, event: QueuedEvent, kind: DestinationKind, destination: string, condition: AsyncCondition): void {
    const record = this.recordOf(event, condition);
    const parsed = parseDestinationArn(destination);
    const type: DestinationType = parsed?.type ?? 'Lambda';
    let delivered = false;
    let reason: string | undefined;
    if (!parsed) {
      reason = `${destination} is not a destination ARN.`;
    } else if (parsed.type !== 'Lambda') {
      const what = { SQS: 'SQS queues', SNS: 'SNS topics', EventBridge: 'EventBridge event buses', S3: 'S3 buckets', Lambda: '' }[parsed.type];
      reason = `${what} are not emulated on the Local Lambda; the record is kept here only.`;
    } else {
      reason = this.deliverToFunction(parsed.name, parsed.qualifier, parsed.region, parsed.accountId, record, event.chain);
      delivered = reason === undefined;
      if (!delivered) this.metrics.add('DestinationDeliveryFailures', fn.name, event.executedVersion, 1, event.arnQualifier);
    }
    this.keep({
      functionName: fn.name, destination, type, kind, condition, requestId: event.requestId, attempt: event.runs, delivered,
      ...(reason !== undefined ? { reason } : {}), record,
    }, event.payload.length + (event.last?.outcome.payload.length ?? 0) + 1024);
    const lines = [destinationLine(event.requestId, kind, destination, condition)];
    if (reason !== undefined) lines.push(`RequestId: ${event.requestId} The record was not delivered: ${reason}`);
    const stream = event.last?.outcome.logStreamName ?? logStreamName(new Date(), event.executedVersion, randomBytes(16).toString('hex'));
    const now = Date.now();
    this.opts.logSink.write(`/aws/lambda/${fn.name}`, stream, lines.map((message) => ({ timestamp: now, message })));
  }

  /** Keeps a record for GET /_local/destinations: the newest, within their count and their bytes. */
  private keep(delivery: Delivery, size: number): void {
    this.deliveryLog.push(delivery);
    this.deliverySizes.push(size);
    this.deliveryBytes += size;
    while (this.deliveryLog.length > 1 && (this.deliveryLog.length > ASYNC_LIMITS.deliveriesKept || this.deliveryBytes > ASYNC_LIMITS.deliveriesKeptBytes)) {
      this.deliveryLog.shift();
      this.deliveryBytes -= this.deliverySizes.shift() ?? 0;
    }
  }

  /** Queues the record as an Event of a local function; returns why it could not be, or undefined once it is queued. */
  private deliverToFunction(name: string, qualifier: string | undefined, region: string, accountId: string, record: InvocationRecord, chain: number): string | undefined {
    if (region !== REGION || accountId !== ACCOUNT_ID) {
      return `the function is in ${region}, account ${accountId}; this Local Lambda serves ${REGION}, account ${ACCOUNT_ID} only.`;
    }
    const target = this.opts.store.find(name);
    if (!target) return `the function ${name} does not exist on this Local Lambda.`;
    if (chain + 1 >= ASYNC_LIMITS.destinationChain) {
      return `${ASYNC_LIMITS.destinationChain} functions in a row passed records to each other; the chain was stopped as a recursive loop.`;
    }
    const payload = Buffer.from(JSON.stringify(record));
    if (payload.length > payloadLimit('Event')) return `the record is ${payload.length} bytes, more than an asynchronous invocation takes (${payloadLimit('Event')}).`;
    try {
      this.enqueue(target, qualifier, payload, randomUUID(), chain + 1);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}
