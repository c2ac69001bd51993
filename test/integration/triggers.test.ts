import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import {
  CreateAliasCommand, CreateFunctionCommand, PutFunctionEventInvokeConfigCommand, CreateFunctionUrlConfigCommand, DeleteFunctionCommand, LambdaClient, UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import type { FunctionUrlView, UrlRequestParams, UrlResponseView } from '../../src/features/invoke/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import type { WorkbenchApi } from '../../src/testApi';
import type { ExplorerNode } from '../../src/features/explorer/nodes';
import { createFunctions } from '../support/lambdaFixtures';
import { activateOnce } from './support/activation';

function find(nodes: ExplorerNode[], label: string): ExplorerNode {
  const node = nodes.find((n) => n.label === label);
  assert.ok(node, `no "${label}" among: ${nodes.map((n) => `${n.kind}:${n.label}`).join(', ')}`);
  return node;
}
const rows = (nodes: ExplorerNode[]) => nodes.map((n) => [n.contextValue, n.label, n.description]);

/** The Local Lambda answers a route it does not have yet as "does not implement". */
function notImplemented(error: unknown): boolean {
  return /does not implement/.test((error as Error).message ?? '');
}

/** Runs a command line in bash with the given variables; resolves with what it printed. */
function runShell(line: string, env: Record<string, string>): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${line} --silent --show-error --max-time 20 --write-out '\\n%{http_code}'`], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout) => {
      resolve({ stdout: String(stdout), code: typeof error?.code === 'number' ? error.code : 0 });
    });
  });
}

describe('Triggers in the tree (examples/ workspace)', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  let credentials: { accessKeyId: string; secretAccessKey: string };
  const prefix = `triggers-${Date.now().toString(36)}`;
  let created: string[] = [];

  before(async () => {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    credentials = local.credentials;
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  });

  after(async () => {
    for (const name of created) await client.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    client?.destroy();
    await api?.explorer.setFilter('local', undefined);
  });

  /** The Triggers node of a Local Lambda function, found through a name filter (the region may hold many functions). */
  async function triggersOf(functionName: string): Promise<ExplorerNode> {
    await api.explorer.setFilter('local', functionName);
    const local = find(await api.explorer.getChildren(), 'Local Lambda');
    const region = find(await api.explorer.getChildren(local), 'us-east-1');
    const fn = find(await api.explorer.getChildren(region), functionName);
    const triggers = find(await api.explorer.getChildren(fn), 'Triggers');
    assert.equal(api.explorer.getTreeItem(triggers).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'Triggers loads when expanded');
    return triggers;
  }

  it('shows the template\'s URL and events for hello-python and "No triggers" for hello-node', async () => {
    const python = rows(await api.explorer.getChildren(await triggersOf('hello-python')));
    assert.equal(python[0][0], 'trigger-url', JSON.stringify(python));
    assert.match(String(python[0][1]), /^http:\/\/127\.0\.0\.1:\d+\/[a-z0-9]{32}\/$/);
    assert.equal(python[0][2], 'NONE · BUFFERED');
    assert.deepEqual(python.slice(1), [
      ['trigger-templateEvent', 'GET /hello', 'HttpApi · Hello'],
      ['trigger-schedule-off', 'rate(1 hour)', 'Hourly · off'],
    ]);
    assert.deepEqual(rows(await api.explorer.getChildren(await triggersOf('hello-node'))), [['trigger-none', 'No triggers', undefined]]);
  });

  it('starts, fires and stops a template schedule on the Local Lambda from its row', async () => {
    const scheduleRow = async () => find(await api.explorer.getChildren(await triggersOf('hello-python')), 'rate(1 hour)');
    const off = await scheduleRow();
    assert.equal(off.contextValue, 'trigger-schedule-off', 'a schedule does not fire until turned on');
    await vscode.commands.executeCommand('lambdaWorkbench.startSchedule', off);
    const on = await scheduleRow();
    assert.equal(on.contextValue, 'trigger-schedule-on');
    assert.match(String(on.description), /^Hourly · firing · next \d\d:\d\d:\d\d$/);

    const before = Date.now();
    await vscode.commands.executeCommand('lambdaWorkbench.fireScheduleNow', on);
    const fired = await scheduleRow();
    const tooltip = String((api.explorer.getTreeItem(fired).tooltip as vscode.MarkdownString | undefined)?.value ?? fired.tooltip ?? '');
    assert.match(tooltip, /Last sent .*\(Fire Now\), request/);
    // The event reached the function: its run is in the function's log.
    const { CloudWatchLogsClient, FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const local = await api.localEndpoint();
    const logs = new CloudWatchLogsClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    try {
      let seen = false;
      for (let i = 0; i < 150 && !seen; i++) {
        // The log group appears with the function's first run.
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/hello-python', startTime: before - 1000 }))
          .catch((error: Error) => (error.name === 'ResourceNotFoundException' ? { events: [] } : Promise.reject(error)));
        seen = (out.events ?? []).some((e) => /^REPORT RequestId:/.test(e.message ?? ''));
        if (!seen) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(seen, 'hello-python ran for the fired event');
    } finally {
      logs.destroy();
    }

    await vscode.commands.executeCommand('lambdaWorkbench.stopSchedule', fired);
    assert.equal((await scheduleRow()).contextValue, 'trigger-schedule-off');
  });

  it('shows a URL made with CreateFunctionUrlConfig; Copy curl Command copies a line that calls it', async function () {
    created = await createFunctions(client, prefix, 1);
    const name = created[0];
    let url: string;
    try {
      url = (await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE', Cors: { AllowOrigins: ['https://example.com'] } }))).FunctionUrl!;
    } catch (error) {
      if (notImplemented(error)) this.skip();
      throw error;
    }
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/[a-z0-9]{32}\/$/);

    const children = await api.explorer.getChildren(await triggersOf(name));
    const row = find(children, url);
    assert.equal(row.contextValue, 'trigger-url');
    assert.equal(row.description, 'NONE · BUFFERED');
    assert.match(row.tooltip ?? '', /Origins: `https:\/\/example\.com`/);

    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('lambdaWorkbench.copyCurlCommand', row);
    const line = await vscode.env.clipboard.readText();
    assert.equal(line, `curl '${url}'`);
    const answer = await runShell(line, {});
    assert.equal(answer.code, 0, answer.stdout);
    assert.match(answer.stdout, /\n200$/, answer.stdout);

    await vscode.commands.executeCommand('lambdaWorkbench.copyFunctionUrl', row);
    assert.equal(await vscode.env.clipboard.readText(), url);
  });

  it('an AWS_IAM URL gets a curl line signed with SigV4 from the environment\'s credentials', async function () {
    const name = created[0];
    if (!name) this.skip();
    let url: string;
    try {
      url = (await client.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'AWS_IAM' }))).FunctionUrl!;
    } catch (error) {
      if (notImplemented(error)) this.skip();
      throw error;
    }
    const triggers = await triggersOf(name);
    await api.explorer.refresh(triggers);
    const row = find(await api.explorer.getChildren(triggers), url);
    assert.equal(row.description, 'AWS_IAM · BUFFERED');

    await vscode.commands.executeCommand('lambdaWorkbench.copyCurlCommand', row);
    const line = await vscode.env.clipboard.readText();
    assert.equal(line, `curl --aws-sigv4 "aws:amz:us-east-1:lambda" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" '${url}'`);
    assert.ok(!line.includes(credentials.secretAccessKey), 'no secret is pasted into the line');

    const signed = await runShell(line, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
    assert.match(signed.stdout, /\n200$/, signed.stdout);
    const unsigned = await runShell(`curl '${url}'`, {});
    assert.match(unsigned.stdout, /\n403$/, unsigned.stdout);
  });

  it('shows the asynchronous invocation settings with their destinations by name', async function () {
    const name = created[0];
    if (!name) this.skip();
    try {
      await client.send(new PutFunctionEventInvokeConfigCommand({
        FunctionName: name, MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:123456789012:function:hello-node' } },
      }));
    } catch (error) {
      if (notImplemented(error)) this.skip();
      throw error;
    }
    const triggers = await triggersOf(name);
    await api.explorer.refresh(triggers);
    const row = find(await api.explorer.getChildren(triggers), 'Async invocation');
    assert.equal(row.description, '1 retry · max age 1 h · failure → hello-node');
  });

  it('an alias\'s own URL shows under the alias\'s Triggers, not the function\'s', async function () {
    const name = created[0];
    if (!name) this.skip();
    await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '$LATEST' }));
    let aliasUrl: string;
    try {
      aliasUrl = (await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'live', AuthType: 'NONE' }))).FunctionUrl!;
    } catch (error) {
      if (notImplemented(error)) this.skip();
      throw error;
    }
    const triggers = await triggersOf(name);
    await api.explorer.refresh(triggers);
    const own = (await api.explorer.getChildren(triggers)).filter((n) => n.contextValue === 'trigger-url').map((n) => n.label);
    assert.ok(!own.includes(aliasUrl), `the function's Triggers show ${own.join(', ')}`);
    const fn = triggers.parent!;
    const aliases = find(await api.explorer.getChildren(fn), 'Aliases');
    const live = find(await api.explorer.getChildren(aliases), 'live');
    const [aliasTriggers] = await api.explorer.getChildren(live);
    const row = find(await api.explorer.getChildren(aliasTriggers), aliasUrl);
    assert.equal(row.description, 'NONE · BUFFERED');
  });
});

