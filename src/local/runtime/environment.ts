import { spawn, type ChildProcess } from 'child_process';
import type { Duplex } from 'stream';
import { randomBytes } from 'crypto';
import { StringDecoder } from 'string_decoder';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { ExecutionSpec, InvokeOutcome, InvokeRequest, LogEventInput, LogSink } from '../types';
import { CHANNEL_FD, FrameDecoder, FrameType, encodeFrame, headNumber, headString, type Frame } from './channel';
import { LaunchError, planLaunch, type LaunchServices } from './launch';
import { billedDuration, endLine, logStreamName, reportLine, startLine, timedOutText } from '../../shared/lambda/report';
import { readMemory } from './memory';
import { MAX_RESPONSE_BYTES, RuntimeApiServer, type NextEvent, type RuntimeApiHost } from './runtimeApi';
import { ProcessReaper } from './reaper';
import { parseClientContext } from '../../shared/lambda/clientContext';

/** How long a runtime may take to initialise, on top of the function timeout (Lambda's init limit). */
const INIT_LIMIT_MS = 10_000;
/** The environment's watcher: memory sampled and held log lines written this often while it is busy. */
const WATCH_MS = 50;
/** Quiet ticks after which an idle environment's watcher stops (so a warm run of invokes keeps one). */
const WATCH_IDLE_TICKS = 2;
/** Log events held for one write; past this many (or this many UTF-16 units) they are written at once. */
const LOG_BATCH_EVENTS = 256;
const LOG_BATCH_CHARS = 1024 * 1024;
/** How long a runtime whose channel closed may take to exit before it is treated as broken. */
const CHANNEL_CLOSE_GRACE_MS = 200;
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
  /** A debug session's environment (see DebugOptions). */
  debug?: DebugOptions;
}

/**
 * A debug session's environment: its runtime opens a debugger port (the Node.js inspector or
 * debugpy, on 127.0.0.1) and waits for a debugger before loading the handler. The function's
 * timeout is not enforced (a breakpoint may hold it as long as the person looks), only the wait
 * for the debugger to attach is bounded.
 */
export interface DebugOptions {
  /** How long the runtime may wait for a debugger to attach. */
  attachMs: number;
  /** The runtime's debugger listens on this port. */
  onListening(port: number): void;
}

/** What the Node.js inspector prints on stderr about itself: not the function's output. */
const INSPECTOR_LINES = ['Debugger listening on ws://', 'For help, see: https://nodejs.org/en/docs/inspector', 'Debugger attached.', 'Waiting for the debugger to disconnect...'];

interface Invocation {
  req: InvokeRequest;
  lines: string[];
  /** UTF-16 length of `lines`; the oldest are dropped past LOG_KEPT_BYTES. */
  linesLength: number;
  started: boolean;
  startedAt: number;
  /** performance.now() past which the invocation times out. */
  deadline: number;
  finished: boolean;
  /** A streamed response's first bytes went to `req.onStream`. */
  streamStarted?: boolean;
  resolve(outcome: InvokeOutcome): void;
  reject(err: Error): void;
}

interface Completion {
  payload: Buffer;
  functionError?: 'Unhandled';
  /** The runtime's own peak RSS as it answered (our bootstraps send it on the channel). */
  maxRssKb?: number;
}

