import { performance } from 'perf_hooks';
import * as path from 'path';
import type { DebugInvocation, ExecutionSpec, InvokeOutcome, InvokeRequest, LogSink } from '../types';
import { DebugSessionError, TooManyRequestsError } from '../types';
import { NodeBuildError, NodeBuilder, type NodeBuildEvent } from '../build/nodeBuild';
import type { RuntimeLibrarySources } from '../build/pythonRuntime';
import { layerPaths } from './layerPaths';
import { EnvironmentLostError, ExecutionEnvironment, launchFailureOutcome } from './environment';
import { interpretersFromEnv, type InterpreterMap } from './interpreters';
import { LaunchError, nodeBootstrapPath, prepareLaunch, runtimeFamily, type LaunchServices } from './launch';
import { pythonAssetsDir } from './pythonBootstrap';
import { qualifierOfArn, type InvocationRecords } from '../metrics/records';
import type { NoteInput, RuntimeNote } from './notes';
import { ACCOUNT_CONCURRENCY, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_QUEUE_LENGTH, DEFAULT_QUEUE_WAIT_MS, defaultEnvironmentCap, fitsAnother, freeMemoryMb } from './capacity';

export interface RuntimeManagerOptions {
  logSink: LogSink;
  dataDir: string;
  /**
   * Invocations in flight at once across all functions, running or waiting for an environment;
   * one more is answered 429 TooManyRequestsException at once (default 1000, AWS's default
   * account quota). A function with reserved concurrency is held to its reservation instead.
   */
  maxConcurrency?: number;
  /**
   * Environments (runtime processes) at once across all functions (default: as many as the
   * free memory holds by the functions' MemorySize, at most defaultEnvironmentCap()).
   */
  maxEnvironments?: number;
  /** Memory the environments may take by their MemorySize, MB (default the free memory at start). */
  memoryBudgetMb?: number;
  /** Requests that may wait for an environment at once (default 256); one more gets 429. */
  queueLength?: number;
  /** How long a request waits for an environment before it gets 429 (default 10 s). */
  queueWaitMs?: number;
  /** Idle environments older than this are stopped (default 5 minutes). */
  idleTimeoutMs?: number;
  /**
   * Runtime → interpreter (python3.12 → /usr/bin/python3.12), over the ones in the environment
   * variable LOCAL_LAMBDA_INTERPRETERS (JSON).
   */
  interpreters?: InterpreterMap;
  /** Called with each note as it is made (the CLI prints them). */
  onNote?: (note: RuntimeNote) => void;
  /** Where boto3 and botocore may come from for Python functions that lack them. */
  pythonLibraries?: RuntimeLibrarySources;
  /**
   * Build Node.js template functions first as `sam build` would (dependencies, esbuild), with
   * the steps reported as notes (default true); without, they run from their folder as they are.
   */
  buildNodeFunctions?: boolean;
  /** How long a debug session's runtime waits for a debugger to attach (default 60 s). */
  debugAttachMs?: number;
  /** Where each invocation is recorded for the metrics API (its start, qualifier, version, duration, error or throttle). */
  records?: InvocationRecords;
}

/** Debug sessions at once; each has an environment of its own, outside the pools and their cap. */
export const DEBUG_SESSIONS_MAX = 4;
const DEBUG_ATTACH_MS = 60_000;

/** The note a Node build event makes (steps that did work show as progress; output lines are not notes). */
export function nodeBuildNote(event: NodeBuildEvent): NoteInput | undefined {
  if (event.kind === 'output' || event.cacheHit) return undefined;
  const id = `node\0${event.functionId}\0${event.step}`;
  const title = event.step === 'dependencies' ? `Installing the dependencies of ${event.functionId}`
    : event.step === 'bundle' || event.step === 'esbuild' ? `Bundling ${event.functionId} with esbuild`
      : event.step === 'runtime-libraries' ? `Fetching the AWS SDK for ${event.functionId}` : `Building ${event.functionId}`;
  const phase = event.kind;
  return {
    level: phase === 'failed' ? 'error' : 'info', kind: 'build', functionName: event.functionId, message: event.message,
    build: { id, phase, title, ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}) },
  };
}

