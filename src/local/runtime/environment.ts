import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { ExecutionSpec, InvokeOutcome, InvokeRequest, LogSink } from '../types';
import { LaunchError, planLaunch, type LaunchServices } from './launch';
import { billedDuration, endLine, logStreamName, reportLine, startLine, timedOutText } from '../../shared/lambda/report';
import { readMemory } from './memory';
import { MAX_RESPONSE_BYTES, RuntimeApiServer, type RuntimeApiHost } from './runtimeApi';
import { ProcessReaper } from './reaper';
import { parseClientContext } from '../../shared/lambda/clientContext';

/** How long a runtime may take to initialise, on top of the function timeout (Lambda's init limit). */
const INIT_LIMIT_MS = 10_000;
const MEMORY_POLL_MS = 50;
/**
 * The largest log event a line of output becomes: CloudWatch Logs' 256 KB event limit less the
 * 26 bytes it counts per event. Lambda cuts a longer line into events of this size, in order.
 */
export const MAX_LOG_EVENT_BYTES = 256 * 1024 - 26;
/** The part of an invocation's log kept for its LogType Tail answer (Lambda returns the last 4 KB). */
const LOG_KEPT_BYTES = 64 * 1024;
/** How many event-loop turns a finished invocation waits for output still in the pipes. */
const DRAIN_TURNS = 50;

/** Environments with a live process, for the host's exit to take them down with it. */
const live = new Set<ExecutionEnvironment>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous: on exit (also process.exit from a signal handler) there is no later turn.
  process.on('exit', () => {
    for (const env of live) env.killProcesses();
  });
}

export interface EnvironmentOptions {
  spec: ExecutionSpec;
  dataDir: string;
  logSink: LogSink;
  services?: LaunchServices;
}

interface Invocation {
  req: InvokeRequest;
  lines: string[];
  /** UTF-16 length of `lines`; the oldest are dropped past LOG_KEPT_BYTES. */
  linesLength: number;
  started: boolean;
  startedAt: number;
  timer?: NodeJS.Timeout;
  finished: boolean;
  resolve(outcome: InvokeOutcome): void;
  reject(err: Error): void;
}

interface Completion {
  payload: Buffer;
  functionError?: 'Unhandled';
}

/** One execution environment: a runtime process, its Runtime API, its temp folder. */
export class ExecutionEnvironment implements RuntimeApiHost {
  readonly id = randomBytes(16).toString('hex');
  readonly logStreamName: string;
  lastUsedAt = Date.now();
  /** Called once when the environment is gone (crash, kill, timeout). */
  onGone?: (env: ExecutionEnvironment) => void;

  private readonly spec: ExecutionSpec;
  private readonly tmpDir: string;
  private child?: ChildProcess;
  private reaper?: ProcessReaper;
  private api?: RuntimeApiServer;
  /** Output events seen so far, to tell when the pipes have gone quiet. */
  private outputCount = 0;
  private spawnedAt = 0;
  private initDurationMs?: number;
  private initReported = false;
  private active?: Invocation;
  private peakKb = 0;
  private memoryTimer?: NodeJS.Timeout;
  private memoryExceeded = false;
  private heapExhausted = false;
  private gone = false;
  private outputRest = { stdout: '', stderr: '' };
  /** Written to the log at start; repeated at the top of the first invocation's log. */
  private initLines: string[] = [];

  constructor(private readonly opts: EnvironmentOptions) {
    this.spec = opts.spec;
    this.logStreamName = logStreamName(new Date(), this.spec.version, this.id);
    this.tmpDir = path.join(opts.dataDir, 'tmp', this.id);
  }

  get alive(): boolean {
    return !this.gone;
  }

  get busy(): boolean {
    return this.active !== undefined;
  }