/** How the runtime last asked for work or answered: our bootstraps use the channel, others HTTP. */
export type RuntimeTransport = 'channel' | 'http';

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
  /** Decodes the LOG frames' UTF-8, as the stdout pipe's decoder does. */
  private readonly channelText = new StringDecoder('utf8');
  private outputCount = 0;
  private spawnedAt = 0;
  private initDurationMs?: number;
  private initReported = false;
  private active?: Invocation;
  private peakKb = 0;
  /** The one watcher per environment: an interval that runs while it initialises or is busy. */
  private watcher?: NodeJS.Timeout;
  private idleTicks = 0;
  /** The one deadline timer per environment, re-armed (refresh) for each invocation. */
  private deadlineTimer?: NodeJS.Timeout;
  private deadlineTimerMs = 0;
  /** Log events of the invocation in flight, written in one append (see emit). */
  private heldLog: LogEventInput[] = [];
  /** When the oldest held event was logged (Date.now()), and the held messages' length. */
  private heldSince = 0;
  private heldChars = 0;
  /** The runtime channel (our bootstraps only) and whether the runtime waits on it for an event. */
  private channel?: Duplex;
  private channelWaiting = false;
  private lastTransport?: RuntimeTransport;
  private memoryExceeded = false;
  private heapExhausted = false;
  private gone = false;
  private outputRest = { stdout: '', stderr: '' };
  /** Written to the log at start; repeated at the top of the first invocation's log. */
  private initLines: string[] = [];
  /** A debug session's progress: its debugger port is open, then a debugger is attached. */
  private debugPhase: 'waiting' | 'listening' | 'attached' = 'waiting';
  private attachTimer?: NodeJS.Timeout;

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

  /** How the runtime last asked for work or answered (undefined before it did either). */
  get transport(): RuntimeTransport | undefined {
    return this.lastTransport;
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
        debug: this.opts.debug !== undefined,
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
    // The channel is a pipe only this child inherits (as fd CHANNEL_FD): no other process can
    // open it, unlike the loopback port, so it needs no token — holding it is the credential.
    // Processes the function itself starts may inherit it too (Node's child_process does not
    // close it; the Python bootstrap marks it non-inheritable): they are the function's own, as
    // the token in their environment is, and what they send is held to the same checks.
    const child = spawn(plan.command, plan.args, {
      cwd: this.spec.codeDir,
      env: plan.env,
      // (Typed as the three pipes every runtime has; the channel is reached as stdio[CHANNEL_FD].)
      stdio: (plan.channel ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe']) as ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.child = child;
    if (child.pid) {
      this.reaper = new ProcessReaper(child.pid, `AWS_LAMBDA_RUNTIME_API=${this.api.address}`);
      live.add(this);
      hookExit();
    }
    if (plan.channel) this.openChannel(child);
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
    this.watch();
  }

  invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    if (this.active || this.gone) return Promise.reject(new Error('The execution environment is not available'));
    return new Promise((resolve, reject) => {
      const inv: Invocation = { req, lines: [], linesLength: 0, started: false, startedAt: 0, deadline: 0, finished: false, resolve, reject };
      this.active = inv;
      this.watch();
      if (this.channelWaiting || this.api?.hasWaitingRuntime) {
        this.deliver(inv);
      } else if (this.opts.debug) {
        // Bounded by the wait for the debugger (armed when its port opens), then not at all.
        if (this.debugPhase === 'waiting') this.armAttachLimit(INIT_LIMIT_MS + this.opts.debug.attachMs);
      } else {
        // Also a warm runtime that never asks for the event again (stuck after answering) times out.
        this.armDeadline(inv, (this.initDurationMs === undefined ? INIT_LIMIT_MS : 0) + this.spec.timeout * 1000);
      }
    });
  }

  async dispose(): Promise<void> {
    this.gone = true;
    this.unwatch();
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.attachTimer);
    this.flushLog();
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

  // The HTTP Runtime API calls these; the channel's frames go to the same handling (see onFrame).

  onNext(): void {
    this.lastTransport = 'http';
    this.next();
  }

  onResponse(requestId: string, body: Buffer, oversized: boolean): boolean {
    this.lastTransport = 'http';
    return this.response(requestId, body, oversized);
  }

  onResponseChunk(requestId: string, chunk: Buffer, contentType: string): boolean {
    const inv = this.inFlight(requestId);
    const sink = inv?.req.onStream;
    if (!inv || !sink) return false;
    if (!inv.streamStarted) {
      inv.streamStarted = true;
      sink.start(contentType);
    }
    sink.chunk(chunk);
    return true;
  }

  onError(requestId: string, body: Buffer, errorType: string | undefined): boolean {
    this.lastTransport = 'http';
    return this.error(requestId, body, errorType);
  }

  private next(): void {
    if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.spawnedAt;
    const inv = this.active;
    if (inv && !inv.started) this.deliver(inv);
  }

  private response(requestId: string, body: Buffer, oversized: boolean, maxRssKb?: number): boolean {
    const inv = this.inFlight(requestId);
    if (!inv) return false;
    if (oversized) {
      const doc = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      };
      this.finishSoon(inv, { payload: Buffer.from(JSON.stringify(doc)), functionError: 'Unhandled', maxRssKb });
    } else {
      this.finishSoon(inv, { payload: body, maxRssKb });
    }
    return true;
  }

  private error(requestId: string, body: Buffer, errorType: string | undefined, maxRssKb?: number): boolean {
    const inv = this.inFlight(requestId);
    if (!inv) return false;
    this.finishSoon(inv, { payload: errorPayload(body, errorType), functionError: 'Unhandled', maxRssKb });
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
    // Under a debugger the timeout is not enforced: context.getRemainingTimeInMillis() still counts down.
    if (!this.opts.debug) this.armDeadline(inv, this.spec.timeout * 1000);
    const event: NextEvent = {
      requestId: inv.req.requestId,
      payload: inv.req.payload,
      deadlineMs,
      invokedFunctionArn: inv.req.invokedFunctionArn,
      traceId: traceId(),
      // Checked at the front door; one that is not a JSON object is not passed on.
      clientContext: inv.req.clientContext ? parseClientContext(inv.req.clientContext) : undefined,
      cognitoIdentity: inv.req.cognitoIdentity,
    };
    if (this.channelWaiting && this.channel) {
      this.channelWaiting = false;
      const { payload, ...head } = event;
      for (const part of encodeFrame(FrameType.EVENT, head, payload)) this.channel.write(part);
      return;
    }
    this.api?.deliver(event);
  }

  /**
   * Times `inv` out `ms` from now. One timer serves the environment: the same length again is a
   * refresh of it; it is left armed after an invocation ends and fires harmlessly if idle.
   */
  private armDeadline(inv: Invocation, ms: number): void {
    inv.deadline = performance.now() + ms;
    if (this.deadlineTimer && this.deadlineTimerMs === ms) {
      this.deadlineTimer.refresh();
      return;
    }
    clearTimeout(this.deadlineTimer);
    this.deadlineTimerMs = ms;
    this.deadlineTimer = setTimeout(() => this.onDeadline(), ms);
    this.deadlineTimer.unref();
  }

  private onDeadline(): void {
    const inv = this.active;
    if (!inv || inv.finished || this.gone) return;
    const left = inv.deadline - performance.now();
    if (left > 1) {
      // Armed for a longer wait (a cold start) than the refreshes since: wait for the rest.
      this.deadlineTimerMs = 0;
      this.deadlineTimer = setTimeout(() => this.onDeadline(), left);
      this.deadlineTimer.unref();
      return;
    }
    this.onTimeout(inv);
  }

  // ---- the runtime channel ----

  private openChannel(child: ChildProcess): void {
    const channel = child.stdio[CHANNEL_FD] as Duplex | null | undefined;
    if (!channel) return;
    this.channel = channel;
    const decoder = new FrameDecoder({
      accept: this.opts.debug
        ? [FrameType.NEXT, FrameType.RESPONSE, FrameType.ERROR, FrameType.INIT_ERROR, FrameType.LOG, FrameType.DEBUG]
        : [FrameType.NEXT, FrameType.RESPONSE, FrameType.ERROR, FrameType.INIT_ERROR, FrameType.LOG],
      maxBodyBytes: MAX_RESPONSE_BYTES,
      onFrame: (frame) => this.onFrame(frame),
      onMalformed: (reason) => this.onChannelBroken(`sent a malformed frame on its channel (${reason})`),
    });
    channel.on('data', (chunk: Buffer) => decoder.push(chunk));
    // A write to a runtime that is gone fails here; its exit is reported by the exit handler.
    channel.on('error', () => undefined);
    channel.on('close', () => {
      this.channelWaiting = false;
      if (this.gone) return;
      // Its exit (a crash, process.exit) closes the channel too and says more: wait for it.
      const timer = setTimeout(() => {
        if (!this.gone && child.exitCode === null && child.signalCode === null) this.onChannelBroken('closed its channel');
      }, CHANNEL_CLOSE_GRACE_MS);
      timer.unref();
    });
  }

  private onFrame(frame: Frame): void {
    if (this.gone) return;
    if (frame.type === FrameType.LOG) {
      // Its stdout, as the process wrote it (a character may be split between frames).
      this.onOutput('stdout', this.channelText.write(frame.body));
      return;
    }
    this.lastTransport = 'channel';
    const head = frame.head;
    switch (frame.type) {
      case FrameType.NEXT:
        this.channelWaiting = true;
        this.next();
        return;
      case FrameType.RESPONSE:
      case FrameType.ERROR: {
        const requestId = headString(head, 'requestId');
        if (requestId === undefined) return this.onChannelBroken('sent a malformed frame on its channel (an answer without a requestId)');
        const maxRssKb = headNumber(head, 'maxRssKb');
        // An answer for another request (or a second one) is ignored, as the HTTP API refuses it.
        if (frame.type === FrameType.RESPONSE) this.response(requestId, frame.body, frame.oversized, maxRssKb);
        else this.error(requestId, frame.body, headString(head, 'errorType'), maxRssKb);
        return;
      }
      case FrameType.INIT_ERROR:
        this.onInitError(frame.body, headString(head, 'errorType'));
        return;
      case FrameType.DEBUG:
        this.onDebugFrame(head);
        return;
    }
  }

  /** `{ port }`: the runtime's debugger listens; `{ attached: true }`: a debugger is attached. */
  private onDebugFrame(head: Record<string, unknown>): void {
    const debug = this.opts.debug;
    if (!debug) return;
    const port = headNumber(head, 'port');
    if (this.debugPhase === 'waiting' && port !== undefined && Number.isInteger(port) && port > 0 && port < 65536) {
      this.debugPhase = 'listening';
      this.armAttachLimit(debug.attachMs);
      debug.onListening(port);
    } else if (this.debugPhase === 'listening' && head.attached === true) {
      this.debugPhase = 'attached';
      clearTimeout(this.attachTimer);
    } else {
      this.onChannelBroken('sent a malformed frame on its channel (an unexpected debug frame)');
    }
  }

  private armAttachLimit(ms: number): void {
    clearTimeout(this.attachTimer);
    this.attachTimer = setTimeout(() => this.onNoDebugger(ms), ms);
    this.attachTimer.unref();
  }

  /** No debugger came: the invocation fails with Runtime.DebuggerTimeout and the environment goes. */
  private onNoDebugger(ms: number): void {
    if (this.gone || this.debugPhase === 'attached') return;
    this.gone = true;
    const inv = this.active;
    if (inv && !inv.finished) {
      const errorType = 'Runtime.DebuggerTimeout';
      const message = this.debugPhase === 'waiting'
        ? `RequestId: ${inv.req.requestId} Error: The runtime did not open its debugger port within ${Math.round(ms / 1000)} s`
        : `RequestId: ${inv.req.requestId} Error: No debugger attached within ${Math.round(ms / 1000)} s`;
      this.begin(inv);
      this.emit(message, inv);
      this.emit(errorType, inv);
      this.finish(inv, { payload: Buffer.from(JSON.stringify({ errorType, errorMessage: message })), functionError: 'Unhandled' });
    }
    void this.dispose().then(() => this.onGone?.(this));
  }

  /**
   * The channel cannot be trusted any more (`what` the runtime did: "sent a malformed frame …",
   * "closed its channel"): the invocation fails with Runtime.ChannelError, the environment is retired.
   */
  private onChannelBroken(what: string): void {
    if (this.gone) return;
    this.gone = true;
    this.channelWaiting = false;
    this.flushOutput();
    const inv = this.active;
    if (inv && !inv.finished) {
      const errorType = 'Runtime.ChannelError';
      const message = `RequestId: ${inv.req.requestId} Error: The runtime ${what}`;
      this.begin(inv);
      this.emit(message, inv);
      this.emit(errorType, inv);
      this.finish(inv, { payload: Buffer.from(JSON.stringify({ errorType, errorMessage: message })), functionError: 'Unhandled' });
    }
    void this.dispose().then(() => this.onGone?.(this));
  }

  private begin(inv: Invocation): void {
    if (inv.started) return;
    inv.started = true;
    inv.startedAt = performance.now();
    inv.lines.unshift(...this.initLines);
    for (const line of this.initLines) inv.linesLength += line.length + 1;
    this.initLines = [];
    this.emit(startLine(inv.req.requestId, this.spec.version), inv);
    for (const line of inv.req.logLines ?? []) this.emit(line, inv);
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
    this.begin(inv);
    this.flushOutput();
    // The runtime's own peak as it answered, and the watcher's samples of its process tree; a
    // runtime that did not send its peak (custom runtimes, HTTP answers) is read now.
    if (completion.maxRssKb !== undefined) this.peakKb = Math.max(this.peakKb, completion.maxRssKb);
    else this.sampleMemory();
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
    this.flushLog();
    this.lastUsedAt = Date.now();
    inv.resolve({
      payload: completion.payload,
      functionError: completion.functionError,
      log: inv.lines.join('\n'),
      durationMs,
      billedDurationMs,
      maxMemoryUsedMB,
      initDurationMs,
      logStreamName: this.logStreamName,
    });
  }

  /**
   * Logs one event. An invocation's events (START, its output, END, REPORT) are held and written
   * in one append when it ends — or by the watcher once they are WATCH_MS old, so a long
   * invocation's lines still show as they come; output between invocations is written at once.
   */
  private emit(message: string, inv: Invocation | undefined = this.active): void {
    const now = Date.now();
    if (!this.heldLog.length) this.heldSince = now;
    this.heldLog.push({ timestamp: now, message });
    this.heldChars += message.length;
    if (!inv || this.heldLog.length >= LOG_BATCH_EVENTS || this.heldChars >= LOG_BATCH_CHARS) this.flushLog();
    if (inv) {
      inv.lines.push(message);
      inv.linesLength += message.length + 1;
      // Only the tail is ever returned; the whole log is in the sink.
      while (inv.linesLength > LOG_KEPT_BYTES && inv.lines.length > 1) inv.linesLength -= (inv.lines.shift() as string).length + 1;
    }
  }

  /** One line of output as log events: no event larger than Lambda makes one. */
  private emitLine(line: string): void {
    if (this.opts.debug && INSPECTOR_LINES.some((prefix) => line.startsWith(prefix))) return;
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

  private flushLog(): void {
    if (!this.heldLog.length) return;
    const events = this.heldLog;
    this.heldLog = [];
    this.heldChars = 0;
    this.opts.logSink.write(this.spec.logGroupName, this.logStreamName, events);
  }

  private sampleMemory(): void {
    const pid = this.child?.pid;
    if (!pid || this.gone) return;
    const reading = readMemory(pid);
    if (!reading) return;
    this.peakKb = Math.max(this.peakKb, reading.hwmKb, reading.rssKb);
    // Under a debugger the process also holds the debugger's own memory: not the function's to answer for.
    if (reading.rssKb > this.spec.memorySize * 1024 && !this.memoryExceeded && !this.opts.debug) {
      this.memoryExceeded = true;
      this.killProcesses();
    }
  }

  /**
   * Starts the environment's watcher if it is not running: one interval that samples memory
   * (stopping a runtime over its memory size) and writes held log lines. It keeps running
   * through a run of invocations and stops after WATCH_IDLE_TICKS quiet ticks, so an idle
   * environment is not polled and a busy one does not make a new interval per invocation.
   */
  private watch(): void {
    this.idleTicks = 0;
    if (this.watcher || this.gone) return;
    this.watcher = setInterval(() => this.tick(), WATCH_MS);
    this.watcher.unref();
  }

  private unwatch(): void {
    clearInterval(this.watcher);
    this.watcher = undefined;
  }

  private tick(): void {
    if (this.heldLog.length && Date.now() - this.heldSince >= WATCH_MS) this.flushLog();
    this.sampleMemory();
    if (this.gone) return this.unwatch();
    if (this.active || this.initDurationMs === undefined) this.idleTicks = 0;
    else if (++this.idleTicks >= WATCH_IDLE_TICKS) this.unwatch();
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
  const lines = [startLine(req.requestId, spec.version), ...(req.logLines ?? []), message, err.errorType, endLine(req.requestId), report];
  const now = Date.now();
  logSink.write(spec.logGroupName, stream, lines.map((m) => ({ timestamp: now, message: m })));
  return {
    payload: Buffer.from(JSON.stringify({ errorType: err.errorType, errorMessage: err.message, ...err.details })),
    functionError: 'Unhandled',
    log: lines.join('\n'),
    durationMs: 0,
    billedDurationMs: 0,
    maxMemoryUsedMB: 0,
    logStreamName: stream,
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

/** Random bytes for trace ids, drawn 64 ids at a time (one call to the system's source, not one per invoke). */
const TRACE_BYTES = 20;
let tracePool = Buffer.alloc(0);
let traceAt = 0;

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  if (traceAt + TRACE_BYTES > tracePool.length) {
    tracePool = randomBytes(TRACE_BYTES * 64);
    traceAt = 0;
  }
  const hex = tracePool.toString('hex', traceAt, traceAt + TRACE_BYTES);
  traceAt += TRACE_BYTES;
  return `Root=1-${epoch}-${hex.slice(0, 24)};Parent=${hex.slice(24)};Sampled=0`;
}

export { LaunchError };
