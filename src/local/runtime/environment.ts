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

/** How long a runtime may take to initialise, on top of the function timeout (Lambda's init limit). */
const INIT_LIMIT_MS = 10_000;
const MEMORY_POLL_MS = 50;

export interface EnvironmentOptions {
  spec: ExecutionSpec;
  dataDir: string;
  logSink: LogSink;
  services?: LaunchServices;
}

interface Invocation {
  req: InvokeRequest;
  lines: string[];
  started: boolean;
  startedAt: number;
  timer?: NodeJS.Timeout;
  finished: boolean;
  resolve(outcome: InvokeOutcome): void;
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
  private api?: RuntimeApiServer;
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
    return new Promise((resolve) => {
      const inv: Invocation = { req, lines: [], started: false, startedAt: 0, finished: false, resolve };
      this.active = inv;
      this.watchMemory(true);
      if (this.initDurationMs === undefined) {
        inv.timer = setTimeout(() => this.onTimeout(inv), INIT_LIMIT_MS + this.spec.timeout * 1000);
      }
      if (this.api?.hasWaitingRuntime) this.deliver(inv);
    });
  }

  async dispose(): Promise<void> {
    this.gone = true;
    this.watchMemory(false);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
    await this.api?.close();
    await fsp.rm(this.tmpDir, { recursive: true, force: true }).catch(() => undefined);
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
      clientContext: decodeClientContext(inv.req.clientContext),
    });
  }

  private begin(inv: Invocation): void {
    if (inv.started) return;
    inv.started = true;
    inv.startedAt = performance.now();
    inv.lines.unshift(...this.initLines);
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
    if (inv && !inv.finished) {
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

  /** Finishes after pending output has been read, so the function's last lines precede END. */
  private finishSoon(inv: Invocation, completion: Completion): void {
    inv.finished = true;
    clearTimeout(inv.timer);
    setImmediate(() => this.finish(inv, completion, true));
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
    if (inv) inv.lines.push(message);
  }

  private onOutput(stream: 'stdout' | 'stderr', text: string): void {
    const all = this.outputRest[stream] + text;
    const parts = all.split('\n');
    this.outputRest[stream] = parts.pop() ?? '';
    if (stream === 'stderr' && all.includes('heap out of memory')) this.heapExhausted = true;
    for (const line of parts) this.emit(line.replace(/\r/g, '\n'));
  }

  private flushOutput(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.outputRest[stream]) this.emit(this.outputRest[stream].replace(/\r/g, '\n'));
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
      try {
        if (process.platform !== 'win32') process.kill(-pid, 'SIGKILL');
        else this.child?.kill('SIGKILL');
      } catch {
        this.child?.kill('SIGKILL');
      }
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

function decodeClientContext(base64: string | undefined): string | undefined {
  if (!base64) return undefined;
  const text = Buffer.from(base64, 'base64').toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.replace(/[\r\n]/g, ' ');
  }
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

export { LaunchError };