/** What the runtime manager is running now, and its limits. */
export interface RuntimeStats {
  environments: number;
  idle: number;
  waiting: number;
  inFlight: number;
  maxEnvironments: number;
  maxConcurrency: number;
  memoryBudgetMb: number;
}

/** An environment handed to an invocation; `fresh` ones are not started yet. */
interface Lease {
  env: ExecutionEnvironment;
  pool: Pool;
  fresh: boolean;
}

interface Waiter {
  spec: ExecutionSpec;
  resolve(lease: Lease): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Notes kept for status and the API; older ones are dropped. */
const NOTES_KEPT = 500;
/** How long a Node.js build's check holds for one revision of the function (see built()). */
const PREPARED_FOR_MS = 500;

interface Pool {
  key: string;
  revisionKey: string;
  idle: ExecutionEnvironment[];
  busy: Set<ExecutionEnvironment>;
}

/**
 * Runs functions in pooled execution environments (child processes). Warm environments are
 * reused per function version and revision; concurrent invocations get separate environments.
 */
export class RuntimeManager {
  private readonly pools = new Map<string, Pool>();
  private readonly maxConcurrency: number;
  private readonly maxEnvironments: number;
  private readonly memoryBudgetMb: number;
  private readonly queueLength: number;
  private readonly queueWaitMs: number;
  private readonly idleTimeoutMs: number;
  private readonly reaper: NodeJS.Timeout;
  /** Every environment the manager owns (starting, busy or idle), with its MemorySize. */
  private readonly environments = new Map<ExecutionEnvironment, number>();
  private environmentMemoryMb = 0;
  private readonly waiters: Waiter[] = [];
  private inFlight = 0;
  private readonly inFlightByFunction = new Map<string, number>();
  private closed = false;
  private readonly kept: RuntimeNote[] = [];
  /** The last build check per function version: for which revision, when, and what it gave. */
  private readonly prepared = new Map<string, { revisionKey: string; at: number; spec: ExecutionSpec }>();
  private readonly noted = new Set<string>();
  private readonly warningsByFunction = new Map<string, RuntimeNote[]>();
  private readonly services: LaunchServices;
  /** Debug sessions running now, by id, with their environments. */
  private readonly debugSessions = new Map<string, ExecutionEnvironment | undefined>();
  /** Debug sessions' environments stopping now, their answers sent. */
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly opts: RuntimeManagerOptions) {
    this.maxConcurrency = opts.maxConcurrency ?? ACCOUNT_CONCURRENCY;
    this.maxEnvironments = opts.maxEnvironments ?? defaultEnvironmentCap();
    this.memoryBudgetMb = opts.memoryBudgetMb ?? freeMemoryMb();
    this.queueLength = opts.queueLength ?? DEFAULT_QUEUE_LENGTH;
    this.queueWaitMs = opts.queueWaitMs ?? DEFAULT_QUEUE_WAIT_MS;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    // Idle environments go between idleTimeoutMs and 1.5 × it (at most 30 s late).
    this.reaper = setInterval(() => this.reapIdle(), Math.max(20, Math.min(30_000, Math.floor(this.idleTimeoutMs / 2))));
    this.reaper.unref();
    const fromEnv = interpretersFromEnv();
    if (fromEnv.problem) this.note({ level: 'warning', kind: 'configuration', message: fromEnv.problem });
    if (opts.buildNodeFunctions !== false) {
      this.nodeBuilder = new NodeBuilder({
        dataDir: opts.dataDir,
        onEvent: (event) => {
          const note = nodeBuildNote(event);
          if (note) this.note(note);
        },
      });
    }
    this.services = {
      interpreters: { ...fromEnv.map, ...opts.interpreters },
      note: (note, onceKey) => this.note(note, onceKey),
      once: (key) => this.once(key),
      pythonLibraries: { memo: new Map(), ...opts.pythonLibraries },
      builds: new Map(),
      buildSignal: () => this.buildAbort.signal,
    };
  }

