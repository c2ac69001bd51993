/**
 * Extension-host entry of the debug benchmark (loaded as `extensionTestsPath` by bench/debug.ts):
 * for each runtime, sets a breakpoint in the example handler and starts a debug run as the Invoke
 * tab's Debug button does (`lambdaWorkbench.invokeFunction` with `{ debug: true, params }`), then
 * times the call to the debug adapter's `stopped` event (reason breakpoint), as the Debug view
 * sees it. Continues, and waits for the call's result and for its debug sessions to end before
 * the next run. One warm-up run per runtime is not counted.
 *
 * Reads its job from LW_BENCH_DEBUG (JSON: result file, log file, samples, cases); writes the
 * result file once, when done (or on failure, with `error`). With LW_BENCH_DEBUG_TRACE set, the
 * log file also gets every Debug Adapter Protocol message with its time since the click.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as vscode from 'vscode';
import type { InvocationView, InvokeParams } from '../../src/features/invoke/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import { Commands } from '../../src/workbench/ids';

export interface DebugCase {
  /** Row label, e.g. "Node.js". */
  label: string;
  functionName: string;
  /** Workspace-relative file of the breakpoint. */
  file: string;
  /** 1-based line of the breakpoint. */
  line: number;
  /** Why this case is not run (then nothing else is needed). */
  skip?: string;
}

export interface DebugJob {
  resultFile: string;
  logFile?: string;
  samples: number;
  cases: DebugCase[];
}

export interface DebugRun {
  /** From the command call to the `stopped` event (reason breakpoint). */
  stoppedMs: number;
  /** From the command call to VS Code creating the first debug adapter (the runtime said where its debugger listens). */
  attachStartedMs: number;
  /** From Continue to the call's result. */
  continueToResultMs: number;
}

export interface DebugCaseResult extends DebugCase {
  warmup?: DebugRun;
  runs: DebugRun[];
  error?: string;
}

export interface DebugBenchHostResult {
  vscodeVersion: string;
  extension: string;
  samples: number;
  cases: DebugCaseResult[];
  error?: string;
}

/** How long one debug run may take from the click to its stop (a cold build or interpreter included). */
const STOP_TIMEOUT_MS = 90_000;
const RESULT_TIMEOUT_MS = 30_000;
const SESSIONS_END_TIMEOUT_MS = 20_000;
/** Time for the freshly opened workbench to finish its own start-up work. */
const SETTLE_MS = 5000;
/** Lets the previous run's runtime finish stopping before the next click. */
const PAUSE_BETWEEN_RUNS_MS = 500;

const EVENT = '{"name":"Ada"}';

interface Stop {
  at: number;
  session: vscode.DebugSession;
  threadId: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(5);
  }
}

