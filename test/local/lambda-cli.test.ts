import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { makeTempDir } from './helpers';
import { REPO_ROOT } from '../support/repo';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');
const EXAMPLES = path.join(REPO_ROOT, 'examples');

describe('Local Lambda CLI', () => {
  it('prints the READY line first, serves the example app and stops cleanly on SIGTERM', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    const child = spawn(process.execPath, [CLI, '--dir', EXAMPLES, '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const firstLines = await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no READY line; output so far: ${out}`)), 15000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Press Ctrl+C')) {
            clearTimeout(timer);
            resolve(out.split('\n'));
          }
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      assert.match(firstLines[0], /^LOCAL_LAMBDA_READY \{/);
      const ready = JSON.parse(firstLines[0].slice('LOCAL_LAMBDA_READY '.length));
      assert.match(ready.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(ready.region, 'us-east-1');
      assert.equal(ready.accountId, '123456789012');
      assert.ok(out.includes('hello-node, hello-python'), out);

      const client = new LambdaClient({ endpoint: ready.endpoint, region: ready.region, credentials: { ...ready }, maxAttempts: 1 });
      const fns = await client.send(new ListFunctionsCommand({}));
      client.destroy();
      assert.deepEqual(fns.Functions?.map((f) => f.FunctionName), ['hello-node', 'hello-python']);

      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains a bad flag and refuses a non-loopback host', async () => {
    const run = (args: string[]) => new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
      child.on('exit', (code) => resolve({ code, err }));
    });
    const dataDir = makeTempDir('local-lambda-data-');
    const host = await run(['--dir', EXAMPLES, '--host', '0.0.0.0', '--data-dir', dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    assert.equal(host.code, 1);
    assert.match(host.err, /loopback/);
    const port = await run(['--port', 'abc']);
    assert.equal(port.code, 1);
    assert.match(port.err, /--port must be a whole number/);
  });
});
