import { ui } from '../../support/vscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { createLogsTab, type LogsController } from '../../../src/features/logs/controller';
import type { LogRow, LogsProtocol } from '../../../src/features/logs/protocol';
import { FakeTabHost, FakeWorkbench, localTarget } from '../../support/fakeTabHost';
import { startTestLocalLambda, type TestLocalLambda } from '../../support/localLambda';

const GREETER = `
export const handler = async (event) => {
  console.log('Greeting ' + event.name);
  if (event.also) console.log('Also ' + event.also);
  return 'ok';
};
`;

const texts = (rows: LogRow[]) => rows.filter((r) => !r.platform).map((r) => r.text.trim());

describe('features/logs LogsController (fake TabHost, in-process Local Lambda)', function () {
  this.timeout(60_000);
  let local: TestLocalLambda;
  let client: LambdaClient;
  let workbench: FakeWorkbench;
  let scratch: string;
  const controllers: LogsController[] = [];

  async function invoke(payload: Record<string, string>): Promise<void> {
    const out = await client.send(new InvokeCommand({ FunctionName: 'greeter', Payload: JSON.stringify(payload) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  }

  /** The Logs tab as the panel creates it; the webview is shown and has said it is ready. */
  function open(functionName = 'greeter'): { host: FakeTabHost<LogsProtocol>; controller: LogsController; rowsSeen: () => LogRow[] } {
    const host = new FakeTabHost<LogsProtocol>(workbench.asWorkbench, localTarget(functionName));
    const controller = createLogsTab(host);
    controllers.push(controller);
    controller.onReady();
    /** What the webview shows: the last reset and the appends after it. */
    const rowsSeen = () => {
      const start = host.sent.map((m) => m.type).lastIndexOf('reset');
      const reset = start >= 0 ? (host.sent[start].payload as { rows: LogRow[] }).rows : [];
      const appended = host.sent.slice(start + 1).filter((m) => m.type === 'append').flatMap((m) => (m.payload as { rows: LogRow[] }).rows);
      return [...reset, ...appended];
    };
    return { host, controller, rowsSeen };
  }

  async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  before(async () => {
    local = await startTestLocalLambda();
    client = new LambdaClient({ endpoint: local.server.endpoint, region: local.server.region, credentials: local.server.credentials });
    await client.send(new CreateFunctionCommand({
      FunctionName: 'greeter', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(GREETER) }) },
    }));
    await invoke({ name: 'warm-up' }); // the log group exists from the first invocation on
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-logs-unit-'));
  });

  beforeEach(() => {
    workbench = new FakeWorkbench(local.server);
    ui.saveDialogAnswer = undefined;
  });

  afterEach(async () => {
    for (const c of controllers.splice(0)) c.dispose();
    workbench.dispose();
  });

  after(async () => {
    client?.destroy();
    await local?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('tails the function\'s log group live once the view starts, and shows each new line once', async () => {
    const { host, controller, rowsSeen } = open();
    await controller.notifications.start!({ filterPattern: '', streamPrefix: '' });
    await host.waitFor('state', (s) => s.mode === 'live', 'Live Tail to start');
    assert.equal(host.last('state')?.title, '/aws/lambda/greeter');
    assert.equal(host.last('state')?.subtitle, 'Local Lambda · us-east-1');
    await invoke({ name: 'Ada' });
    await until(() => texts(rowsSeen()).includes('Greeting Ada'), 'the line of the invocation');
    const snapshot = await controller.requests.snapshot();
    assert.equal(texts(snapshot.rows).filter((t) => t === 'Greeting Ada').length, 1);
    assert.ok(snapshot.rows.some((r) => r.platform === 'report'), 'the REPORT line is there too');
    assert.equal(snapshot.sessions, 1);
  });

  it('with a filter pattern, shows only matching lines', async () => {
    const { host, controller, rowsSeen } = open();
    assert.equal(await controller.requests.setFilter({ filterPattern: '"Also"', streamPrefix: '' }), null);
    await host.waitFor('state', (s) => s.mode === 'live' && s.filterPattern === '"Also"', 'the filtered tail');
    await invoke({ name: 'Grace', also: 'filtered-in' });
    await until(() => texts(rowsSeen()).includes('Also filtered-in'), 'the matching line');
    assert.ok(!texts(rowsSeen()).includes('Greeting Grace'), `unfiltered lines: ${texts(rowsSeen()).join(' | ')}`);
  });

  it('while paused keeps new lines back and counts them, and shows them on resume', async () => {
    const { host, controller, rowsSeen } = open();
    await controller.notifications.start!({ filterPattern: '', streamPrefix: '' });
    await host.waitFor('state', (s) => s.mode === 'live', 'Live Tail to start');
    await controller.notifications.pause!({ paused: true });
    await invoke({ name: 'Paused' });
    await host.waitFor('state', (s) => s.paused && s.pending > 0, 'the pending count');
    assert.ok(!texts(rowsSeen()).includes('Greeting Paused'));
    await controller.notifications.pause!({ paused: false });
    await until(() => texts(rowsSeen()).includes('Greeting Paused'), 'the held-back line');
  });

  it('clears the view, and replays the buffer when the webview reloads', async () => {
    const { host, controller, rowsSeen } = open();
    await controller.notifications.start!({ filterPattern: '', streamPrefix: '' });
    await host.waitFor('state', (s) => s.mode === 'live', 'Live Tail to start');
    await invoke({ name: 'Before' });
    await until(() => texts(rowsSeen()).includes('Greeting Before'), 'the first line');

    // Hidden, the document is gone: nothing is sent, and it gets everything when it is back.
    controller.onVisibilityChanged(false);
    host.visible = false;
    const sent = host.sent.length;
    await invoke({ name: 'Hidden' });
    await until(async () => texts((await controller.requests.snapshot()).rows).includes('Greeting Hidden'), 'the line to reach the buffer');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(host.sent.length, sent, 'nothing is sent to a hidden view');
    host.visible = true;
    controller.onReady();
    assert.equal(host.sent.at(-1)?.type, 'reset');
    assert.ok(texts(rowsSeen()).includes('Greeting Before') && texts(rowsSeen()).includes('Greeting Hidden'));

    await controller.notifications.clear!();
    assert.equal(host.sent.at(-1)?.type, 'reset');
    assert.deepEqual(rowsSeen(), []);
  });

  it('copies text to the clipboard and says how many lines', async () => {
    const { controller } = open();
    await controller.notifications.copy!({ text: 'one\ntwo' });
    assert.equal(ui.clipboard, 'one\ntwo');
    assert.equal(ui.statusBarMessages.at(-1), 'Copied 2 log lines');
    await controller.notifications.copy!({ text: 'only' });
    assert.equal(ui.statusBarMessages.at(-1), 'Copied 1 log line');
  });

  it('saves the lines to the file the person picks, and says when there is nothing to save', async () => {
    const { host, controller, rowsSeen } = open();
    await assert.rejects(async () => controller.requests.save(), /^Error: There are no log lines to save\.$/);
    await controller.notifications.start!({ filterPattern: '', streamPrefix: '' });
    await host.waitFor('state', (s) => s.mode === 'live', 'Live Tail to start');
    await invoke({ name: 'Saved' });
    await until(() => texts(rowsSeen()).includes('Greeting Saved'), 'the line');

    assert.equal(await controller.requests.save(), null, 'a cancelled dialog saves nothing');
    const file = path.join(scratch, 'greeter.log');
    ui.saveDialogAnswer = file;
    assert.deepEqual(await controller.requests.save(), { path: file });
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, (await controller.requests.snapshot()).rows.length);
    assert.ok(lines.some((l) => /^\d{4}-\d{2}-\d{2}T[\d:.]+Z\t\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]+\t.*Greeting Saved$/.test(l)), lines.join('\n'));
  });

  it('falls back to the default log group when the function cannot be read, and says so in the log', async () => {
    const { host, controller } = open('not-there');
    await controller.notifications.start!({ filterPattern: '', streamPrefix: '' });
    const waiting = await host.waitFor('state', (s) => s.mode === 'waiting', 'the wait for the log group');
    assert.equal(waiting.title, '/aws/lambda/not-there');
    assert.match(waiting.detail ?? '', /Waiting for log group \/aws\/lambda\/not-there/);
    assert.ok(workbench.log.lines.some((l) => l.level === 'warn' && /^Logs: could not read the logging configuration of not-there .*using its default log group\.$/.test(l.message)));
  });
});
