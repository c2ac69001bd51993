// What a person sees deploying a template function from its CodeLens: the connection pick, the
// plan in a Markdown preview with the confirmation, the execution role, the progress, and the
// result. The target is a second Local Lambda, configured as a custom endpoint; one endpoint
// reaches it through a link that holds every request back a moment, so the progress can be seen.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { CreateAliasCommand, GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import type { Page } from 'playwright-core';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { startLocalLambda, type LocalLambda } from '../../src/local/server';
import { REPO_ROOT } from '../runners/repo';
import { openFile, useWorkbench, webviewFrame } from './workbench';

const STEP_TIMEOUT = 60000;
const ROLE = 'arn:aws:iam::123456789012:role/hello-node-execution';

/**
 * A gateway that holds every request back `delayMs`, then sends it on to `target` signed again
 * for the target's host (the Local Lambda answers only requests addressed to itself), so a
 * deploy takes long enough to watch its progress.
 */
function slowLink(target: string, delayMs: number): Promise<http.Server> {
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        await new Promise((r) => setTimeout(r, delayMs));
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', target);
        const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'lambda';
        const headers: Record<string, string> = { host: to.host, 'content-length': String(body.length) };
        for (const name of ['content-type', 'x-amz-target', 'x-amz-invocation-type', 'x-amz-log-type']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const query: Record<string, string> = {};
        url.searchParams.forEach((v, k) => { query[k] = v; });
        const signer = new SignatureV4({ credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: 'us-east-1', service, sha256: Sha256, applyChecksum: false });
        const signed = await signer.sign({ method: req.method ?? 'GET', protocol: 'http:', hostname: to.hostname, port: Number(to.port), path: url.pathname, query, headers, body });
        const out = http.request({ host: to.hostname, port: to.port, method: req.method, path: url.pathname + url.search, headers: signed.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => res.writeHead(502).end());
        out.end(body);
      })();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function pick(page: Page, text: string): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: STEP_TIMEOUT });
  await row.click();
}