  /** Aborted by cancelBuilds(); a new one serves the builds after that. */
  private buildAbort = new AbortController();
  private readonly nodeBuilder?: NodeBuilder;

  /** Stops the builds running now (installs, bundles); the functions waiting for them fail to start, and the next invoke tries again. */
  cancelBuilds(): void {
    this.buildAbort.abort(new Error('The build was cancelled.'));
    this.buildAbort = new AbortController();
  }

  /**
   * What runs for a spec: a Node.js template function's build (its bundle or installed
   * dependencies, source maps), or the spec as it is. A change of the build changes the revision
   * key, so warm environments retire after an edit.
   */
  private async built(spec: ExecutionSpec): Promise<ExecutionSpec> {
    const builder = this.nodeBuilder;
    if (!builder || !spec.build || runtimeFamily(spec.runtime) !== 'node') return spec;
    // The build's check (a look at its sources and dependencies on disk) runs at most every
    // PREPARED_FOR_MS for one revision: an edit in the code folder makes a new revision at once,
    // one elsewhere (the project's own package.json, say) is seen within that time.
    const id = `${spec.functionName}:${spec.version}`;
    const cached = this.prepared.get(id);
    if (cached && cached.revisionKey === spec.revisionKey && performance.now() - cached.at < PREPARED_FOR_MS) return cached.spec;
    const built = await this.build(builder, spec, spec.build);
    this.prepared.set(id, { revisionKey: spec.revisionKey, at: performance.now(), spec: built });
    return built;
  }

  /**
   * The folder a deploy packages for a Node.js template function bundled with esbuild (Metadata
   * BuildMethod: esbuild): its bundle as the build step makes it (dependencies inside, source
   * maps beside), with the handler that applies there. Undefined for any other function: its
   * folder is what it is.
   */
  async bundleOf(spec: ExecutionSpec): Promise<{ folder: string; handler: string } | undefined> {
    const builder = this.nodeBuilder;
    if (!builder || !spec.build || runtimeFamily(spec.runtime) !== 'node') return undefined;
    const prepared = await builder.prepare(this.buildSource(spec, spec.build), this.buildAbort.signal);
    return prepared.kind === 'bundle' ? { folder: prepared.codeDir, handler: prepared.handler } : undefined;
  }

  private buildSource(spec: ExecutionSpec, build: NonNullable<ExecutionSpec['build']>): Parameters<NodeBuilder['prepare']>[0] {
    return {
      id: spec.version === '$LATEST' ? spec.functionName : `${spec.functionName}:${spec.version}`,
      codeDir: spec.codeDir,
      handler: spec.handler,
      runtime: spec.runtime,
      metadata: build.metadata,
      environment: spec.environment,
      layerNodePath: layerPaths(spec.layers ?? [], spec.runtime).NODE_PATH,
      templateDir: build.templateDir,
      logicalId: build.logicalId,
    };
  }

  private async build(builder: NodeBuilder, spec: ExecutionSpec, build: NonNullable<ExecutionSpec['build']>): Promise<ExecutionSpec> {
    const prepared = await builder.prepare(this.buildSource(spec, build), this.buildAbort.signal);
    for (const warning of prepared.warnings) {
      this.note({ level: 'warning', kind: 'runtime-libraries', functionName: spec.functionName, runtime: spec.runtime, message: `${spec.functionName}: ${warning}` }, `node-warning\0${spec.functionName}\0${warning}`);
    }
    return {
      ...spec,
      codeDir: prepared.codeDir,
      handler: prepared.handler,
      environment: { ...spec.environment, ...prepared.environment },
      revisionKey: `${spec.revisionKey}:${prepared.revision}`,
    };
  }

  /** Everything noted so far in this run, oldest first. */
  notes(): RuntimeNote[] {
    return [...this.kept];
  }

  /**
   * The warnings about one function (e.g. its runtime is newer than the interpreter that runs
   * it), for the API to show beside it (LastUpdateStatusReason). Known once it has started.
   */
  functionWarnings(functionName: string, runtime?: string): string[] {
    return (this.warningsByFunction.get(functionName) ?? []).filter((n) => !runtime || n.runtime === runtime).map((n) => n.message);
  }

