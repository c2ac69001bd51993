import { setWorkspaceFolder } from '../../support/vscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { InvokeController } from '../../../src/features/invoke/controller';
import type { InvokeParams, InvokeProtocol } from '../../../src/features/invoke/protocol';
import { FakeTabHost, FakeWorkbench, localTarget } from '../../support/fakeTabHost';
import { startTestLocalLambda, type TestLocalLambda } from '../../support/localLambda';

const PROBE = `
export const handler = async (event) => {
  if (event && event.fail) throw new TypeError('probe failed on purpose: ' + event.fail);
  if (event && event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  console.log('probe got', JSON.stringify(event));
  return { echo: event };
};
`;

function params(overrides: Partial<InvokeParams> = {}): InvokeParams {
  return { payload: '{"name":"Ada"}', qualifier: '$LATEST', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'my event', eventSource: 'custom', ...overrides };
}

describe('features/invoke InvokeController (fake TabHost, in-process Local Lambda)', function () {
  this.timeout(60_000);
  let local: TestLocalLambda;
  let workbench: FakeWorkbench;
  let folder: string;
  const controllers: InvokeController[] = [];

  function open(functionName = 'probe', qualifier?: string): { host: FakeTabHost<InvokeProtocol>; controller: InvokeController } {
    const host = new FakeTabHost<InvokeProtocol>(workbench.asWorkbench, localTarget(functionName, qualifier));
    const controller = new InvokeController(host);
    controllers.push(controller);
    return { host, controller };
  }

  before(async () => {
    local = await startTestLocalLambda();
    const client = new LambdaClient({ endpoint: local.server.endpoint, region: local.server.region, credentials: local.server.credentials });
    await client.send(new CreateFunctionCommand({
      FunctionName: 'probe', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role', Architectures: ['arm64'],
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(PROBE) }) },
    }));
    await client.send(new PublishVersionCommand({ FunctionName: 'probe' }));
    await client.send(new CreateAliasCommand({ FunctionName: 'probe', Name: 'live', FunctionVersion: '1' }));
    client.destroy();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-invoke-unit-'));
  });

  beforeEach(() => {
    workbench = new FakeWorkbench(local.server);
    setWorkspaceFolder(undefined);
  });

  afterEach(() => {
    for (const c of controllers.splice(0)) c.dispose();
    workbench.dispose();
  });

  after(async () => {
    setWorkspaceFolder(undefined);
    await local?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('loads the tab: qualifiers of the function, the sample catalog, the limits and an empty history', async () => {
    const { controller } = open('probe', 'live');
    const state = await controller.requests.load();
    assert.deepEqual(state.qualifiers.qualifiers.map((q) => q.value), ['$LATEST', 'live', '1']);
    assert.equal(state.qualifiers.error, undefined);
    assert.equal(state.initialQualifier, 'live');
    assert.ok(state.samples.some((s) => s.id === 'apigateway-http'), `samples: ${state.samples.map((s) => s.id).join(', ')}`);
    assert.deepEqual(state.limits, { syncPayloadBytes: 6 * 1024 * 1024, asyncPayloadBytes: 1024 * 1024, clientContextBytes: 3583 });
    assert.deepEqual(state.history, []);
    assert.equal(state.running, undefined);
  });

  it('invokes: the webview sees started then finished, the result is readable, and it lands in history and recent events', async () => {
    const { host, controller } = open();
    const view = await controller.requests.invoke(params());
    assert.equal(view.outcome, 'ok');
    assert.equal(view.statusText, '200 OK');
    assert.equal(view.payload, JSON.stringify({ echo: { name: 'Ada' } }, null, 2));
    assert.equal(view.payloadIsJson, true);
    assert.equal(view.executedVersion, '$LATEST');
    assert.match(view.logTail ?? '', /probe got \{"name":"Ada"\}/);
    assert.ok(view.report && view.report.billedDurationMs >= 1, 'REPORT figures are read from the log tail');
    assert.equal(view.cost?.architecture, 'arm64', 'priced with the function\'s own architecture');

    assert.deepEqual(host.sent.map((m) => m.type), ['started', 'events', 'finished']);
    assert.equal(host.all('started')[0].id, view.id);
    assert.deepEqual(host.last('finished'), view);
    assert.deepEqual(host.last('events')?.recent.map((e) => [e.label, e.payload]), [['my event', '{"name":"Ada"}']]);

    const reloaded = await controller.requests.load();
    assert.deepEqual(reloaded.last, view);
    assert.deepEqual(reloaded.history.map((h) => [h.id, h.outcome, h.statusText, h.params.payload]), [[view.id, 'ok', '200 OK', '{"name":"Ada"}']]);
    // Another panel on the same function (e.g. after a reload of the window) reads the same history.
    assert.equal((await open().controller.requests.load()).history.length, 1);
  });

  it('invokes a version through its qualifier', async () => {
    const { controller } = open();
    const view = await controller.requests.invoke(params({ qualifier: 'live' }));
    assert.equal(view.outcome, 'ok');
    assert.equal(view.executedVersion, '1');
  });

  it('shows a function error with its type and message', async () => {
    const { controller } = open();
    const view = await controller.requests.invoke(params({ payload: '{"fail":"bad input"}' }));
    assert.equal(view.outcome, 'functionError');
    assert.equal(view.functionError?.kind, 'Unhandled');
    assert.equal(view.functionError?.errorType, 'TypeError');
    assert.equal(view.functionError?.errorMessage, 'probe failed on purpose: bad input');
  });

  it('refuses an event that is not JSON before anything is sent', async () => {
    const { host, controller } = open();
    await assert.rejects(async () => controller.requests.invoke(params({ payload: '{"name": "Ada",}' })), /^Error: The event is not valid JSON \(.*line 1.*\)\. It was not sent\.$/);
    await assert.rejects(async () => controller.requests.invoke(params({ clientContext: '[1]' })), /The client context must be a JSON object/);
    assert.deepEqual(host.sent, []);
    assert.deepEqual((await controller.requests.load()).history, []);
  });

  it('runs one invocation at a time, and a cancelled one says Lambda may still finish it', async () => {
    const { host, controller } = open();
    const slow = controller.requests.invoke(params({ payload: '{"sleepMs":3000}' }));
    await host.waitFor('started', () => true, 'the invocation to start');
    assert.ok(controller.isRunning);
    await assert.rejects(async () => controller.requests.invoke(params()), /already running\. Wait for it or cancel it\./);
    const running = await controller.requests.load();
    assert.equal(running.running?.payload, '{"sleepMs":3000}');

    await controller.requests.cancel();
    const view = await slow;
    assert.equal(view.outcome, 'cancelled');
    assert.equal(view.error, 'Cancelled. Lambda may still finish the call; its result is not shown.');
    assert.equal(controller.isRunning, false);
    const after = await controller.requests.load();
    assert.equal(after.history[0]?.outcome, 'cancelled');
    assert.deepEqual(after.events.recent, [], 'a cancelled event is not offered as a recent one');
  });

  it('reports a function that does not exist as a failed invocation, and still offers $LATEST', async () => {
    const { controller } = open('no-such-function');
    const view = await controller.requests.invoke(params());
    assert.equal(view.outcome, 'failed');
    assert.match(view.error ?? '', /no-such-function/);
    const list = await controller.requests.qualifiers();
    assert.deepEqual(list.qualifiers.map((q) => q.value), ['$LATEST']);
    assert.match(list.error ?? '', /^Versions and aliases could not be listed: /);
    assert.ok(workbench.log.lines.some((l) => l.level === 'error' && /^Invoking no-such-function:\$LATEST failed: /.test(l.message)));
  });

  it('puts an event from a command in the editor, and offers it again on reload until the webview took it', async () => {
    const { host, controller } = open();
    controller.setEvent('{"from":"codelens"}', 'CodeLens event');
    assert.deepEqual(host.last('setEvent'), { payload: '{"from":"codelens"}', label: 'CodeLens event' });
    await controller.requests.load();
    assert.equal(host.all('setEvent').length, 2, 'a webview that reloaded gets the event again');
    await controller.notifications.eventApplied();
    await controller.requests.load();
    assert.equal(host.all('setEvent').length, 2);
  });

  it('keeps the form of a closed panel for the window and gives it back once to the next panel of that function', async () => {
    const form = { payload: '{"name":"Kept"}', qualifier: '1', invocationType: 'DryRun' as const, clientContext: '', eventLabel: 'Custom event {name}', eventSource: 'custom' as const };
    const first = open();
    await first.controller.notifications.draft(form);
    first.controller.dispose();
    assert.equal((await open('other').controller.requests.load()).draft, undefined, 'another function gets nothing');
    const second = open();
    assert.deepEqual((await second.controller.requests.load()).draft, form);
    assert.equal((await second.controller.requests.load()).draft, undefined, 'given once: a reloaded document keeps its own state');
    second.controller.dispose();
    const third = open();
    assert.deepEqual((await third.controller.requests.load()).draft, form, 'kept again when that panel closes');
  });

  it('an event a command puts in a new panel wins over the kept form', async () => {
    const first = open();
    await first.controller.notifications.draft({ payload: '{"old":1}', qualifier: '', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'Custom event {old}', eventSource: 'custom' });
    first.controller.dispose();
    const second = open();
    second.controller.setEvent('{"from":"codelens"}', 'CodeLens event');
    assert.equal((await second.controller.requests.load()).draft, undefined);
  });

  it('renders sample events, and saves events in the workspace only when a folder is open', async () => {
    const { controller } = open();
    const sample = JSON.parse((await controller.requests.sampleEvent({ id: 'apigateway-http' })).payload) as { version?: string };
    assert.equal(sample.version, '2.0');
    await assert.rejects(async () => controller.requests.saveEvent({ name: 'order', payload: '{}', overwrite: false }), /^Error: Open a folder to save events/);

    setWorkspaceFolder(folder);
    const lists = await controller.requests.saveEvent({ name: 'order', payload: '{"id":1}', overwrite: false });
    assert.deepEqual(lists.saved, ['order']);
    assert.ok(fs.existsSync(path.join(folder, '.lambda-workbench', 'events', 'probe', 'order.json')));
    assert.equal(JSON.parse((await controller.requests.savedEvent({ name: 'order' })).payload).id, 1);
    await assert.rejects(async () => controller.requests.saveEvent({ name: 'order', payload: '{"id":2}', overwrite: false }), /already saved for probe/);
    await controller.requests.saveEvent({ name: 'order', payload: '{"id":2}', overwrite: true });
    assert.equal(JSON.parse((await controller.requests.savedEvent({ name: 'order' })).payload).id, 2);
  });

  it('clears the history of the function', async () => {
    const { controller } = open();
    await controller.requests.invoke(params());
    assert.equal((await controller.requests.load()).history.length, 1);
    await controller.requests.clearHistory();
    assert.deepEqual((await controller.requests.load()).history, []);
  });
});
