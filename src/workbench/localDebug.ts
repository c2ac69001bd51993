/**
 * Running one invocation under VS Code's debugger on the Local Lambda. The call carries a fresh
 * debug session id; the Local Lambda starts an environment of its own for it whose runtime waits
 * on a loopback debugger port and announces the port in a note. On that note a debug session
 * attaches: VS Code's JavaScript debugger for Node.js (with the build's source maps, so
 * breakpoints in TypeScript bind), or the extension's own descriptor to debugpy for Python (no
 * Python extension needed). The call ends the session when it returns; stopping the session
 * stops the call, which stops the runtime and everything it started.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { DebugTargetNote, LocalLambdaNote } from '../shared/localLambdaNotes';
import type { IDisposable } from '../shared/lifecycle';
import type { Logger } from '../shared/logger';
import { DebugTypes } from './ids';

/** Marks the debug configurations this module starts, with the session id they serve. */
export const SESSION_KEY = '__lambdaWorkbenchSession';

/** How long a call may take to answer after its debug session ended before it is stopped. */
const SESSION_END_GRACE_MS = 750;

/** How long the runtime's debugger port may take to be announced before the attach is given up. */
const NOTE_WAIT_MS = 60_000;

/** Forward slashes for the debugger's globs (they are globs, not paths). */
const glob = (folder: string) => folder.replace(/\\/g, '/').replace(/\/$/, '');

/** The attach configuration for a runtime waiting for a debugger. */
export function attachConfiguration(target: DebugTargetNote, functionName: string): vscode.DebugConfiguration {
  const name = `${functionName} (Local Lambda)`;
  if (target.runtime === 'node') {
    const code = glob(target.codeDir);
    return {
      type: 'node',
      request: 'attach',
      name,
      address: target.host,
      port: target.port,
      // The Local Lambda's bootstrap is not the function's code: never stop in it.
      skipFiles: ['<node_internals>/**', `${glob(target.runtimeDir)}/**`],
      sourceMaps: true,
      outFiles: [`${code}/**/*.js`, `${code}/**/*.mjs`, `${code}/**/*.cjs`, '!**/node_modules/**'],
      resolveSourceMapLocations: [`${code}/**`, '!**/node_modules/**'],
      // The handler's bundle loads right after the debugger attaches: wait for its source map, so a
      // breakpoint in the .ts source is bound before the handler runs.
      pauseForSourceMap: true,
      continueOnAttach: true,
      autoAttachChildProcesses: false,
      [SESSION_KEY]: target.session,
    };
  }
  return {
    type: DebugTypes.python,
    request: 'attach',
    name,
    connect: { host: target.host, port: target.port },
    justMyCode: true,
    rules: [{ path: target.runtimeDir, include: false }],
    [SESSION_KEY]: target.session,
  };
}

/** What runUnderDebugger needs of the window. */
export interface DebugHost {
  onDidNote(listener: (note: LocalLambdaNote) => void): IDisposable;
  log: Logger;
  folder?: vscode.WorkspaceFolder;
}

/** A signal aborted when any of `signals` is. */
function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal {
  const controller = new AbortController();
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) controller.abort();
    else s.addEventListener('abort', () => controller.abort(), { once: true });
  }
  return controller.signal;
}

export interface DebuggedCall<T> {
  functionName: string;
  /** The person's cancel. */
  signal?: AbortSignal;
  /** Makes the call with the session id; its signal aborts when the debug session ends first. */
  call(session: string, signal: AbortSignal): Promise<T>;
}

/**
 * Runs `call` as a debug session: attaches VS Code's debugger when the Local Lambda says where its
 * runtime listens, and ends the debug session when the call returns. A debug session that ends
 * (the person pressed Stop) before the call returns aborts the call.
 */
export async function runUnderDebugger<T>(host: DebugHost, run: DebuggedCall<T>): Promise<T> {
  const session = randomUUID();
  const ended = new AbortController();
  let started: vscode.DebugSession | undefined;
  let attaching = false;
  const subscriptions: IDisposable[] = [];
  const noteTimer = setTimeout(() => {
    if (!attaching) host.log.warn(`${run.functionName}: the Local Lambda did not say where its debugger listens within ${NOTE_WAIT_MS / 1000} s.`);
  }, NOTE_WAIT_MS);
  subscriptions.push({ dispose: () => clearTimeout(noteTimer) });
  subscriptions.push(host.onDidNote((note) => {
    const target = note.debug;
    if (!target || target.session !== session || attaching || ended.signal.aborted) return;
    attaching = true;
    const configuration = attachConfiguration(target, run.functionName);
    host.log.info(`Debugging ${run.functionName}: attaching to ${target.runtime === 'node' ? 'the Node.js inspector' : 'debugpy'} on ${target.host}:${target.port}.`);
    void Promise.resolve(vscode.debug.startDebugging(host.folder, configuration, { suppressDebugView: false })).then((ok) => {
      if (!ok) {
        host.log.error(`${run.functionName}: the debugger could not attach to ${target.host}:${target.port}.`);
        ended.abort();
      }
    }, (error: unknown) => {
      host.log.error(`${run.functionName}: the debugger could not attach: ${error instanceof Error ? error.message : String(error)}`);
      ended.abort();
    });
  }));
  subscriptions.push(vscode.debug.onDidStartDebugSession((s) => {
    if (!started && s.configuration[SESSION_KEY] === session) started = s;
  }));
  let finished = false;
  let stopTimer: NodeJS.Timeout | undefined;
  subscriptions.push(vscode.debug.onDidTerminateDebugSession((s) => {
    // The session also ends when the runtime goes after answering: the answer may still be on its
    // way, so the call is stopped only if it has not come back shortly after.
    if (s === started && !finished) stopTimer = setTimeout(() => ended.abort(), SESSION_END_GRACE_MS);
  }));
  subscriptions.push({ dispose: () => clearTimeout(stopTimer) });
  try {
    return await run.call(session, anySignal([ended.signal, run.signal]));
  } finally {
    finished = true;
    for (const d of subscriptions.splice(0)) d.dispose();
    if (started && !ended.signal.aborted) void vscode.debug.stopDebugging(started);
  }
}

/**
 * When a debug call failed because the function's Python cannot import debugpy: says so with
 * the commands that install it, one click to copy each. True when it was that failure.
 */
export function offerDebuggerInstall(payload: string): boolean {
  let doc: { errorType?: unknown; errorMessage?: unknown; installCommands?: unknown };
  try {
    doc = JSON.parse(payload) as typeof doc;
  } catch {
    return false;
  }
  if (doc?.errorType !== 'Runtime.DebuggerUnavailable' || typeof doc.errorMessage !== 'string') return false;
  const commands = Array.isArray(doc.installCommands) ? doc.installCommands.filter((c): c is string => typeof c === 'string').slice(0, 3) : [];
  const buttons = commands.map((command) => ({ title: command.includes('apt-get') ? 'Copy apt command' : 'Copy pip command', command }));
  void vscode.window.showErrorMessage(doc.errorMessage, ...buttons).then((picked) => {
    if (!picked) return;
    void vscode.env.clipboard.writeText(picked.command);
    void vscode.window.showInformationMessage(`Copied: ${picked.command}`);
  });
  return true;
}
