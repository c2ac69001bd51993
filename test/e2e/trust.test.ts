// What a person sees in an untrusted folder: the AWS side as usual, the Local Lambda held back
// with a way to trust the folder, no local CodeLens, a workspace setting that names an endpoint
// ignored; and after trusting, everything on without a reload.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame, Locator, Page } from 'playwright-core';
import { expandRow, openFile, openPanelFromRow, useWorkbench, waitForRow, webviewFrame } from './workbench';
import { repoPaths } from '../runners/repo';

const STEP_TIMEOUT = 60000;

/** Processes whose command line serves `folder` (the Local Lambda is started with `--dir <folder>`). */
function localLambdaProcesses(folder: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    const dir = argv.indexOf('--dir');
    if (dir >= 0 && argv[dir + 1] === folder) found.push(Number(entry));
  }
  return found;
}

/** A copy of hello-node with a workspace setting that adds a custom endpoint connection. */
function makeProject(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lw-trust-')));
  fs.cpSync(path.join(repoPaths.EXAMPLES, 'hello-node'), path.join(root, 'hello-node'), { recursive: true });
  fs.writeFileSync(path.join(root, 'template.yaml'), [
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  HelloNodeFunction:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      FunctionName: hello-node',
    '      CodeUri: hello-node/',
    '      Handler: index.handler',
    '      Runtime: nodejs20.x',
    '',
  ].join('\n'));
  fs.mkdirSync(path.join(root, '.vscode'));
  fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), JSON.stringify({
    'lambdaWorkbench.customEndpoints': [{ name: 'endpoint-from-workspace', endpoint: 'http://127.0.0.1:9' }],
  }, null, 2));
  return root;
}

async function lensTitles(page: Page): Promise<string[]> {
  return (await page.locator('.monaco-editor .codelens-decoration a').allTextContents()).map((t) => t.trim()).filter(Boolean);
}

describe('Workspace Trust in the workbench (e2e)', function () {
  this.timeout(300000);
  const project = makeProject();
  const workbench = useWorkbench('trust', () => ({ workspace: project, workspaceTrust: true }));
  let view: Locator;
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it('shows the Local Lambda as restricted, with a way to trust the folder, and starts nothing', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    view = page.locator('.part.sidebar');
    const local = await waitForRow(view, 'Local Lambda', STEP_TIMEOUT);
    await local.locator('.label-description', { hasText: 'Restricted Mode' }).waitFor({ timeout: STEP_TIMEOUT });
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await waitForRow(view, 'Trust this folder to run its functions', STEP_TIMEOUT);
    await page.waitForTimeout(2000); // long enough for a start to show, were one to happen
    assert.deepEqual(localLambdaProcesses(project), [], 'no Local Lambda serves the untrusted folder');
    assert.equal(await treeLabel(view, 'endpoint-from-workspace'), false, 'the workspace\'s custom endpoint is ignored while untrusted');
    await workbench().screenshot('trust-restricted.png');
  });

  it('offers no local CodeLens in the untrusted folder', async () => {
    const { page } = workbench();
    await openFile(page, 'index.mjs', STEP_TIMEOUT);
    await page.locator('.monaco-editor .codelens-decoration').first().waitFor({ timeout: STEP_TIMEOUT });
    const titles = await lensTitles(page);
    assert.ok(titles.some((t) => /Invoke/.test(t)), `the AWS lenses stay: ${titles.join(' | ')}`);
    assert.ok(!titles.some((t) => /locally/.test(t)), `no local lens: ${titles.join(' | ')}`);
    await workbench().screenshot('trust-restricted-codelens.png');
  });

  it('after trusting the folder starts the Local Lambda without a reload, and an invoke works', async () => {
    const { page } = workbench();
    await (await waitForRow(view, 'Trust this folder to run its functions', STEP_TIMEOUT)).click();
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('trust-editor.png');
    await trust.click();

    await waitForRow(view, 'endpoint-from-workspace', STEP_TIMEOUT);
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    assert.equal(localLambdaProcesses(project).length, 1, 'one Local Lambda serves the folder now');

    await openPanelFromRow(view, 'hello-node', STEP_TIMEOUT);
    const panel: Frame = await webviewFrame(page, '.invoke-editor', STEP_TIMEOUT);
    await panel.locator('vscode-button.invoke-run').click();
    await panel.locator('.invoke-pill-ok').waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await panel.locator('.invoke-block pre').first().textContent()) ?? '', /Hello/);

    await page.locator('.tabs-container .tab', { hasText: 'index.mjs' }).click();
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: /locally/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('trust-granted.png');
  });
});

async function treeLabel(view: Locator, label: string): Promise<boolean> {
  const labels = (await view.locator('.monaco-list-row .label-name').allTextContents()).map((l) => l.trim());
  return labels.includes(label);
}

