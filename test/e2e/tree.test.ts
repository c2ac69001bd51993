// What a person sees: the Lambda Workbench tree in a real VS Code, with examples/ open.
import * as assert from 'assert';
import type { Locator } from 'playwright-core';
import { expandRow, useWorkbench, waitForRow } from './workbench';

const STEP_TIMEOUT = 60000;

describe('Lambda Workbench tree in the workbench (e2e)', function () {
  this.timeout(300000);
  const workbench = useWorkbench('tree');
  let view: Locator;

  it('opens the Lambda Workbench view container from the activity bar', async () => {
    const { page } = workbench();
    const entry = page.locator('.activitybar').getByRole('tab', { name: /Lambda Workbench/ });
    await entry.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await workbench().screenshot('workbench-overview.png');
    await entry.click();
    // The one view is named like its container, so the side bar title reads just "Lambda Workbench".
    view = page.locator('.part.sidebar');
    await view.locator('.composite.title', { hasText: /Lambda Workbench/i }).waitFor({ timeout: STEP_TIMEOUT });
    await waitForRow(view, 'Local Lambda', STEP_TIMEOUT);
    await workbench().screenshot('view-container.png');
  });

  it('lists hello-node under Local Lambda → us-east-1', async () => {
    await expandRow(view, 'Local Lambda', STEP_TIMEOUT);
    await expandRow(view, 'us-east-1', STEP_TIMEOUT);
    const fn = await waitForRow(view, 'hello-node', STEP_TIMEOUT);
    const description = await fn.locator('.label-description').textContent();
    assert.match(description ?? '', /nodejs20\.x/, `hello-node description: ${description}`);
    await workbench().screenshot('tree-expanded.png');
  });

  it('shows versions 1 and 2 of hello-node', async () => {
    await expandRow(view, 'hello-node', STEP_TIMEOUT);
    await expandRow(view, 'Versions', STEP_TIMEOUT);
    await waitForRow(view, '1', STEP_TIMEOUT);
    await waitForRow(view, '2', STEP_TIMEOUT);
    await workbench().screenshot('versions.png');
  });

  it('shows alias live routing 90% to version 1 and 10% to version 2', async () => {
    await expandRow(view, 'Aliases', STEP_TIMEOUT);
    const live = await waitForRow(view, 'live', STEP_TIMEOUT);
    const description = (await live.locator('.label-description').textContent()) ?? '';
    assert.match(description, /90%/, `alias live description: "${description}"`);
    assert.match(description, /10%/, `alias live description: "${description}"`);
    // The health line of the last hour arrives after the row painted: "idle" or "… err · p99 …".
    await live.locator('.label-description', { hasText: /· (idle|[\d.<]+% err)/ }).waitFor({ timeout: STEP_TIMEOUT });
    await workbench().screenshot('aliases.png');
  });
});
