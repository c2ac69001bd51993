// What a person sees: hello-python's Triggers in the tree (its function URL and the template's
// events), and the Invoke tab's Request mode sending a request to that URL.
import * as assert from 'assert';
import type { Frame, Locator } from 'playwright-core';
import { expandRow, openPanelFromRow, rowAction, useWorkbench, waitForRow, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;

describe('Triggers and the Request mode in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('triggers');
  let view: Locator;
  let panel: Frame;

  it('shows hello-python\'s function URL and template events under Triggers, with the URL\'s inline actions', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    view = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    await expandRow(view, 'hello-python', STEP_TIMEOUT);
    await expandRow(view, 'Triggers', STEP_TIMEOUT);
    await waitForRow(view, 'GET /hello', STEP_TIMEOUT);
    await waitForRow(view, 'rate(1 hour)', STEP_TIMEOUT);
    const url = view.locator('.monaco-list-row').filter({ hasText: /http:\/\/127\.0\.0\.1:\d+\/[a-z0-9]{32}\// }).first();
    await url.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await url.textContent()) ?? '', /NONE · BUFFERED/);
    await rowAction(url, 'Copy curl Command', STEP_TIMEOUT);
    await rowAction(url, 'Open URL', STEP_TIMEOUT);
    await workbench().screenshot('triggers-tree.png');
  });

  it('sends a request to the URL from the Invoke tab\'s Request mode and shows the answer', async () => {
    await openPanelFromRow(view, 'hello-python', STEP_TIMEOUT);
    panel = await webviewFrame(workbench().page, '.invoke-mode-switch:not([hidden])', STEP_TIMEOUT);
    await panel.getByRole('button', { name: 'Request', exact: true }).click();
    await panel.locator('.request-mode:not([hidden])').waitFor({ timeout: STEP_TIMEOUT });
    assert.equal(await panel.locator('textarea.invoke-editor:visible').count(), 0, 'the event editor is hidden in Request mode');
    await panel.locator('input.request-path').fill('/hello');
    await panel.locator('input.request-query').fill('name=Ada');
    await panel.locator('input.request-header-name').first().fill('X-From');
    await panel.locator('input.request-header-value').first().fill('the workbench');
    await panel.locator('vscode-button.request-send').click();
    const ok = panel.locator('.request-result .request-pill-ok');
    await ok.waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await ok.textContent()) ?? '', /200/);
    assert.match((await panel.locator('.request-result pre').textContent()) ?? '', /"message": "Hello, world!"/);
    assert.match((await panel.locator('.request-response-url').textContent()) ?? '', /\/hello\?name=Ada$/);
    await workbench().screenshot('invoke-request-mode.png');
    await panel.getByRole('button', { name: 'Invoke', exact: true }).click();
    await panel.locator('textarea.invoke-editor').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  });
});
