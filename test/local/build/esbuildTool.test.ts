import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeBuildError, NodeBuilder } from '../../../src/local/build/nodeBuild';
import { esbuildToolDir } from '../../../src/local/build/esbuildTool';
import { npmTestEnv, startTestRegistry } from '../../support/npmRegistry';
import { REPO_ROOT } from '../../support/repo';
import { callHandler, copyProject, eventLog, tempDir } from './helpers';

/** esbuild and its binary for this platform, as installed in the repository. */
function installedEsbuildPackages(): string[] {
  const scope = path.join(REPO_ROOT, 'node_modules', '@esbuild');
  const binaries = fs.existsSync(scope) ? fs.readdirSync(scope).map((d) => path.join(scope, d)) : [];
  return [path.join(REPO_ROOT, 'node_modules', 'esbuild'), ...binaries];
}

describe('finding esbuild', function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(() => {
    root = tempDir('lw-esbuild-');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('without esbuild in the project, the Local Lambda or the registry, says how to install it', async () => {
    const registry = await startTestRegistry([]);
    try {
      const project = copyProject('mts-handler', root);
      const log = eventLog();
      const b = new NodeBuilder({ dataDir: path.join(root, 'data'), env: npmTestEnv(registry.url, root), useOwnInstall: false, onEvent: log.onEvent });
      const err = await b.prepare({ id: 'EsmFunction', codeDir: project, handler: 'src/index.handler', runtime: 'nodejs20.x' })
        .then(() => undefined, (e: unknown) => e);
      await b.dispose();
      assert.ok(err instanceof NodeBuildError, String(err));
      assert.strictEqual(err.step, 'esbuild');
      assert.match(err.message, /esbuild is needed to build this function and could not be fetched\. Install it in the project: cd ".*mts-handler" && npm install --save-dev esbuild/);
      assert.match(err.message, /The package esbuild could not be installed: the registry http:\/\/127\.0\.0\.1:\d+\/ has no package of that name/);
      assert.strictEqual(err.command, `cd ${JSON.stringify(project)} && npm install --save-dev esbuild`);
      assert.strictEqual(log.of('esbuild', 'failed').length, 1);
    } finally {
      await registry.close();
    }
  });

  it('fetches esbuild once into the per-user tool cache when neither the project nor the Local Lambda has it', async () => {
    const registry = await startTestRegistry(installedEsbuildPackages());
    try {
      const env = npmTestEnv(registry.url, root);
      const project = copyProject('mts-handler', root);
      const log = eventLog();
      const b = new NodeBuilder({ dataDir: path.join(root, 'data'), env, useOwnInstall: false, onEvent: log.onEvent });
      const prepared = await b.prepare({ id: 'EsmFunction', codeDir: project, handler: 'src/index.handler', runtime: 'nodejs20.x' });
      await b.dispose();
      assert.ok(fs.existsSync(path.join(esbuildToolDir(env), 'node_modules', 'esbuild', 'package.json')));
      assert.ok(log.of('esbuild', 'finished').some((e) => /Fetched esbuild \d+\.\d+\.\d+/.test(e.message)));
      assert.match(log.of('bundle', 'started')[0].message, /with esbuild [\d.]+ \(tool-cache\)/);
      assert.deepStrictEqual((await callHandler(prepared, { text: 'ok' })).value, { loud: 'OK!', module: 'string' });

      // Another run (a fresh data folder, so it bundles again) uses the cached tool.
      const downloads = registry.downloads.length;
      const log2 = eventLog();
      const b2 = new NodeBuilder({ dataDir: path.join(root, 'data2'), env, useOwnInstall: false, onEvent: log2.onEvent });
      await b2.prepare({ id: 'EsmFunction', codeDir: project, handler: 'src/index.handler', runtime: 'nodejs20.x' });
      await b2.dispose();
      assert.strictEqual(registry.downloads.length, downloads);
      assert.deepStrictEqual(log2.of('esbuild'), []);
      assert.match(log2.of('bundle', 'started')[0].message, /\(tool-cache\)/);
    } finally {
      await registry.close();
    }
  });
});
