import type { ExecutionSpec, InvokeOutcome, InvokeRequest, LogSink } from '../types';
import { TooManyRequestsError } from '../types';
import { NodeBuildError, NodeBuilder, type NodeBuildEvent } from '../build/nodeBuild';
import type { RuntimeLibrarySources } from '../build/pythonRuntime';
import { layerPaths } from './layerPaths';
import { EnvironmentLostError, ExecutionEnvironment, launchFailureOutcome } from './environment';
import { interpretersFromEnv, type InterpreterMap } from './interpreters';
import { LaunchError, prepareLaunch, runtimeFamily, type LaunchServices } from './launch';
import type { NoteInput, RuntimeNote } from './notes';

export interface RuntimeManagerOptions {
  logSink: LogSink;
  dataDir: string;
  /** Invocations in flight across all functions (default 10). */
  maxConcurrency?: number;
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
}

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

/** Notes kept for status and the API; older ones are dropped. */
const NOTES_KEPT = 500;

interface Pool {
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
  private readonly idleTimeoutMs: number;
  private readonly reaper: NodeJS.Timeout;
  private inFlight = 0;
  private readonly inFlightByFunction = new Map<string, number>();
  private closed = false;
  private readonly kept: RuntimeNote[] = [];
  private readonly noted = new Set<string>();
  private readonly warningsByFunction = new Map<string, RuntimeNote[]>();
  private readonly services: LaunchServices;

  constructor(private readonly opts: RuntimeManagerOptions) {
    this.maxConcurrency = opts.maxConcurrency ?? 10;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5 * 60 * 1000;
    this.reaper = setInterval(() => this.reapIdle(), Math.min(30_000, this.idleTimeoutMs));
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
    const prepared = await builder.prepare({
      id: spec.version === '$LATEST' ? spec.functionName : `${spec.functionName}:${spec.version}`,
      codeDir: spec.codeDir,
      handler: spec.handler,
      runtime: spec.runtime,
      metadata: spec.build.metadata,
      environment: spec.environment,
      layerNodePath: layerPaths(spec.layers ?? [], spec.runtime).NODE_PATH,
      templateDir: spec.build.templateDir,
      logicalId: spec.build.logicalId,
    }, this.buildAbort.signal);
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

  async invoke(source: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome> {
    if (this.closed) throw new Error('The Local Lambda runtime is shutting down');
    let spec: ExecutionSpec;
    try {
      spec = await this.built(source);
    } catch (err) {
      if (!(err instanceof NodeBuildError)) throw err;
      const type = err.step === 'bundle' || err.step === 'esbuild' ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
      return launchFailureOutcome(source, req, new LaunchError(type, err.message), this.opts.logSink);
    }
    // Checked and counted with no await in between, so concurrent calls cannot all slip past the limit.
    this.checkConcurrency(spec);
    this.inFlight++;
    this.inFlightByFunction.set(spec.functionName, (this.inFlightByFunction.get(spec.functionName) ?? 0) + 1);
    try {
      try {
        return await this.runOnce(spec, req);
      } catch (err) {
        // A warm runtime that had just exited: once more, on a fresh environment.
        if (!(err instanceof EnvironmentLostError) || this.closed) throw err;
        return await this.runOnce(spec, req);
      }
    } finally {
      this.inFlight--;
      const left = (this.inFlightByFunction.get(spec.functionName) ?? 1) - 1;
      if (left > 0) this.inFlightByFunction.set(spec.functionName, left);
      else this.inFlightByFunction.delete(spec.functionName);
    }
  }

  private async runOnce(spec: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome> {
    const pool = this.poolFor(spec);
    let env = pool.idle.pop();
    while (env && !env.alive) env = pool.idle.pop();
    if (!env) {
      this.makeRoomForNewEnvironment();
      env = new ExecutionEnvironment({ spec, dataDir: this.opts.dataDir, logSink: this.opts.logSink, services: this.services });
      env.onGone = (gone) => this.forget(gone);
      // Counted as busy while it starts (a build may take a while), so a shutdown stops it too.
      pool.busy.add(env);
      try {
        await env.start();
      } catch (err) {
        pool.busy.delete(env);
        if (err instanceof LaunchError) return launchFailureOutcome(spec, req, err, this.opts.logSink);
        throw err;
      }
    }
    pool.busy.add(env);
    try {
      return await env.invoke(req);
    } finally {
      pool.busy.delete(env);
      this.release(pool, env);
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.cancelBuilds();
    await this.nodeBuilder?.dispose();
    clearInterval(this.reaper);
    const all: ExecutionEnvironment[] = [];
    for (const pool of this.pools.values()) all.push(...pool.idle, ...pool.busy);
    this.pools.clear();
    await Promise.all(all.map((env) => env.dispose()));
  }

  private checkConcurrency(spec: ExecutionSpec): void {
    const reserved = spec.reservedConcurrency;
    if (reserved !== undefined) {
      if ((this.inFlightByFunction.get(spec.functionName) ?? 0) >= reserved) {
        throw new TooManyRequestsError('Rate Exceeded.', 'ReservedFunctionConcurrentInvocationLimitExceeded');
      }
    }
    if (this.inFlight >= this.maxConcurrency) {
      throw new TooManyRequestsError('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
  }

  private poolFor(spec: ExecutionSpec): Pool {
    const key = `${spec.functionName}\0${spec.version}`;
    let pool = this.pools.get(key);
    if (pool && pool.revisionKey !== spec.revisionKey) {
      // New code or configuration: idle environments retire now, busy ones when they finish.
      for (const env of pool.idle) void env.dispose();
      pool = { revisionKey: spec.revisionKey, idle: [], busy: pool.busy };
      this.pools.set(key, pool);
    } else if (!pool) {
      pool = { revisionKey: spec.revisionKey, idle: [], busy: new Set() };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private release(pool: Pool, env: ExecutionEnvironment): void {
    const current = [...this.pools.values()].includes(pool) && !this.closed;
    if (env.alive && current && !env.busy) pool.idle.push(env);
    else void env.dispose();
  }

  private forget(env: ExecutionEnvironment): void {
    for (const pool of this.pools.values()) {
      const i = pool.idle.indexOf(env);
      if (i >= 0) pool.idle.splice(i, 1);
    }
  }

  /** Keeps the number of live processes within maxConcurrency by stopping the longest-idle one. */
  private makeRoomForNewEnvironment(): void {
    let idle = 0;
    let oldest: { pool: Pool; env: ExecutionEnvironment } | undefined;
    for (const pool of this.pools.values()) {
      idle += pool.idle.length;
      for (const env of pool.idle) {
        if (!oldest || env.lastUsedAt < oldest.env.lastUsedAt) oldest = { pool, env };
      }
    }
    if (idle + this.inFlight > this.maxConcurrency && oldest) {
      oldest.pool.idle.splice(oldest.pool.idle.indexOf(oldest.env), 1);
      void oldest.env.dispose();
    }
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const pool of this.pools.values()) {
      const stale = pool.idle.filter((env) => env.lastUsedAt < cutoff);
      pool.idle = pool.idle.filter((env) => env.lastUsedAt >= cutoff);
      for (const env of stale) void env.dispose();
    }
  }
}
