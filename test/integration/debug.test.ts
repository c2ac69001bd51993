import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchApi } from '../../src/testApi';
import type { InvocationView, InvokeParams, InvokeTabState } from '../../src/features/invoke/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import { Commands, DebugTypes } from '../../src/workbench/ids';
import { activateOnce } from './support/activation';
import { until } from './support/until';

function target(functionName: string): FunctionTarget {
  return { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName, qualifier: '$LATEST' };
}

function params(payload: string): InvokeParams {
  return { payload, qualifier: '$LATEST', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'debug test', eventSource: 'custom' };
}


interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  at: number;
}

/** Debug's Python needs debugpy: Debian's /usr/bin/python3 has it with python3-debugpy. */
function debianPythonHasDebugpy(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import debugpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Debugging on the Local Lambda in VS Code', function () {
  this.timeout(180_000);
  let api: WorkbenchApi;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const stops: Stop[] = [];
  const subscriptions: vscode.Disposable[] = [];
  /** Debug sessions started and not yet ended, by VS Code's start and terminate events. */
  const live = new Set<vscode.DebugSession>();

  before(async () => {
    ({ api } = await activateOnce());
    await api.localEndpoint();
    subscriptions.push(vscode.debug.onDidStartDebugSession((s) => live.add(s)), vscode.debug.onDidTerminateDebugSession((s) => live.delete(s)));
    // Watches every debug adapter's messages for the `stopped` event, as the Debug view does.
    subscriptions.push(vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker(session) {
        return {
          onDidSendMessage(message: { type?: string; event?: string; command?: string; body?: { threadId?: number; reason?: string } }) {
            if (process.env.LW_DEBUG_TRACE) fs.appendFileSync("/tmp/dbg-trace.log", `${new Date().toISOString()} ` + `[${session.type}] ${message.type} ${message.event ?? message.command ?? ''} ${JSON.stringify(message.body ?? {}).slice(0, 300)}`);
            if (message.type === 'event' && message.event === 'stopped' && message.body?.reason === 'breakpoint') {
              stops.push({ session, threadId: message.body.threadId ?? 0, at: Date.now() });
            }
          },
        };
      },
    }));
  });

  after(() => {
    for (const d of subscriptions.splice(0)) d.dispose();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
  });

  afterEach(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    // A call's sessions end with its runtime, after the answer. (Not by activeDebugSession: the
    // extension host can keep naming a session the debugger has ended, when the child session
    // and its parent end in the same moment.)
    const settled = Date.now() + 5000;
    while (live.size > 0 && Date.now() < settled) await new Promise((r) => setTimeout(r, 100));
    // A failed test may leave a session at a breakpoint: stop it.
    for (const left of [...live].filter((s) => !s.parentSession)) await vscode.debug.stopDebugging(left);
    await until('no debug session left', 20_000, () => (live.size === 0 ? true : undefined));
  });

  /** Sets a breakpoint, starts the debug run with `start`, and checks where it stopped and what a local variable holds. */
  async function stopAt(file: string, line: number, variable: string, expected: string | RegExp, start: () => Thenable<unknown>): Promise<{ stop: Stop; result: Thenable<unknown>; clickToStoppedMs: number; value: string }> {
    const uri = vscode.Uri.file(path.join(folder, file));
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(line - 1, 0)))]);
    const seen = stops.length;
    const clicked = Date.now();
    const result = start();
    const stop = await until(`a stop at ${file}:${line}`, 60_000, () => stops[seen]);
    const clickToStoppedMs = stop.at - clicked;
    const trace = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 }) as { stackFrames: { id: number; line: number; source?: { path?: string } }[] };
    const frame = trace.stackFrames[0];
    // In code-server the path comes as vscode-remote:/host:port/<path>.
    const shown = frame.source?.path ?? '';
    assert.ok(shown === uri.fsPath || shown.endsWith(uri.fsPath), `stopped in ${uri.fsPath} (the frame says ${shown})`);
    assert.equal(frame.line, line, 'stopped on the breakpoint line');
    const { scopes } = await stop.session.customRequest('scopes', { frameId: frame.id }) as { scopes: { variablesReference: number; name: string }[] };
    const { variables } = await stop.session.customRequest('variables', { variablesReference: scopes[0].variablesReference }) as { variables: { name: string; value: string }[] };
    const found = variables.find((v) => v.name === variable);
    assert.ok(found, `${variable} among ${variables.map((v) => v.name).join(', ')}`);
    const value = found.value.replace(/^['"]|['"]$/g, '');
    if (typeof expected === 'string') assert.equal(value, expected);
    else assert.match(value, expected);
    return { stop, result, clickToStoppedMs, value };
  }

  const lastResult = async (fn: string): Promise<InvocationView | undefined> =>
    ((await api.functionPanel.request(target(fn), 'invoke', 'load')) as InvokeTabState).last;

  it('JavaScript from the Invoke tab: stops on the breakpoint, shows a local, and a stop longer than the timeout still returns the result', async () => {
    const { stop, result } = await stopAt('hello-node/index.mjs', 7, 'name', 'Ada',
      () => vscode.commands.executeCommand(Commands.invokeFunction, target('hello-node'), { debug: true, params: { ...params('{"name":"Ada"}'), debug: true } }));
    // hello-node's Timeout is 3 s: held here longer than that, it still answers.
    await new Promise((r) => setTimeout(r, 3500));
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    const view = await result as InvocationView;
    assert.equal(view.outcome, 'ok', JSON.stringify(view));
    assert.match(view.payload ?? '', /Hello, Ada!/);
    assert.match(view.logTail ?? '', /REPORT RequestId/);
    assert.doesNotMatch(view.logTail ?? '', /Task timed out/);
    assert.ok((view.report?.durationMs ?? 0) > 3000, `the REPORT counts the time at the breakpoint (${view.report?.durationMs} ms)`);
  });

  it('TypeScript from a launch configuration: the breakpoint in the .ts source binds through the bundle\'s source map', async () => {
    const { stop } = await stopAt('hello-ts/src/greeting.ts', 7, 'name', 'Grace',
      () => vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: DebugTypes.launch, request: 'launch', name: 'Debug hello-ts', function: 'hello-ts', event: { name: 'Grace' }, env: { GREETING: 'Howdy' },
      }));
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    const view = await until('the result in the Invoke tab', 30_000, async () => {
      const last = await lastResult('hello-ts');
      return last && /Grace/.test(last.payload ?? '') ? last : undefined;
    });
    assert.equal(view.outcome, 'ok');
    assert.match(view.payload ?? '', /Howdy, Grace!/, 'the launch configuration\'s env is applied');
  });

  it('JavaScript from the CodeLens "Debug" above the handler, with the event the Invoke tab holds', async () => {
    const before = await lastResult('hello-node');
    const uri = vscode.Uri.file(path.join(folder, 'hello-node', 'index.mjs'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lens = await until('the Debug lens', 20_000, async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
      return all?.find((l) => l.command?.title === 'Debug' && l.command.command.startsWith('lambdaWorkbench.'));
    });
    const command = lens.command!;
    // The lens runs what the tab's form holds: the value the handler sees is the one it answers with.
    const { stop, result, value } = await stopAt('hello-node/index.mjs', 6, 'name', /^\w+$/,
      () => vscode.commands.executeCommand(command.command, ...(command.arguments ?? [])));
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    await result;
    const view = await until('the CodeLens run\'s result', 30_000, async () => {
      const last = await lastResult('hello-node');
      return last && last.id !== before?.id ? last : undefined;
    });
    assert.equal(view.outcome, 'ok');
    assert.ok((view.payload ?? '').includes(`Hello, ${value}!`), view.payload);
  });

  it('Python without debugpy in its interpreter: the call says how to install it', async function () {
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    try {
      execFileSync(python, ['-c', 'import debugpy'], { stdio: 'ignore' });
      this.skip();
    } catch { /* the case to test */ }
    const view = await vscode.commands.executeCommand(Commands.invokeFunction, target('hello-python'), { debug: true, params: params('{"name":"Ada"}') }) as InvocationView;
    assert.equal(view.outcome, 'functionError');
    assert.equal(view.functionError?.errorType, 'Runtime.DebuggerUnavailable');
    assert.match(view.functionError?.errorMessage ?? '', /needs debugpy.*pip install debugpy.*apt-get install python3-debugpy/s);
  });

  (debianPythonHasDebugpy() ? describe : describe.skip)('Python, run by a Python that has debugpy', () => {
    let before: string;
    const setting = () => vscode.workspace.getConfiguration('lambdaWorkbench');
    beforeEach(async () => {
      before = (await api.localEndpoint()).endpoint;
      await setting().update('local.interpreters', { 'python3.12': '/usr/bin/python3' }, vscode.ConfigurationTarget.Global);
      await until('the Local Lambda restarted with the interpreter', 20_000, async () => ((await api.localEndpoint()).endpoint !== before ? true : undefined));
    });
    afterEach(async () => {
      const now = (await api.localEndpoint()).endpoint;
      await setting().update('local.interpreters', undefined, vscode.ConfigurationTarget.Global);
      await until('the Local Lambda back on its defaults', 20_000, async () => ((await api.localEndpoint()).endpoint !== now ? true : undefined));
    });

    it('stops on the breakpoint through debugpy (no Python extension), shows a local, and returns the result', async () => {
      assert.ok(fs.existsSync(path.join(folder, 'hello-python', 'app.py')));
      const { stop, result } = await stopAt('hello-python/app.py', 10, 'name', 'Ada',
        () => vscode.commands.executeCommand(Commands.invokeFunction, target('hello-python'), { debug: true, params: params('{"name":"Ada"}') }));
      assert.equal(stop.session.type, DebugTypes.python);
      // debugpy may not answer Continue before its runtime stops; the call's result is what counts.
      await Promise.resolve(stop.session.customRequest('continue', { threadId: stop.threadId })).catch(() => undefined);
      const view = await result as InvocationView;
      assert.equal(view.outcome, 'ok', JSON.stringify(view));
      assert.match(view.payload ?? '', /Hello, Ada!/);
    });
  });
});
