import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { WorkbenchApi } from '../../src/testApi';
import type { FunctionTarget } from '../../src/shared/target';
import type { LogsSnapshot } from '../../src/features/logs/protocol';
import type { LogRow } from '../../src/features/logs/protocol';
import { startLocalLambda, type LocalLambda } from '../../src/local/server';
import { activateOnce } from './support/activation';

const HELLO: FunctionTarget = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: 'hello-node' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Logs: live tail in the function panel (Local Lambda)', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let lambda: LambdaClient;

  const snapshot = async (target = HELLO) => (await api.functionPanel.request(target, 'logs', 'snapshot')) as LogsSnapshot;
  const setFilter = (filterPattern: string, streamPrefix = '', target = HELLO) =>
    api.functionPanel.request(target, 'logs', 'setFilter', { filterPattern, streamPrefix });

  /** Polls the tab's buffer every 10 ms until `check` holds; returns the snapshot and when it held. */
  async function waitFor(check: (s: LogsSnapshot) => boolean, ms: number, what: string, target = HELLO): Promise<{ s: LogsSnapshot; at: number }> {
    const end = Date.now() + ms;
    let s = await snapshot(target);
    while (!check(s)) {
      if (Date.now() > end) assert.fail(`${what} did not happen within ${ms} ms; mode ${s.state.mode} (${s.state.detail ?? ''}), ${s.rows.length} rows: ${s.rows.slice(-6).map((r) => r.text).join(' | ')}`);
      await sleep(10);
      s = await snapshot(target);
    }
    return { s, at: Date.now() };
  }

  async function invoke(name: string): Promise<{ requestId: string; at: number }> {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: JSON.stringify({ name }) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    return { requestId: out.$metadata.requestId ?? '', at: Date.now() };
  }

  const greeting = (rows: LogRow[], name: string) => rows.filter((r) => r.text === `Greeting ${name}`);

  before(async () => {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    lambda = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    await invoke('warm-up'); // the log group exists from the first invocation on
    await api.functionPanel.open(HELLO, 'logs');
    await setFilter('');
    await waitFor((s) => s.state.mode === 'live', 15_000, 'Live Tail start');
  });

  after(async () => {
    lambda?.destroy();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows an invocation within 1 s, its START/END/REPORT grouped by request id with the REPORT figures', async () => {
    const name = `tail-${Date.now().toString(36)}`;
    const { at } = await invoke(name);
    const { s, at: seenAt } = await waitFor((x) => greeting(x.rows, name).length === 1 && x.rows.some((r) => r.platform === 'report' && r.requestId === greeting(x.rows, name)[0].requestId), 5000, 'the invocation in the tail');
    assert.ok(seenAt - at < 1000, `appeared ${seenAt - at} ms after the invocation returned`);
    const line = greeting(s.rows, name)[0];
    assert.equal(line.level, 'INFO');
    assert.ok(line.requestId, 'the app line carries its request id');
    const request = s.rows.filter((r) => r.requestId === line.requestId);
    assert.deepEqual(request.map((r) => r.platform ?? 'app'), ['start', 'app', 'end', 'report']);
    const report = request[3].report!;
    assert.equal(report.memorySizeMb, 128);
    assert.ok(report.durationMs > 0 && report.billedDurationMs >= Math.ceil(report.durationMs));
    assert.equal(s.state.mode, 'live');
  });

  it('applies a filter pattern: only matching lines are tailed', async () => {
    const stamp = Date.now().toString(36);
    try {
      await setFilter(`keep${stamp}`);
      await waitFor((s) => s.state.mode === 'live' && s.state.filterPattern === `keep${stamp}`, 10_000, 'live with the filter');
      await invoke(`skip${stamp}`);
      await invoke(`keep${stamp}`);
      await waitFor((x) => greeting(x.rows, `keep${stamp}`).length === 1, 5000, 'the matching line');
      await sleep(400);
      const after = await snapshot();
      assert.deepEqual(after.rows.map((r) => r.text), [`Greeting keep${stamp}`], 'nothing else (no START/REPORT, no other line)');
    } finally {
      await setFilter('');
    }
    const { s } = await waitFor((x) => x.state.mode === 'live' && x.state.filterPattern === '', 10_000, 'live without filter');
    assert.ok(greeting(s.rows, `skip${stamp}`).length === 1, 'without the filter, the lines since the tail began are read again');
  });

  it('reconnects after the live stream is dropped, with no duplicate and no gap', async () => {
    const stamp = Date.now().toString(36);
    const before = (await snapshot()).sessions;
    await invoke(`before${stamp}`);
    await waitFor((s) => greeting(s.rows, `before${stamp}`).length === 1, 5000, 'the first line');

    await api.functionPanel.request(HELLO, 'logs', 'dropConnection');
    await invoke(`during${stamp}`);
    const whileDown = await snapshot();
    assert.equal(whileDown.state.mode, 'reconnecting', 'the second invocation ran while the tail was disconnected');

    await waitFor((s) => s.state.mode === 'live' && s.sessions > before, 10_000, 'a new Live Tail session');
    await invoke(`after${stamp}`);
    const { s } = await waitFor((x) => greeting(x.rows, `after${stamp}`).length === 1 && greeting(x.rows, `during${stamp}`).length >= 1, 5000, 'every line');
    await sleep(300);
    const final = await snapshot();
    for (const name of [`before${stamp}`, `during${stamp}`, `after${stamp}`]) {
      const lines = greeting(final.rows, name);
      assert.equal(lines.length, 1, `${name} shown once`);
      const request = final.rows.filter((r) => r.requestId === lines[0].requestId);
      assert.deepEqual(request.map((r) => r.platform ?? 'app'), ['start', 'app', 'end', 'report'], `${name}: its whole request, once`);
    }
    const keys = final.rows.map((r) => `${r.t}|${r.stream}|${r.raw ?? r.text}`);
    assert.equal(new Set(keys).size, keys.length, 'no row appears twice');
    assert.ok(s.rows.length > 0);
  });

  it('opens the Logs tab from the tree command "Tail Logs" and tails a log group from "Tail Log Group…"', async () => {
    await vscode.commands.executeCommand('lambdaWorkbench.tailLogs', HELLO);
    assert.equal((await snapshot()).state.mode, 'live', 'the same panel and tail');
    const target = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', logGroup: '/aws/lambda/hello-node' };
    const opened = await vscode.commands.executeCommand('lambdaWorkbench.tailLogGroup', target);
    assert.deepEqual(opened, target);
    let labels: string[] = [];
    for (let i = 0; i < 100 && !labels.includes('/aws/lambda/hello-node'); i++) {
      await sleep(50);
      labels = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    }
    assert.ok(labels.includes('/aws/lambda/hello-node'), labels.join(', '));
  });
});