/** Answers with what it was sent, as a function URL's handler does (payload format 2.0). */
const ECHO_SOURCE = `
export const handler = async (event) => ({
  statusCode: 201,
  headers: { 'content-type': 'application/json', 'x-echo': 'yes' },
  body: JSON.stringify({
    method: event.requestContext.http.method, path: event.rawPath, query: event.rawQueryString,
    header: event.headers['x-test'], body: event.body, base64: event.isBase64Encoded,
  }),
});
`;

describe('Invoke tab: Request mode against a function URL (Local Lambda)', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  const name = `url-echo-${Date.now().toString(36)}`;
  const target: FunctionTarget = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: name };
  let url: string | undefined;
  const request = (type: string, payload: unknown) => api.functionPanel.request(target, 'invoke', type, payload);
  const params = (overrides: Partial<UrlRequestParams> = {}): UrlRequestParams =>
    ({ qualifier: '$LATEST', method: 'POST', path: '/items/a b', query: 'x=1&y=two', headers: [{ name: 'X-Test', value: 'from the form' }], body: '{"order":7}', ...overrides });

  before(async function () {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(ECHO_SOURCE) }) },
    }));
    try {
      url = (await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'AWS_IAM' }))).FunctionUrl;
    } catch (error) {
      if (!notImplemented(error)) throw error;
    }
    await api.functionPanel.open(target, 'invoke');
  });

  after(async () => {
    await client?.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    client?.destroy();
  });

  it('tells the tab the qualifier\'s URL, and that a function without one has none', async function () {
    if (!url) this.skip();
    assert.deepEqual(await request('functionUrl', { qualifier: '$LATEST' }) as FunctionUrlView, { url, authType: 'AWS_IAM', invokeMode: 'BUFFERED' });
    const loaded = await request('load', undefined) as { functionUrls?: Record<string, FunctionUrlView> };
    assert.deepEqual(loaded.functionUrls, { $LATEST: { url, authType: 'AWS_IAM', invokeMode: 'BUFFERED' } }, 'the load lists every URL, so the tab knows at once');
    const hello: FunctionTarget = { ...target, functionName: 'hello-node' };
    await api.functionPanel.open(hello, 'invoke');
    assert.equal(await api.functionPanel.request(hello, 'invoke', 'functionUrl', { qualifier: '' }), null);
  });

  it('sends a signed request with method, path, query, headers and body, and shows status, headers, JSON body and timing', async function () {
    if (!url) this.skip();
    const view = await request('sendRequest', params()) as UrlResponseView;
    assert.equal(view.status, 201, view.body);
    assert.equal(view.signed, true);
    assert.equal(view.url, `${url}items/a%20b?x=1&y=two`);
    assert.ok(view.headers.some((h) => h.name.toLowerCase() === 'x-echo' && h.value === 'yes'), JSON.stringify(view.headers));
    assert.equal(view.bodyIsJson, true);
    const echoed = JSON.parse(view.body) as Record<string, unknown>;
    assert.deepEqual({ ...echoed, path: undefined }, { method: 'POST', query: 'x=1&y=two', header: 'from the form', body: '{"order":7}', base64: false, path: undefined });
    assert.match(String(echoed.path), /\/items\/a(%20| )b$/);
    assert.match(view.body, /\n {2}"method": "POST"/, 'pretty-printed');
    assert.ok(view.durationMs >= 0);
  });

  it('refuses what it cannot send, before sending', async function () {
    if (!url) this.skip();
    await assert.rejects(request('sendRequest', params({ method: 'GET' })), /carries no body/);
    await assert.rejects(request('sendRequest', params({ headers: [{ name: 'Authorization', value: 'x' }] })), /set by SigV4 signing/);
    await assert.rejects(request('sendRequest', { ...params(), method: 'TRACE' }), /method/);
    await assert.rejects(request('sendRequest', { ...params(), headers: 'X-A: 1' }), /headers/);
  });

  it('sends a request to the template\'s API route of a Local Lambda function, where it has one', async () => {
    const python: FunctionTarget = { ...target, functionName: 'hello-python' };
    await api.functionPanel.open(python, 'invoke');
    const loaded = await api.functionPanel.request(python, 'invoke', 'load', undefined) as { apiRoutes?: FunctionUrlView };
    assert.equal(loaded.apiRoutes?.kind, 'api');
    assert.deepEqual(loaded.apiRoutes?.routes, ['GET /hello']);
    assert.match(loaded.apiRoutes?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const view = await api.functionPanel.request(python, 'invoke', 'sendRequest', {
      qualifier: '$LATEST', target: 'api', method: 'GET', path: '/hello', query: 'name=Ada', headers: [], body: '',
    }) as UrlResponseView;
    assert.equal(view.status, 200, view.body);
    assert.equal(view.signed, false);
    assert.equal(view.url, `${loaded.apiRoutes?.url}hello?name=Ada`);
    const hello: FunctionTarget = { ...target, functionName: 'hello-node' };
    await api.functionPanel.open(hello, 'invoke');
    assert.equal((await api.functionPanel.request(hello, 'invoke', 'load', undefined) as { apiRoutes?: unknown }).apiRoutes, undefined, 'a function without routes has none');
  });
});
