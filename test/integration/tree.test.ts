import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DeleteFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { WorkbenchApi } from '../../src/testApi';
import type { ExplorerNode, LoadMoreNode } from '../../src/features/explorer/nodes';
import { createFunctions } from '../support/lambdaFixtures';
import { activateOnce } from './support/activation';
import { until } from './support/until';


function find(nodes: ExplorerNode[], label: string): ExplorerNode {
  const node = nodes.find((n) => n.label === label);
  assert.ok(node, `no "${label}" among: ${nodes.map((n) => `${n.kind}:${n.label}`).join(', ')}`);
  return node;
}
const functionNames = (nodes: ExplorerNode[]) => nodes.filter((n) => n.kind === 'function').map((n) => n.label);

describe('Lambda tree in VS Code (examples/ workspace)', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  const prefix = `paging-${Date.now().toString(36)}`;
  let created: string[] = [];
  let sdkChunksAtActivation: string[] = [];

  before(async () => {
    ({ api, sdkChunksAtActivation } = await activateOnce());
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  });

  after(async () => {
    for (const name of created) await client.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    client?.destroy();
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('customEndpoints', undefined, vscode.ConfigurationTarget.Global);
    await api?.explorer.setFilter('local', undefined);
  });

  async function localRegion(): Promise<ExplorerNode> {
    const local = find(await api.explorer.getChildren(), 'Local Lambda');
    assert.match(local.description ?? '', /^http:\/\/127\.0\.0\.1:\d+/);
    return find(await api.explorer.getChildren(local), 'us-east-1');
  }

  /** Follows "Load more" until the region is fully listed (bounded). */
  async function loadAll(region: ExplorerNode): Promise<ExplorerNode[]> {
    let nodes = await api.explorer.getChildren(region);
    for (let i = 0; i < 50; i++) {
      const more = nodes.find((n) => n.kind === 'loadMore');
      if (!more) return nodes;
      await api.explorer.loadMore(more as LoadMoreNode);
      nodes = await api.explorer.getChildren(region);
    }
    assert.fail('load more never ended');
  }

  it('does not load the AWS SDK until a connection is used', () => {
    assert.deepEqual(sdkChunksAtActivation, []);
  });

  it('walks Local Lambda → us-east-1 → the example functions', async () => {
    const names = functionNames(await loadAll(await localRegion()));
    assert.ok(names.includes('hello-node'), names.join(', '));
    assert.ok(names.includes('hello-python'), names.join(', '));
    const lambdaChunks = Object.keys(require.cache).filter((file) => /dist[\\/]extension\.vendors-.*aws-sdk_client-lambda/.test(file));
    assert.equal(lambdaChunks.length, 1, 'the Lambda client chunk is loaded once a connection is used');
  });

  it('hello-node has versions 1 and 2 and the live alias split 90/10', async () => {
    const fn = find(await loadAll(await localRegion()), 'hello-node');
    assert.match(fn.description ?? '', /^nodejs20\.x · 128 MB · /);
    const [versions, aliases] = await api.explorer.getChildren(fn);
    const versionLabels = (await api.explorer.getChildren(versions)).map((n) => n.label);
    assert.ok(versionLabels.includes('1') && versionLabels.includes('2'), versionLabels.join(', '));
    const live = find(await api.explorer.getChildren(aliases), 'live');
    assert.match(live.description ?? '', /90%/);
    assert.match(live.description ?? '', /10%/);
  });

  it('shows the health line of the last hour on a function after its invocations, without holding up the first paint', async () => {
    for (let i = 0; i < 3; i++) await client.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: new TextEncoder().encode('{}') }));
    await api.explorer.refresh();
    const fn = find(await loadAll(await localRegion()), 'hello-node');
    assert.match(String(api.explorer.getTreeItem(fn).description), /^nodejs20\.x · 128 MB · /, 'the row paints at once, with or without its line');
    const shown = await until('the health line', 20_000, async () => {
      const current = find(await api.explorer.getChildren(fn.parent), 'hello-node');
      const item = api.explorer.getTreeItem(current);
      return / · (<0\.1|\d+(\.\d)?)% err · p99 (<1|\d+(\.\d)?) (ms|s)$/.test(String(item.description ?? '')) ? item : undefined;
    });
    assert.ok(shown.tooltip instanceof vscode.MarkdownString);
    assert.match(shown.tooltip.value, /Last hour: \d+ invocations, \d+ errors? \(/);
  });

  it('renders function nodes with a Markdown tooltip, runtime icon and menu context', async () => {
    const fn = find(await loadAll(await localRegion()), 'hello-node');
    const item = api.explorer.getTreeItem(fn);
    assert.equal(item.contextValue, 'function-local');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.ok(item.tooltip instanceof vscode.MarkdownString);
    assert.match(item.tooltip.value, /arn:aws:lambda:us-east-1:123456789012:function:hello-node/);
    assert.match(item.tooltip.value, /Handler: `index\.handler`/);
    assert.ok(item.iconPath instanceof vscode.ThemeIcon);
    const local = find(await api.explorer.getChildren(), 'Local Lambda');
    assert.match(api.explorer.getTreeItem(local).contextValue ?? '', /^connection-local-running/);
  });

  it('loads functions a page at a time with a "Load more" node', async () => {
    created = await createFunctions(client, prefix, 60);
    const pageSize = vscode.workspace.getConfiguration('lambdaWorkbench').get<number>('pageSize') ?? 50;
    const region = await localRegion();
    await api.explorer.refresh(region);
    const first = await api.explorer.getChildren(region);
    assert.equal(functionNames(first).length, pageSize);
    assert.equal(first[first.length - 1].kind, 'loadMore');
    const all = functionNames(await loadAll(region));
    for (const name of created) assert.ok(all.includes(name), `${name} missing after loading all pages`);
    assert.equal(new Set(all).size, all.length, 'a function was listed twice');
  });

  it('a filter finds a function by substring', async () => {
    await api.explorer.setFilter('local', `${prefix}-059`);
    const region = await localRegion();
    assert.deepEqual(functionNames(await api.explorer.getChildren(region)), [`${prefix}-059`]);
    await api.explorer.setFilter('local', undefined);
  });

  it('an unreachable custom endpoint shows an error node', async () => {
    await vscode.workspace
      .getConfiguration('lambdaWorkbench')
      .update('customEndpoints', [{ name: 'Unreachable', endpoint: 'http://127.0.0.1:9', region: 'us-east-1' }], vscode.ConfigurationTarget.Global);
    const conn = find(await api.explorer.getChildren(), 'Unreachable');
    const region = find(await api.explorer.getChildren(conn), 'us-east-1');
    const children = await api.explorer.getChildren(region);
    assert.equal(children[0]?.kind, 'error', children.map((n) => `${n.kind}:${n.label}`).join(', '));
    assert.match(children[0].label, /^Cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('refresh commands run from the palette without errors', async () => {
    await vscode.commands.executeCommand('lambdaWorkbench.refresh');
    await vscode.commands.executeCommand('lambdaWorkbench.clearFilter');
  });
});