  /** Starts the runtime process; it initialises in the background. Throws LaunchError. */
  async start(): Promise<void> {
    await fsp.mkdir(this.tmpDir, { recursive: true });
    this.api = await RuntimeApiServer.start(this);
    let plan;
    try {
      plan = await planLaunch({
        spec: this.spec,
        runtimeApi: this.api.address,
        logStreamName: this.logStreamName,
        tmpDir: this.tmpDir,
        dataDir: this.opts.dataDir,
        services: this.opts.services,
      });
    } catch (err) {
      await this.dispose();
      throw err;
    }
    if (this.gone) {
      // Stopped (a shutdown) while the launch was being prepared: start nothing.
      await this.dispose();
      throw new LaunchError('Runtime.Unavailable', 'The Local Lambda stopped while the environment was starting');
    }
    this.initLines = plan.logLines;
    const now = Date.now();
    if (plan.logLines.length) this.opts.logSink.write(this.spec.logGroupName, this.logStreamName, plan.logLines.map((message) => ({ timestamp: now, message })));
    this.spawnedAt = performance.now();
    const child = spawn(plan.command, plan.args, {
      cwd: this.spec.codeDir,
      env: plan.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.child = child;
    if (child.pid) {
      this.reaper = new ProcessReaper(child.pid, `AWS_LAMBDA_RUNTIME_API=${this.api.address}`);
      live.add(this);
      hookExit();
    }
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => this.onOutput('stdout', text));
    child.stderr.on('data', (text: string) => this.onOutput('stderr', text));
    child.on('error', (err) => this.onChildGone(`could not start ${plan.command}: ${err.message}`));
    child.on('exit', (code, signal) => {
      // Let the pipes drain before reporting, unless a descendant keeps them open.
      const report = () => this.onChildGone(describeExit(code, signal));
      const timer = setTimeout(report, 100);
      child.once('close', () => {
        clearTimeout(timer);
        report();
      });
    });
    this.watchMemory(true);
  }

  invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    if (this.active || this.gone) return Promise.reject(new Error('The execution environment is not available'));
    return new Promise((resolve, reject) => {
      const inv: Invocation = { req, lines: [], linesLength: 0, started: false, startedAt: 0, finished: false, resolve, reject };
      this.active = inv;
      this.watchMemory(true);
      // Also a warm runtime that never asks for the event again (stuck after answering) times out.
      const waitMs = (this.initDurationMs === undefined ? INIT_LIMIT_MS : 0) + this.spec.timeout * 1000;
      inv.timer = setTimeout(() => this.onTimeout(inv), waitMs);
      if (this.api?.hasWaitingRuntime) this.deliver(inv);
    });
  }

