import { ui, vscode } from '../../support/vscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetFunctionConfigurationCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ConfigurationController, type ConfigurationFiles } from '../../../src/features/configuration/controller';
import type { ConfigurationOp, ConfigurationProtocol, ConfigurationState } from '../../../src/features/configuration/protocol';
import { createEnvEchoFunction, readEnvThroughInvoke } from '../../support/envEcho';
import { FakeTabHost, localTarget } from '../../support/fakeTabHost';
import { useControllerSuite } from '../../support/controllerSuite';

const rowId = (state: ConfigurationState, key: string): number => {
  const row = state.rows.find((r) => r.key === key);
  assert.ok(row, `no row ${key} among ${state.rows.map((r) => r.key).join(', ')}`);
  return row.id;
};

describe('features/configuration ConfigurationController (fake TabHost, in-process Local Lambda)', function () {
  this.timeout(60_000);
  const suite = useControllerSuite();
  let scratch: string;
  let count = 0;

  async function newFunction(variables: Record<string, string>): Promise<string> {
    const name = `cfg-unit-${++count}`;
    await createEnvEchoFunction(suite.client, name, variables);
    return name;
  }

  /** The tab as the panel creates it, with the webview's `op` requests. */
  function open(functionName: string, options: { qualifier?: string; files?: ConfigurationFiles } = {}) {
    const host = new FakeTabHost<ConfigurationProtocol>(suite.workbench.asWorkbench, localTarget(functionName, options.qualifier));
    const controller = new ConfigurationController(host, options.files);
    suite.track(controller);
    const send = async (op: ConfigurationOp): Promise<ConfigurationState> => controller.requests.op(op);
    /** The webview (re)loaded: the state the tab shows once the function is read. */
    const ready = async (): Promise<ConfigurationState> => {
      controller.onReady();
      return host.waitFor('state', (s) => s.phase !== 'loading', 'the loaded state');
    };
    return { host, controller, send, ready };
  }

  const revisionOf = async (name: string) => (await suite.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).RevisionId;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-cfg-unit-'));
  });

  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('on ready, shows the variables with their values hidden, the settings and then the overview', async () => {
    const name = await newFunction({ GREETING: 'hello', API_SECRET: 'never-shown-1234' });
    const { host, controller } = open(name);
    controller.onReady();
    assert.equal(host.last('state')?.phase, 'loading');
    const loaded = await host.waitFor('state', (s) => s.phase === 'ready' && s.overview.length > 0, 'the loaded state with its overview');
    assert.deepEqual(loaded.rows.map((r) => [r.key, r.revealed, r.value]), [['GREETING', false, undefined], ['API_SECRET', false, undefined]]);
    assert.doesNotMatch(JSON.stringify(host.sent), /never-shown-1234/, 'no value reached the webview');
    assert.equal(loaded.shows, '$LATEST');
    assert.equal(loaded.readOnly, false);
    assert.deepEqual(loaded.settings.map((s) => [s.field, s.value]), [['memorySize', '128'], ['timeout', '3'], ['ephemeralStorage', '512'], ['description', ''], ['reservedConcurrency', '']]);
    const overview = Object.fromEntries(loaded.overview.map((i) => [i.id, i.value]));
    assert.equal(overview.runtime, 'nodejs20.x');
    assert.equal(overview.handler, 'index.handler');
    assert.equal(loaded.dirty, false);
    assert.equal(loaded.canSave, false);
  });

  it('reveals a value only when asked, and saves edits in one update the function then runs with', async () => {
    const name = await newFunction({ GREETING: 'hello', API_SECRET: 'never-shown-1234' });
    const { send, ready } = open(name);
    let state = await ready();
    state = await send({ op: 'reveal', id: rowId(state, 'GREETING'), revealed: true });
    assert.equal(state.rows.find((r) => r.key === 'GREETING')?.value, 'hello');
    assert.equal(state.rows.find((r) => r.key === 'API_SECRET')?.value, undefined);

    await send({ op: 'setValue', id: rowId(state, 'GREETING'), value: 'bonjour' });
    state = await send({ op: 'addRow' });
    const added = state.rows.at(-1)!;
    state = await send({ op: 'setKey', id: added.id, key: '  STAGE ' });
    assert.equal(state.rows.at(-1)?.key, 'STAGE', 'the name is trimmed');
    await send({ op: 'setValue', id: added.id, value: 'prod' });
    await send({ op: 'setSetting', field: 'timeout', value: '15' });
    state = await send({ op: 'setSetting', field: 'description', value: 'greets people' });
    assert.deepEqual(state.diff.map((d) => d.text), ['GREETING: value changed', 'STAGE added', 'Timeout: 3 s → 15 s', 'Description: (empty) → "greets people"']);
    assert.ok(state.canSave, state.blockers.join(' '));

    const before = await revisionOf(name);
    state = await send({ op: 'save' });
    assert.equal(state.message?.kind, 'success', state.message?.text);
    assert.match(state.message?.text ?? '', /^Saved: .*The update finished \(LastUpdateStatus Successful\)\.$/);
    assert.equal(state.dirty, false);
    assert.notEqual(await revisionOf(name), before);
    assert.deepEqual(await readEnvThroughInvoke(suite.client, name, ['GREETING', 'API_SECRET', 'STAGE']), { GREETING: 'bonjour', API_SECRET: 'never-shown-1234', STAGE: 'prod' });
    const config = await suite.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.deepEqual([config.Timeout, config.Description], [15, 'greets people']);
    assert.ok(suite.workbench.log.lines.some((l) => l.level === 'info' && l.message.startsWith(`Configuration of ${name} saved: `)));
  });

  it('marks the panel dirty while edits are unsaved, and gives them back when a closed panel opens again', async () => {
    const name = await newFunction({ GREETING: 'hello', GONE: 'x' });
    const first = open(name);
    let state = await first.ready();
    assert.equal(first.host.dirty, false);
    await first.send({ op: 'setValue', id: rowId(state, 'GREETING'), value: 'bonjour' });
    await first.send({ op: 'removeRow', id: rowId(state, 'GONE') });
    await first.send({ op: 'setSetting', field: 'timeout', value: '20' });
    assert.equal(first.host.dirty, true, 'the panel title shows the dot');
    first.controller.dispose(); // the panel closed before Save

    const second = open(name);
    state = await second.ready();
    assert.match(state.message?.text ?? '', /^Your unsaved edits from .+ are back\. Save them, or Discard changes to drop them\.$/);
    assert.deepEqual(state.diff.map((d) => d.text), ['GONE removed', 'GREETING: value changed', 'Timeout: 3 s → 20 s']);
    assert.equal(second.host.dirty, true);
    second.controller.dispose();

    // Changed elsewhere meanwhile: the kept edits do not come back over the new state.
    await suite.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'changed elsewhere' }));
    const third = open(name);
    state = await third.ready();
    assert.match(state.message?.text ?? '', /were not restored: .* changed since/);
    assert.equal(state.dirty, false);
    third.controller.dispose();
    const fourth = open(name);
    assert.equal((await fourth.ready()).message, undefined, 'a draft comes back once at most');
  });

  it('when the person closes a panel with unsaved edits, says so and offers Restore / Discard; Discard drops them', async () => {
    const name = await newFunction({ GREETING: 'hello' });
    const asked: { text: string; items: string[] }[] = [];
    const window = vscode.window as unknown as { showWarningMessage: (text: string, ...items: string[]) => Promise<string | undefined> };
    const original = window.showWarningMessage;
    let answered!: () => void;
    const answer = new Promise<void>((resolve) => (answered = resolve));
    window.showWarningMessage = async (text: string, ...items: string[]) => {
      asked.push({ text, items });
      setImmediate(answered);
      return 'Discard';
    };
    try {
      const first = open(name);
      const state = await first.ready();
      await first.send({ op: 'setValue', id: rowId(state, 'GREETING'), value: 'bonjour' });
      Object.defineProperty(first.host, 'closedByPerson', { value: true });
      first.controller.dispose();
      await answer;
      assert.deepEqual(asked.map((a) => a.items), [['Restore', 'Discard']]);
      assert.match(asked[0].text, new RegExp(`^${name}: the panel was closed with unsaved configuration edits\\.`));
      const second = open(name);
      assert.equal((await second.ready()).message, undefined, 'discarded edits do not come back');

      // Closed by the window or the extension ending: nothing is asked, the edits are kept quietly.
      const s2 = await second.ready();
      await second.send({ op: 'setValue', id: rowId(s2, 'GREETING'), value: 'hola' });
      second.controller.dispose();
      assert.equal(asked.length, 1);
      assert.match((await open(name).ready()).message?.text ?? '', /are back/);
    } finally {
      window.showWarningMessage = original;
    }
  });

  it('blocks Save on a bad or reserved name and on more than 4 KB, and sends nothing', async () => {
    const name = await newFunction({ AB: 'x' });
    const { send } = open(name);
    let state = await send({ op: 'addRow' });
    const added = state.rows.at(-1)!.id;
    state = await send({ op: 'setKey', id: added, key: 'AWS_REGION' });
    assert.equal(state.rows.find((r) => r.id === added)?.keyProblem, 'AWS_REGION is reserved: Lambda sets it and does not allow changing it.');
    state = await send({ op: 'setKey', id: added, key: '1ST' });
    assert.equal(state.rows.find((r) => r.id === added)?.keyProblem, 'Must start with a letter (A–Z or a–z).');
    assert.deepEqual(state.blockers, ['1 variable name(s) need fixing.']);
    assert.equal(state.canSave, false);
    await send({ op: 'removeRow', id: added });

    // {"AB":"<value>"} is 9 bytes plus the value.
    state = await send({ op: 'setValue', id: rowId(state, 'AB'), value: 'v'.repeat(4096 - 9 + 1) });
    assert.equal(state.budget.used, 4097);
    assert.equal(state.budget.level, 'error');
    assert.match(state.blockers.join(' '), /4,097 bytes; Lambda allows 4,096\. Remove 1 bytes\./);
    const before = await revisionOf(name);
    state = await send({ op: 'save' });
    assert.match(state.message?.text ?? '', /^Nothing was sent\. /);
    assert.equal(await revisionOf(name), before);

    state = await send({ op: 'setValue', id: rowId(state, 'AB'), value: 'v'.repeat(4096 - 9) });
    assert.equal(state.budget.left, 0);
    assert.ok(state.canSave);
  });

  it('refuses settings out of range before anything is sent', async () => {
    const name = await newFunction({});
    const { send } = open(name);
    await send({ op: 'setSetting', field: 'memorySize', value: '64' });
    const state = await send({ op: 'setSetting', field: 'timeout', value: '901' });
    const problems = Object.fromEntries(state.settings.map((s) => [s.field, s.problem]));
    assert.match(problems.memorySize ?? '', /between 128 and 10240 MB/);
    assert.match(problems.timeout ?? '', /between 1 and 900 s/);
    assert.equal(state.canSave, false);
    const before = await revisionOf(name);
    assert.match((await send({ op: 'save' })).message?.text ?? '', /^Nothing was sent\./);
    assert.equal(await revisionOf(name), before);
  });

  it('finds a change made elsewhere on save, keeps every edit, and merges', async () => {
    const name = await newFunction({ A1: 'one', B1: 'two', C1: 'three' });
    const { send, ready } = open(name);
    let state = await ready();
    await send({ op: 'setValue', id: rowId(state, 'A1'), value: 'mine' });
    await send({ op: 'removeRow', id: rowId(state, 'C1') });
    await suite.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { A1: 'one', B1: 'theirs', C1: 'three', D1: 'new' } } }));

    state = await send({ op: 'save' });
    assert.ok(state.conflict, `expected a conflict, got: ${state.message?.text}`);
    assert.match(state.message?.text ?? '', new RegExp(`^${name} was changed elsewhere since you opened it\\. Nothing was saved and your edits are kept`));
    assert.deepEqual([...state.conflict.remoteChanges].sort(), ['B1 changed remotely', 'D1 added remotely']);
    assert.equal(state.canSave, false);
    assert.deepEqual(state.rows.map((r) => [r.key, r.status]), [['A1', 'changed'], ['B1', 'unchanged']]);
    assert.match((await send({ op: 'save' })).message?.text ?? '', /Merge your edits with the remote changes, or reload/);

    state = await send({ op: 'merge' });
    assert.equal(state.conflict, undefined);
    assert.match(state.message?.text ?? '', /^Merged: 2 remote change\(s\) taken in\. Review the changes, then Save\.$/);
    assert.deepEqual(state.diff.map((d) => d.text), ['A1: value changed', 'C1 removed']);
    assert.equal((await send({ op: 'save' })).message?.kind, 'success');
    assert.deepEqual(await readEnvThroughInvoke(suite.client, name, ['A1', 'B1', 'C1', 'D1']), { A1: 'mine', B1: 'theirs', C1: null, D1: 'new' });
  });

  it('shows a published version read-only, refuses edits with a way out, and edits $LATEST on request', async () => {
    const name = await newFunction({ AB: 'v1' });
    await suite.client.send(new PublishVersionCommand({ FunctionName: name }));
    const { send } = open(name, { qualifier: '1' });
    let state = await send({ op: 'addRow' });
    assert.equal(state.readOnly, true);
    assert.equal(state.shows, 'version 1');
    assert.match(state.readOnlyNote ?? '', /^Version 1 is published, and published versions never change\./);
    assert.equal(state.message?.text, 'This is a published version; it cannot change. Use "Edit $LATEST" to change the function.');
    assert.equal(state.rows.length, 1, 'nothing was added');
    state = await send({ op: 'editLatest' });
    assert.equal(state.readOnly, false);
    assert.equal(state.shows, '$LATEST');
    assert.equal((await send({ op: 'addRow' })).rows.length, 2);
  });

  it('says when the function cannot be read, and offers only a reload', async () => {
    const { send, ready } = open('cfg-unit-missing');
    const failed = await ready();
    assert.equal(failed.phase, 'failed');
    assert.match(failed.loadError ?? '', /cfg-unit-missing/);
    const state = await send({ op: 'addRow' });
    assert.equal(state.message?.text, 'The function could not be read; reload to try again.');
    assert.equal((await send({ op: 'reload' })).phase, 'failed');
  });

  it('applies edits in the order they arrive, even when sent without waiting', async () => {
    const name = await newFunction({ AB: 'x' });
    const { send, ready } = open(name);
    const id = rowId(await ready(), 'AB');
    const results = await Promise.all([send({ op: 'addRow' }), send({ op: 'addRow' }), send({ op: 'setValue', id, value: 'y' }), send({ op: 'moveRow', id, to: 2 })]);
    assert.deepEqual(results.map((s) => s.rows.length), [2, 3, 3, 3]);
    assert.deepEqual(results[3].rows.map((r) => r.key), ['', '', 'AB']);
    assert.equal(results[3].rows[2].status, 'changed');
  });

  it('takes KEY=value lines pasted at once, and says what it skipped', async () => {
    const name = await newFunction({ KEEP: 'kept', OVERRIDE: 'old' });
    const { send } = open(name);
    const state = await send({ op: 'paste', text: 'export OVERRIDE=new\nQUOTED="two words # not a comment"\nbad line\n' });
    assert.match(state.message?.text ?? '', /^From the pasted text: 1 added, 1 updated\. Skipped 1 line\(s\): Line 3: expected KEY=value/);
    assert.equal(state.message?.kind, 'error');
    assert.deepEqual(state.rows.map((r) => [r.key, r.status]), [['KEEP', 'unchanged'], ['OVERRIDE', 'changed'], ['QUOTED', 'added']]);
    assert.equal((await send({ op: 'paste', text: '# only a comment\n' })).message?.text, 'No KEY=value lines in the pasted text.');
  });

  it('imports a .env file and exports the table to one, with the values in plain text and a warning that says so', async () => {
    const name = await newFunction({ KEEP: 'kept' });
    const importFile = path.join(scratch, `${name}-in.env`);
    const exportFile = path.join(scratch, `${name}-out.env`);
    fs.writeFileSync(importFile, '# shared\nADDED=yes\n');
    let picked: string | undefined = importFile;
    const files: ConfigurationFiles = { pickImport: async () => (picked ? vscode.Uri.file(picked) : undefined), pickExport: async () => vscode.Uri.file(exportFile) };
    const { send } = open(name, { files });
    let state = await send({ op: 'importFile' });
    assert.equal(state.message?.text, `From the file ${name}-in.env: 1 added, 0 updated.`);
    assert.deepEqual(state.rows.map((r) => r.key), ['KEEP', 'ADDED']);
    picked = undefined;
    assert.equal((await send({ op: 'importFile' })).message, undefined, 'a cancelled dialog changes nothing');

    state = await send({ op: 'exportFile' });
    assert.equal(state.message?.text, `Exported 2 variable(s) to ${exportFile}. The file holds the values in plain text.`);
    const text = fs.readFileSync(exportFile, 'utf8');
    assert.match(text, new RegExp(`^# Environment variables of ${name} \\(Local Lambda, us-east-1\\)\n`));
    assert.ok(text.endsWith('KEEP=kept\nADDED=yes\n'), text);

    fs.writeFileSync(importFile, 'X'.repeat(1024 * 1024 + 1));
    picked = importFile;
    assert.equal((await send({ op: 'importFile' })).message?.text, `${name}-in.env is larger than 1 MB; it does not look like a .env file.`);
  });

  it('copies an overview value to the clipboard', async () => {
    const name = await newFunction({});
    const { host, send, ready } = open(name);
    await ready();
    await host.waitFor('state', (s) => s.overview.length > 0, 'the overview');
    const state = await send({ op: 'copy', item: 'handler' });
    assert.equal(state.message?.text, 'Copied Handler.');
    assert.equal(ui.clipboard, 'index.handler');
    assert.equal((await send({ op: 'copy', item: 'nothing-here' })).message?.text, 'Nothing to copy there.');
  });

  it('stops telling the webview anything once disposed', async () => {
    const name = await newFunction({});
    const { host, controller, ready } = open(name);
    await ready();
    const sent = host.sent.length;
    controller.dispose();
    controller.onReady();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(host.sent.length, sent);
  });
});
