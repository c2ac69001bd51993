import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readManifest } from '../support/repo';
import { activateOnce, extensionId } from './support/activation';

interface Manifest {
  contributes?: { commands?: { command: string }[]; views?: Record<string, { id: string }[]> };
}

describe('Lambda Workbench in VS Code', function () {
  this.timeout(60000);
  const manifest = readManifest<Manifest>();

  it(`is loaded as ${extensionId()} and activates`, async () => {
    const { extension } = await activateOnce();
    assert.equal(extension.id, extensionId());
    assert.equal(extension.isActive, true, `${extensionId()} did not become active`);
  });

  it('registers every command it contributes, each under lambdaWorkbench.', async () => {
    await activateOnce();
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const badIds = contributed.filter((id) => !id.startsWith('lambdaWorkbench.'));
    assert.deepEqual(badIds, [], 'command ids must start with lambdaWorkbench.');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed commands that the extension did not register');
  });

  it('shows the Connections view in its own view container', async () => {
    await activateOnce();
    const views = manifest.contributes?.views?.['lambda-workbench'] ?? [];
    assert.ok(
      views.some((v) => v.id === 'lambdaWorkbench.explorer'),
      'package.json does not contribute view lambdaWorkbench.explorer to container lambda-workbench',
    );
    // The workbench creates "<view id>.focus" once the view is registered; running it opens the view.
    await vscode.commands.executeCommand('lambdaWorkbench.explorer.focus');
  });
});
