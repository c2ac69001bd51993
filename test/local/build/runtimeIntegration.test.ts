import * as assert from 'node:assert';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeBuilder, type PreparedNodeFunction } from '../../../src/local/build/nodeBuild';
import { RuntimeManager } from '../../../src/local/runtime/manager';
import type { ExecutionSpec, LogSink } from '../../../src/local/types';
import { npmTestEnv, startTestRegistry, type TestRegistry } from '../../support/npmRegistry';
import { REGISTRY_PACKAGES, copyProject, lineOf, tempDir } from './helpers';

/** What the runtime launcher gets from a prepared function: its folder, handler and environment. */
function specOf(name: string, runtime: string, prepared: PreparedNodeFunction, environment: Record<string, string> = {}): ExecutionSpec {
  return {
    functionName: name,
    version: '$LATEST',
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    codeDir: prepared.codeDir,
    handler: prepared.handler,
    runtime,
    memorySize: 256,
    timeout: 10,
    ephemeralStorage: 512,
    environment: { ...environment, ...prepared.environment },
    region: 'us-east-1',
    accountId: '123456789012',
    logGroupName: `/aws/lambda/${name}`,
    revisionKey: prepared.revision,
  };
}

describe('prepared functions run in the Local Lambda runtime', function () {
  this.timeout(120_000);
  let registry: TestRegistry;
  let root: string;
  let manager: RuntimeManager;
  let builder: NodeBuilder;
  const sink: LogSink = { write: () => undefined };

  before(async () => {
    registry = await startTestRegistry(REGISTRY_PACKAGES);
  });
  after(() => registry.close());
  beforeEach(() => {
    root = tempDir('lw-build-run-');
    manager = new RuntimeManager({ logSink: sink, dataDir: path.join(root, 'data') });
    builder = new NodeBuilder({ dataDir: path.join(root, 'data'), env: npmTestEnv(registry.url, root) });
  });
  afterEach(async () => {
    await builder.dispose();
    await manager.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const invoke = async (spec: ExecutionSpec, event: unknown) => {
    const out = await manager.invoke(spec, { requestId: randomUUID(), payload: Buffer.from(JSON.stringify(event)), invokedFunctionArn: spec.functionArn });
    return { ...out, json: JSON.parse(out.payload.toString('utf8')) as Record<string, unknown> };
  };

  it('a TypeScript function bundled with esbuild answers, and its error trace names the .ts line', async () => {
    const project = copyProject('ts-esbuild', root);
    const codeDir = path.join(project, 'hello-world');
    const prepared = await builder.prepare({
      id: 'HelloWorldFunction', codeDir, handler: 'app.lambdaHandler', runtime: 'nodejs20.x',
      metadata: { BuildMethod: 'esbuild', BuildProperties: { Minify: true, EntryPoints: ['app.ts'], External: ['@aws-sdk/*'] } },
    });
    const spec = specOf('HelloWorldFunction', 'nodejs20.x', prepared, { TABLE_NAME: 'greetings' });
    const ok = await invoke(spec, { queryStringParameters: { name: 'lambda', tables: '1' } });
    assert.strictEqual(ok.functionError, undefined, ok.payload.toString());
    assert.deepStrictEqual(JSON.parse(ok.json.body as string), {
      message: 'hello lambda', padded: 'hello lambda........', table: 'greetings', tables: { TableNames: ['stand-in-table'], $metadata: { httpStatusCode: 200 } },
    });
    const failed = await invoke(spec, { queryStringParameters: { fail: 'boom' } });
    assert.strictEqual(failed.functionError, 'Unhandled');
    assert.strictEqual(failed.json.errorMessage, 'greeting failed: boom');
    const line = lineOf(path.join(codeDir, 'lib', 'greet.ts'), 'throw new Error');
    assert.ok((failed.json.trace as string[]).some((l) => new RegExp(`lib[\\\\/]greet\\.ts:${line}:`).test(l)), (failed.json.trace as string[]).join('\n'));
  });

  it('an ES module handler imports the undeclared SDK through NODE_PATH', async () => {
    const project = copyProject('sdk-undeclared', root);
    const environment = { NODE_OPTIONS: '--no-warnings' };
    const prepared = await builder.prepare({ id: 'ListTablesFunction', codeDir: path.join(project, 'functions'), handler: 'list.handler', runtime: 'nodejs20.x', environment });
    const out = await invoke(specOf('ListTablesFunction', 'nodejs20.x', prepared, environment), {});
    assert.strictEqual(out.functionError, undefined, out.payload.toString());
    assert.deepStrictEqual(out.json, { tables: ['stand-in-table'], label: 'tables....', style: 'esm' });
    assert.match(prepared.environment.NODE_OPTIONS ?? '', /^--no-warnings --import=file:/, 'the function\'s own NODE_OPTIONS come first');
  });
});
