import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateOnce } from './support/activation';
import type { WorkbenchApi } from '../../src/testApi';
import type { FunctionTarget } from '../../src/shared/target';
import type { InvocationView, InvokeTabState } from '../../src/features/invoke/protocol';

interface LensView {
  line: number;
  title: string;
  command: string;
  args: unknown[];
}

/** Our lenses on a file, resolved the way the editor resolves them. */
async function lensesOn(uri: vscode.Uri): Promise<LensView[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses
    .filter((l) => l.command?.command.startsWith('lambdaWorkbench.'))
    .map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command, args: l.command!.arguments ?? [] }));
}

/** Lenses appear once the template is read; poll briefly instead of guessing a delay. */
async function waitForLenses(uri: vscode.Uri, expectAny: boolean): Promise<LensView[]> {
  let lenses: LensView[] = [];
  for (let i = 0; i < 40; i++) {
    lenses = await lensesOn(uri);
    if (lenses.length > 0 === expectAny) return lenses;
    await new Promise((r) => setTimeout(r, 250));
  }
  return lenses;
}

async function lastInvocation(api: WorkbenchApi, target: FunctionTarget): Promise<InvocationView | undefined> {
  await api.functionPanel.open(target, 'invoke');
  return ((await api.functionPanel.request(target, 'invoke', 'load')) as InvokeTabState).last;
}

function lineOf(document: vscode.TextDocument, pattern: RegExp): number {
  for (let i = 0; i < document.lineCount; i++) if (pattern.test(document.lineAt(i).text)) return i;
  assert.fail(`no line matches ${pattern} in ${document.uri.fsPath}`);
}