  /**
   * Does ahead what a function's first start needs (interpreter choice, requirements install,
   * runtime libraries), with the same notes; its first start then finds it done. For the
   * template loader to call when functions load, so builds show progress before any invoke and
   * version warnings are known before the first one. Rejects with LaunchError when the function
   * cannot run at all (e.g. no python3).
   */
  async prepare(spec: ExecutionSpec): Promise<void> {
    await prepareLaunch(await this.built(spec), this.opts.dataDir, this.services);
  }

  private once(key: string): boolean {
    if (this.noted.has(key)) return false;
    this.noted.add(key);
    return true;
  }

  private note(input: NoteInput, onceKey?: string): boolean {
    if (onceKey !== undefined && !this.once(onceKey)) return false;
    const note: RuntimeNote = { time: Date.now(), ...input };
    this.kept.push(note);
    if (note.level === 'warning' && note.functionName) {
      this.warningsByFunction.set(note.functionName, [...(this.warningsByFunction.get(note.functionName) ?? []), note]);
    }
    if (this.kept.length > NOTES_KEPT) this.kept.splice(0, this.kept.length - NOTES_KEPT);
    try {
      this.opts.onNote?.(note);
    } catch { /* a listener's failure is not the runtime's */ }
    return true;
  }

  /**
   * Runs one invocation. It counts against the concurrency limits from the moment it arrives
   * (as in AWS); past them it is refused with TooManyRequestsError at once. Within them it gets
   * a warm environment of its function, or a new one while the environment cap allows, or
   * waits in a FIFO queue (bounded in length and in time) for one to come free.
   * An Event invocation is one attempt here: its queue, retries and backoff are AsyncEvents'.
   */
  async invoke(source: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome> {
    return this.invokeNow(source, req);
  }

  /** What runs for the spec once built; a failed build is the invocation's outcome, as Lambda reports an init failure. */
  private async builtOrFailure(source: ExecutionSpec, req: InvokeRequest): Promise<{ spec: ExecutionSpec } | { failure: InvokeOutcome }> {
    try {
      const spec = await this.built(source);
      if (this.closed) throw new Error('The Local Lambda runtime is shutting down');
      return { spec };
    } catch (err) {
      if (!(err instanceof NodeBuildError)) throw err;
      const type = err.step === 'bundle' || err.step === 'esbuild' ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
      return { failure: launchFailureOutcome(source, req, new LaunchError(type, err.message), this.opts.logSink) };
    }
  }

  private async invokeNow(source: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome> {
    if (this.closed) throw new Error('The Local Lambda runtime is shutting down');
    const built = await this.builtOrFailure(source, req);
    if ('failure' in built) return this.recordFailure(source, req, built.failure);
    const { spec } = built;
    // Checked and counted with no await in between, so concurrent calls cannot all slip past the limit.
    this.admitRecorded(spec, req);
    try {
      return await this.recorded(spec, req, async () => {
        try {
          return await this.runOnce(spec, req);
        } catch (err) {
          // A warm runtime that had just exited: once more, on a fresh environment.
          if (!(err instanceof EnvironmentLostError) || this.closed) throw err;
          return await this.runOnce(spec, req);
        }
      });
    } finally {
      this.leave(spec);
    }
  }

  /** admit(), with a refusal recorded as a throttle. */
  private admitRecorded(spec: ExecutionSpec, req: InvokeRequest): void {
    try {
      this.admit(spec);
    } catch (err) {
      if (err instanceof TooManyRequestsError) this.opts.records?.throttled(spec.functionName, qualifierOfArn(req.invokedFunctionArn), spec.version);
      throw err;
    }
  }

  /** Runs an admitted invocation and records it: its duration and function error, or a throttle if it waited too long for an environment. */
  private async recorded(spec: ExecutionSpec, req: InvokeRequest, run: () => Promise<InvokeOutcome>): Promise<InvokeOutcome> {
    const records = this.opts.records;
    if (!records) return run();
    const running = records.begin(spec.functionName, qualifierOfArn(req.invokedFunctionArn), spec.version);
    try {
      const outcome = await run();
      records.end(running, outcome.functionError ? 'error' : 'ok', outcome.durationMs);
      return outcome;
    } catch (err) {
      // A system failure (the runtime shutting down) is no invocation outcome: only counted out.
      if (err instanceof TooManyRequestsError) records.end(running, 'throttle', 0);
      else records.abandon(running);
      throw err;
    }
  }

  private recordFailure(spec: ExecutionSpec, req: InvokeRequest, outcome: InvokeOutcome): InvokeOutcome {
    this.opts.records?.failedToStart(spec.functionName, qualifierOfArn(req.invokedFunctionArn), spec.version, outcome.durationMs);
    return outcome;
  }

  /**
   * Runs one invocation under a debugger, in an environment of its own that no other invocation
   * uses and that stops when the invocation ends (or when `debug.signal` aborts: the caller's
   * debugger went away). Its runtime opens a debugger port on 127.0.0.1 and waits for a debugger;
   * a note of kind "debug" says where, with the session id. The function's timeout is not
   * enforced while it runs. Throws DebugSessionError for a runtime that cannot be debugged, an id
   * in use, or too many sessions.
   */
  async invokeDebug(source: ExecutionSpec, req: InvokeRequest, debug: DebugInvocation): Promise<InvokeOutcome> {
    if (this.closed) throw new Error('The Local Lambda runtime is shutting down');
    const family = runtimeFamily(source.runtime);
    if (family === 'provided') {
      throw new DebugSessionError(400, `Debugging runs Node.js and Python functions; ${source.functionName} uses the custom runtime ${source.runtime}, whose own program would have to offer a debugger.`);
    }
    if (this.debugSessions.has(debug.session)) throw new DebugSessionError(409, `The debug session ${debug.session} is already running an invocation.`);
    if (this.debugSessions.size >= DEBUG_SESSIONS_MAX) throw new DebugSessionError(409, `${DEBUG_SESSIONS_MAX} debug sessions are running already; stop one of them first.`);
    this.debugSessions.set(debug.session, undefined);
    try {
      const built = await this.builtOrFailure(source, req);
      if ('failure' in built) return this.recordFailure(source, req, built.failure);
      let { spec } = built;
      if (debug.environment) spec = { ...spec, environment: { ...spec.environment, ...debug.environment } };
      this.admitRecorded(spec, req);
      try {
        return await this.recorded(spec, req, () => this.runDebug(spec, req, debug, family));
      } finally {
        this.leave(spec);
      }
    } finally {
      this.debugSessions.delete(debug.session);
    }
  }

  private async runDebug(spec: ExecutionSpec, req: InvokeRequest, debug: DebugInvocation, family: 'node' | 'python'): Promise<InvokeOutcome> {
    const runtimeDir = family === 'node' ? path.dirname(nodeBootstrapPath()) : pythonAssetsDir();
    const env = new ExecutionEnvironment({
      spec, dataDir: this.opts.dataDir, logSink: this.opts.logSink, services: this.services,
      debug: {
        attachMs: this.opts.debugAttachMs ?? DEBUG_ATTACH_MS,
        onListening: (port) => this.note({
          level: 'info', kind: 'debug', functionName: spec.functionName, runtime: spec.runtime,
          message: `${spec.functionName}: the debugger listens on 127.0.0.1:${port} (debug session ${debug.session}).`,
          debug: { session: debug.session, runtime: family, host: '127.0.0.1', port, codeDir: spec.codeDir, runtimeDir },
        }),
      },
    });
    this.debugSessions.set(debug.session, env);
    const stop = () => env.killProcesses();
    debug.signal?.addEventListener('abort', stop, { once: true });
    try {
      try {
        await env.start();
      } catch (err) {
        if (err instanceof LaunchError) return launchFailureOutcome(spec, req, err, this.opts.logSink);
        throw err;
      }
      if (debug.signal?.aborted || this.closed) stop();
      return await env.invoke(req);
    } catch (err) {
      // The runtime was stopped before it took the event (the caller left): say so, as for a crash.
      if (!(err instanceof EnvironmentLostError)) throw err;
      return launchFailureOutcome(spec, req, new LaunchError('Runtime.ExitError', 'The debug session ended before the function ran'), this.opts.logSink);
    } finally {
      debug.signal?.removeEventListener('abort', stop);
      this.retireAfterAnswer(env);
    }
  }

  /**
   * Stops a debug session's environment once its answer is on the way: the caller's HTTP answer
   * is written within the turn the outcome is returned in, the runtime stops in the next. The
   * debugger's connection closes with the runtime, and a debugger that sees its session end
   * while the call is still out takes it for Stop and gives the call up.
   */
  private retireAfterAnswer(env: ExecutionEnvironment): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => env.dispose())
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  /** Counts an admitted invocation out again. */
  private leave(spec: ExecutionSpec): void {
    this.inFlight--;
    const left = (this.inFlightByFunction.get(spec.functionName) ?? 1) - 1;
    if (left > 0) this.inFlightByFunction.set(spec.functionName, left);
    else this.inFlightByFunction.delete(spec.functionName);
  }

  /** Counts an invocation in, or refuses it as AWS would: 429 TooManyRequestsException with its Reason. */
  private admit(spec: ExecutionSpec): void {
    const reserved = spec.reservedConcurrency;
    const mine = this.inFlightByFunction.get(spec.functionName) ?? 0;
    if (reserved !== undefined) {
      // A reservation is the function's own share: it is held to it, and not to what the others use.
      if (mine >= reserved) throw new TooManyRequestsError('Rate Exceeded.', 'ReservedFunctionConcurrentInvocationLimitExceeded');
    } else if (this.inFlight >= this.maxConcurrency) {
      throw new TooManyRequestsError('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
    this.inFlight++;
    this.inFlightByFunction.set(spec.functionName, mine + 1);
  }

  private async runOnce(spec: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome> {
    const { env, pool, fresh } = await this.acquire(spec);
    if (fresh) {
      try {
        await env.start();
      } catch (err) {
        pool.busy.delete(env);
        this.remove(env);
        this.dispatch();
        if (err instanceof LaunchError) return launchFailureOutcome(spec, req, err, this.opts.logSink);
        throw err;
      }
    }
    try {
      return await env.invoke(req);
    } finally {
      pool.busy.delete(env);
      this.release(pool, env);
    }
  }

  /** An environment for the spec now, or a place in the queue; rejects with TooManyRequestsError when the queue is full or the wait too long. */
  private acquire(spec: ExecutionSpec): Promise<Lease> {
    if (this.waiters.length === 0) {
      const lease = this.lease(spec);
      if (lease) return Promise.resolve(lease);
    }
    if (this.waiters.length >= this.queueLength) {
      return Promise.reject(new TooManyRequestsError('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded'));
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        spec, resolve, reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i < 0) return;
          this.waiters.splice(i, 1);
          // Waited as long as it may: the answer AWS gives when no more can run at once.
          reject(new TooManyRequestsError('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded'));
        }, this.queueWaitMs),
      };
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /**
   * Takes a warm environment of the spec's pool, or makes a new one (not started yet) if one
   * more fits, stopping the longest-idle environments of other functions to make room. Everything
   * here is synchronous: an environment taken is marked busy before anything else can run, so
   * the idle reaper (which only looks at idle ones) can never stop it under an invocation.
   */
  private lease(spec: ExecutionSpec): Lease | undefined {
    const pool = this.poolFor(spec);
    let env = pool.idle.pop();
    while (env && !env.alive) {
      this.remove(env);
      env = pool.idle.pop();
    }
    if (env) {
      pool.busy.add(env);
      return { env, pool, fresh: false };
    }
    while (!this.fits(spec)) {
      const victim = this.longestIdle();
      if (!victim) return undefined;
      this.remove(victim);
    }
    const created = new ExecutionEnvironment({ spec, dataDir: this.opts.dataDir, logSink: this.opts.logSink, services: this.services });
    created.onGone = (gone) => {
      this.remove(gone);
      this.dispatch();
    };
    this.environments.set(created, spec.memorySize);
    this.environmentMemoryMb += spec.memorySize;
    // Counted as busy while it starts (a build may take a while), so a shutdown stops it too.
    pool.busy.add(created);
    return { env: created, pool, fresh: true };
  }

  private fits(spec: ExecutionSpec): boolean {
    return fitsAnother({ count: this.environments.size, memoryMb: this.environmentMemoryMb }, spec.memorySize, this.maxEnvironments, this.memoryBudgetMb);
  }

  private longestIdle(): ExecutionEnvironment | undefined {
    let oldest: ExecutionEnvironment | undefined;
    for (const pool of this.pools.values()) {
      for (const env of pool.idle) if (!oldest || env.lastUsedAt < oldest.lastUsedAt) oldest = env;
    }
    return oldest;
  }

  /** Hands free environments (or room for new ones) to the waiting requests, first come first served. */
  private dispatch(): void {
    while (this.waiters.length > 0 && !this.closed) {
      const head = this.waiters[0];
      const lease = this.lease(head.spec);
      if (!lease) return;
      this.waiters.shift();
      clearTimeout(head.timer);
      head.resolve(lease);
    }
  }

  /** What runs now: environments (busy, idle), requests waiting, invocations in flight, and the limits. */
  stats(): RuntimeStats {
    let idle = 0;
    for (const pool of this.pools.values()) idle += pool.idle.length;
    return {
      environments: this.environments.size, idle, waiting: this.waiters.length, inFlight: this.inFlight,
      maxEnvironments: this.maxEnvironments, maxConcurrency: this.maxConcurrency, memoryBudgetMb: this.memoryBudgetMb,
    };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.cancelBuilds();
    await this.nodeBuilder?.dispose();
    clearInterval(this.reaper);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('The Local Lambda runtime is shutting down'));
    }
    const all = [...this.environments.keys()];
    for (const env of this.debugSessions.values()) if (env) all.push(env);
    this.environments.clear();
    this.environmentMemoryMb = 0;
    this.pools.clear();
    await Promise.all([...all.map((env) => env.dispose()), ...this.retiring]);
  }