function withTimeout<T>(what: string, timeoutMs: number, promise: Thenable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

function target(functionName: string): FunctionTarget {
  return { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName, qualifier: '$LATEST' };
}

/** What the Invoke tab's form sends when the Debug button is clicked, with {"name":"Ada"} in the event editor. */
function params(): InvokeParams {
  return { payload: EVENT, qualifier: '$LATEST', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'Custom event', eventSource: 'custom', debug: true };
}

export async function run(): Promise<void> {
  // The host provides `vscode` at run time only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api: typeof vscode = require('vscode');
  const job = JSON.parse(process.env.LW_BENCH_DEBUG ?? 'null') as DebugJob | null;
  if (!job) throw new Error('LW_BENCH_DEBUG is not set');
  const say = (line: string) => {
    if (job.logFile) fs.appendFileSync(job.logFile, `${line}\n`);
  };
  const result: DebugBenchHostResult = { vscodeVersion: api.version, extension: '', samples: job.samples, cases: [] };
  const subscriptions: vscode.Disposable[] = [];
  try {
    const underDevelopment = api.extensions.all.filter((e) => (e.packageJSON as { isUnderDevelopment?: boolean }).isUnderDevelopment);
    if (underDevelopment.length !== 1) throw new Error(`expected one extension under development, found ${underDevelopment.length}`);
    const extension = underDevelopment[0];
    result.extension = extension.id;
    const workbench = await extension.activate() as { localEndpoint(): Promise<{ endpoint: string }> };
    const { endpoint } = await workbench.localEndpoint();
    say(`Local Lambda at ${endpoint}`);
    const folder = api.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) throw new Error('no workspace folder is open');
    // The workbench's own start-up work (other extensions, the file watcher) stays out of the samples.
    await sleep(SETTLE_MS);

    // Every debug adapter's messages, as the Debug view receives them.
    const stops: Stop[] = [];
    const live = new Set<vscode.DebugSession>();
    const created: number[] = [];
    let tracing: { t0: number } | undefined;
    subscriptions.push(api.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker(session) {
        created.push(performance.now());
        return {
          onWillReceiveMessage(message: { type?: string; command?: string }) {
            if (tracing) say(`    ${(performance.now() - tracing.t0).toFixed(0)} ms [${session.type}] -> ${message.command}`);
          },
          onDidSendMessage(message: { type?: string; event?: string; command?: string; body?: { reason?: string; threadId?: number } }) {
            if (tracing) say(`    ${(performance.now() - tracing.t0).toFixed(0)} ms [${session.type}] <- ${message.type} ${message.event ?? message.command ?? ''}`);
            if (message.type === 'event' && message.event === 'stopped' && message.body?.reason === 'breakpoint') {
              stops.push({ at: performance.now(), session, threadId: message.body.threadId ?? 0 });
            }
          },
        };
      },
    }));
    subscriptions.push(api.debug.onDidStartDebugSession((s) => { live.add(s); }));
    subscriptions.push(api.debug.onDidTerminateDebugSession((s) => { live.delete(s); }));

    const once = async (c: DebugCase): Promise<DebugRun> => {
      const seenStops = stops.length;
      const seenCreated = created.length;
      const clicked = performance.now();
      if (process.env.LW_BENCH_DEBUG_TRACE) tracing = { t0: clicked };
      const call = api.commands.executeCommand<InvocationView>(Commands.invokeFunction, target(c.functionName), { debug: true, params: params() });
      let failure: unknown;
      call.then(undefined, (e: unknown) => { failure = e; });
      const stop = await until(`the stop at ${c.file}:${c.line}`, STOP_TIMEOUT_MS, () => {
        if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
        return stops[seenStops];
      });
      const stoppedMs = stop.at - clicked;
      const attachStartedMs = (created[seenCreated] ?? NaN) - clicked;
      // Where it stopped: the breakpoint's file and line, or the figure is not what it claims.
      const trace = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 }) as { stackFrames: { line: number; source?: { path?: string } }[] };
      const frame = trace.stackFrames[0];
      const where = path.join(folder, c.file);
      if (!frame || frame.line !== c.line || !(frame.source?.path ?? '').endsWith(where)) {
        throw new Error(`stopped at ${frame?.source?.path ?? '?'}:${frame?.line ?? '?'}, not at ${where}:${c.line}`);
      }
      const continued = performance.now();
      // The function may return, and its debug session end, before the adapter answers the
      // request (debugpy does): the call's result is what tells that Continue worked.
      let continueFailure: unknown;
      Promise.resolve(stop.session.customRequest('continue', { threadId: stop.threadId })).catch((e: unknown) => { continueFailure = e; });
      const view = await withTimeout('the call\'s result', RESULT_TIMEOUT_MS, call).catch((e: unknown) => {
        throw continueFailure ? new Error(`Continue failed (${String(continueFailure)}), then ${String(e)}`) : e;
      });
      const continueToResultMs = performance.now() - continued;
      if (view?.outcome !== 'ok' || !(view.payload ?? '').includes('Ada!')) throw new Error(`the debug run answered ${JSON.stringify(view).slice(0, 400)}`);
      await until('the debug sessions to end', SESSIONS_END_TIMEOUT_MS, () => (live.size === 0 ? true : undefined));
      await sleep(PAUSE_BETWEEN_RUNS_MS);
      return { stoppedMs, attachStartedMs, continueToResultMs };
    };

    // Each runtime's breakpoint is set for the whole run: each is in a file only its function runs.
    const entries: DebugCaseResult[] = job.cases.map((c) => ({ ...c, runs: [] }));
    result.cases = entries;
    const breakpoints = entries.filter((c) => !c.skip).map((c) =>
      new api.SourceBreakpoint(new api.Location(api.Uri.file(path.join(folder, c.file)), new api.Position(c.line - 1, 0))));
    api.debug.addBreakpoints(breakpoints);
    const attempt = async (entry: DebugCaseResult, what: string, keep: (run: DebugRun) => void) => {
      if (entry.skip || entry.error) return;
      try {
        const sample = await once(entry);
        keep(sample);
        say(`${entry.label}: ${what} ${sample.stoppedMs.toFixed(0)} ms to the stop (debugger attaching from ${sample.attachStartedMs.toFixed(0)} ms)`);
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
        say(`${entry.label}: failed: ${entry.error}`);
        for (const s of [...live]) await Promise.resolve(api.debug.stopDebugging(s)).then(undefined, () => undefined);
      }
    };
    try {
      for (const entry of entries) {
        if (entry.skip) say(`${entry.label}: not run (${entry.skip})`);
        await attempt(entry, 'warm-up', (run) => { entry.warmup = run; });
      }
      // Runtimes take turns, so whatever the machine does meanwhile falls on all of them alike.
      for (let i = 0; i < job.samples; i++) {
        for (const entry of entries) await attempt(entry, `sample ${i + 1}/${job.samples}`, (run) => entry.runs.push(run));
      }
    } finally {
      api.debug.removeBreakpoints(breakpoints);
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    for (const d of subscriptions.splice(0)) d.dispose();
  }
  fs.mkdirSync(path.dirname(job.resultFile), { recursive: true });
  fs.writeFileSync(`${job.resultFile}.partial`, JSON.stringify(result, null, 2));
  fs.renameSync(`${job.resultFile}.partial`, job.resultFile);
}
