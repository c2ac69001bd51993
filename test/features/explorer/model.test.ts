import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalLambdaSource } from '../../../src/workbench/localLambda/host';
import { startLocalLambda, type LocalLambda } from '../../../src/local/server';
import { silentLogger } from '../../../src/shared/logger';
import { ExplorerModel, type ExplorerModelDeps } from '../../../src/features/explorer/model';
import { functionEvents } from '../../../src/shared/sam/events';
import { readFolderTemplates } from '../../../src/workbench/samTemplates';
import { Connections, type ConnectionsDeps, type ConnectionSettings } from '../../../src/workbench/connections';
import type { ExplorerNode, LoadMoreNode, SignedOutNode } from '../../../src/features/explorer/nodes';
import { listProfiles } from '../../../src/aws/profiles';
import { useTempAwsConfig } from '../../support/awsEnv';
import { createFunctions } from '../../support/lambdaFixtures';
import { REPO_ROOT } from '../../support/repo';
import { InProcessLocalLambda } from '../../support/localLambda';

const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** hello-node, hello-python and hello-ts. */
const EXAMPLE_FUNCTIONS = 3;

/** The tree needs only state + start from the Local Lambda; here the server runs in this process. */
type ExplorerSettings = ConnectionSettings & { pageSize: number };

/** The tree's model over its own Connections, as the extension builds it; disposing the model ends both. */
function explorerModel(
  settings: ExplorerSettings, local: ConnectionsDeps['local'], listProfiles: ConnectionsDeps['listProfiles'] = async () => [],
  templateEvents?: ExplorerModelDeps['templateEvents'],
): ExplorerModel {
  const connections = new Connections({ settings: () => settings, listProfiles, local });
  const model = new ExplorerModel({ connections, pageSize: () => settings.pageSize, log: silentLogger, templateEvents });
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    dispose();
    connections.dispose();
  };
  return model;
}

function byLabel(nodes: ExplorerNode[], label: string): ExplorerNode {
  const found = nodes.find((n) => n.label === label);
  assert.ok(found, `no node "${label}" among: ${nodes.map((n) => `${n.kind}:${n.label}`).join(', ')}`);
  return found;
}

const functionsOf = (nodes: ExplorerNode[]) => nodes.filter((n) => n.kind === 'function').map((n) => n.label);