  private poolFor(spec: ExecutionSpec): Pool {
    const key = `${spec.functionName}\0${spec.version}`;
    let pool = this.pools.get(key);
    if (pool && pool.revisionKey !== spec.revisionKey) {
      // New code or configuration: idle environments retire now, busy ones when they finish.
      for (const env of pool.idle.splice(0)) this.remove(env);
      pool = { key, revisionKey: spec.revisionKey, idle: [], busy: pool.busy };
      this.pools.set(key, pool);
    } else if (!pool) {
      pool = { key, revisionKey: spec.revisionKey, idle: [], busy: new Set() };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private release(pool: Pool, env: ExecutionEnvironment): void {
    const current = this.pools.get(pool.key) === pool && !this.closed;
    if (env.alive && current && !env.busy && this.environments.has(env)) {
      env.lastUsedAt = Date.now();
      pool.idle.push(env);
    } else {
      this.remove(env);
    }
    this.dispatch();
  }

  /** Stops an environment and gives its room back (once; also for one that went away by itself). */
  private remove(env: ExecutionEnvironment): void {
    for (const pool of this.pools.values()) {
      const i = pool.idle.indexOf(env);
      if (i >= 0) pool.idle.splice(i, 1);
    }
    const memoryMb = this.environments.get(env);
    if (memoryMb !== undefined) {
      this.environments.delete(env);
      this.environmentMemoryMb -= memoryMb;
    }
    if (env.alive) void env.dispose();
  }

  /** Stops the environments idle for longer than the idle timeout, so their memory comes back. */
  private reapIdle(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    let removed = false;
    for (const pool of this.pools.values()) {
      for (const env of pool.idle.filter((e) => e.lastUsedAt < cutoff)) {
        this.remove(env);
        removed = true;
      }
    }
    if (removed) this.dispatch();
  }
}
