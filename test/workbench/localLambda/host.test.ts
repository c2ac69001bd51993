import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalLambdaHost, type LocalLambdaState } from '../../../src/workbench/localLambda/host';
import { RESTRICTED_LOCAL_MESSAGE, RestrictedModeError } from '../../../src/workbench/trust';
import type { Logger } from '../../../src/shared/logger';
import { REPO_ROOT } from '../../support/repo';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');

function quietLog(lines: string[]): Logger {
  const keep = (line: string) => lines.push(line);
  return { info: keep, warn: keep, error: keep, debug: keep, trace: keep } as unknown as Logger;
}

describe('workbench/LocalLambdaHost and Workspace Trust', function () {
  this.timeout(30_000);
  let storage: string;
  let folder: string;
  beforeEach(() => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-host-'));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-host-folder-'));
    // A function whose module leaves a mark when loaded: nothing of it may run while untrusted.
    fs.mkdirSync(path.join(folder, 'fn'));
    fs.writeFileSync(path.join(folder, 'fn', 'index.js'), `require('fs').writeFileSync(${JSON.stringify(path.join(folder, 'RAN'))}, 'x');\nexports.handler = async () => 'ok';\n`);
    fs.writeFileSync(path.join(folder, 'template.yaml'), 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: marker\n      CodeUri: fn/\n      Handler: index.handler\n      Runtime: nodejs20.x\n');
  });
  afterEach(() => {
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('in an untrusted folder starts nothing, says why, and starts once trust is granted', async () => {
    let trusted = false;
    const lines: string[] = [];
    const host = new LocalLambdaHost({ extensionPath: REPO_ROOT, script: CLI, storagePath: storage, resolveFolder: () => folder, isTrusted: () => trusted, log: quietLog(lines) });
    const states: LocalLambdaState[] = [];
    host.onDidChangeState((s) => states.push(s));
    try {
      assert.equal(host.state, 'restricted');
      assert.equal(host.error, RESTRICTED_LOCAL_MESSAGE);
      await assert.rejects(host.ensureStarted(), (e: unknown) => e instanceof RestrictedModeError && /Restricted Mode/.test(e.message));
      await assert.rejects(host.restart(), RestrictedModeError);
      assert.equal(host.state, 'restricted');
      assert.equal(host.info, undefined);
      assert.ok(!fs.existsSync(path.join(storage, 'local-lambda')), 'no data folder: the program never ran');
      assert.ok(!lines.some((l) => /serving/.test(l)), lines.join('\n'));
      assert.ok(!fs.existsSync(path.join(folder, 'RAN')), 'the function\'s module was never loaded');

      host.trustGranted(); // VS Code's event may come before isTrusted is true: nothing changes then
      assert.equal(host.state, 'restricted');
      trusted = true;
      host.trustGranted();
      assert.equal(host.state, 'stopped');
      const info = await host.ensureStarted();
      assert.match(info.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(host.state, 'running');
      assert.deepEqual(states, ['stopped', 'starting', 'running']);
    } finally {
      await host.stop();
      host.dispose();
    }
  });

  it('stopped by the person stays stopped until they start it; a restart or Start brings it back', async () => {
    const host = new LocalLambdaHost({ extensionPath: REPO_ROOT, script: CLI, storagePath: storage, resolveFolder: () => folder, isTrusted: () => true, log: quietLog([]) });
    try {
      await host.ensureStarted();
      await host.stop({ byUser: true });
      assert.equal(host.state, 'stopped');
      assert.equal(host.stoppedByUser, true);
      await assert.rejects(host.ensureStarted(), /The Local Lambda is stopped\. Start it/);
      assert.equal(host.state, 'stopped', 'a view or a panel asking for it does not start it');
      const info = await host.startByUser();
      assert.equal(host.state, 'running');
      assert.equal(host.stoppedByUser, false);
      await host.stop(); // e.g. a settings change: the next use starts it again
      assert.equal(host.stoppedByUser, false);
      assert.notEqual((await host.ensureStarted()).endpoint, undefined);
      await host.stop({ byUser: true });
      await host.restart();
      assert.equal(host.state, 'running', 'Restart is a start');
      assert.ok(info.endpoint);
    } finally {
      await host.stop();
      host.dispose();
    }
  });

  it('a trusted folder is never restricted', () => {
    const host = new LocalLambdaHost({ extensionPath: REPO_ROOT, script: CLI, storagePath: storage, resolveFolder: () => folder, isTrusted: () => true, log: quietLog([]) });
    assert.equal(host.state, 'stopped');
    host.dispose();
  });
});