describe('views/ExplorerModel over a real Local Lambda', function () {
  this.timeout(60_000);
  let server: LocalLambda;
  let dataDir: string;
  let local: InProcessLocalLambda;
  const models: ExplorerModel[] = [];

  function newModel(overrides: Partial<ExplorerSettings> = {}, templateEvents?: ExplorerModelDeps['templateEvents']): ExplorerModel {
    const settings: ExplorerSettings = { regions: ['us-east-1'], customEndpoints: [], localEnabled: true, pageSize: 50, ...overrides };
    const model = explorerModel(settings, local, undefined, templateEvents);
    models.push(model);
    return model;
  }

  async function regionOf(model: ExplorerModel): Promise<ExplorerNode> {
    const roots = await model.getChildren();
    const conn = byLabel(roots, 'Local Lambda');
    return byLabel(await model.getChildren(conn), 'us-east-1');
  }

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-model-'));
    server = await startLocalLambda({ dir: EXAMPLES, dataDir, port: 0 });
    const client = new LambdaClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
    await createFunctions(client, 'page-fn', 60);
    client.destroy();
    local = new InProcessLocalLambda(server);
  });

  after(async () => {
    for (const m of models) m.dispose();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the Local Lambda on first expand, showing "Starting…", then the endpoint', async () => {
    const model = newModel();
    const changes: (ExplorerNode | undefined)[] = [];
    model.onDidChange((n) => changes.push(n));
    const [conn] = await model.getChildren();
    assert.equal(conn.label, 'Local Lambda');
    assert.equal(conn.description, 'not started');
    const first = await model.getChildren(conn);
    assert.deepEqual(first.map((n) => [n.kind, n.label]), [['message', 'Starting…']]);
    await new Promise((r) => setImmediate(r));
    assert.equal(local.startCalls, 1);
    assert.ok(changes.length > 0, 'the tree is told to re-render once it runs');
    const [again] = await model.getChildren();
    assert.equal(again.description, server.endpoint);
    assert.deepEqual((await model.getChildren(again)).map((n) => n.label), ['us-east-1']);
  });

  it('with no AWS profiles, only the Local Lambda is listed', async () => {
    const roots = await newModel().getChildren();
    assert.deepEqual(roots.map((n) => n.label), ['Local Lambda']);
  });

  it('lists the example functions with runtime · memory · age', async () => {
    const model = newModel({ pageSize: 100 });
    const fns = await model.getChildren(await regionOf(model));
    const node = byLabel(fns, 'hello-node');
    assert.match(node.description ?? '', /^nodejs20\.x · 128 MB · (just now|\d+ min ago)$/);
    assert.match(byLabel(fns, 'hello-python').description ?? '', /^python3\.12 · 128 MB/);
    assert.match(node.tooltip ?? '', /index\.handler/);
  });

  it('shows versions $LATEST, 1, 2 and the live alias with its 90/10 split', async () => {
    const model = newModel({ pageSize: 100 });
    const fn = byLabel(await model.getChildren(await regionOf(model)), 'hello-node');
    const [versions, aliases] = await model.getChildren(fn);
    assert.deepEqual((await model.getChildren(versions)).map((n) => n.label), ['$LATEST', '1', '2']);
    const live = byLabel(await model.getChildren(aliases), 'live');
    assert.equal(live.description, '→ 1 (90%) · 2 (10%)');
  });

  it('Triggers: the template\'s URL and events for a template function, "No triggers" for one without, and for an alias', async () => {
    const templateEvents = async (name: string) => {
      for (const { read } of await readFolderTemplates(EXAMPLES, {}, () => undefined)) {
        const fn = read.template?.functions.find((f) => f.functionName === name);
        if (fn && read.template) return functionEvents(read.template, name);
      }
      return undefined;
    };
    const model = newModel({ pageSize: 100 }, templateEvents);
    const fns = await model.getChildren(await regionOf(model));
    const pythonChildren = await model.getChildren(byLabel(fns, 'hello-python'));
    assert.deepEqual(pythonChildren.map((n) => n.label), ['Versions', 'Aliases', 'Triggers']);
    const pythonTriggers = await model.getChildren(byLabel(pythonChildren, 'Triggers'));
    assert.deepEqual(pythonTriggers.map((n) => [n.contextValue, n.description]), [
      ['trigger-url', 'NONE · BUFFERED'],
      ['trigger-templateEvent', 'HttpApi · Hello'],
      ['trigger-schedule-off', 'Hourly · off'],
    ]);
    assert.deepEqual(pythonTriggers.slice(1).map((n) => n.label), ['GET /hello', 'rate(1 hour)']);
    assert.deepEqual([pythonTriggers[0].kind, pythonTriggers[0].label.startsWith('http://127.0.0.1:')], ['trigger', true]);
    const node = byLabel(fns, 'hello-node');
    const triggers = byLabel(await model.getChildren(node), 'Triggers');
    assert.deepEqual((await model.getChildren(triggers)).map((n) => [n.kind, n.label]), [['trigger', 'No triggers']]);
    const live = byLabel(await model.getChildren(byLabel(await model.getChildren(node), 'Aliases')), 'live');
    assert.equal(live.collapsible, true);
    const [aliasTriggers] = await model.getChildren(live);
    assert.equal(aliasTriggers.label, 'Triggers');
    assert.deepEqual(aliasTriggers.functionTarget?.qualifier, 'live');
    assert.deepEqual((await model.getChildren(aliasTriggers)).map((n) => n.label), ['No triggers']);
  });

  it('pages: pageSize functions, then "Load more" brings the rest', async () => {
    const model = newModel({ pageSize: 50 });
    const region = await regionOf(model);
    const page1 = await model.getChildren(region);
    assert.equal(functionsOf(page1).length, 50);
    const more = page1[page1.length - 1];
    assert.equal(more.kind, 'loadMore');
    await model.loadMore(more as LoadMoreNode);
    const all = await model.getChildren(region);
    const expected = 60 + EXAMPLE_FUNCTIONS;
    assert.equal(functionsOf(all).length, expected);
    assert.equal(new Set(functionsOf(all)).size, expected, 'no function listed twice');
    assert.ok(!all.some((n) => n.kind === 'loadMore'));
  });

  it('page sizes above Lambda\'s 50-per-call cap still fill a page', async () => {
    const model = newModel({ pageSize: 55 });
    const page1 = await model.getChildren(await regionOf(model));
    assert.equal(functionsOf(page1).length, 55);
    assert.equal(page1[page1.length - 1].kind, 'loadMore');
  });

  it('a filter finds functions that were never loaded, and shows itself in descriptions', async () => {
    const model = newModel({ pageSize: 5 });
    const region = await regionOf(model);
    const unfiltered = functionsOf(await model.getChildren(region));
    assert.equal(unfiltered.length, 5);
    assert.ok(!unfiltered.includes('page-fn-059'));

    model.setFilter('local', 'FN-059');
    const [conn] = await model.getChildren();
    assert.match(conn.description ?? '', /filter: "FN-059"/);
    const regionAgain = byLabel(await model.getChildren(conn), 'us-east-1');
    assert.equal(regionAgain.description, 'filter: "FN-059"');
    const filtered = await model.getChildren(regionAgain);
    assert.deepEqual(functionsOf(filtered), ['page-fn-059']);

    model.setFilter('local', 'page-fn-05');
    const tens = await model.getChildren(regionAgain);
    assert.equal(functionsOf(tens).length, 5);
    await model.loadMore(tens.find((n) => n.kind === 'loadMore') as LoadMoreNode);
    assert.deepEqual(functionsOf(await model.getChildren(regionAgain)).sort(), Array.from({ length: 10 }, (_, i) => `page-fn-05${i}`));

    model.setFilter('local', 'no-such-function');
    assert.deepEqual((await model.getChildren(regionAgain)).map((n) => n.label), ['No functions match "no-such-function"']);
    model.setFilter('local', '');
    assert.equal(functionsOf(await model.getChildren(regionAgain)).length, 5);
  });

  it('Triggers on an endpoint that refuses some reads: each refusal is its own row, naming the IAM action when not allowed', async () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:guarded';
    const policy = JSON.stringify({ Statement: [{ Sid: 'api', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: arn,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/*/GET/orders' } } }] });
    const answers: Record<string, [number, unknown, string?]> = {
      '/2015-03-31/functions': [200, { Functions: [{ FunctionName: 'guarded', FunctionArn: arn, Runtime: 'nodejs20.x' }] }],
      '/2021-10-31/functions/guarded/url': [200, { FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', FunctionArn: arn, AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED', CreationTime: '2026-01-01T00:00:00Z', LastModifiedTime: '2026-01-01T00:00:00Z' }],
      '/2019-09-25/functions/guarded/event-invoke-config': [403, { message: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetFunctionEventInvokeConfig' }, 'AccessDeniedException'],
      '/2015-03-31/event-source-mappings': [400, { message: 'The mappings are out of order today' }, 'InvalidParameterValueException'],
      '/2015-03-31/functions/guarded/policy': [200, { Policy: policy, RevisionId: 'r1' }],
    };
    // An AWS-like endpoint: the parts of Lambda's REST API the tree reads, some of them refused.
    const endpoint = http.createServer((req, res) => {
      const [status, body, type] = answers[new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '')] ?? [404, { message: 'no such route' }, 'ResourceNotFoundException'];
      res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const port = (endpoint.address() as { port: number }).port;
      const model = newModel({ customEndpoints: [{ name: 'Guarded', endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-1' }] });
      const conn = byLabel(await model.getChildren(), 'Guarded');
      const region = byLabel(await model.getChildren(conn), 'eu-west-1');
      const fn = byLabel(await model.getChildren(region), 'guarded');
      const triggers = byLabel(await model.getChildren(fn), 'Triggers');
      const rows = (await model.getChildren(triggers)).map((n) => [n.contextValue, n.label, n.description]);
      assert.deepEqual(rows.slice(0, 2), [
        ['trigger-url', 'https://abc.lambda-url.eu-west-1.on.aws/', 'AWS_IAM · BUFFERED'],
        ['trigger-permission', 'apigateway.amazonaws.com', 'a1b2c3/*/GET/orders'],
      ]);
      assert.deepEqual(rows.slice(2).map((r) => r.slice(0, 2)), [
        ['trigger-needsPermission', 'Asynchronous invocation: needs lambda:GetFunctionEventInvokeConfig'],
        ['trigger-failed', 'Event source mappings: could not be read'],
      ]);
      assert.match(String(rows[3][2]), /out of order today/);
    } finally {
      endpoint.close();
    }
  });

  it('reads a function\'s versions, aliases and triggers once while its rows are drawn again, and again after a refresh or a change', async () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:kept';
    const reads = new Map<string, number>();
    let versionsFail = true;
    const endpoint = http.createServer((req, res) => {
      const route = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '');
      reads.set(route, (reads.get(route) ?? 0) + 1);
      const json = (status: number, body: unknown, type?: string) =>
        res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) }).end(JSON.stringify(body));
      if (route === '/2015-03-31/functions') return json(200, { Functions: [{ FunctionName: 'kept', FunctionArn: arn, Runtime: 'nodejs20.x' }] });
      if (route === '/2015-03-31/functions/kept/versions') {
        if (versionsFail) return json(500, { message: 'not today' }, 'ServiceException');
        return json(200, { Versions: [{ FunctionName: 'kept', FunctionArn: `${arn}:$LATEST`, Version: '$LATEST' }] });
      }
      if (route === '/2015-03-31/functions/kept/aliases') return json(200, { Aliases: [] });
      return json(404, { message: 'none' }, 'ResourceNotFoundException');
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const port = (endpoint.address() as { port: number }).port;
      const model = newModel({ customEndpoints: [{ name: 'Kept', endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-1' }] });
      const region = byLabel(await model.getChildren(byLabel(await model.getChildren(), 'Kept')), 'eu-west-1');
      const fn = byLabel(await model.getChildren(region), 'kept');
      const children = await model.getChildren(fn);
      const [versions, aliases, triggers] = children;
      await model.getChildren(aliases);
      await model.getChildren(triggers);
      const urlReads = () => reads.get('/2021-10-31/functions/kept/url') ?? 0;
      assert.equal(urlReads(), 1);
      // Drawn again (as VS Code does when the row's health line arrives): the same rows, nothing read.
      const again = await model.getChildren(fn);
      assert.deepEqual(again, children);
      assert.ok(again.every((n, i) => n === children[i]), 'the same node objects, so VS Code keeps the rows');
      await model.getChildren(aliases);
      await model.getChildren(triggers);
      assert.equal(urlReads(), 1);
      assert.equal(reads.get('/2015-03-31/functions/kept/aliases'), 1);
      // A failed read is not kept: the next draw tries again.
      assert.equal((await model.getChildren(versions))[0].kind, 'error');
      const failedReads = reads.get('/2015-03-31/functions/kept/versions') ?? 0;
      versionsFail = false;
      assert.deepEqual((await model.getChildren(versions)).map((n) => n.label), ['$LATEST']);
      assert.equal(reads.get('/2015-03-31/functions/kept/versions'), failedReads + 1);
      await model.getChildren(versions);
      assert.equal(reads.get('/2015-03-31/functions/kept/versions'), failedReads + 1, 'the answer is kept once there is one');
      // Refresh on the Triggers row reads the triggers again, and only them.
      model.refresh(triggers);
      await model.getChildren(triggers);
      assert.equal(urlReads(), 2);
      assert.equal(reads.get('/2015-03-31/functions/kept/aliases'), 1);
      // A change to the function (publish, alias, configuration) reads everything below it again.
      model.refreshFunction('custom:Kept', 'eu-west-1', 'kept');
      await model.getChildren(aliases);
      await model.getChildren(triggers);
      assert.equal(reads.get('/2015-03-31/functions/kept/aliases'), 2);
      assert.equal(urlReads(), 3);
    } finally {
      endpoint.close();
    }
  });

  it('an unreachable custom endpoint shows an error node, not an empty tree', async () => {
    const model = newModel({ customEndpoints: [{ name: 'Nowhere', endpoint: 'http://127.0.0.1:9', region: 'eu-west-1' }, { name: 'Broken', endpoint: 'not a url' }] });
    const roots = await model.getChildren();
    const broken = roots.find((n) => n.kind === 'error');
    assert.match(broken?.label ?? '', /"not a url" is not a URL/);
    const region = byLabel(await model.getChildren(byLabel(roots, 'Nowhere')), 'eu-west-1');
    const children = await model.getChildren(region);
    assert.equal(children.length, 1);
    assert.equal(children[0].kind, 'error');
    assert.match(children[0].label, /^Cannot reach http:\/\/127\.0\.0\.1:9: /);
  });
});

