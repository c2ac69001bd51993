// What a person sees: a breakpoint set in the handler with F9, Debug clicked in the Invoke tab,
// the editor stopped on that line with the event's value in the Variables view, the Invoke tab
// saying the call waits for the debugger, and the answer once Continue is pressed.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame, Locator, Page } from 'playwright-core';
import { repoPaths } from '../runners/repo';
import { expandRow, openFile, openPanelFromRow, useWorkbench, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;
/** Debian's Python, which has debugpy with python3-debugpy (the one on PATH may not). */
const DEBUG_PYTHON = '/usr/bin/python3';
const pythonHasDebugpy = spawnSync(DEBUG_PYTHON, ['-c', 'import debugpy'], { stdio: 'ignore', timeout: 20000 }).status === 0;

/** Puts the cursor on `line` of the active editor (Go to Line) and toggles a breakpoint there with F9. */
async function breakpointAt(page: Page, line: number): Promise<void> {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: STEP_TIMEOUT });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col \\d+`) }).first().waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press('F9');
  await page.locator('.editor-group-container.active .monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: STEP_TIMEOUT });
}

/** Opens the function's panel from its inline action in the tree and waits for its Invoke tab. */
async function openPanel(page: Page, functionName: string): Promise<Frame> {
  const view = page.locator('.part.sidebar');
  if (!(await view.locator('.composite.title', { hasText: /Lambda Workbench/i }).isVisible().catch(() => false))) {
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
  }
  await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
  await expandRow(view, 'us-east-1', STEP_TIMEOUT);
  await openPanelFromRow(view, functionName, STEP_TIMEOUT);
  const panel = await webviewFrame(page, `.frame-title >> text=${functionName}`, STEP_TIMEOUT);
  await panel.locator('textarea.invoke-editor').first().waitFor({ timeout: STEP_TIMEOUT });
  return panel;
}

/** Whether the top of `el` shows in its webview without scrolling, as a person sees it. */
async function inView(el: Locator): Promise<boolean> {
  return el.first().evaluate((node) => {
    const rect = (node as unknown as { getBoundingClientRect(): { top: number; height: number } }).getBoundingClientRect();
    const height = (globalThis as unknown as { innerHeight: number }).innerHeight;
    return rect.top >= 0 && rect.top + Math.min(rect.height, 20) <= height;
  });
}

/** Vertical distance between the bottoms of two elements (0: they sit on one row). */
async function rowOffset(a: Locator, b: Locator): Promise<number> {
  const [boxA, boxB] = [await a.boundingBox(), await b.boundingBox()];
  if (!boxA || !boxB) throw new Error('an element is not laid out');
  return Math.abs(boxA.y + boxA.height - (boxB.y + boxB.height));
}

/** The Run and Debug view's Variables section. */
function variablesPane(page: Page): Locator {
  return page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /variables/i }) });
}

/** The Variables row of the variable `name` (the view shows "name =" or "name:" before the value). */
function variableRow(page: Page, name: string): Locator {
  return variablesPane(page).locator('.monaco-list-row').filter({ has: page.locator('.expression .name', { hasText: new RegExp(`^\\s*${name}\\s*[:=]?\\s*$`) }) });
}

describe('Debugging from the Invoke tab in the workbench (e2e)', function () {
  this.timeout(300000);
  // A copy of examples/, outside the repository: the Local Lambda keeps its state in the folder it
  // serves, and the copy's settings send python3.12 functions to a Python with debugpy.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-debug-e2e-'));
  const workspace = path.join(parent, 'examples');
  fs.cpSync(repoPaths.EXAMPLES, workspace, { recursive: true, filter: (source) => path.basename(source) !== '.local-lambda' });
  if (pythonHasDebugpy) {
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'lambdaWorkbench.local.interpreters': { 'python3.12': DEBUG_PYTHON } }, null, 2));
  }
  const workbench = useWorkbench('debug', () => ({ workspace }));
  let panel: Frame;

  after(() => {
    fs.rmSync(parent, { recursive: true, force: true });
  });

  afterEach(async function () {
    // A failed test may leave the debugger paused: stop it (Shift+F5) so the next one starts clean.
    if (this.currentTest?.state !== 'failed') return;
    const { page } = workbench();
    if (await page.locator('.debug-toolbar').isVisible().catch(() => false)) await page.keyboard.press('Shift+F5');
  });

  it('Node.js: Debug in the Invoke tab stops on the breakpoint set with F9, with the event\'s name in Variables', async () => {
    const { page } = workbench();
    await openFile(page, 'index.mjs', STEP_TIMEOUT);
    await breakpointAt(page, 7);

    panel = await openPanel(page, 'hello-node');
    await panel.locator('textarea.invoke-editor').first().fill('{"name": "Ada"}');
    await panel.locator('.invoke-status-ok', { hasText: 'Valid JSON' }).waitFor({ timeout: STEP_TIMEOUT });
    await panel.locator('vscode-button.invoke-debug').click();

    // Stopped: the debug toolbar, line 7 of index.mjs marked as the top frame, and its locals.
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.locator('.tabs-container .tab.active', { hasText: 'index.mjs' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.editor-group-container.active .monaco-editor .debug-top-stack-frame-line').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 7, Col \d+/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    const name = variableRow(page, 'name');
    await name.first().waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await name.first().locator('.expression .value').textContent()) ?? '', /^['"]?Ada['"]?$/);
    await workbench().screenshot('debug-stopped-node.png');
  });

  it('Node.js: the Invoke tab says the call waits for the debugger, and shows the answer after Continue', async () => {
    const { page } = workbench();
    // The stopped frame's file came to the front; the function's panel is one tab away.
    await page.locator('.tabs-container .tab', { hasText: 'hello-node' }).click();
    panel = await webviewFrame(page, '.frame-title >> text=hello-node', STEP_TIMEOUT);
    const running = panel.locator('.invoke-running');
    await running.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await running.textContent()) ?? '', /Debugging hello-node:\$LATEST/);
    assert.match((await running.textContent()) ?? '', /timeout is not enforced while the debugger is attached/);
    // With the Debug Console taking half the height, the note is still where the eye lands.
    assert.equal(await inView(panel.locator('.invoke-debug-note')), true, 'the debug note shows without scrolling');
    assert.equal(await panel.locator('vscode-button.invoke-cancel').isVisible(), true, 'the call can be cancelled from the tab');
    // Cancel takes the key hint's place: the buttons stay on the row of the selects, nothing jumps.
    assert.ok(await rowOffset(panel.locator('vscode-button.invoke-debug'), panel.locator('vscode-single-select.invoke-type')) < 4, 'the buttons did not wrap onto a row of their own');
    await workbench().screenshot('debug-invoke-tab-running.png');

    await page.locator('.debug-toolbar .codicon-debug-continue').click();
    await panel.locator('.invoke-block pre', { hasText: 'Hello, Ada!' }).waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await panel.locator('.invoke-pill-ok').textContent()) ?? '', /200 OK/);
    assert.equal(await inView(panel.locator('.invoke-pill-ok')), true, 'the result shows without scrolling');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await workbench().screenshot('debug-node-result.png');
  });

  (pythonHasDebugpy ? it : it.skip)('Python: Debug stops on the breakpoint in app.py through debugpy, and Continue gives the answer', async () => {
    const { page } = workbench();
    await openFile(page, 'app.py', STEP_TIMEOUT);
    await breakpointAt(page, 10);

    panel = await openPanel(page, 'hello-python');
    await panel.locator('textarea.invoke-editor').first().fill('{"name": "Ada"}');
    await panel.locator('.invoke-status-ok', { hasText: 'Valid JSON' }).waitFor({ timeout: STEP_TIMEOUT });
    await panel.locator('vscode-button.invoke-debug').click();

    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.locator('.tabs-container .tab.active', { hasText: 'app.py' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.editor-group-container.active .monaco-editor .debug-top-stack-frame-line').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 10, Col \d+/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    const name = variableRow(page, 'name');
    await name.first().waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await name.first().locator('.expression .value').textContent()) ?? '', /^['"]?Ada['"]?$/);
    await workbench().screenshot('debug-stopped-python.png');

    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    // Continued in the editor: back in the panel, the answer that came meanwhile is in view.
    await page.locator('.tabs-container .tab', { hasText: 'hello-python' }).click();
    panel = await webviewFrame(page, '.frame-title >> text=hello-python', STEP_TIMEOUT);
    await panel.locator('.invoke-block pre', { hasText: 'Hello, Ada!' }).waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await inView(panel.locator('.invoke-pill-ok')), true, 'the result shows without scrolling');
    await workbench().screenshot('debug-python-result.png');
  });
});