describe('Handler CodeLens in VS Code (examples/ workspace)', function () {
  this.timeout(60_000);
  const examples = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const scratch: string[] = [];

  before(async () => {
    await activateOnce();
    assert.ok(fs.existsSync(path.join(examples(), 'template.yaml')), 'the examples folder is the workspace');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    for (const file of scratch) fs.rmSync(file, { force: true });
  });

  it('shows Invoke, Invoke locally, Debug and Logs above the Node.js handler', async () => {
    const uri = vscode.Uri.file(path.join(examples(), 'hello-node', 'index.mjs'));
    const document = await vscode.workspace.openTextDocument(uri);
    const lenses = await waitForLenses(uri, true);
    const handlerLine = lineOf(document, /^export const handler\b/);
    assert.deepEqual(lenses.map((l) => [l.line, l.title]), [
      [handlerLine, '▶ Invoke hello-node'],
      [handlerLine, 'Invoke locally'],
      [handlerLine, 'Debug'],
      [handlerLine, 'Logs'],
      [handlerLine, 'Deploy to…'],
    ]);
    assert.equal(lenses[4].command, 'lambdaWorkbench.deploy.function');
    assert.deepEqual(lenses[4].args[0], { functionName: 'hello-node' });
    const local = lenses[1];
    assert.equal(local.command, 'lambdaWorkbench.invokeHandler');
    assert.deepEqual(local.args[0], { file: uri.toString(), exportName: 'handler', functionName: 'hello-node', tab: 'invoke', local: true });
    assert.equal(lenses[2].command, 'lambdaWorkbench.invokeHandler');
    assert.deepEqual(lenses[2].args[0], { file: uri.toString(), exportName: 'handler', functionName: 'hello-node', tab: 'invoke', local: true, debug: true });
    // Not yet mapped to a deployed function: Invoke and Logs ask which one (and remember).
    assert.deepEqual(lenses[0].args[0], { file: uri.toString(), exportName: 'handler', functionName: 'hello-node', tab: 'invoke' });
    assert.deepEqual(lenses[3].args[0], { file: uri.toString(), exportName: 'handler', functionName: 'hello-node', tab: 'logs' });
  });

  it('shows the lenses above the Python handler', async () => {
    const uri = vscode.Uri.file(path.join(examples(), 'hello-python', 'app.py'));
    const document = await vscode.workspace.openTextDocument(uri);
    const lenses = await waitForLenses(uri, true);
    const handlerLine = lineOf(document, /^def handler\(event, context\)/);
    assert.deepEqual(lenses.map((l) => [l.line, l.title]), [
      [handlerLine, '▶ Invoke hello-python'],
      [handlerLine, 'Invoke locally'],
      [handlerLine, 'Debug'],
      [handlerLine, 'Logs'],
      [handlerLine, 'Deploy to…'],
    ]);
    assert.equal((lenses[2].args[0] as { functionName: string; debug: boolean }).debug, true);
    assert.equal((lenses[1].args[0] as { functionName: string }).functionName, 'hello-python');
  });

  it('shows no lenses on a file that is not a handler, even one that exports "handler"', async () => {
    const helper = path.join(examples(), 'hello-node', `lens-helper-${Date.now().toString(36)}.mjs`);
    fs.writeFileSync(helper, 'export const handler = async () => "not the function handler";\n');
    scratch.push(helper);
    const uri = vscode.Uri.file(helper);
    await vscode.workspace.openTextDocument(uri);
    // Give the provider the same time it needs on a real handler before concluding there are none.
    await waitForLenses(vscode.Uri.file(path.join(examples(), 'hello-node', 'index.mjs')), true);
    assert.deepEqual(await lensesOn(uri), []);
    const untitled = await vscode.workspace.openTextDocument({ language: 'javascript', content: 'export const handler = async () => 1;\n' });
    assert.deepEqual(await lensesOn(untitled.uri), []);
  });

  it('shows no lenses when lambdaWorkbench.codeLens.enabled is off, and again when on', async () => {
    const uri = vscode.Uri.file(path.join(examples(), 'hello-node', 'index.mjs'));
    await vscode.workspace.openTextDocument(uri);
    assert.ok((await waitForLenses(uri, true)).length > 0);
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('codeLens.enabled', false, vscode.ConfigurationTarget.Global);
    assert.deepEqual(await waitForLenses(uri, false), []);
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    assert.equal((await waitForLenses(uri, true)).length, 5);
  });

  it('with only the Local Lambda, ▶ Invoke runs the template\'s function at once and the result shows in its panel', async () => {
    const { api } = await activateOnce();
    const uri = vscode.Uri.file(path.join(examples(), 'hello-node', 'index.mjs'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const [invoke] = await waitForLenses(uri, true);
    assert.equal(invoke.command, 'lambdaWorkbench.invokeHandler');
    const target = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: 'hello-node', qualifier: '$LATEST' } as const;
    const before = await lastInvocation(api, target);
    await vscode.commands.executeCommand(invoke.command, ...invoke.args);
    let last = before;
    for (let i = 0; i < 80 && last?.id === before?.id; i++) {
      await new Promise((r) => setTimeout(r, 250));
      last = await lastInvocation(api, target);
    }
    assert.ok(last && last.id !== before?.id, 'an invocation ran, with no question asked');
    assert.equal(last.outcome, 'ok', last.error);
    assert.match(last.payload ?? '', /Hello/);
    assert.equal((await lensesOn(uri))[0].command, 'lambdaWorkbench.invokeHandler', 'nothing was asked, so nothing is remembered');
  });

  it('with other connections, asks once which function runs the handler, remembers it, and then invokes it directly', async () => {
    const settings = vscode.workspace.getConfiguration('lambdaWorkbench');
    await settings.update('customEndpoints', [{ name: 'elsewhere', endpoint: 'http://127.0.0.1:9' }], vscode.ConfigurationTarget.Global);
    const uri = vscode.Uri.file(path.join(examples(), 'hello-node', 'index.mjs'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    try {
      const [invoke] = await waitForLenses(uri, true);
      assert.equal(invoke.command, 'lambdaWorkbench.invokeHandler');
      // The picker offers the template's Local Lambda function first; accept it as a person would.
      let settled = false;
      const running = Promise.resolve(vscode.commands.executeCommand(invoke.command, ...invoke.args)).finally(() => (settled = true));
      for (let i = 0; i < 60 && !settled; i++) {
        await new Promise((r) => setTimeout(r, 250));
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
      await running;
      let lenses: LensView[] = [];
      for (let i = 0; i < 40 && lenses[0]?.command !== 'lambdaWorkbench.invokeFunction'; i++) {
        lenses = await lensesOn(uri);
        await new Promise((r) => setTimeout(r, 100));
      }
      const target = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: 'hello-node', qualifier: '$LATEST' };
      assert.deepEqual(lenses.map((l) => [l.title, l.command, l.args]), [
        ['▶ Invoke hello-node', 'lambdaWorkbench.invokeFunction', [target, { form: true }]],
        ['Invoke locally', 'lambdaWorkbench.invokeHandler', [{ file: uri.toString(), exportName: 'handler', functionName: 'hello-node', tab: 'invoke', local: true }]],
        ['Debug', 'lambdaWorkbench.invokeHandler', [{ file: uri.toString(), exportName: 'handler', functionName: 'hello-node', tab: 'invoke', local: true, debug: true }]],
        ['Logs', 'lambdaWorkbench.openFunctionPanel', [target, 'logs']],
        ['Deploy to…', 'lambdaWorkbench.deploy.function', [{ functionName: 'hello-node' }]],
      ]);
    } finally {
      await settings.update('customEndpoints', undefined, vscode.ConfigurationTarget.Global);
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('lambdaWorkbench.forgetHandlerFunction');
    }
    assert.equal((await lensesOn(uri))[0].command, 'lambdaWorkbench.invokeHandler', 'forgotten: the next Invoke asks again');
  });
});
