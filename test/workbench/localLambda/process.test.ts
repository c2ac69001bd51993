import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { LocalLambdaError } from '../../../src/aws/errors';
import { localDataDir, LocalLambdaProcess, parseReadyLine } from '../../../src/workbench/localLambda/process';
import { REPO_ROOT } from '../../support/repo';

const ROOT = REPO_ROOT;
const CLI = path.join(ROOT, 'out', 'src', 'local', 'cli.js');
const EXAMPLES = path.join(ROOT, 'examples');

describe('aws/LocalLambdaProcess', function () {
  this.timeout(30_000);
  let storage: string;
  beforeEach(() => (storage = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-proc-'))));
  afterEach(() => fs.rmSync(storage, { recursive: true, force: true }));

  it('parses the READY line and rejects anything else', () => {
    const info = parseReadyLine(
      'LOCAL_LAMBDA_READY {"endpoint":"http://127.0.0.1:4000","region":"us-east-1","accessKeyId":"AK","secretAccessKey":"SK","accountId":"123456789012"}',
    );
    assert.deepEqual(info, { endpoint: 'http://127.0.0.1:4000', region: 'us-east-1', accountId: '123456789012', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
    assert.equal(parseReadyLine('LOCAL_LAMBDA_READY {not json'), undefined);
    assert.equal(parseReadyLine('LOCAL_LAMBDA_READY {"endpoint":"http://x"}'), undefined);
    assert.equal(parseReadyLine('Listening on 4000'), undefined);
  });

  it('keeps a data folder per workspace folder', () => {
    assert.equal(localDataDir('/s', '/work/a'), localDataDir('/s', '/work/a/'));
    assert.notEqual(localDataDir('/s', '/work/a'), localDataDir('/s', '/work/b'));
    assert.ok(localDataDir('/s', '/work/a').startsWith(path.join('/s', 'local-lambda') + path.sep));
  });

  it('starts the program, serves the folder\'s functions over the SDK, and stops on request', async () => {
    const proc = new LocalLambdaProcess({ extensionPath: ROOT, script: CLI, folder: EXAMPLES, storagePath: storage });
    const info = await proc.start();
    try {
      assert.match(info.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(proc.running);
      const client = new LambdaClient({ endpoint: info.endpoint, region: info.region, credentials: info.credentials });
      const out = await client.send(new ListFunctionsCommand({}));
      client.destroy();
      assert.deepEqual((out.Functions ?? []).map((f) => f.FunctionName).sort(), ['hello-node', 'hello-python', 'hello-ts']);
      assert.ok(fs.existsSync(localDataDir(storage, EXAMPLES)), 'state lives under the storage folder, not in the workspace');
    } finally {
      await proc.stop();
    }
    assert.ok(!proc.running);
  });

  it('passes on the program\'s output without the secret key', async () => {
    const lines: string[] = [];
    const proc = new LocalLambdaProcess({ extensionPath: ROOT, script: CLI, folder: EXAMPLES, storagePath: storage, onOutput: (line) => lines.push(line) });
    const info = await proc.start();
    await proc.stop();
    const text = lines.join('\n');
    assert.match(text, /listening on http:\/\/127\.0\.0\.1/);
    assert.ok(text.includes(info.credentials.accessKeyId), 'the key id may be shown');
    assert.ok(!text.includes(info.credentials.secretAccessKey), `secret leaked into output: ${text}`);
  });

  it('a program that fails before READY gives an error that includes its stderr', async () => {
    const script = path.join(storage, 'fails.js');
    fs.writeFileSync(script, "process.stderr.write('template.yaml: bad indentation at line 3\\n'); process.exit(2);\n");
    const proc = new LocalLambdaProcess({ extensionPath: ROOT, script, folder: EXAMPLES, storagePath: storage });
    await assert.rejects(proc.start(), (error: unknown) => {
      assert.ok(error instanceof LocalLambdaError);
      assert.match(error.message, /^Local Lambda did not start: the process exited \(code 2\)\ntemplate\.yaml: bad indentation at line 3$/);
      return true;
    });
  });

  it('gives up after the ready timeout and kills the program', async () => {
    const script = path.join(storage, 'silent.js');
    fs.writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    const proc = new LocalLambdaProcess({ extensionPath: ROOT, script, folder: EXAMPLES, storagePath: storage, readyTimeoutMs: 300 });
    await assert.rejects(proc.start(), /no ready signal within 0\.3 s/);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!proc.running, 'the silent program was stopped');
  });
});
