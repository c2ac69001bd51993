import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateAliasCommand, CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import type { MonitorData } from '../../src/features/monitor/protocol';
import type { WorkbenchApi } from '../../src/testApi';
import type { FunctionTarget } from '../../src/shared/target';
import { activateOnce } from './support/activation';
import { until } from './support/until';

const handlerZip = (tag: string) => zipSync({ 'index.mjs': strToU8(`export const handler = async () => ({ tag: '${tag}' });\n`) });
const total = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);

describe('Monitor tab against the Local Lambda', function () {
  this.timeout(180_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  const stamp = Date.now().toString(36);
  const counted = `monitor-${stamp}`;
  const weighted = `monitor-split-${stamp}`;
  const place = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1' } as const;
  const countedTarget: FunctionTarget = { ...place, functionName: counted };
  const aliasTarget: FunctionTarget = { ...place, functionName: weighted, qualifier: 'live' };

  async function create(name: string, tag: string): Promise<void> {
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role', Code: { ZipFile: handlerZip(tag) },
    }));
  }

  before(async () => {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    await create(counted, 'one');
    await create(weighted, 'one');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of [counted, weighted]) await client?.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    client?.destroy();
  });

  it('shows N invocations after N invokes, as the tab\'s own view loaded them', async () => {
    const n = 6;
    for (let i = 0; i < n; i++) await client.send(new InvokeCommand({ FunctionName: counted, Payload: strToU8('{}') }));
    await api.functionPanel.open(countedTarget, 'monitor');
    await until('the panel to be ready', 60_000, async () => ((await api.functionPanel.isReady(countedTarget)) ? true : undefined));
    // The view asks for its data when the tab shows; `snapshot` is what the extension answered it.
    const shown = await until('the Monitor view to load its charts', 60_000, async () => {
      const data = (await api.functionPanel.request(countedTarget, 'monitor', 'snapshot')) as MonitorData | null;
      return data && data.charts.length > 0 ? data : undefined;
    });
    assert.equal(shown.totals.invocations, n);
    assert.equal(shown.problem, undefined);
    const invocations = shown.charts.find((c) => c.id === 'invocations');
    assert.equal(total(invocations?.series[0].values ?? []), n);
    assert.deepEqual(shown.charts.map((c) => c.id), ['invocations', 'errors', 'throttles', 'duration', 'concurrency']);
    await assert.rejects(api.functionPanel.request(countedTarget, 'monitor', 'load', { range: { preset: '2h' }, split: 'none' }), /Rejected the load message from the panel/);
  });

  it('splits a weighted alias by executed version: one line per version', async () => {
    await client.send(new PublishVersionCommand({ FunctionName: weighted }));
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: weighted, ZipFile: handlerZip('two') }));
    await until('the code update', 30_000, async () => {
      const out = await client.send(new PublishVersionCommand({ FunctionName: weighted })).catch(() => undefined);
      return out?.Version === '2' ? out : undefined;
    });
    await client.send(new CreateAliasCommand({ FunctionName: weighted, Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } } }));
    const calls = 40;
    const ran = new Map<string, number>();
    for (let i = 0; i < calls; i++) {
      const out = await client.send(new InvokeCommand({ FunctionName: weighted, Qualifier: 'live', Payload: strToU8('{}') }));
      ran.set(out.ExecutedVersion ?? '?', (ran.get(out.ExecutedVersion ?? '?') ?? 0) + 1);
    }
    await api.functionPanel.open(aliasTarget, 'monitor');
    await until('the panel to be ready', 60_000, async () => ((await api.functionPanel.isReady(aliasTarget)) ? true : undefined));
    const data = (await api.functionPanel.request(aliasTarget, 'monitor', 'load', { range: { preset: '1h' }, split: 'version' })) as MonitorData;
    assert.equal(data.subject, `${weighted}:live`);
    assert.equal(data.split, 'version');
    const lines = data.charts.find((c) => c.id === 'invocations')?.series ?? [];
    assert.deepEqual(lines.map((s) => s.label), [...ran.keys()].sort().map((v) => `version ${v}`));
    for (const line of lines) assert.equal(total(line.values), ran.get(line.label.replace('version ', '')), line.label);
    assert.equal(data.totals.invocations, calls);
  });
});