describe('views/ExplorerModel with AWS profiles', function () {
  this.timeout(20_000);
  let env: ReturnType<typeof useTempAwsConfig> | undefined;
  afterEach(() => env?.restore());

  const stoppedLocal: LocalLambdaSource = {
    state: 'stopped',
    info: undefined,
    error: undefined,
    onDidChangeState: () => ({ dispose() {} }),
    ensureStarted: () => Promise.reject(new Error('not used')),
    resetFailure() {},
  };

  it('lists one connection per profile and shows a signed-out SSO profile with its fix', async () => {
    env = useTempAwsConfig({
      config: [
        '[profile dev]', 'sso_session = corp', 'sso_account_id = 111111111111', 'sso_role_name = Dev', '',
        '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', '',
        '[profile ops]', 'region = eu-west-1', '',
      ].join('\n'),
    });
    const settings: ExplorerSettings = { regions: ['us-east-1', 'eu-west-1'], customEndpoints: [], localEnabled: false, pageSize: 50 };
    const model = explorerModel(settings, stoppedLocal, listProfiles);
    try {
      const roots = await model.getChildren();
      assert.deepEqual(roots.map((n) => [n.label, n.description]), [['dev', 'SSO'], ['ops', undefined]]);
      const [signedOut] = await model.getChildren(roots[0]);
      assert.equal(signedOut.kind, 'signedOut');
      assert.equal((signedOut as SignedOutNode).fixCommand, 'aws sso login --profile dev');
      assert.equal(signedOut.description, 'Credentials for profile dev have expired or are missing. Run `aws sso login --profile dev`');
    } finally {
      model.dispose();
    }
  });
});

