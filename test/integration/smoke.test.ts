import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

interface Manifest {
  name: string;
  publisher: string;
  contributes?: { commands?: { command: string }[]; views?: Record<string, { id: string }[]> };
}

const manifestPath = path.resolve(__dirname, '..', '..', '..', 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
const extensionId = `${manifest.publisher}.${manifest.name}`;

function workbenchExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `extension ${extensionId} is not loaded by VS Code (is ${manifestPath} "main" built?)`);
  return extension;
}

describe('Lambda Workbench in VS Code', function () {
  this.timeout(60000);

  it(`is loaded as ${extensionId} and activates`, async () => {
    const extension = workbenchExtension();
    await extension.activate();
    assert.strictEqual(extension.isActive, true, `${extensionId} did not become active`);
  });

  it('registers every command it contributes, each under lambdaWorkbench.', async () => {
    await workbenchExtension().activate();
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const badIds = contributed.filter((id) => !id.startsWith('lambdaWorkbench.'));
    assert.deepStrictEqual(badIds, [], 'command ids must start with lambdaWorkbench.');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], 'contributed commands that the extension did not register');
  });

  it('shows the Connections view in its own view container', async () => {
    await workbenchExtension().activate();
    const views = manifest.contributes?.views?.['lambda-workbench'] ?? [];
    assert.ok(
      views.some((v) => v.id === 'lambdaWorkbench.explorer'),
      'package.json does not contribute view lambdaWorkbench.explorer to container lambda-workbench',
    );
    // The workbench creates "<view id>.focus" once the view is registered; running it opens the view.
    await vscode.commands.executeCommand('lambdaWorkbench.explorer.focus');
  });
});
