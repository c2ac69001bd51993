import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NpmError, explainNpmFailure, findNpm, runNpm } from '../../../src/local/build/npm';
import { npmTestEnv, startTestRegistry, type TestRegistry } from '../../support/npmRegistry';
import { tempDir } from './helpers';

const CMD = 'cd /work/fn && npm ci --omit=dev';

function failure(lines: string[], env: NodeJS.ProcessEnv = {}): NpmError {
  return explainNpmFailure(lines.map((l) => `npm error ${l}`).join('\n'), CMD, 1, null, env);
}

describe('npm runner', function () {
  this.timeout(60_000);

  describe('failure messages', () => {
    it('names the package a registry does not have (npm 10 and 11 wording)', () => {
      for (const wording of ["'left-pad-x@^1.0.0' is not in this registry.", "The requested resource 'left-pad-x@^1.0.0' could not be found or you do not have permission to access it."]) {
        const err = failure(['code E404', '404 Not Found - GET https://npm.example.test/left-pad-x - Not found', '404', `404  ${wording}`]);
        assert.strictEqual(err.kind, 'package-missing');
        assert.strictEqual(err.packageName, 'left-pad-x');
        assert.strictEqual(err.registry, 'https://npm.example.test/');
        assert.match(err.message, /^The package left-pad-x could not be installed: the registry https:\/\/npm\.example\.test\/ has no package of that name\./);
        assert.ok(err.message.includes(`Run by hand to see npm's full output: ${CMD}`));
      }
    });

    it('names a scoped package from the URL when npm gives no spec', () => {
      const err = failure(['code E404', '404 Not Found - GET https://npm.example.test/@acme%2fwidgets - Not found']);
      assert.strictEqual(err.packageName, '@acme/widgets');
    });

    it('says which version range is missing', () => {
      const err = failure(['code ETARGET', 'notarget No matching version found for pad-words@^9.0.0.', 'notarget In most cases you or one of your dependencies are requesting']);
      assert.strictEqual(err.kind, 'version-missing');
      assert.strictEqual(err.packageName, 'pad-words');
      assert.match(err.message, /no version matching pad-words@\^9\.0\.0/);
    });

    it('names the registry that refused, and the package asked for', () => {
      const err = failure(['code E403', '403 403 Forbidden - GET https://corp.example.test/npm/@corp%2fauth - you do not have access'],
        { npm_config_registry: 'https://ignored.example.test/' });
      assert.strictEqual(err.kind, 'registry-refused');
      assert.strictEqual(err.registry, 'https://corp.example.test/npm/');
      assert.strictEqual(err.packageName, '@corp/auth');
      assert.match(err.message, /The registry https:\/\/corp\.example\.test\/npm\/ refused the request for @corp\/auth \(403\)/);
    });

    it('tells no network apart, with the registry it tried', () => {
      const err = failure(['code ENOTFOUND', 'syscall getaddrinfo', 'errno ENOTFOUND',
        'network request to https://registry.npmjs.org/pad-words failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org']);
      assert.strictEqual(err.kind, 'network');
      assert.strictEqual(err.packageName, 'pad-words');
      assert.match(err.message, /npm could not reach the registry https:\/\/registry\.npmjs\.org\/ to fetch pad-words \(ENOTFOUND\)/);
    });

    it('explains a lock file out of sync with package.json', () => {
      const err = failure(['code EUSAGE', '', '`npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.', '', 'Missing: pad-words@1.2.0 from lock file']);
      assert.strictEqual(err.kind, 'lockfile');
      assert.strictEqual(err.packageName, 'pad-words');
      assert.match(err.message, /out of sync \(missing from the lock file: pad-words@1\.2\.0\)/);
    });

    it('keeps the old `npm ERR!` prefix readable', () => {
      const err = explainNpmFailure('npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://r.example.test/nope - Not found\n', CMD, 1, null);
      assert.strictEqual(err.kind, 'package-missing');
      assert.strictEqual(err.packageName, 'nope');
    });
  });

  describe('running npm', () => {
    let registry: TestRegistry;
    let root: string;
    before(async () => {
      registry = await startTestRegistry([]);
    });
    after(() => registry.close());
    beforeEach(() => {
      root = tempDir('lw-npm-');
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('runs the npm on PATH and names a package the registry lacks', async () => {
      const env = npmTestEnv(registry.url, root);
      const dir = path.join(root, 'fn');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fn', version: '1.0.0', dependencies: { '@acme/not-here': '^1.0.0' } }));
      assert.ok(findNpm(env), 'npm is on PATH');
      const err = await runNpm({ cwd: dir, args: ['install', '--omit=dev'], env }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NpmError);
      assert.strictEqual(err.kind, 'package-missing');
      assert.strictEqual(err.packageName, '@acme/not-here');
      assert.strictEqual(err.registry, registry.url);
      assert.strictEqual(err.command, `cd ${dir} && npm install --omit=dev`);
      assert.match(err.output, /E404/);
    });

    it('stops npm with its whole process group on timeout and on cancel', async function () {
      if (process.platform === 'win32') this.skip();
      // A stand-in npm that starts a grandchild and waits: both must be gone afterwards.
      const bin = path.join(root, 'bin');
      fs.mkdirSync(bin);
      const pidFile = path.join(root, 'grandchild.pid');
      fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nsleep 60 &\necho $! > "${pidFile}"\nwait\n`, { mode: 0o755 });
      const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
      // Gone, or a zombie waiting for a parent that is not this test to reap it.
      const alive = (pid: number) => {
        try {
          return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return false;
        }
      };
      const waitGone = async (pid: number) => {
        for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
        return !alive(pid);
      };

      const timedOut = await runNpm({ cwd: root, args: ['install'], env, timeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
      assert.ok(timedOut instanceof NpmError);
      assert.strictEqual(timedOut.kind, 'timeout');
      assert.match(timedOut.message, /did not finish within 0\.3 s and was stopped\. Run by hand: cd .* && npm install/);
      assert.ok(await waitGone(Number(fs.readFileSync(pidFile, 'utf8'))), 'the grandchild was stopped too');

      fs.rmSync(pidFile);
      const controller = new AbortController();
      const running = runNpm({ cwd: root, args: ['ci'], env, signal: controller.signal });
      while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      const cancelled = await running.then(() => undefined, (e: unknown) => e);
      assert.strictEqual((cancelled as NpmError).kind, 'cancelled');
      assert.ok(await waitGone(Number(fs.readFileSync(pidFile, 'utf8'))));
    });

    it('keeps only the end of a long output', async function () {
      if (process.platform === 'win32') this.skip();
      const bin = path.join(root, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\ni=0\nwhile [ $i -lt 3000 ]; do echo "npm error line $i"; i=$((i+1)); done\necho "npm error code E404"\nexit 1\n', { mode: 0o755 });
      const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
      const err = await runNpm({ cwd: root, args: ['ci'], env, maxOutputBytes: 4096 }).then(() => undefined, (e: unknown) => e) as NpmError;
      assert.ok(err.output.length <= 4096 + 2, `kept ${err.output.length} characters`);
      assert.match(err.output, /code E404\n$/);
      assert.strictEqual(err.kind, 'package-missing');
    });

    it('says how to proceed when there is no npm at all', async () => {
      const err = await runNpm({ cwd: root, args: ['ci'], env: { PATH: path.join(root, 'empty') } }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NpmError);
      assert.strictEqual(err.kind, 'npm-missing');
      assert.match(err.message, /npm was not found on PATH\. Install Node\.js with npm, then run: cd .* && npm ci/);
    });
  });
});
