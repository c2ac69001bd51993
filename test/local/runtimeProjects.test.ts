import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { InvokeCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { REPO_ROOT } from '../support/repo';
import { makeTempDir, startTestLocal, type TestLocal } from './helpers';
import { hasPip, offlinePip, writeWheel } from './wheels';

const PROJECTS = path.join(REPO_ROOT, 'test', 'fixtures', 'projects');

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pythonVersion(): string {
  return execFileSync('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' }).trim();
}

/** A template function's name: its logical id, or a name generated from the stack and logical id. */
async function functionName(t: TestLocal, logicalId: string): Promise<string> {
  const names = ((await t.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName ?? '');
  const name = names.find((n) => n === logicalId) ?? names.find((n) => n.includes(logicalId));
  assert.ok(name, `no function for ${logicalId} among ${names.join(', ')}`);
  return name;
}

interface Invoked {
  payload: string;
  functionError?: string;
}

async function invoke(t: TestLocal, name: string, event: unknown = {}): Promise<Invoked> {
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
  return { payload: Buffer.from(out.Payload ?? []).toString('utf8'), functionError: out.FunctionError };
}

describe('Real projects: dependencies, runtime libraries, streaming, versions', function () {
  this.timeout(120_000);
  const cleanup: string[] = [];
  let t: TestLocal | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  after(() => {
    for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('Python requirements.txt', function () {
    let wheels: string;
    let restore: () => void;
    before(function () {
      if (!hasPython() || !hasPip()) {
        console.warn('    python3 with pip is not available: skipping the requirements tests');
        this.skip();
      }
      wheels = makeTempDir('wheels-');
      cleanup.push(wheels);
      writeWheel(wheels, {
        name: 'lwb-greeting', version: '1.0.0',
        files: { 'lwb_greeting/__init__.py': 'def greet(name):\n    return "hello " + name + " from a wheel"\n' },
      });
      const cache = makeTempDir('user-cache-');
      cleanup.push(cache);
      restore = offlinePip(wheels, cache);
    });
    after(() => restore?.());

    it('installs requirements into the data folder once; a second start installs nothing', async () => {
      const dataDir = makeTempDir('local-lambda-data-');
      cleanup.push(dataDir);
      t = await startTestLocal({ dir: path.join(PROJECTS, 'python-requirements'), dataDir });
      const hello = await functionName(t, 'HelloWorldFunction');
      const first = await invoke(t, hello, { name: 'ada' });
      assert.equal(first.functionError, undefined, first.payload);
      const body = JSON.parse(JSON.parse(first.payload).body);
      assert.equal(body.message, 'hello ada from a wheel');
      // The package lives under the data folder, never in the project.
      assert.ok(body.greetingFrom.startsWith(path.join(dataDir, 'build', 'python-deps')), body.greetingFrom);
      assert.ok(!fs.existsSync(path.join(PROJECTS, 'python-requirements', 'hello_world', 'lwb_greeting')));
      // Lambda's order: the code folder first, then what requirements.txt installed.
      assert.equal(body.path[0], path.join(PROJECTS, 'python-requirements', 'hello_world'));
      assert.equal(body.path[1], path.dirname(path.dirname(body.greetingFrom)));
      const built = t.local.runtimeNotes().filter((n) => n.kind === 'dependencies' && n.functionName === hello).map((n) => n.build?.phase);
      assert.deepEqual(built, ['started', 'finished']);
      await t.close();

      // No index at all now: a second start must not need pip.
      fs.rmSync(wheels, { recursive: true, force: true });
      t = await startTestLocal({ dir: path.join(PROJECTS, 'python-requirements'), dataDir });
      const again = await invoke(t, hello, { name: 'bob' });
      assert.equal(again.functionError, undefined, again.payload);
      assert.equal(JSON.parse(JSON.parse(again.payload).body).message, 'hello bob from a wheel');
      const notes = t.local.runtimeNotes().filter((n) => n.kind === 'dependencies' && n.functionName === hello);
      assert.deepEqual(notes.map((n) => n.build?.phase), [undefined], 'a cache hit is no build step');
      assert.match(notes[0].message, /requirements\.txt is already installed/);
    });

    it('names a requirement no index offers, with the command to run; only that function fails, on import', async () => {
      t = await startTestLocal({ dir: path.join(PROJECTS, 'python-requirements') });
      const broken = await functionName(t, 'BrokenDepsFunction');
      const out = await invoke(t, broken);
      assert.equal(out.functionError, 'Unhandled');
      const doc = JSON.parse(out.payload);
      assert.equal(doc.errorType, 'Runtime.ImportModuleError');
      assert.match(doc.errorMessage, /^Unable to import module 'app': No module named 'lwb_nowhere_to_be_found'\. /);
      assert.match(doc.errorMessage, /The requirements in .*requirements\.txt were not installed \(no package index pip uses offers "lwb-nowhere-to-be-found==2\.0\.0"\); to see why, run: /);
      assert.match(doc.errorMessage, / -m pip install --disable-pip-version-check --no-input -r requirements\.txt -t /);

      const failed = t.local.runtimeNotes().find((n) => n.functionName === broken && n.build?.phase === 'failed');
      assert.ok(failed, 'a failed build note');
      assert.equal(failed.level, 'error');
      const codeDir = path.join(PROJECTS, 'python-requirements', 'broken_deps');
      assert.ok(failed.message.startsWith(`${broken}: the requirements in ${path.join(codeDir, 'requirements.txt')} were not installed: ` +
        'no package index pip uses offers "lwb-nowhere-to-be-found==2.0.0". Check its name and version, and the index pip uses (pip config list). ' +
        'The function starts without them.'), failed.message);
      assert.match(failed.message, new RegExp(`To see pip's own output, run: cd ${codeDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} && \\S+ -m pip install`));

      // The other functions keep working.
      const plain = await invoke(t, await functionName(t, 'PlainFunction'));
      assert.equal(plain.functionError, undefined, plain.payload);
      assert.equal(JSON.parse(plain.payload).body, 'plain works');
    });
  });

  describe('inline Python and cfnresponse', function () {
    before(function () {
      if (!hasPython()) this.skip();
    });

    it('gives inline code the cfnresponse module, which PUTs the result to the ResponseURL', async () => {
      const received: Array<{ method?: string; contentType?: string; body: string }> = [];
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ method: req.method, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        t = await startTestLocal({ dir: path.join(PROJECTS, 'python-inline-cfnresponse') });
        const event = {
          RequestType: 'Create', ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/signed?X-Amz-Signature=abc`,
          StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/demo/guid', RequestId: 'req-1', LogicalResourceId: 'Lookup',
          ResourceType: 'Custom::Lookup', ResourceProperties: { ServiceToken: 'arn', Items: ['a', 'b', 'c'] },
        };
        const out = await invoke(t, 'cfn-lookup', event);
        assert.equal(out.functionError, undefined, out.payload);
        assert.equal(out.payload, '"sent"');
        assert.equal(received.length, 1);
        assert.equal(received[0].method, 'PUT');
        const sent = JSON.parse(received[0].body);
        assert.deepEqual(
          { ...sent, Reason: undefined },
          { Status: 'SUCCESS', Reason: undefined, PhysicalResourceId: 'lookup-3', StackId: event.StackId, RequestId: 'req-1', LogicalResourceId: 'Lookup', NoEcho: false, Data: { Count: 3 } },
        );
        assert.match(sent.Reason, /^See the details in CloudWatch Log Stream: \d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      } finally {
        server.close();
      }
    });
  });

  describe('Node.js response streaming', () => {
    it('runs awslambda.streamifyResponse handlers; a buffered Invoke gets the streamed body', async () => {
      t = await startTestLocal({ dir: path.join(PROJECTS, 'node-streaming') });
      const html = await invoke(t, 'streaming-html', { items: ['one', 'two'] });
      assert.equal(html.functionError, undefined, html.payload);
      // HttpResponseStream's prelude (status, headers) is not part of the payload.
      assert.equal(html.payload, '<html><body><p>one</p><p>two</p></body></html>');

      const text = await invoke(t, 'streaming-text', { name: 'ada' });
      assert.equal(text.functionError, undefined, text.payload);
      assert.equal(text.payload, 'first line\nhello ada\n');

      const fails = await invoke(t, 'streaming-fails', { what: 'this' });
      assert.equal(fails.functionError, 'Unhandled');
      const doc = JSON.parse(fails.payload);
      assert.equal(doc.errorType, 'TypeError');
      assert.equal(doc.errorMessage, 'cannot stream this');

      // The environment is still good for the next streamed response.
      const textAgain = await invoke(t, 'streaming-text', { name: 'bob' });
      assert.equal(textAgain.payload, 'first line\nhello bob\n');
    });
  });

  describe('a module that is not installed', () => {
    it('is reported as Runtime.ImportModuleError naming the module (Node.js)', async () => {
      t = await startTestLocal({ dir: path.join(PROJECTS, 'missing-modules') });
      const out = await invoke(t, 'node-missing-module');
      assert.equal(out.functionError, 'Unhandled');
      const doc = JSON.parse(out.payload);
      assert.equal(doc.errorType, 'Runtime.ImportModuleError');
      assert.match(doc.errorMessage, /^Error: Cannot find module 'lwb-not-installed-anywhere'\nRequire stack:\n- .*app\.js/);
    });

    it('is reported as Runtime.ImportModuleError naming the module (Python)', async function () {
      if (!hasPython()) this.skip();
      t = await startTestLocal({ dir: path.join(PROJECTS, 'missing-modules') });
      const out = await invoke(t, 'python-missing-module');
      assert.equal(out.functionError, 'Unhandled');
      const doc = JSON.parse(out.payload);
      assert.equal(doc.errorType, 'Runtime.ImportModuleError');
      assert.equal(doc.errorMessage, "Unable to import module 'app': No module named 'lwb_not_installed_anywhere'");
    });
  });

  describe('a runtime newer than the interpreter', () => {
    it('runs python3.14 on the local Python with a warning naming both versions, once per function', async function () {
      if (!hasPython()) this.skip();
      try {
        execFileSync('python3.14', ['--version'], { stdio: 'ignore' });
        this.skip(); // this machine has a Python 3.14: nothing to warn about
      } catch { /* expected: no python3.14 */ }
      const local = pythonVersion();
      t = await startTestLocal({ dir: path.join(PROJECTS, 'runtime-newer') });
      const out = await invoke(t, 'new-python');
      assert.equal(out.functionError, undefined, out.payload);
      assert.equal(JSON.parse(out.payload).python, local);
      const warnings = t.local.functionWarnings('new-python');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], new RegExp(`^new-python: python3\\.14 functions run on Python ${local.replace(/\./g, '\\.')} \\(.+\\) here: no Python 3\\.14 was found`));
      assert.match(warnings[0], /install Python 3\.14, or name one with --interpreter <runtime>=<path>/);
      // A second cold start does not repeat it.
      await invoke(t, 'new-python');
      assert.equal(t.local.functionWarnings('new-python').length, 1);
    });

    it('runs nodejs24.x on the local Node.js with a warning naming both versions', async function () {
      if (Number(process.versions.node.split('.')[0]) >= 24) this.skip();
      t = await startTestLocal({ dir: path.join(PROJECTS, 'runtime-newer') });
      const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'new-node', Payload: '{}', LogType: 'Tail' }));
      assert.equal(out.FunctionError, undefined);
      const ran = JSON.parse(Buffer.from(out.Payload ?? []).toString()).node as string;
      const [warning] = t.local.functionWarnings('new-node');
      assert.ok(warning, 'a warning');
      assert.ok(warning.startsWith(`new-node: nodejs24.x functions run on Node.js ${ran} (`), warning);
      assert.match(warning, /no Node\.js 24 was found/);
      // The function's own log says it too, before its first START.
      const log = Buffer.from(out.LogResult ?? '', 'base64').toString();
      assert.match(log, new RegExp(`^WARNING nodejs24\\.x functions run on Node\\.js ${ran.replace(/\./g, '\\.')} .*\\nSTART RequestId`));
    });
  });
});