  async dispose(): Promise<void> {
    this.gone = true;
    this.watchMemory(false);
    this.killProcesses();
    live.delete(this);
    await this.api?.close();
    await fsp.rm(this.tmpDir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Kills the runtime and everything it started, at once (also when the host exits). */
  killProcesses(): void {
    const child = this.child;
    const running = child !== undefined && child.exitCode === null && child.signalCode === null;
    if (process.platform === 'win32') {
      if (running) child.kill('SIGKILL');
      return;
    }
    // Also after the runtime exited: what it started may still run, outside its group.
    this.reaper?.killAll();
  }

  // ---- Runtime API host ----

  onNext(): void {
    if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.spawnedAt;
    const inv = this.active;
    if (inv && !inv.started) this.deliver(inv);
  }

  onResponse(requestId: string, body: Buffer, oversized: boolean): boolean {
    const inv = this.inFlight(requestId);
    if (!inv) return false;
    if (oversized) {
      const doc = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      };
      this.finishSoon(inv, { payload: Buffer.from(JSON.stringify(doc)), functionError: 'Unhandled' });
    } else {
      this.finishSoon(inv, { payload: body });
    }
    return true;
  }

  onError(requestId: string, body: Buffer, errorType: string | undefined): boolean {
    const inv = this.inFlight(requestId);
    if (!inv) return false;
    this.finishSoon(inv, { payload: errorPayload(body, errorType), functionError: 'Unhandled' });
    return true;
  }

  onInitError(body: Buffer, errorType: string | undefined): void {
    if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.spawnedAt;
    const inv = this.active;
    // The runtime cannot serve; retire it and fail the waiting invocation with its error.
    this.gone = true;
    if (inv) this.finishSoon(inv, { payload: errorPayload(body, errorType), functionError: 'Unhandled' });
    setImmediate(() => void this.dispose().then(() => this.onGone?.(this)));
  }

  // ---- internals ----

  private inFlight(requestId: string): Invocation | undefined {
    const inv = this.active;
    return inv && inv.started && !inv.finished && inv.req.requestId === requestId ? inv : undefined;
  }

  private deliver(inv: Invocation): void {
    this.begin(inv);
    const deadlineMs = Date.now() + this.spec.timeout * 1000;
    clearTimeout(inv.timer);
    inv.timer = setTimeout(() => this.onTimeout(inv), this.spec.timeout * 1000);
    this.api?.deliver({
      requestId: inv.req.requestId,
      payload: inv.req.payload,
      deadlineMs,
      invokedFunctionArn: inv.req.invokedFunctionArn,
      traceId: traceId(),
      // Checked at the front door; one that is not a JSON object is not passed on.
      clientContext: inv.req.clientContext ? parseClientContext(inv.req.clientContext) : undefined,
    });
  }

  private begin(inv: Invocation): void {
    if (inv.started) return;
    inv.started = true;
    inv.startedAt = performance.now();
    inv.lines.unshift(...this.initLines);
    for (const line of this.initLines) inv.linesLength += line.length + 1;
    this.initLines = [];
    this.emit(startLine(inv.req.requestId, this.spec.version), inv);
  }

  private onTimeout(inv: Invocation): void {
    if (inv.finished) return;
    const requestId = inv.req.requestId;
    const text = timedOutText(this.spec.timeout);
    this.begin(inv);
    this.emit(`${new Date().toISOString()} ${requestId} ${text}`, inv);
    const doc = { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: ${text}` };
    this.finish(inv, { payload: Buffer.from(JSON.stringify(doc)), functionError: 'Unhandled' });
    void this.dispose().then(() => this.onGone?.(this));
  }

  private onChildGone(reason: string): void {
    if (this.gone && !this.active) {
      void this.dispose();
      return;
    }
    this.flushOutput();
    const inv = this.active;
    if (inv && !inv.finished && !inv.started && this.initDurationMs !== undefined) {
      // A warm runtime that exited after its last answer, before taking this event: Lambda
      // would have reset the environment first, so the event goes to a fresh one.
      inv.finished = true;
      clearTimeout(inv.timer);
      this.active = undefined;
      inv.reject(new EnvironmentLostError());
    } else if (inv && !inv.finished) {
      const errorType = this.memoryExceeded || this.heapExhausted ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
      const message = `RequestId: ${inv.req.requestId} Error: ${reason}`;
      this.begin(inv);
      this.emit(message, inv);
      this.emit(errorType, inv);
      this.finish(inv, { payload: Buffer.from(JSON.stringify({ errorType, errorMessage: message })), functionError: 'Unhandled' });
    }
    const wasGone = this.gone;
    void this.dispose().then(() => {
      if (!wasGone) this.onGone?.(this);
    });
  }

  /**
   * Finishes once the output written before the answer has been read, so the function's last
   * lines precede END: the pipes are read in the turns before, so it waits for a turn in which
   * no output arrived (a few turns at most, since a writer to a full pipe waits for us).
   */
  private finishSoon(inv: Invocation, completion: Completion): void {
    inv.finished = true;
    clearTimeout(inv.timer);
    let seen = this.outputCount;
    let turns = 0;
    const check = () => {
      if (this.outputCount !== seen && ++turns < DRAIN_TURNS && !this.gone) {
        seen = this.outputCount;
        setImmediate(check);
        return;
      }
      this.finish(inv, completion, true);
    };
    setImmediate(check);
  }

  private finish(inv: Invocation, completion: Completion, force = false): void {
    if (inv.finished && !force) return;
    inv.finished = true;
    clearTimeout(inv.timer);
    this.begin(inv);
    this.flushOutput();
    this.sampleMemory();
    const durationMs = performance.now() - inv.startedAt;
    const billedDurationMs = billedDuration(durationMs);
    // The sandbox cannot use more than its memory size; a peak above it was stopped by the watch.
    const maxMemoryUsedMB = Math.min(this.spec.memorySize, Math.ceil(this.peakKb / 1024));
    let initDurationMs: number | undefined;
    if (!this.initReported && this.initDurationMs !== undefined) {
      initDurationMs = this.initDurationMs;
      this.initReported = true;
    }
    this.emit(endLine(inv.req.requestId), inv);
    this.emit(
      reportLine({
        requestId: inv.req.requestId,
        durationMs,
        billedDurationMs,
        memorySizeMB: this.spec.memorySize,
        maxMemoryUsedMB,
        initDurationMs,
      }),
      inv,
    );
    if (this.active === inv) this.active = undefined;
    this.lastUsedAt = Date.now();
    this.watchMemory(false);
    inv.resolve({
      payload: completion.payload,
      functionError: completion.functionError,
      log: inv.lines.join('\n'),
      durationMs,
      billedDurationMs,
      maxMemoryUsedMB,
      initDurationMs,
    });
  }

  private emit(message: string, inv: Invocation | undefined = this.active): void {
    this.opts.logSink.write(this.spec.logGroupName, this.logStreamName, [{ timestamp: Date.now(), message }]);
    if (inv) {
      inv.lines.push(message);
      inv.linesLength += message.length + 1;
      // Only the tail is ever returned; the whole log is in the sink.
      while (inv.linesLength > LOG_KEPT_BYTES && inv.lines.length > 1) inv.linesLength -= (inv.lines.shift() as string).length + 1;
    }
  }

  /** One line of output as log events: no event larger than Lambda makes one. */
  private emitLine(line: string): void {
    for (const piece of splitLogEvent(line.replace(/\r/g, '\n'))) this.emit(piece);
  }

  private onOutput(stream: 'stdout' | 'stderr', text: string): void {
    this.outputCount++;
    if (stream === 'stderr' && !this.heapExhausted && text.includes('heap out of memory')) this.heapExhausted = true;
    let rest = this.outputRest[stream];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.emitLine(rest + text.slice(from, nl));
      rest = '';
      from = nl + 1;
    }
    rest += text.slice(from);
    // A line without its end yet: what is surely a full event already goes out, so a
    // line of any length is held to one event's worth.
    if (rest.length > MAX_LOG_EVENT_BYTES / 3) {
      const pieces = splitLogEvent(rest);
      rest = pieces.pop() ?? '';
      for (const piece of pieces) this.emit(piece.replace(/\r/g, '\n'));
    }
    this.outputRest[stream] = rest;
  }

  private flushOutput(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.outputRest[stream]) this.emitLine(this.outputRest[stream]);
      this.outputRest[stream] = '';
    }
  }

  private sampleMemory(): void {
    const pid = this.child?.pid;
    if (!pid || this.gone) return;
    const reading = readMemory(pid);
    if (!reading) return;
    this.peakKb = Math.max(this.peakKb, reading.hwmKb, reading.rssKb);
    if (reading.rssKb > this.spec.memorySize * 1024 && !this.memoryExceeded) {
      this.memoryExceeded = true;
      this.killProcesses();
    }
  }

  /** Watches memory while initialising or invoking; idle environments are not polled. */
  private watchMemory(on: boolean): void {
    if (on && !this.memoryTimer && !this.gone) {
      this.memoryTimer = setInterval(() => this.sampleMemory(), MEMORY_POLL_MS);
      this.memoryTimer.unref();
    } else if (!on && this.memoryTimer && (this.gone || (!this.active && this.initDurationMs !== undefined))) {
      clearInterval(this.memoryTimer);
      this.memoryTimer = undefined;
    }
  }
}

/** The environment ended before it took the invocation's event; another one should run it. */
export class EnvironmentLostError extends Error {
  constructor() {
    super('The execution environment ended before it took the event');
  }
}

/** An outcome for an invocation whose environment could not even be started. */
export function launchFailureOutcome(spec: ExecutionSpec, req: InvokeRequest, err: LaunchError, logSink: LogSink): InvokeOutcome {
  const stream = logStreamName(new Date(), spec.version, randomBytes(16).toString('hex'));
  const message = `RequestId: ${req.requestId} Error: ${err.message}`;
  const report = reportLine({ requestId: req.requestId, durationMs: 0, billedDurationMs: 0, memorySizeMB: spec.memorySize, maxMemoryUsedMB: 0 });
  const lines = [startLine(req.requestId, spec.version), message, err.errorType, endLine(req.requestId), report];
  const now = Date.now();
  logSink.write(spec.logGroupName, stream, lines.map((m) => ({ timestamp: now, message: m })));
  return {
    payload: Buffer.from(JSON.stringify({ errorType: err.errorType, errorMessage: err.message })),
    functionError: 'Unhandled',
    log: lines.join('\n'),
    durationMs: 0,
    billedDurationMs: 0,
    maxMemoryUsedMB: 0,
  };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) {
    const names: Record<string, string> = { SIGKILL: 'killed', SIGABRT: 'aborted', SIGSEGV: 'segmentation fault', SIGTERM: 'terminated' };
    return `Runtime exited with error: signal: ${names[signal] ?? signal.toLowerCase()}`;
  }
  if (code === 0) return 'Runtime exited without providing a reason';
  return `Runtime exited with error: exit status ${code}`;
}

function errorPayload(body: Buffer, errorType: string | undefined): Buffer {
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
    return body;
  } catch {
    return Buffer.from(JSON.stringify({ errorType: errorType ?? 'Runtime.Unknown', errorMessage: text }));
  }
}

/**
 * `text` cut into pieces of at most MAX_LOG_EVENT_BYTES of UTF-8, at character boundaries; the
 * last piece may be shorter (or empty for empty text).
 */
export function splitLogEvent(text: string): string[] {
  if (text.length <= MAX_LOG_EVENT_BYTES / 3 || Buffer.byteLength(text) <= MAX_LOG_EVENT_BYTES) return [text];
  const bytes = Buffer.from(text, 'utf8');
  const pieces: string[] = [];
  let start = 0;
  while (bytes.length - start > MAX_LOG_EVENT_BYTES) {
    let end = start + MAX_LOG_EVENT_BYTES;
    // Back off to the first byte of a character (continuation bytes are 10xxxxxx).
    while (end > start && (bytes[end] & 0xc0) === 0x80) end--;
    pieces.push(bytes.toString('utf8', start, end));
    start = end;
  }
  pieces.push(bytes.toString('utf8', start));
  return pieces;
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

export { LaunchError };
