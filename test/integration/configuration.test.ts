import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DeleteFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { localConnection } from '../../src/aws/connections';
import { LambdaApi } from '../../src/aws/lambda';
import type { WorkbenchApi } from '../../src/testApi';
import type { Workbench } from '../../src/workbench/context';
import { ConfigurationController } from '../../src/features/configuration/controller';
import type { ConfigurationOp, ConfigurationProtocol, ConfigurationState } from '../../src/features/configuration/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import type { TabHost } from '../../src/workbench/panel/tab';
import { createEnvEchoFunction, readEnvThroughInvoke } from '../support/envEcho';
import { activateOnce } from './support/activation';

describe('Configuration tab against the Local Lambda', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;
  let client: LambdaClient;
  const prefix = `cfg-${Date.now().toString(36)}`;
  const created: string[] = [];

  before(async () => {
    ({ api } = await activateOnce());
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of created) await client.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    client?.destroy();
  });

  async function newFunction(suffix: string, variables: Record<string, string>): Promise<FunctionTarget> {
    const name = `${prefix}-${suffix}`;
    await createEnvEchoFunction(client, name, variables);
    created.push(name);
    return { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: name };
  }

  /** Opens the panel on Configuration and returns a sender of edits, as the webview sends them. */
  async function openConfiguration(target: FunctionTarget): Promise<(op: ConfigurationOp) => Promise<ConfigurationState>> {
    await api.functionPanel.open(target, 'configuration');
    return (op) => api.functionPanel.request(target, 'configuration', 'op', op) as Promise<ConfigurationState>;
  }

  const rowId = (state: ConfigurationState, key: string) => {
    const row = state.rows.find((r) => r.key === key);
    assert.ok(row, `no row ${key} among ${state.rows.map((r) => r.key).join(', ')}`);
    return row.id;
  };

  const revisionOf = async (name: string) => (await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).RevisionId;

  it('saves edited variables in one update, and the function runs with the new values', async () => {
    const target = await newFunction('save', { GREETING: 'hello', API_SECRET: 'never-shown-1234' });
    const send = await openConfiguration(target);
    let state = await send({ op: 'addRow' });
    state = await send({ op: 'setValue', id: rowId(state, 'GREETING'), value: 'bonjour' });
    // The values were never revealed, so the webview has none of them.
    assert.equal(state.rows.find((r) => r.key === 'API_SECRET')?.value, undefined);
    assert.doesNotMatch(JSON.stringify(state), /never-shown-1234/);

    const added = state.rows[state.rows.length - 1];
    assert.equal(added.key, '');
    await send({ op: 'setKey', id: added.id, key: 'STAGE' });
    state = await send({ op: 'setValue', id: added.id, value: 'dév' });
    assert.deepEqual(state.diff.map((d) => d.text), ['GREETING: value changed', 'STAGE added']);
    // "é" counts as a 6-byte escape.
    assert.equal(state.budget.used, JSON.stringify({ GREETING: 'bonjour', API_SECRET: 'never-shown-1234', STAGE: 'dv' }).length + 6);
    assert.ok(state.canSave, state.blockers.join(' '));

    state = await send({ op: 'save' });
    assert.equal(state.message?.kind, 'success', state.message?.text);
    assert.equal(state.dirty, false);
    assert.deepEqual(
      await readEnvThroughInvoke(client, target.functionName, ['GREETING', 'API_SECRET', 'STAGE']),
      { GREETING: 'bonjour', API_SECRET: 'never-shown-1234', STAGE: 'dév' },
    );
  });

  it('reports a conflict when another client changed the function, keeps the edits, and merges', async () => {
    const target = await newFunction('conflict', { A1: 'one', B1: 'two', C1: 'three' });
    const send = await openConfiguration(target);
    let state = await send({ op: 'addRow' });
    state = await send({ op: 'setValue', id: rowId(state, 'A1'), value: 'mine' });
    await send({ op: 'removeRow', id: rowId(state, 'C1') });

    // A second client changes B1 and adds D1 after the panel loaded.
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: target.functionName, Environment: { Variables: { A1: 'one', B1: 'theirs', C1: 'three', D1: 'new' } } }));
    const remoteRevision = await revisionOf(target.functionName);

    state = await send({ op: 'save' });
    assert.ok(state.conflict, `expected a conflict, got: ${state.message?.text}`);
    assert.equal(state.message?.kind, 'error');
    assert.match(state.message?.text ?? '', /changed elsewhere/);
    assert.deepEqual([...state.conflict.remoteChanges].sort(), ['B1 changed remotely', 'D1 added remotely']);
    assert.deepEqual(state.conflict.overlapping, []);
    assert.equal(state.canSave, false);
    // My edits are all still there; nothing was written.
    assert.deepEqual(state.rows.filter((r) => r.key).map((r) => [r.key, r.status]), [['A1', 'changed'], ['B1', 'unchanged']]);
    assert.equal(await revisionOf(target.functionName), remoteRevision);
    assert.deepEqual(await readEnvThroughInvoke(client, target.functionName, ['A1', 'B1', 'C1', 'D1']), { A1: 'one', B1: 'theirs', C1: 'three', D1: 'new' });

    state = await send({ op: 'merge' });
    assert.equal(state.conflict, undefined);
    assert.deepEqual(state.mergeNotes, []);
    assert.deepEqual(state.diff.map((d) => d.text), ['A1: value changed', 'C1 removed']);
    state = await send({ op: 'save' });
    assert.equal(state.message?.kind, 'success', state.message?.text);
    assert.deepEqual(await readEnvThroughInvoke(client, target.functionName, ['A1', 'B1', 'C1', 'D1']), { A1: 'mine', B1: 'theirs', C1: null, D1: 'new' });
  });

  it('keeps my value where both sides changed a key, and can take the remote one instead', async () => {
    const target = await newFunction('overlap', { A1: 'base', B1: 'base' });
    const send = await openConfiguration(target);
    let state = await send({ op: 'addRow' });
    state = await send({ op: 'setValue', id: rowId(state, 'A1'), value: 'mine' });
    await send({ op: 'setValue', id: rowId(state, 'B1'), value: 'mine' });
    await send({ op: 'setSetting', field: 'timeout', value: '10' });
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: target.functionName, Environment: { Variables: { A1: 'theirs', B1: 'theirs' } }, Timeout: 20 }));

    state = await send({ op: 'save' });
    assert.deepEqual(state.conflict?.overlapping, ['A1', 'B1', 'Timeout']);
    state = await send({ op: 'merge' });
    assert.deepEqual(state.mergeNotes.map((n) => n.item), ['env:A1', 'env:B1', 'setting:timeout']);
    assert.match(state.rows.find((r) => r.key === 'A1')?.conflict ?? '', /Your value is kept/);
    await send({ op: 'takeRemote', item: 'env:B1' });
    state = await send({ op: 'takeRemote', item: 'setting:timeout' });
    assert.deepEqual(state.diff.map((d) => d.text), ['A1: value changed']);
    state = await send({ op: 'save' });
    assert.equal(state.message?.kind, 'success', state.message?.text);
    assert.deepEqual(await readEnvThroughInvoke(client, target.functionName, ['A1', 'B1']), { A1: 'mine', B1: 'theirs' });
    assert.equal((await client.send(new GetFunctionConfigurationCommand({ FunctionName: target.functionName }))).Timeout, 20);
  });

  it('refuses an over-limit save before sending anything, and allows exactly 4096 bytes', async () => {
    const target = await newFunction('limit', { AB: 'x' });
    const send = await openConfiguration(target);
    const before = await revisionOf(target.functionName);
    let state = await send({ op: 'addRow' });
    const id = rowId(state, 'AB');
    // {"AB":"<n>"} is 9 bytes plus the value.
    state = await send({ op: 'setValue', id, value: 'v'.repeat(4096 - 9 + 1) });
    assert.equal(state.budget.used, 4097);
    assert.equal(state.budget.level, 'error');
    assert.equal(state.canSave, false);
    assert.match(state.blockers.join(' '), /4,097 bytes; Lambda allows 4,096/);
    state = await send({ op: 'save' });
    assert.match(state.message?.text ?? '', /^Nothing was sent\./);
    assert.equal(await revisionOf(target.functionName), before, 'a request reached the function');

    // Multi-byte characters count strictly (6 bytes each) in the meter.
    state = await send({ op: 'setValue', id, value: 'é'.repeat(681) + 'a' });
    assert.equal(state.budget.used, 9 + 681 * 6 + 1);
    assert.equal(state.budget.countedStrictly, true);

    state = await send({ op: 'setValue', id, value: 'v'.repeat(4096 - 9) });
    assert.equal(state.budget.used, 4096);
    assert.equal(state.budget.left, 0);
    assert.ok(state.canSave);
    state = await send({ op: 'save' });
    assert.equal(state.message?.kind, 'success', state.message?.text);
  });

  it('refuses settings out of range before sending, then saves valid ones', async () => {
    const target = await newFunction('settings', {});
    const send = await openConfiguration(target);
    const before = await revisionOf(target.functionName);
    await send({ op: 'setSetting', field: 'memorySize', value: '64' });
    await send({ op: 'setSetting', field: 'timeout', value: '901' });
    let state = await send({ op: 'setSetting', field: 'ephemeralStorage', value: '10241' });
    const problems = Object.fromEntries(state.settings.map((s) => [s.field, s.problem]));
    assert.match(problems.memorySize ?? '', /between 128 and 10240 MB/);
    assert.match(problems.timeout ?? '', /between 1 and 900 s/);
    assert.match(problems.ephemeralStorage ?? '', /between 512 and 10240 MB/);
    state = await send({ op: 'save' });
    assert.match(state.message?.text ?? '', /^Nothing was sent\./);
    assert.equal(await revisionOf(target.functionName), before);

    await send({ op: 'setSetting', field: 'memorySize', value: '256' });
    await send({ op: 'setSetting', field: 'timeout', value: '30' });
    await send({ op: 'setSetting', field: 'ephemeralStorage', value: '1024' });
    state = await send({ op: 'setSetting', field: 'reservedConcurrency', value: '2' });
    assert.deepEqual(state.diff.map((d) => d.text), ['Memory: 128 MB → 256 MB', 'Timeout: 3 s → 30 s', 'Ephemeral storage (/tmp): 512 MB → 1024 MB', 'Reserved concurrency: none → 2']);
    state = await send({ op: 'save' });
    assert.equal(state.message?.kind, 'success', state.message?.text);
    const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: target.functionName }));
    assert.deepEqual([config.MemorySize, config.Timeout, config.EphemeralStorage?.Size], [256, 30, 1024]);
    assert.equal((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: target.functionName }))).ReservedConcurrentExecutions, 2);
    await send({ op: 'setSetting', field: 'reservedConcurrency', value: '' });
    assert.equal((await send({ op: 'save' })).message?.kind, 'success');
    assert.equal((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: target.functionName }))).ReservedConcurrentExecutions, undefined);
  });

  it('shows a published version read-only, and switches to $LATEST on request', async () => {
    const base = await newFunction('version', { AB: 'v1' });
    await client.send(new PublishVersionCommand({ FunctionName: base.functionName }));
    const target = { ...base, qualifier: '1' };
    const send = await openConfiguration(target);
    let state = await send({ op: 'addRow' });
    assert.equal(state.readOnly, true);
    assert.equal(state.shows, 'version 1');
    assert.match(state.readOnlyNote ?? '', /published versions never change/);
    assert.match(state.message?.text ?? '', /cannot change/);
    assert.equal(state.rows.length, 1);
    state = await send({ op: 'editLatest' });
    assert.equal(state.readOnly, false);
    assert.equal(state.shows, '$LATEST');
  });

  it('reads the overview, and "Edit Environment Variables…" opens the tab', async () => {
    const target = await newFunction('overview', { AB: 'x' });
    await vscode.commands.executeCommand('lambdaWorkbench.editEnvironmentVariables', target);
    const send = (op: ConfigurationOp) => api.functionPanel.request(target, 'configuration', 'op', op) as Promise<ConfigurationState>;
    let state = await send({ op: 'addRow' });
    for (let i = 0; i < 50 && state.overview.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await send({ op: 'reveal', id: rowId(state, 'AB'), revealed: false });
    }
    const overview = Object.fromEntries(state.overview.map((i) => [i.id, i.value]));
    assert.equal(overview.runtime, 'nodejs20.x');
    assert.equal(overview.handler, 'index.handler');
    assert.equal(overview.policy, 'None');
    assert.equal(overview.triggers, 'None');
    assert.match(overview.tracing, /X-Ray not active/);
    await send({ op: 'copy', item: 'handler' });
    assert.equal(await vscode.env.clipboard.readText(), 'index.handler');
  });

  it('imports a .env file into the table and exports the table to a .env file', async () => {
    const target = await newFunction('dotenv', { KEEP: 'kept', OVERRIDE: 'old' });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-dotenv-'));
    const importFile = vscode.Uri.file(path.join(folder, 'in.env'));
    const exportFile = vscode.Uri.file(path.join(folder, 'out.env'));
    fs.writeFileSync(importFile.fsPath, '# shared settings\nexport OVERRIDE=new\nQUOTED="two words # not a comment"\nbad line\n');
    // The tab's controller driven directly, with the file dialogs answered by the test.
    const local = await api.localEndpoint();
    const lambda = new LambdaApi(localConnection(local.endpoint, local.region, local.credentials), local.region);
    const log = vscode.window.createOutputChannel('Configuration test', { log: true });
    const host: TabHost<ConfigurationProtocol> = {
      target,
      lambda: async () => lambda,
      connection: () => Promise.reject(new Error('not used by the Configuration tab')),
      workbench: {} as Workbench,
      log,
      notify: () => undefined,
      visible: true,
      reveal: () => undefined,
    };
    const controller = new ConfigurationController(host, { pickImport: async () => importFile, pickExport: async () => exportFile });
    try {
      const send = (op: ConfigurationOp) => controller.requests.op(op);
      let state = await send({ op: 'importFile' });
      assert.match(state.message?.text ?? '', /1 added, 1 updated\. Skipped 1 line\(s\): Line 4: expected KEY=value/);
      assert.deepEqual(state.rows.map((r) => [r.key, r.status, r.value]), [['KEEP', 'unchanged', undefined], ['OVERRIDE', 'changed', undefined], ['QUOTED', 'added', undefined]]);
      state = await send({ op: 'exportFile' });
      assert.equal(state.message?.kind, 'success');
      const exported = fs.readFileSync(exportFile.fsPath, 'utf8');
      assert.match(exported, new RegExp(`^# Environment variables of ${target.functionName} \\(Local Lambda, us-east-1\\)\n`));
      assert.ok(exported.endsWith("KEEP=kept\nOVERRIDE=new\nQUOTED='two words # not a comment'\n"), exported);
      state = await send({ op: 'save' });
      assert.equal(state.message?.kind, 'success', state.message?.text);
      assert.deepEqual(await readEnvThroughInvoke(client, target.functionName, ['KEEP', 'OVERRIDE', 'QUOTED']), { KEEP: 'kept', OVERRIDE: 'new', QUOTED: 'two words # not a comment' });
    } finally {
      controller.dispose();
      lambda.dispose();
      log.dispose();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
