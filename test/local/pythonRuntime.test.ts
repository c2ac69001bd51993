import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { explainPipFailure, pythonDepsKey, type PythonBuildEvent, type PythonInterpreter } from '../../src/local/build/pythonDeps';
import { provideRuntimeLibraries } from '../../src/local/build/pythonRuntime';
import { userCacheDir } from '../../src/local/build/userCache';
import { INTERPRETERS_ENV, interpretersFromEnv, parseInterpreterOption } from '../../src/local/runtime/interpreters';
import { RuntimeManager } from '../../src/local/runtime/manager';
import type { RuntimeNote } from '../../src/local/runtime/notes';
import { pythonAssetsDir } from '../../src/local/runtime/pythonBootstrap';
import type { ExecutionSpec, InvokeOutcome, LogSink } from '../../src/local/types';
import { REPO_ROOT } from '../support/repo';
import { makeTempDir, write } from './helpers';
import { hasPip, offlinePip, writeWheel } from './wheels';

function python3(): PythonInterpreter | undefined {
  try {
    const [executable, version] = JSON.parse(execFileSync('python3', ['-c',
      'import sys, json; print(json.dumps([sys.executable, "%d.%d.%d" % sys.version_info[:3]]))'], { encoding: 'utf8' })) as [string, string];
    return { executable, version };
  } catch {
    return undefined;
  }
}

const PY = python3();