describe('Logs: polling fallback when Live Tail is refused', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let refusing: LocalLambda;
  let logs: CloudWatchLogsClient;
  const dirs: string[] = [];
  const target: FunctionTarget = { connectionId: 'custom:No Live Tail', connectionLabel: 'No Live Tail', connectionKind: 'custom', region: 'us-east-1', functionName: 'refused-fn' };
  const group = '/aws/lambda/refused-fn';

  before(async () => {
    ({ api } = await activateOnce());
    process.env.LOCAL_LAMBDA_LIVETAIL = 'off';
    for (const prefix of ['lw-refuse-', 'lw-refuse-data-']) dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    // Custom endpoints without a profile sign with the placeholder credentials test/test.
    refusing = await startLocalLambda({ dir: dirs[0], dataDir: dirs[1], port: 0, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    logs = new CloudWatchLogsClient({ endpoint: refusing.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('customEndpoints', [{ name: 'No Live Tail', endpoint: refusing.endpoint, region: 'us-east-1' }], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    delete process.env.LOCAL_LAMBDA_LIVETAIL;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('customEndpoints', undefined, vscode.ConfigurationTarget.Global);
    logs?.destroy();
    await refusing?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('waits for the group, then polls FilterLogEvents, says so, and shows each event once', async () => {
    await api.functionPanel.open(target, 'logs');
    await api.functionPanel.request(target, 'logs', 'setFilter', { filterPattern: '', streamPrefix: '' });
    const snap = async () => (await api.functionPanel.request(target, 'logs', 'snapshot')) as LogsSnapshot;
    const until = async (check: (s: LogsSnapshot) => boolean, what: string) => {
      for (let i = 0; i < 500; i++) {
        const s = await snap();
        if (check(s)) return s;
        await sleep(20);
      }
      const s = await snap();
      assert.fail(`${what}: mode ${s.state.mode} (${s.state.detail ?? ''}), rows ${s.rows.map((r) => r.text).join(' | ')}`);
    };
    await until((s) => s.state.mode === 'waiting', 'waiting for the group');

    // The first write creates the group (as a function's first invocation does).
    const stream = '2026/01/01/[$LATEST]0123456789abcdef';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: Date.now(), message: 'first line\n' }] }));
    const polling = await until((s) => s.state.mode === 'polling' && s.rows.length === 1, 'polling with the first line');
    assert.match(polling.state.detail ?? '', /^Polling every 2 s — this endpoint's Live Tail is not available\. .*AccessDeniedException/s);

    await logs.send(new PutLogEventsCommand({
      logGroupName: group, logStreamName: stream,
      logEvents: [{ timestamp: Date.now(), message: '{"level":"ERROR","message":"structured","orderId":42}' }],
    }));
    const s = await until((x) => x.rows.length === 2, 'the second line');
    await sleep(2500); // a few more polls overlap the same time range
    const final = await snap();
    assert.deepEqual(final.rows.map((r) => r.text), ['first line', 'structured']);
    assert.equal(final.rows[1].level, 'ERROR');
    assert.deepEqual(final.rows[1].fields, [['orderId', '42']]);
    assert.equal(s.state.mode, 'polling');
  });
});