describe('Deploy to… in the workbench (e2e)', function () {
  this.timeout(300000);
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-deploy-e2e-'));
  const workspace = path.join(parent, 'examples');
  const targetDir = path.join(parent, 'target');
  const targetData = path.join(parent, 'target-data');
  let target: LocalLambda;
  let link: http.Server;
  let client: LambdaClient;

  // The workspace is a copy of examples/ whose settings name the second Local Lambda, directly and
  // through the slow link; it is made before the workbench opens on it.
  before(async () => {
    fs.cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
    fs.mkdirSync(targetDir);
    target = await startLocalLambda({ dir: targetDir, dataDir: targetData, port: 0, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    link = await slowLink(target.endpoint, 600);
    const linkUrl = `http://127.0.0.1:${(link.address() as AddressInfo).port}`;
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'lambdaWorkbench.customEndpoints': [
        { name: 'Staging Local Lambda', endpoint: target.endpoint, region: 'us-east-1' },
        { name: 'Staging over a slow link', endpoint: linkUrl, region: 'us-east-1' },
      ],
    }, null, 2));
    client = new LambdaClient({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });

  const workbench = useWorkbench('deploy', () => ({ workspace }));

  after(async () => {
    client?.destroy();
    await new Promise((r) => link?.close(r));
    await target?.close();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  async function clickDeployLens(page: Page): Promise<number> {
    const tab = page.locator('.tabs-container .tab', { hasText: 'index.mjs' });
    if (await tab.count()) await tab.first().click();
    else await openFile(page, 'index.mjs', STEP_TIMEOUT);
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Deploy to…' }).first();
    await lens.waitFor({ timeout: STEP_TIMEOUT });
    const clickedAt = Date.now();
    await lens.click();
    return clickedAt;
  }

  it('creates hello-node from its CodeLens: connection, plan, role, then Active', async () => {
    const { page } = workbench();
    const clickedAt = await clickDeployLens(page);
    await pick(page, 'Staging Local Lambda');
    await pick(page, 'Deploy to $LATEST');

    // The plan shows in the Markdown preview behind the confirmation.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: STEP_TIMEOUT });
    assert.match(await dialog.innerText(), /Deploy to Staging Local Lambda \(us-east-1\)\?[\s\S]*hello-node: create, .* zipped of 50 MB/);
    const preview = await webviewFrame(page, 'h2:has-text("hello-node — create (new function)")', STEP_TIMEOUT);
    assert.match(await preview.locator('body').innerText(), /Memory\s+128 MB[\s\S]*Environment\s+1 variable \(\d+ B of 4 KB\): GREETING/);
    await workbench().screenshot('deploy-plan-create.png');
    const confirmedAt = Date.now();
    await dialog.getByRole('button', { name: 'Deploy' }).click();

    // The Local Lambda has no IAM: the role list says so, and a role ARN is entered.
    await pick(page, 'Enter a role ARN');
    const input = page.locator('.quick-input-widget input');
    await input.fill(ROLE);
    await page.keyboard.press('Enter');

    let active = -1;
    for (let i = 0; i < 600 && active < 0; i++) {
      const state = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello-node' })).then((c) => c.State, () => undefined);
      if (state === 'Active') active = Date.now();
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(active >= 0, 'hello-node became Active on the target');
    console.log(`      click on "Deploy to…" → State Active on the Local target: ${active - clickedAt} ms, of which ${active - confirmedAt} ms from the click on Deploy (role pick included)`);
    const done = page.locator('.notifications-toasts', { hasText: 'Deployed hello-node to Staging Local Lambda (us-east-1)' });
    await done.waitFor({ timeout: STEP_TIMEOUT });
    // The progress toast closes once the deploy ends; the result stays, with its link to the panel.
    await page.locator('.notifications-toasts', { hasText: /Deploying to Staging Local Lambda/ }).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await page.waitForTimeout(400);
    await workbench().screenshot('deploy-created.png');
    assert.equal((await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello-node' }))).Role, ROLE);
    // The plan's preview now ends with what was done.
    const result = await webviewFrame(page, 'h1:has-text("Result")', STEP_TIMEOUT);
    assert.match(await result.locator('body').innerText(), /hello-node — deployed\s+✓ Create hello-node \(CreateFunction, .*\) — created, State Pending\s+✓ Wait for State Active — State Active/);
  });

  it('deploys a change as a 10 % canary with the progress shown step by step', async () => {
    const { page } = workbench();
    // Production serves version 1 through the alias "live"; the new build goes to 10 % of it.
    await client.send(new PublishVersionCommand({ FunctionName: 'hello-node' }));
    await client.send(new CreateAliasCommand({ FunctionName: 'hello-node', Name: 'live', FunctionVersion: '1' }));
    fs.appendFileSync(path.join(workspace, 'hello-node', 'index.mjs'), '// second build\n');
    // Clear the toasts of the first deploy.
    await page.keyboard.press('Escape');
    await clickDeployLens(page);
    await pick(page, 'Staging over a slow link');
    await pick(page, 'Deploy as a canary');
    const input = page.locator('.quick-input-widget input');
    await input.fill('live');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Percent of live' }).or(page.locator('.quick-input-widget', { hasText: 'Percent of live' })).first().waitFor({ timeout: STEP_TIMEOUT });
    await input.fill('10');
    await page.keyboard.press('Enter');

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: STEP_TIMEOUT });
    assert.match(await dialog.innerText(), /hello-node: update code\s+Then, as a canary: publish a version, then send 10 % of alias live's traffic to it\./);
    const preview = await webviewFrame(page, 'h2:has-text("hello-node — update")', STEP_TIMEOUT);
    assert.match(await preview.locator('body').innerText(), /As a canary: after the deploy, publish a version, then send 10 % of alias live's traffic to it\.[\s\S]*code changes/);
    await workbench().screenshot('deploy-plan-canary.png');
    await dialog.getByRole('button', { name: 'Deploy' }).click();

    const progress = page.locator('.notifications-toasts', { hasText: /Deploying to Staging over a slow link/ });
    await progress.waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.notifications-toasts', { hasText: /hello-node: (Upload the code|Wait for LastUpdateStatus)/ }).waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForTimeout(400); // the toast fades in
    await workbench().screenshot('deploy-progress.png');
    await page.locator('.notifications-toasts', { hasText: 'Deployed hello-node (version 2; live: 90 % version 1, 10 % version 2)' }).waitFor({ timeout: STEP_TIMEOUT });
    await progress.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await page.waitForTimeout(400);
    await workbench().screenshot('deploy-canary-done.png');
    const alias = await client.send(new GetAliasCommand({ FunctionName: 'hello-node', Name: 'live' }));
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights, { '2': 0.1 });
  });
});