/** Whether a Python 3.14 would be found, in which case there is no version mismatch to test. */
function hasPython314(): boolean {
  if (PY?.version.startsWith('3.14.')) return true;
  try {
    execFileSync('python3.14', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const SERIES = PY ? `python${PY.version.split('.').slice(0, 2).join('.')}` : 'python3';

/** A stand-in for an installed boto3 (e.g. Debian's python3-boto3): packages with a version only. */
function fakeBoto3(dir: string, version = '1.99.0', extra = ''): string {
  write(path.join(dir, 'boto3', '__init__.py'), `${extra}__version__ = "${version}"\n`);
  write(path.join(dir, 'botocore', '__init__.py'), '__version__ = "1.99.1"\n');
  write(path.join(dir, 'jmespath', '__init__.py'), '')
  return dir;
}

class Sink implements LogSink {
  readonly lines: string[] = [];
  write(_group: string, _stream: string, events: { message: string }[]): void {
    this.lines.push(...events.map((e) => e.message));
  }
}

function spec(codeDir: string, overrides: Partial<ExecutionSpec> = {}): ExecutionSpec {
  const functionName = overrides.functionName ?? 'py-fn';
  return {
    functionName, version: '$LATEST', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    codeDir, handler: 'app.handler', runtime: 'python3.12', memorySize: 256, timeout: 10, ephemeralStorage: 512,
    environment: {}, region: 'us-east-1', accountId: '123456789012', logGroupName: `/aws/lambda/${functionName}`, revisionKey: 'r1',
    ...overrides,
  };
}

async function run(manager: RuntimeManager, s: ExecutionSpec): Promise<{ out: InvokeOutcome; doc: Record<string, string> }> {
  const out = await manager.invoke(s, { requestId: randomUUID(), payload: Buffer.from('{}'), invokedFunctionArn: s.functionArn });
  return { out, doc: JSON.parse(out.payload.toString('utf8')) as Record<string, string> };
}

describe('Python runtime pieces', function () {
  this.timeout(120_000);
  const temps: string[] = [];
  const temp = (prefix: string) => {
    const dir = makeTempDir(prefix);
    temps.push(dir);
    return dir;
  };

  before(function () {
    if (!PY) {
      console.warn('    python3 is not installed: skipping the Python runtime tests');
      this.skip();
    }
  });

  after(() => {
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('runtime-provided libraries (boto3, botocore)', () => {
    it('links an installed copy into the per-user runtime cache, and finds it there next time', async () => {
      const installed = fakeBoto3(temp('installed-'));
      const cacheDir = temp('user-cache-');
      const first = await provideRuntimeLibraries(PY!, { installedDirs: [installed], pip: false, cacheDir, memo: new Map() });
      const expectedDir = path.join(cacheDir, 'runtime', SERIES, 'installed');
      assert.equal(first.source, 'installed');
      assert.equal(first.dir, expectedDir);
      assert.deepEqual(first.versions, { boto3: '1.99.0', botocore: '1.99.1' });
      assert.equal(first.message, `boto3 1.99.0 and botocore 1.99.1 for ${SERIES}: from what is installed on this machine, ${installed} (linked in ${expectedDir}).`);
      assert.equal(fs.realpathSync(path.join(expectedDir, 'jmespath')), fs.realpathSync(path.join(installed, 'jmespath')));

      const again = await provideRuntimeLibraries(PY!, { installedDirs: [], pip: false, cacheDir, memo: new Map() });
      assert.equal(again.source, 'cache');
      assert.equal(again.dir, expectedDir);
      assert.equal(again.message, `boto3 1.99.0 and botocore 1.99.1 for ${SERIES}: from the runtime cache ${expectedDir} (linked to ${installed}).`);
    });

    it('skips an installed copy the interpreter cannot import', async () => {
      const broken = fakeBoto3(temp('installed-broken-'), '1.0.0', 'raise ImportError("needs a newer Python")\n');
      const result = await provideRuntimeLibraries(PY!, { installedDirs: [broken], pip: false, cacheDir: temp('user-cache-'), memo: new Map() });
      assert.equal(result.source, 'none');
      assert.equal(result.dir, undefined);
      assert.match(result.message, /^boto3 and botocore \(provided by Lambda's Python runtimes\) for functions run by .+ are not available: /);
      assert.match(result.message, /fetching with pip is turned off/);
      assert.ok(result.message.includes(`To provide them, run: ${PY!.executable} -m pip install boto3`), result.message);
    });

    describe('with pip', function () {
      let restore: (() => void) | undefined;
      before(function () {
        if (!hasPip()) this.skip();
      });
      afterEach(() => {
        restore?.();
        restore = undefined;
      });

      it('fills the runtime cache with pip from the index pip is configured with', async () => {
        const wheels = temp('wheels-');
        writeWheel(wheels, { name: 'boto3', version: '1.99.0', requires: ['botocore'], files: { 'boto3/__init__.py': '__version__ = "1.99.0"\n' } });
        writeWheel(wheels, { name: 'botocore', version: '1.99.1', files: { 'botocore/__init__.py': '__version__ = "1.99.1"\n' } });
        restore = offlinePip(wheels, temp('user-cache-'));
        const events: PythonBuildEvent[] = [];
        const result = await provideRuntimeLibraries(PY!, { installedDirs: [], memo: new Map() }, (e) => events.push(e));
        const expectedDir = path.join(userCacheDir(), 'runtime', SERIES, 'pip');
        assert.equal(result.source, 'pip');
        assert.equal(result.dir, expectedDir);
        assert.deepEqual(result.versions, { boto3: '1.99.0', botocore: '1.99.1' });
        assert.equal(result.message, `boto3 1.99.0 and botocore 1.99.1 for ${SERIES}: fetched with pip from your package index into the runtime cache ${expectedDir}.`);
        assert.deepEqual(events.map((e) => e.type), ['started', 'finished']);
        assert.ok(fs.existsSync(path.join(expectedDir, 'botocore', '__init__.py')));
      });

      it('says clearly that they are not available when pip cannot get them', async () => {
        restore = offlinePip(temp('no-wheels-'), temp('user-cache-'));
        const result = await provideRuntimeLibraries(PY!, { installedDirs: [], memo: new Map() });
        assert.equal(result.source, 'none');
        assert.match(result.message, /pip could not fetch them \(no package index pip uses offers "boto3"/);
        assert.match(result.message, /Handlers that import boto3 fail with Runtime\.ImportModuleError/);
      });
    });

    describe('for functions run by an interpreter without them', function () {
      let venvPython: string;
      before(function () {
        const venv = temp('venv-');
        try {
          execFileSync(PY!.executable, ['-m', 'venv', '--without-pip', venv], { stdio: 'ignore', timeout: 60_000 });
        } catch {
          this.skip();
        }
        venvPython = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', process.platform === 'win32' ? 'python.exe' : 'python');
      });

      it('puts them after the function\'s own packages and says where they came from', async () => {
        const installed = fakeBoto3(temp('installed-'));
        const notes: RuntimeNote[] = [];
        const dataDir = temp('data-');
        const manager = new RuntimeManager({
          logSink: new Sink(), dataDir, interpreters: { 'python3.12': venvPython }, onNote: (n) => notes.push(n),
          pythonLibraries: { installedDirs: [installed], pip: false, cacheDir: temp('user-cache-') },
        });
        try {
          const uses = temp('uses-boto3-');
          write(path.join(uses, 'app.py'), 'import boto3\nimport sys\n\ndef handler(event, context):\n    return {"version": boto3.__version__, "last": sys.path[-1]}\n');
          const { out, doc } = await run(manager, spec(uses));
          assert.equal(out.functionError, undefined, out.payload.toString());
          assert.equal(doc.version, '1.99.0');
          assert.ok(doc.last.endsWith(path.join('runtime', 'python' + (await venvSeries(venvPython)), 'installed')), doc.last);
          const libraryNotes = notes.filter((n) => n.kind === 'runtime-libraries');
          assert.equal(libraryNotes.length, 1);
          assert.equal(libraryNotes[0].level, 'info');
          assert.match(libraryNotes[0].message, new RegExp(`from what is installed on this machine, ${installed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));

          // A boto3 in the function's own folder wins, as on Lambda.
          const own = temp('own-boto3-');
          fakeBoto3(own, '0.0.1');
          write(path.join(own, 'app.py'), 'import boto3\n\ndef handler(event, context):\n    return {"version": boto3.__version__}\n');
          assert.equal((await run(manager, spec(own, { functionName: 'own' }))).doc.version, '0.0.1');
        } finally {
          await manager.shutdown();
        }
      });

      it('when none is available, the import fails as Lambda reports it and the log says why, once', async () => {
        const notes: RuntimeNote[] = [];
        const manager = new RuntimeManager({
          logSink: new Sink(), dataDir: temp('data-'), interpreters: { 'python3.12': venvPython }, onNote: (n) => notes.push(n),
          pythonLibraries: { installedDirs: [], pip: false, cacheDir: temp('user-cache-') },
        });
        try {
          const code = temp('uses-boto3-');
          write(path.join(code, 'app.py'), 'import boto3\n\ndef handler(event, context):\n    return "unreachable"\n');
          const first = await run(manager, spec(code, { functionName: 'one' }));
          const second = await run(manager, spec(code, { functionName: 'two' }));
          for (const { out, doc } of [first, second]) {
            assert.equal(out.functionError, 'Unhandled');
            assert.equal(doc.errorType, 'Runtime.ImportModuleError');
            assert.ok(doc.errorMessage.startsWith("Unable to import module 'app': No module named 'boto3'. Lambda's runtime provides boto3, but it is not available locally: fetching with pip is turned off"), doc.errorMessage);
          }
          const warnings = notes.filter((n) => n.kind === 'runtime-libraries');
          assert.equal(warnings.length, 1);
          assert.equal(warnings[0].level, 'warning');
          assert.match(warnings[0].message, /are not available/);
        } finally {
          await manager.shutdown();
        }
      });

      it('does not look for them for a function that does not import them', async () => {
        const notes: RuntimeNote[] = [];
        const manager = new RuntimeManager({
          logSink: new Sink(), dataDir: temp('data-'), interpreters: { 'python3.12': venvPython }, onNote: (n) => notes.push(n),
          pythonLibraries: { installedDirs: [fakeBoto3(temp('installed-'))], pip: false, cacheDir: temp('user-cache-') },
        });
        try {
          const code = temp('plain-');
          write(path.join(code, 'app.py'), 'def handler(event, context):\n    return {"ok": True}\n');
          const { out } = await run(manager, spec(code));
          assert.equal(out.functionError, undefined, out.payload.toString());
          assert.deepEqual(notes.filter((n) => n.kind === 'runtime-libraries'), []);
        } finally {
          await manager.shutdown();
        }
      });
    });
  });

  describe('cfnresponse', () => {
    it('is on the path of inline code only', async () => {
      const dataDir = temp('data-');
      const manager = new RuntimeManager({ logSink: new Sink(), dataDir });
      try {
        const source = 'import cfnresponse\n\ndef handler(event, context):\n    return [cfnresponse.SUCCESS, cfnresponse.FAILED]\n';
        const inline = path.join(dataDir, 'inline', 'inline-fn');
        write(path.join(inline, 'index.py'), source);
        const regular = temp('regular-');
        write(path.join(regular, 'index.py'), source);
        const a = await run(manager, spec(inline, { functionName: 'inline-fn', handler: 'index.handler' }));
        assert.deepEqual(a.doc, ['SUCCESS', 'FAILED']);
        const b = await run(manager, spec(regular, { functionName: 'regular-fn', handler: 'index.handler' }));
        assert.equal(b.doc.errorType, 'Runtime.ImportModuleError');
        assert.equal(b.doc.errorMessage, "Unable to import module 'index': No module named 'cfnresponse'");
      } finally {
        await manager.shutdown();
      }
    });
  });

  describe('interpreters for runtime versions', () => {
    it('reads --interpreter values and LOCAL_LAMBDA_INTERPRETERS, naming what is wrong', () => {
      assert.deepEqual(parseInterpreterOption(['python3.12=/opt/py312/bin/python3', 'nodejs22.x=/usr/local/bin/node']),
        { 'python3.12': '/opt/py312/bin/python3', 'nodejs22.x': '/usr/local/bin/node' });
      assert.throws(() => parseInterpreterOption(['python3.12']), /--interpreter expects <runtime>=<path>, e\.g\. .* \(got "python3\.12"\)/);
      assert.throws(() => parseInterpreterOption(['java21=/usr/bin/java']), /\(got "java21=\/usr\/bin\/java"\)/);
      assert.deepEqual(interpretersFromEnv({ [INTERPRETERS_ENV]: '{"python3.13": "/x/python3.13"}' }), { map: { 'python3.13': '/x/python3.13' } });
      assert.match(interpretersFromEnv({ [INTERPRETERS_ENV]: '{python' }).problem ?? '', /^LOCAL_LAMBDA_INTERPRETERS is not valid JSON/);
      assert.deepEqual(interpretersFromEnv({ [INTERPRETERS_ENV]: '{"ruby3.3": "/x", "python3.12": "/y"}' }),
        { map: { 'python3.12': '/y' }, problem: 'LOCAL_LAMBDA_INTERPRETERS: ignored ruby3.3 (keys are runtimes such as python3.12 or nodejs22.x, values executables)' });
    });

    it('runs a runtime on the interpreter named for it, and says when its version differs', async function () {
      if (process.platform === 'win32' || PY!.version.startsWith('3.14.')) this.skip();
      const dir = temp('wrapper-');
      const wrapper = path.join(dir, 'python-for-3.14');
      write(wrapper, `#!/bin/sh\nLWB_WRAPPED=yes exec "${PY!.executable}" "$@"\n`);
      fs.chmodSync(wrapper, 0o755);
      const saved = process.env[INTERPRETERS_ENV];
      process.env[INTERPRETERS_ENV] = JSON.stringify({ 'python3.14': wrapper });
      const manager = new RuntimeManager({ logSink: new Sink(), dataDir: temp('data-') });
      try {
        const code = path.join(REPO_ROOT, 'test', 'fixtures', 'projects', 'runtime-newer', 'py');
        const { out, doc } = await run(manager, spec(code, { runtime: 'python3.14', handler: 'app.lambda_handler', functionName: 'new-python' }));
        assert.equal(out.functionError, undefined, out.payload.toString());
        assert.equal(doc.wrapped, 'yes');
        assert.deepEqual(manager.functionWarnings('new-python'), [
          `new-python: python3.14 functions run on ${wrapper}, which is Python ${PY!.version}, not 3.14 (as set with --interpreter <runtime>=<path> (the lambdaWorkbench.local.interpreters setting in VS Code)); code that needs Python 3.14 may fail.`,
        ]);
        assert.match(out.log, /^WARNING python3\.14 functions run on /);
      } finally {
        if (saved === undefined) delete process.env[INTERPRETERS_ENV];
        else process.env[INTERPRETERS_ENV] = saved;
        await manager.shutdown();
      }
    });

    it('says so when the named interpreter cannot be run, and uses another', async () => {
      const manager = new RuntimeManager({ logSink: new Sink(), dataDir: temp('data-'), interpreters: { 'python3.14': '/nowhere/python3.14' } });
      try {
        const code = path.join(REPO_ROOT, 'test', 'fixtures', 'projects', 'runtime-newer', 'py');
        const { out, doc } = await run(manager, spec(code, { runtime: 'python3.14', handler: 'app.lambda_handler', functionName: 'new-python' }));
        assert.equal(out.functionError, undefined, out.payload.toString());
        assert.equal(doc.wrapped, null);
        const [warning] = manager.functionWarnings('new-python');
        assert.ok(warning.startsWith('new-python: the interpreter set for python3.14 (/nowhere/python3.14) could not be run: '), warning);
      } finally {
        await manager.shutdown();
      }
    });
  });

  describe('requirements builds', () => {
    it('can be done ahead: the first start then installs nothing, and a version warning is known before any invoke', async function () {
      if (!hasPip() || hasPython314()) this.skip();
      const wheels = temp('wheels-');
      writeWheel(wheels, { name: 'lwb-greeting', version: '1.0.0', files: { 'lwb_greeting/__init__.py': 'def greet(name):\n    return "hi " + name\n' } });
      const restore = offlinePip(wheels, temp('user-cache-'));
      const notes: RuntimeNote[] = [];
      const manager = new RuntimeManager({ logSink: new Sink(), dataDir: temp('data-'), onNote: (n) => notes.push(n) });
      try {
        const code = path.join(REPO_ROOT, 'test', 'fixtures', 'projects', 'python-requirements', 'hello_world');
        const s = spec(code, { functionName: 'hello', runtime: 'python3.14', handler: 'app.lambda_handler' });
        await manager.prepare(s);
        const builds = () => notes.filter((n) => n.kind === 'dependencies').map((n) => n.build?.phase);
        assert.deepEqual(builds(), ['started', 'finished']);
        assert.equal(manager.functionWarnings('hello').length, 1);
        const { out, doc } = await run(manager, s);
        assert.equal(out.functionError, undefined, out.payload.toString());
        assert.equal(JSON.parse(doc.body).message, 'hi world');
        assert.deepEqual(builds(), ['started', 'finished']);
        assert.equal(manager.functionWarnings('hello').length, 1);
        assert.match(out.log, /^WARNING python3\.14 functions run on Python /, 'the function log still says it on its first start');
      } finally {
        restore();
        await manager.shutdown();
      }
    });

    it('keys a build by requirements, the files they include, and the interpreter version', () => {
      const dir = temp('reqs-');
      write(path.join(dir, 'requirements.txt'), '-r base.txt\nrequests==2.32.0\n');
      write(path.join(dir, 'base.txt'), 'urllib3<3\n');
      const py = { executable: '/usr/bin/python3', version: '3.12.1' };
      const key = pythonDepsKey(path.join(dir, 'requirements.txt'), py);
      assert.equal(pythonDepsKey(path.join(dir, 'requirements.txt'), py), key);
      assert.notEqual(pythonDepsKey(path.join(dir, 'requirements.txt'), { ...py, version: '3.13.0' }), key);
      write(path.join(dir, 'base.txt'), 'urllib3<2\n');
      assert.notEqual(pythonDepsKey(path.join(dir, 'requirements.txt'), py), key);
    });

    it('turns pip\'s output into a reason that names the package', () => {
      const offline = [
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/requests/",
        'ERROR: Could not find a version that satisfies the requirement requests==2.32.0 (from versions: none)',
        'ERROR: No matching distribution found for requests==2.32.0',
      ].join('\n');
      assert.deepEqual(explainPipFailure(offline), {
        reason: 'pip could not reach the package index, so it could not get "requests==2.32.0"',
        advice: 'Connect to the network (or point pip at an index you can reach: pip config list), then restart the Local Lambda.',
      });
      assert.deepEqual(explainPipFailure('/usr/bin/python3: No module named pip\n', undefined, '/usr/bin/python3'),
        { reason: 'pip is not installed for /usr/bin/python3', advice: 'Install it with: /usr/bin/python3 -m ensurepip --upgrade' });
      assert.equal(explainPipFailure('ERROR: Failed building wheel for psycopg2\nFailed to build psycopg2\n').reason, 'building "psycopg2" failed');
    });
  });

  describe('the bootstrap as a file', () => {
    it('runs from the source tree under tsc and is copied next to the bundle by webpack', function () {
      const source = path.join(REPO_ROOT, 'src', 'local', 'runtime', 'python');
      assert.equal(pythonAssetsDir(), source);
      const dist = path.join(REPO_ROOT, 'dist', 'python');
      if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'local.js'))) this.skip();
      for (const file of ['bootstrap.py', path.join('inline', 'cfnresponse.py')]) {
        assert.equal(fs.readFileSync(path.join(dist, file), 'utf8'), fs.readFileSync(path.join(source, file), 'utf8'), file);
      }
    });
  });
});

async function venvSeries(python: string): Promise<string> {
  return execFileSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
}