/** A Local Lambda that is not running, counting the attempts to start it. */
function heldLocal(state: Partial<LocalLambdaSource>): { source: LocalLambdaSource; starts: () => number } {
  let starts = 0;
  const source: LocalLambdaSource = {
    state: 'stopped', info: undefined, error: undefined,
    onDidChangeState: () => ({ dispose() {} }),
    ensureStarted: () => {
      starts++;
      return Promise.reject(new Error('must not start'));
    },
    resetFailure() {},
    ...state,
  };
  return { source, starts: () => starts };
}

describe('views/ExplorerModel when the Local Lambda must not start', () => {
  const settings: ExplorerSettings = { regions: ['us-east-1'], customEndpoints: [], localEnabled: true, pageSize: 50 };

  it('in Restricted Mode: shows it as restricted with a row that opens Workspace Trust, and never starts it', async () => {
    const local = heldLocal({ state: 'restricted', error: 'Restricted Mode: trust this folder to run its functions' });
    const model = explorerModel(settings, local.source, async () => []);
    try {
      const [node] = await model.getChildren();
      assert.equal(node.description, 'Restricted Mode');
      assert.match(String(node.tooltip), /trust this folder to run its functions/);
      const children = await model.getChildren(node);
      assert.deepEqual(children.map((c) => [c.kind, c.label, c.command?.command]), [['restricted', 'Trust this folder to run its functions', 'workbench.trust.manage']]);
      assert.equal(local.starts(), 0, 'expanding the node does not try to start the Local Lambda');
    } finally {
      model.dispose();
    }
  });

  it('stopped by the person: shows it as stopped with a row that starts it, and expanding it does not start it', async () => {
    const local = heldLocal({ stoppedByUser: true });
    const model = explorerModel(settings, local.source, async () => []);
    try {
      const [node] = await model.getChildren();
      assert.equal(node.description, 'stopped');
      const children = await model.getChildren(node);
      assert.deepEqual(children.map((c) => [c.kind, c.command?.command]), [['message', 'lambdaWorkbench.local.start']]);
      assert.equal(local.starts(), 0);
    } finally {
      model.dispose();
    }
  });
});
