import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import type { WorkbenchApi } from '../../src/testApi';
import type { EventLists, InvocationView, InvokeParams, InvokeTabState } from '../../src/features/invoke/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import type { ExplorerNode } from '../../src/features/explorer/nodes';
import { activateOnce } from './support/activation';
import { stackLocation } from '../../src/shared/stackFrames';

const PROBE_SOURCE = `
export const handler = async (event) => {
  if (event && event.fail) throw new Error('probe failed on purpose: ' + event.fail);
  if (event && event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  console.log('probe got', JSON.stringify(event));
  return { echo: event };
};
`;

function target(functionName: string): FunctionTarget {
  return { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName };
}

function params(overrides: Partial<InvokeParams> = {}): InvokeParams {
  return { payload: '{"name":"Ada"}', qualifier: '$LATEST', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'test event', eventSource: 'custom', ...overrides };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Function panel and Invoke tab in VS Code (Local Lambda)', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  const probe = `invoke-probe-${Date.now().toString(36)}`;
  const hello = target('hello-node');
  const savedName = `roundtrip-${Date.now().toString(36)}`;
  const eventsFolder = path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', '.lambda-workbench', 'events');

  const invoke = (t: FunctionTarget, p: InvokeParams) => api.functionPanel.request(t, 'invoke', 'invoke', p) as Promise<InvocationView>;

  before(async () => {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    await client.send(
      new CreateFunctionCommand({
        FunctionName: probe,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::123456789012:role/lambda-role',
        Architectures: ['arm64'],
        MemorySize: 256,
        Code: { ZipFile: zipSync({ 'index.mjs': strToU8(PROBE_SOURCE) }) },
      }),
    );
    await api.functionPanel.open(target(probe), 'invoke');
  });

  after(async () => {
    await client?.send(new DeleteFunctionCommand({ FunctionName: probe })).catch(() => undefined);
    client?.destroy();
    fs.rmSync(path.join(eventsFolder, 'hello-node', `${savedName}.json`), { force: true });
    for (const dir of [path.join(eventsFolder, 'hello-node'), eventsFolder, path.dirname(eventsFolder)]) {
      if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens one panel per function from a tree node, loads the webview and reuses the panel', async () => {
    const local = (await api.explorer.getChildren()).find((n) => n.label === 'Local Lambda');
    assert.ok(local);
    const region = (await api.explorer.getChildren(local)).find((n) => n.label === 'us-east-1') as ExplorerNode;
    const fnNode = (await api.explorer.getChildren(region)).find((n) => n.label === 'hello-node');
    assert.ok(fnNode, 'hello-node in the tree');
    const opened = (await vscode.commands.executeCommand('lambdaWorkbench.openFunctionPanel', fnNode)) as FunctionTarget;
    assert.equal(opened.functionName, 'hello-node');
    assert.equal(opened.connectionId, 'local');
    const tabState = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${t.label}${t.isActive ? ' (active)' : ''}`)).join(', ');
    await waitFor(() => api.functionPanel.isReady(opened), `the webview to say ready; editor tabs: ${tabState()}`);
    await vscode.commands.executeCommand('lambdaWorkbench.openFunctionPanel', fnNode, 'invoke');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === 'hello-node');
    assert.equal(tabs.length, 1, 'opening again reveals the same panel');
  });

  it('lists $LATEST, the live alias and versions 1 and 2 as qualifiers, and the sample catalog', async () => {
    const state = (await api.functionPanel.request(hello, 'invoke', 'load')) as InvokeTabState;
    const values = state.qualifiers.qualifiers.map((q) => q.value);
    for (const q of ['$LATEST', 'live', '1', '2']) assert.ok(values.includes(q), `${q} in ${values.join(', ')}`);
    assert.match(state.qualifiers.qualifiers.find((q) => q.value === 'live')?.description ?? '', /90%.*10%/);
    assert.ok(state.samples.some((s) => s.id === 's3-put'));
    assert.equal(state.limits.asyncPayloadBytes, 1024 * 1024);
  });

  it('invokes by version and by alias and reports the executed version', async () => {
    const v1 = await invoke(hello, params({ qualifier: '1' }));
    assert.equal(v1.outcome, 'ok', v1.error);
    assert.equal(v1.executedVersion, '1');
    assert.match(v1.payload ?? '', /"message": "Hello, Ada!"/);
    const live = await invoke(hello, params({ qualifier: 'live' }));
    assert.equal(live.outcome, 'ok', live.error);
    assert.ok(live.executedVersion === '1' || live.executedVersion === '2', `live ran version ${live.executedVersion}`);
    const latest = await invoke(hello, params({ qualifier: '$LATEST' }));
    assert.equal(latest.executedVersion, '$LATEST');
  });

  it('runs each invocation type with its status: 200 with payload, 202 and 204 without', async () => {
    const sync = await invoke(hello, params());
    assert.equal(sync.statusCode, 200);
    assert.equal(sync.statusText, '200 OK');
    assert.ok(sync.logTail?.includes('REPORT RequestId'), 'a synchronous call returns its log tail');
    const queued = await invoke(hello, params({ invocationType: 'Event' }));
    assert.equal(queued.outcome, 'ok', queued.error);
    assert.equal(queued.statusCode, 202);
    assert.equal(queued.payload, undefined);
    assert.equal(queued.report, undefined);
    const dry = await invoke(hello, params({ invocationType: 'DryRun' }));
    assert.equal(dry.statusCode, 204);
    assert.equal(dry.payload, undefined);
  });

  it('streams: a ResponseStream call of a streamifyResponse handler returns what it wrote, with its REPORT, and a mid-stream failure', async () => {
    const streamer = `${probe}-stream`;
    await client.send(new CreateFunctionCommand({
      FunctionName: streamer, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Code: { ZipFile: zipSync({ 'index.js': strToU8(`exports.handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.setContentType('text/plain');
  stream.write('first line\\n');
  await new Promise((r) => setTimeout(r, 200));
  stream.write('second line\\n');
  if (event && event.fail) throw new Error('stopped mid-stream');
  stream.end();
});`) }) },
    }));
    try {
      await api.functionPanel.open(target(streamer), 'invoke');
      await waitFor(() => api.functionPanel.isReady(target(streamer)), 'the panel');
      const ok = await invoke(target(streamer), params({ invocationType: 'ResponseStream', payload: '{}' }));
      assert.equal(ok.outcome, 'ok', ok.error);
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.payload, 'first line\nsecond line\n');
      assert.ok(ok.report, 'the REPORT line comes with InvokeComplete\'s log tail');
      const failed = await invoke(target(streamer), params({ invocationType: 'ResponseStream', payload: '{"fail":true}' }));
      assert.equal(failed.outcome, 'functionError');
      assert.equal(failed.functionError?.errorType, 'Error');
      assert.equal(failed.functionError?.errorMessage, 'stopped mid-stream');
    } finally {
      await client.send(new DeleteFunctionCommand({ FunctionName: streamer })).catch(() => undefined);
    }
  });

  it('parses the REPORT line: a cold start with Init Duration, then a warm call; cost by architecture', async () => {
    const first = await invoke(target(probe), params({ payload: '{"n":1}' }));
    assert.equal(first.outcome, 'ok', first.error);
    assert.ok(first.report, 'REPORT parsed');
    assert.equal(first.report.coldStart, true);
    assert.ok((first.report.initDurationMs ?? 0) > 0, 'Init Duration reported');
    assert.equal(first.report.memorySizeMb, 256);
    assert.ok(first.report.billedDurationMs >= first.report.durationMs);
    assert.equal(first.cost?.architecture, 'arm64');
    const expected = 0.2 / 1e6 + (256 / 1024) * (first.report.billedDurationMs / 1000) * 0.0000133334;
    assert.ok(Math.abs((first.cost?.usd ?? 0) - expected) < 1e-12, `cost ${first.cost?.usd} vs ${expected}`);

    const second = await invoke(target(probe), params({ payload: '{"n":2}' }));
    assert.equal(second.report?.coldStart, false);
    assert.equal(second.report?.initDurationMs, undefined);
    assert.match(second.logTail ?? '', /probe got \{"n":2\}/);
  });

  it('shows a function error with its type, message and stack', async () => {
    const view = await invoke(target(probe), params({ payload: '{"fail":"boom"}' }));
    assert.equal(view.outcome, 'functionError');
    assert.equal(view.statusCode, 200, 'a function error is still HTTP 200');
    assert.equal(view.functionError?.kind, 'Unhandled');
    assert.equal(view.functionError?.errorType, 'Error');
    assert.match(view.functionError?.errorMessage ?? '', /probe failed on purpose: boom/);
    assert.ok((view.functionError?.stackTrace.length ?? 0) > 0, 'stack trace lines');
  });

  it('opens the workspace file a stack frame names at its line; refuses a path outside the workspace', async () => {
    const view = await invoke(target(probe), params({ payload: '{"fail":"frame"}' }));
    const outside = view.functionError?.stackTrace.map(stackLocation).find((l) => l !== undefined);
    assert.ok(outside, `a frame with a location in: ${view.functionError?.stackTrace.join(' | ')}`);
    // The probe was uploaded as a zip: its code lives in the Local Lambda's data folder, not the workspace.
    await assert.rejects(api.functionPanel.request(target(probe), 'invoke', 'openLocation', outside), /is not in an opened workspace folder/);
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'hello-node', 'index.mjs');
    await api.functionPanel.request(hello, 'invoke', 'openLocation', { file, line: 3, column: 5 });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, file);
    assert.deepEqual([editor?.selection.active.line, editor?.selection.active.character], [2, 4]);
    await assert.rejects(api.functionPanel.request(hello, 'invoke', 'openLocation', { file: '/etc/passwd', line: 1 }), /is not in an opened workspace folder/);
  });

  it('cancels a running invocation', async () => {
    const running = invoke(target(probe), params({ payload: '{"sleepMs":2500}' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await api.functionPanel.request(target(probe), 'invoke', 'cancel');
    const view = await running;
    assert.equal(view.outcome, 'cancelled');
  });

  it('refuses bad input before sending: invalid JSON with its position, oversized events with their size', async () => {
    await assert.rejects(invoke(hello, params({ payload: '{\n  "a": 1,\n}' })), /not valid JSON \(line 3, column 1: Trailing commas are not allowed/);
    const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024) });
    assert.equal(Buffer.byteLength(big), 1_048_587);
    await assert.rejects(invoke(hello, params({ payload: big, invocationType: 'Event' })), /1 MB \(1,048,587 bytes\); Asynchronous \(Event\) invocations accept at most 1 MB \(1,048,576 bytes\)/);
    const accepted = await invoke(hello, params({ payload: JSON.stringify({ data: 'x'.repeat(1024 * 1024 - 11) }), invocationType: 'Event' }));
    assert.equal(accepted.statusCode, 202, 'exactly 1 MB is accepted');
    const huge = JSON.stringify({ data: 'x'.repeat(6 * 1024 * 1024) });
    await assert.rejects(invoke(hello, params({ payload: huge })), /at most 6 MB \(6,291,456 bytes\)\. It was not sent\./);
    await assert.rejects(invoke(hello, params({ clientContext: '[1]' })), /client context must be a JSON object/);
    await assert.rejects(api.functionPanel.request(hello, 'invoke', 'invoke', { payload: '{}' }), /Rejected the invoke message from the panel: must have required property/);
  });

  it('says clearly when the qualifier does not exist', async () => {
    const view = await invoke(hello, params({ qualifier: 'no-such-alias' }));
    assert.equal(view.outcome, 'failed');
    assert.match(view.error ?? '', /hello-node:no-such-alias was not found\. Check that version or alias "no-such-alias" exists/);
  });

  it('saves an event in the workspace and reads it back; refuses to overwrite unasked', async () => {
    const text = '{\n  "saved": true\n}';
    const lists = (await api.functionPanel.request(hello, 'invoke', 'saveEvent', { name: savedName, payload: text, overwrite: false })) as EventLists;
    assert.ok(lists.saved.includes(savedName));
    assert.ok(fs.existsSync(path.join(eventsFolder, 'hello-node', `${savedName}.json`)));
    const read = (await api.functionPanel.request(hello, 'invoke', 'savedEvent', { name: savedName })) as { payload: string };
    assert.equal(read.payload.trim(), text);
    await assert.rejects(api.functionPanel.request(hello, 'invoke', 'saveEvent', { name: savedName, payload: '{}', overwrite: false }), /already saved/);
  });

  it('keeps a history per function and "Invoke Again" repeats the last call', async () => {
    const state = (await api.functionPanel.request(hello, 'invoke', 'load')) as InvokeTabState;
    assert.ok(state.history.length >= 4, `history has ${state.history.length} entries`);
    assert.equal(state.history[0].params.qualifier, 'no-such-alias', 'newest first');
    assert.ok(state.events.recent.length > 0, 'recent events remembered');
    const last = await invoke(hello, params({ payload: '{"name":"Grace"}', qualifier: '2', eventLabel: 'again' }));
    assert.equal(last.outcome, 'ok');
    const again = (await vscode.commands.executeCommand('lambdaWorkbench.invokeAgain')) as InvocationView;
    assert.equal(again.executedVersion, '2');
    assert.equal(again.params.eventLabel, 'again');
    assert.match(again.payload ?? '', /Hello, Grace!/);
  });

  it('answers unknown requests, and requests to a panel that is not open, with an error', async () => {
    await assert.rejects(api.functionPanel.request(hello, 'invoke', 'nonsense'), /does not know the request "nonsense"/);
    await assert.rejects(api.functionPanel.request(target('not-open'), 'invoke', 'load'), /No function panel is open/);
  });
});
