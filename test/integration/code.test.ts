import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import type { DeployOutcome, DownloadOutcome } from '../../src/features/code/actions';
import { packageFolder } from '../../src/workbench/packaging/packageFolder';
import { Commands } from '../../src/workbench/ids';
import type { FunctionTarget } from '../../src/shared/target';
import { activateOnce } from './support/activation';

const handlerSays = (text: string) => `export const handler = async () => ({ says: ${JSON.stringify(text)} });\n`;

describe('Code: download, deploy and sync against the Local Lambda', function () {
  this.timeout(120_000);
  const functionName = `code-it-${Date.now().toString(36)}`;
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-code-it-'));
  const folder = path.join(parent, functionName);
  const folderUri = vscode.Uri.file(folder);
  const handlerFile = path.join(folder, 'index.mjs');
  let client: LambdaClient;
  let other: LambdaClient;
  let target: FunctionTarget;

  const config = () => client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  async function invokeSays(): Promise<string> {
    const out = await client.send(new InvokeCommand({ FunctionName: functionName }));
    const text = Buffer.from(out.Payload ?? []).toString();
    assert.equal(out.FunctionError, undefined, text);
    return (JSON.parse(text) as { says: string }).says;
  }
  /** Edits the handler the way a person does: in the editor, then save. */
  async function editHandler(text: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(handlerFile);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
    assert.ok(await doc.save(), 'the handler was saved');
  }
  const quickDeploy = () => vscode.commands.executeCommand<DeployOutcome>(Commands.quickDeploy, folderUri);

  before(async () => {
    const { api } = await activateOnce();
    const local = await api.localEndpoint();
    client = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    other = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
    await client.send(new CreateFunctionCommand({
      FunctionName: functionName, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(handlerSays('original')), 'lib/words.json': strToU8('["a"]') }) },
    }));
    target = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: local.region, functionName };
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await client?.send(new DeleteFunctionCommand({ FunctionName: functionName })).catch(() => undefined);
    client?.destroy();
    other?.destroy();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('Download Code unpacks the package into the folder and opens the handler', async () => {
    const result = await vscode.commands.executeCommand<DownloadOutcome>(Commands.downloadCode, target, folderUri);
    assert.ok(result, 'the download command returned nothing');
    assert.deepEqual(result.files, ['index.mjs', 'lib/words.json']);
    assert.equal(fs.readFileSync(handlerFile, 'utf8'), handlerSays('original'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, handlerFile, 'the handler file is open');
    const outcome = await quickDeploy();
    assert.equal(outcome.status, 'unchanged', `a fresh download has nothing to deploy: ${outcome.message}`);
  });

  it('Quick Deploy ships the edited handler: CodeSha256 is the uploaded zip\'s and the next invoke runs it', async () => {
    const revisionBefore = (await config()).RevisionId;
    await editHandler(handlerSays('edited in VS Code'));
    const outcome = await quickDeploy();
    assert.equal(outcome.status, 'deployed', outcome.message);
    const expected = (await packageFolder(folder)).sha256;
    const after = await config();
    assert.equal(outcome.codeSha256, expected);
    assert.equal(after.CodeSha256, expected);
    assert.notEqual(after.RevisionId, revisionBefore);
    assert.equal(after.LastUpdateStatus, 'Successful');
    assert.equal(await invokeSays(), 'edited in VS Code');
    assert.match(outcome.message ?? '', /\(\$LATEST\)/, 'the message says the deploy went to $LATEST');
  });

  it('deploys on save once the folder opts in', async () => {
    const enabled = await vscode.commands.executeCommand<{ deployOnSave?: boolean }>(Commands.toggleDeployOnSave, folderUri);
    assert.equal(enabled?.deployOnSave, true);
    await editHandler(handlerSays('saved'));
    let says = '';
    for (let i = 0; i < 60 && says !== 'saved'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      says = await invokeSays();
    }
    assert.equal(says, 'saved', 'the save was deployed');
    const disabled = await vscode.commands.executeCommand<{ deployOnSave?: boolean }>(Commands.toggleDeployOnSave, folderUri);
    assert.equal(disabled?.deployOnSave, false);
  });

  it('a deploy by another client meanwhile is reported as a conflict and nothing is overwritten', async () => {
    await other.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zipSync({ 'index.mjs': strToU8(handlerSays('theirs')) }) }));
    const theirs = (await config()).CodeSha256;
    await editHandler(handlerSays('mine'));
    const outcome = await quickDeploy();
    assert.equal(outcome.status, 'conflict');
    assert.match(outcome.message ?? '', /changed by someone else/);
    assert.match(outcome.message ?? '', /nothing was overwritten/);
    assert.equal((await config()).CodeSha256, theirs);
    assert.equal(await invokeSays(), 'theirs');
  });

  it('refuses a package over 50 MB zipped before sending it', async () => {
    const revision = (await config()).RevisionId;
    const big = path.join(folder, 'random.bin');
    fs.writeFileSync(big, randomBytes(51 * 1024 * 1024));
    try {
      const outcome = await quickDeploy();
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.message ?? '', /51 MB zipped, more than the 50 MB/);
      assert.match(outcome.message ?? '', /Nothing was sent/);
      assert.equal((await config()).RevisionId, revision, 'the function was not touched');
    } finally {
      fs.rmSync(big, { force: true });
    }
  });

  it('reports a linked folder that cannot be read, and Unlink forgets the link', async () => {
    const moved = `${folder}-moved`;
    fs.renameSync(folder, moved);
    try {
      const outcome = await quickDeploy();
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.message ?? '', /Cannot read .*it does not exist/);
    } finally {
      fs.renameSync(moved, folder);
    }
    const unlinked = await vscode.commands.executeCommand<{ functionName: string }>(Commands.unlinkFolder, folderUri);
    assert.equal(unlinked?.functionName, functionName);
    assert.equal(await vscode.commands.executeCommand(Commands.unlinkFolder, folderUri), undefined, 'the link is gone');
  });
});
