// What a person sees: the Aliases & Traffic tab of hello-node, a new alias, 10 % of its traffic
// shifted to version 2 after a before/after confirmation, and the bar and the tree following.
import * as assert from 'assert';
import type { Frame, Locator } from 'playwright-core';
import { expandRow, openPanelFromRow, useWorkbench, waitForRow, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;

/** Waits until the tree row `label` has `description`; fails saying what it has instead. */
async function rowDescription(view: Locator, label: string, description: string): Promise<void> {
  const row = await waitForRow(view, label, STEP_TIMEOUT);
  const text = row.locator('.label-description');
  try {
    await text.filter({ hasText: description }).waitFor({ timeout: STEP_TIMEOUT });
  } catch {
    throw new Error(`tree row "${label}" shows "${await text.textContent()}", not "${description}"`);
  }
}

describe('Aliases & Traffic tab in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('aliases');
  let view: Locator;
  let panel: Frame;

  it('shows the live alias of hello-node as a 90/10 bar', async () => {
    const { page } = workbench();
    await page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ }).click();
    view = page.locator('.part.sidebar');
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    await expandRow(view, 'hello-node', STEP_TIMEOUT);
    await expandRow(view, 'Aliases', STEP_TIMEOUT);
    await rowDescription(view, 'live', '→ 1 (90%) · 2 (10%)');
    await openPanelFromRow(view, 'hello-node', STEP_TIMEOUT);
    panel = await webviewFrame(page, '.frame-title', STEP_TIMEOUT);
    await panel.locator('vscode-tab-header', { hasText: 'Aliases & Traffic' }).click();
    const live = panel.locator('.aliases-card[data-alias="live"]');
    await live.waitFor({ timeout: STEP_TIMEOUT });
    assert.equal((await live.locator('.aliases-bar-primary').textContent())?.trim(), '1 · 90%');
    assert.equal((await live.locator('.aliases-bar-extra').textContent())?.trim(), '2 · 10%');
    await workbench().screenshot('aliases-panel.png');
  });

  it('creates an alias canary on version 1 from the panel', async () => {
    await panel.locator('vscode-button.aliases-new').click();
    await panel.locator('vscode-textfield.aliases-create-name input').fill('canary');
    await panel.locator('vscode-single-select.aliases-create-primary').click();
    await panel.getByRole('option', { name: /^1\b/ }).click();
    await panel.locator('vscode-button.aliases-create-submit').click();
    const canary = panel.locator('.aliases-card[data-alias="canary"]');
    await canary.waitFor({ timeout: STEP_TIMEOUT });
    assert.equal((await canary.locator('.aliases-bar-primary').textContent())?.trim(), '1 · 100%');
    await rowDescription(view, 'canary', '→ 1');
  });

  it('shifts 10 % of canary to version 2 after confirming the before/after; the bar and the tree follow', async () => {
    const canary = panel.locator('.aliases-card[data-alias="canary"]');
    await canary.locator('vscode-textfield.aliases-weight input').fill('10');
    await canary.locator('vscode-button.aliases-apply').click();
    const summary = canary.locator('.aliases-confirm-summary');
    await summary.waitFor({ timeout: STEP_TIMEOUT });
    assert.equal((await summary.textContent())?.trim(), 'canary: 1 (100%) → 1 (90%) · 2 (10%)');
    await workbench().screenshot('aliases-confirm.png');
    await canary.locator('.aliases-confirm vscode-button', { hasText: 'Shift traffic' }).click();
    await canary.locator('.aliases-bar-extra', { hasText: '2 · 10%' }).waitFor({ timeout: STEP_TIMEOUT });
    assert.equal((await canary.locator('.aliases-bar-primary').textContent())?.trim(), '1 · 90%');
    assert.equal((await canary.locator('.aliases-summary').textContent())?.trim(), '→ 1 (90%) · 2 (10%)');
    await rowDescription(view, 'canary', '→ 1 (90%) · 2 (10%)');
    await workbench().screenshot('aliases-shifted.png');
  });

  it('walks canary to 100 % of version 2 with a gradual rollout, automatic rollback armed', async () => {
    const canary = panel.locator('.aliases-card[data-alias="canary"]');
    await canary.locator('.aliases-rollout-form summary').click();
    await canary.locator('vscode-textfield.aliases-rollout-interval input').fill('0.05');
    await canary.locator('vscode-checkbox.aliases-rollout-invoke').click();
    await workbench().screenshot('aliases-rollout-form.png');
    await canary.locator('vscode-button.aliases-rollout-review').click();
    const summary = canary.locator('.aliases-confirm-summary');
    await summary.waitFor({ timeout: STEP_TIMEOUT });
    assert.equal((await summary.textContent())?.trim(), 'hello-node:canary: version 1 → 2');
    assert.match((await canary.locator('.aliases-confirm-text').textContent()) ?? '', /10% → 25% → 50% → 100%, every 3 s/);
    await canary.locator('.aliases-confirm vscode-button', { hasText: 'Start rollout' }).click();
    await canary.locator('.aliases-rollout-active').waitFor({ timeout: STEP_TIMEOUT });
    // After the first check: both versions' error rate as a chart, and what judged the step.
    await canary.locator('.aliases-rollout-chart canvas').waitFor({ timeout: STEP_TIMEOUT });
    assert.match((await canary.locator('.aliases-rollout-chart .u-legend').textContent()) ?? '', /1 \(old\).*2 \(new\)/);
    await canary.locator('.aliases-rollout-judged', { hasText: /Judged by: 10%: (log lines|CloudWatch metrics)/ }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('aliases-rollout-running.png');
    await panel.locator('.aliases-history-item.aliases-rollout-succeeded', { hasText: 'canary 1 → 2' }).waitFor({ timeout: STEP_TIMEOUT });
    await canary.locator('.aliases-bar-primary', { hasText: '2 · 100%' }).waitFor({ timeout: STEP_TIMEOUT });
    assert.equal((await canary.locator('.aliases-summary').textContent())?.trim(), '→ 2 (100%)');
    await rowDescription(view, 'canary', '→ 2');
    await workbench().screenshot('aliases-rollout-done.png');
  });
});
