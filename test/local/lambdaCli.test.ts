import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { makeTempDir } from './helpers';
import { REPO_ROOT } from '../support/repo';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'local', 'cli.js');
const EXAMPLES = path.join(REPO_ROOT, 'examples');
const PROJECTS = path.join(REPO_ROOT, 'test', 'fixtures', 'projects');

/** Starts the CLI and waits for its start-up text; the caller stops it. */
async function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const text = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up text; output so far: ${out}`)), 15000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  const ready = JSON.parse(text.split('\n')[0].slice('LOCAL_LAMBDA_READY '.length));
  const client = new LambdaClient({ endpoint: ready.endpoint, region: ready.region, credentials: { ...ready }, maxAttempts: 1 });
  const invoke = async (name: string) => JSON.parse(Buffer.from((await client.send(new InvokeCommand({ FunctionName: name }))).Payload ?? []).toString());
  return {
    text, invoke,
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
      }
    },
  };
}

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
      assert.deepEqual(fns.Functions?.map((f) => f.FunctionName), ['hello-node', 'hello-python', 'hello-ts']);

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

  it('takes --parameter-overrides in SAM\'s forms over LOCAL_LAMBDA_PARAMETER_OVERRIDES and samconfig.toml', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    const cli = await startCli([
      '--dir', path.join(PROJECTS, 'parameters'), '--data-dir', dataDir,
      '--parameter-overrides', 'Stage=prod ParameterKey=LogLevel,ParameterValue=DEBUG', '--parameter-overrides', 'Greeting="Hi there"',
    ], { LOCAL_LAMBDA_PARAMETER_OVERRIDES: JSON.stringify({ TableName: 'orders-from-env', Stage: 'dev' }) });
    try {
      assert.match(cli.text, /functions: {3}orders-service-get-order-prod\n/);
      const result = await cli.invoke('orders-service-get-order-prod');
      assert.deepEqual([result.stage, result.logLevel, result.greeting, result.table], ['prod', 'DEBUG', 'Hi there', 'orders-from-env']);
    } finally {
      await cli.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('runs a published layer from the folder LOCAL_LAMBDA_LAYERS maps it to, and prints every template note', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    const arn = 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64';
    const cli = await startCli(['--dir', path.join(PROJECTS, 'layers'), '--data-dir', dataDir], {
      LOCAL_LAMBDA_LAYERS: JSON.stringify({ [arn]: 'local-layers/powertools' }),
    });
    try {
      assert.deepEqual(await cli.invoke('ToolsFunction'), { service: 'tools', powertools: 'aws_lambda_powertools' }, 'a mapping without version stands for every version');
      assert.match(cli.text, /template warning: .*template\.yaml:\d+: NodeWithDepsFunction: layer DepsLayer has BuildMethod nodejs20\.x/);
      assert.doesNotMatch(cli.text, /ToolsFunction: layer/);
    } finally {
      await cli.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses malformed --parameter-overrides and --layer with the reason', async () => {
    const run = (args: string[], env: Record<string, string> = {}) => new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, '--dir', EXAMPLES, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
      let err = '';
      child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
      child.on('exit', (code) => resolve({ code, err }));
    });
    const overrides = await run(['--parameter-overrides', 'Stage']);
    assert.equal(overrides.code, 1);
    assert.equal(overrides.err, "local-lambda: --parameter-overrides: Stage is not in valid format. It must look something like 'ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro' or 'KeyPairName=MyKey InstanceType=t1.micro'\n");
    const layer = await run(['--layer', 'tools=./x']);
    assert.equal(layer.code, 1);
    assert.equal(layer.err, 'local-lambda: --layer tools=./x: "tools" is not a layer ARN (arn:aws:lambda:<region>:<account>:layer:<name>[:<version>]).\n');
    const env = await run([], { LOCAL_LAMBDA_LAYERS: '[]' });
    assert.equal(env.code, 1);
    assert.match(env.err, /^local-lambda: LOCAL_LAMBDA_LAYERS must be a JSON object/);
  });
});
