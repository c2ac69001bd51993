import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { localConnection } from '../../src/aws/connections';
import { AliasConflictError, LambdaApi } from '../../src/aws/lambda';
import type { WorkbenchApi } from '../../src/testApi';
import type { AliasesState, ChangePreview, RolloutView } from '../../src/features/traffic/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import type { RolloutRecord } from '../../src/features/traffic/rollout';
import type { ExplorerNode } from '../../src/features/explorer/nodes';
import { REPO_ROOT } from '../support/repo';
import { activateOnce } from './support/activation';
import { until } from './support/until';

/** A function package whose handler answers with `tag`, or throws when `fail` is set. */
function handlerZip(tag: string, fail = false): Uint8Array {
  const body = fail
    ? `export const handler = async () => { throw new Error('broken build ${tag}'); };\n`
    : `export const handler = async () => ({ tag: '${tag}' });\n`;
  return zipSync({ 'index.mjs': strToU8(body) });
}

function find(nodes: ExplorerNode[], label: string): ExplorerNode {
  const node = nodes.find((n) => n.label === label);
  assert.ok(node, `no "${label}" among: ${nodes.map((n) => `${n.kind}:${n.label}`).join(', ')}`);
  return node;
}


describe('Versions, aliases and traffic against the Local Lambda', function () {
  this.timeout(180_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  let lambda: LambdaApi;
  const fn = `aliases-${Date.now().toString(36)}`;
  const target: FunctionTarget = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: fn };
  const live: FunctionTarget = { ...target, qualifier: 'live' };

  before(async () => {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    lambda = new LambdaApi(localConnection(local.endpoint, local.region, local.credentials), local.region);
    await client.send(new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Code: { ZipFile: handlerZip('one') },
    }));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await client?.send(new DeleteFunctionCommand({ FunctionName: fn })).catch(() => undefined);
    await api?.explorer.setFilter('local', undefined);
    lambda?.dispose();
    client?.destroy();
  });

  async function functionNode(): Promise<ExplorerNode> {
    await api.explorer.setFilter('local', fn);
    const local = find(await api.explorer.getChildren(), 'Local Lambda');
    const region = find(await api.explorer.getChildren(local), 'us-east-1');
    return find(await api.explorer.getChildren(region), fn);
  }

  async function treeChildren(group: 'Versions' | 'Aliases'): Promise<ExplorerNode[]> {
    const node = find(await api.explorer.getChildren(await functionNode()), group);
    return api.explorer.getChildren(node);
  }

  async function newCode(tag: string, fail = false): Promise<void> {
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: handlerZip(tag, fail) }));
    await until('the code update', 30_000, async () => {
      const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
      return c.LastUpdateStatus === 'InProgress' ? undefined : c;
    });
  }

  const aliasNow = () => client.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
  /** A request of the tab by name, written as `{ op: name, ...params }`. */
  const send = async <T = AliasesState>({ op, ...params }: { op: string; [param: string]: unknown }) =>
    (await api.functionPanel.request(target, 'aliases', op, Object.keys(params).length ? params : undefined)) as T;

  it('publishes a version from the command, and it appears in the tree', async () => {
    const version = await vscode.commands.executeCommand<string>('lambdaWorkbench.publishVersion', target, { description: 'first release' });
    assert.equal(version, '1');
    const versions = await treeChildren('Versions');
    assert.deepEqual(versions.map((n) => n.label), ['$LATEST', '1']);
    assert.equal(find(versions, '1').description, 'first release');
    const again = await vscode.commands.executeCommand<string>('lambdaWorkbench.publishVersion', target, { description: 'no change' });
    assert.equal(again, '1', 'unchanged code and settings give back the latest version');
  });

  it('creates a weighted alias that the tree describes with its live weights', async () => {
    await newCode('two');
    assert.equal(await vscode.commands.executeCommand<string>('lambdaWorkbench.publishVersion', target, { description: 'second' }), '2');
    await vscode.commands.executeCommand('lambdaWorkbench.createAlias', target, { name: 'live', primary: '1', extraVersion: '2', percent: 30 });
    const alias = await aliasNow();
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights, { '2': 0.3 });
    assert.equal(find(await treeChildren('Aliases'), 'live').description, '→ 1 (70%) · 2 (30%)');
  });

  it('refuses alias names and routings Lambda would reject, with a clear message', async () => {
    await api.functionPanel.open(target, 'aliases');
    await assert.rejects(send({ op: 'apply', change: { kind: 'create', alias: '123', primary: '1' } }), /cannot be only digits/);
    await assert.rejects(send({ op: 'apply', change: { kind: 'create', alias: 'beta', primary: '$LATEST', extraVersion: '2', percent: 10 } }), /published versions, not \$LATEST/);
    await assert.rejects(send({ op: 'apply', change: { kind: 'create', alias: 'beta', primary: '2', extraVersion: '2', percent: 10 } }), /already the alias's main version/);
    await assert.rejects(send({ op: 'apply', change: { kind: 'create', alias: 'live', primary: '1' } }), /already exists/);
    await assert.rejects(api.functionPanel.request(target, 'aliases', 'apply', { change: { kind: 'shift', alias: 'live', version: '2', percent: 150 } }), /Rejected the apply message from the panel/);
  });

  it('routes invocations of the alias by its weights (1000 calls)', async () => {
    const calls = 1000;
    const counts = new Map<string, number>();
    // A few at a time: more would only meet the Local Lambda's concurrency limit and be retried.
    for (let done = 0; done < calls; done += 4) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(4, calls - done) }, () => client.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live', Payload: strToU8('{}') }))),
      );
      for (const out of batch) counts.set(out.ExecutedVersion ?? '?', (counts.get(out.ExecutedVersion ?? '?') ?? 0) + 1);
    }
    const observed = (counts.get('2') ?? 0) / calls;
    const measured = { calls, weight: 0.3, observed, deviationPoints: Math.round((observed - 0.3) * 1000) / 10, versions: Object.fromEntries(counts) };
    const out = path.join(REPO_ROOT, 'test-results', 'measurements', 'alias-split.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(measured, null, 2)}\n`);
    assert.equal((counts.get('1') ?? 0) + (counts.get('2') ?? 0), calls, `unexpected versions: ${[...counts.keys()].join(', ')}`);
    // 4 standard deviations of a binomial(1000, 0.3) share is about 5.8 points.
    assert.ok(Math.abs(observed - 0.3) < 0.058, `observed ${observed} is not within tolerance of 0.3`);
  });

  it('shifts traffic from the panel with a before/after preview, at 0.1 % precision', async () => {
    const preview = await send<ChangePreview>({ op: 'preview', change: { kind: 'shift', alias: 'live', version: '2', percent: 12.34 } });
    assert.equal(preview.summary, 'live: 1 (70%) · 2 (30%) → 1 (87.7%) · 2 (12.3%)');
    assert.equal(preview.noChange, false);
    const state = await send({ op: 'apply', change: { kind: 'shift', alias: 'live', version: '2', percent: 12.34 }, revisionId: preview.revisionId });
    assert.deepEqual((await aliasNow()).RoutingConfig?.AdditionalVersionWeights, { '2': 0.123 });
    const view = state.aliases.find((a) => a.name === 'live');
    assert.equal(view?.routing.extraPercent, 12.3);
    assert.equal(find(await treeChildren('Aliases'), 'live').description, '→ 1 (87.7%) · 2 (12.3%)');
  });

  it('a stale RevisionId is a conflict: nothing is overwritten', async () => {
    const preview = await send<ChangePreview>({ op: 'preview', change: { kind: 'shift', alias: 'live', version: '2', percent: 40 } });
    // Someone else changes the alias after the preview was shown.
    await client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', RoutingConfig: { AdditionalVersionWeights: { '2': 0.2 } } }));
    await assert.rejects(
      send({ op: 'apply', change: { kind: 'shift', alias: 'live', version: '2', percent: 40 }, revisionId: preview.revisionId }),
      /Alias live of .* was changed by someone else since it was read .*Nothing was overwritten/,
    );
    assert.deepEqual((await aliasNow()).RoutingConfig?.AdditionalVersionWeights, { '2': 0.2 }, 'the other change stands');
    // The typed error, straight from the AWS layer.
    const stale = preview.revisionId;
    await assert.rejects(
      lambda.updateAlias(fn, 'live', { routing: { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } }, revisionId: stale }),
      (error: unknown) => error instanceof AliasConflictError && error.aliasName === 'live',
    );
  });

  it('rolls back (primary kept, routing cleared) and promotes (new version primary) after confirmation', async () => {
    let preview = await send<ChangePreview>({ op: 'preview', change: { kind: 'rollBack', alias: 'live' } });
    assert.equal(preview.summary, 'live: 1 (80%) · 2 (20%) → 1 (100%)');
    await send({ op: 'apply', change: { kind: 'rollBack', alias: 'live' }, revisionId: preview.revisionId });
    let alias = await aliasNow();
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights ?? {}, {});
    assert.equal(find(await treeChildren('Aliases'), 'live').description, '→ 1');

    await send({ op: 'apply', change: { kind: 'shift', alias: 'live', version: '2', percent: 10 } });
    preview = await send<ChangePreview>({ op: 'preview', change: { kind: 'promote', alias: 'live' } });
    assert.equal(preview.summary, 'live: 1 (90%) · 2 (10%) → 2 (100%)');
    await send({ op: 'apply', change: { kind: 'promote', alias: 'live' }, revisionId: preview.revisionId });
    alias = await aliasNow();
    assert.equal(alias.FunctionVersion, '2');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights ?? {}, {});
    assert.equal(find(await treeChildren('Aliases'), 'live').description, '→ 2');
  });

  async function runRollout(toVersion: string, traffic: boolean, testInvocations = 2): Promise<{ final: RolloutRecord; view: RolloutView; sawSplit: boolean }> {
    const record = await vscode.commands.executeCommand<RolloutRecord>('lambdaWorkbench.startRollout', live, {
      toVersion,
      percents: [50, 100],
      intervalMinutes: 0.05, // 3 s per step
      maxErrorPercent: 10,
      minInvocations: 4,
      testInvocations,
    });
    assert.ok(record?.id, 'the rollout started');
    let sawSplit = false;
    const final = await until('the rollout to end', 60_000, async () => {
      const alias = await aliasNow();
      if (alias.RoutingConfig?.AdditionalVersionWeights?.[toVersion]) sawSplit = true;
      if (traffic) {
        const answer = await client.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live', Payload: strToU8('{}') }));
        // Traffic through the alias that ran the new version is the split seen from the caller's side.
        if (answer.ExecutedVersion === toVersion) sawSplit = true;
      }
      const state = await send({ op: 'refresh' });
      return state.recentRollouts.find((r) => r.id === record.id);
    });
    return { final: { ...record, status: final.status, message: final.message }, view: final, sawSplit };
  }

  it('a gradual rollout of a faulty version rolls back by itself', async () => {
    await newCode('three', true);
    assert.equal(await vscode.commands.executeCommand<string>('lambdaWorkbench.publishVersion', target, { description: 'broken' }), '3');
    const { final, sawSplit } = await runRollout('3', true);
    assert.equal(final.status, 'rolledBack', final.message);
    assert.match(final.message, /Rolled back automatically: \d+ of \d+ invocations of the new version failed/);
    assert.ok(sawSplit, 'the first step sent traffic to version 3 before the rollback');
    const alias = await aliasNow();
    assert.equal(alias.FunctionVersion, '2');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights ?? {}, {});
    assert.equal(find(await treeChildren('Aliases'), 'live').description, '→ 2');
  });

  it('a gradual rollout of a healthy version walks it to 100 %', async () => {
    await newCode('four');
    assert.equal(await vscode.commands.executeCommand<string>('lambdaWorkbench.publishVersion', target, { description: 'fixed' }), '4');
    const { final, sawSplit } = await runRollout('4', false);
    assert.equal(final.status, 'succeeded', final.message);
    assert.ok(sawSplit);
    const alias = await aliasNow();
    assert.equal(alias.FunctionVersion, '4');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights ?? {}, {});
  });

  it('a gradual rollout with traffic through the alias is judged by the Local Lambda\'s CloudWatch metrics', async () => {
    await newCode('five');
    assert.equal(await vscode.commands.executeCommand<string>('lambdaWorkbench.publishVersion', target, { description: 'metrics' }), '5');
    const { final, view, sawSplit } = await runRollout('5', true, 0);
    assert.equal(final.status, 'succeeded', final.message);
    assert.ok(sawSplit);
    assert.equal(view.judgedBy, 'metrics', view.progress);
    assert.equal(view.stepsJudged, '50%: CloudWatch metrics');
    assert.match(view.progress, /by CloudWatch metrics$/);
    assert.equal((await aliasNow()).FunctionVersion, '5');
  });

  it('deletes an alias from the panel', async () => {
    const state = await send({ op: 'deleteAlias', alias: 'live' });
    assert.deepEqual(state.aliases.map((a) => a.name), []);
    assert.equal((await treeChildren('Aliases'))[0]?.label, 'No aliases');
  });
});
