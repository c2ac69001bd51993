import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { WorkbenchApi } from '../../src/testApi';
import { REPO_ROOT } from '../support/repo';
import { activateOnce } from './support/activation';
import { until } from './support/until';

const decoder = new TextDecoder();


async function client(api: WorkbenchApi): Promise<LambdaClient> {
  const local = await api.localEndpoint();
  return new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
}

describe('Local Lambda builds in VS Code', function () {
  this.timeout(120_000);
  let api: WorkbenchApi;

  before(async () => {
    ({ api } = await activateOnce());
  });

  after(async () => {
    const before = (await api.localEndpoint()).endpoint;
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('local.folder', undefined, vscode.ConfigurationTarget.Global);
    // Later suites expect the Local Lambda on examples/ again, not one that is stopping.
    await until('the Local Lambda back on examples/', 15_000, async () => ((await api.localEndpoint()).endpoint !== before ? true : undefined));
  });

  it('bundles the TypeScript example with esbuild, shows it as progress, and runs it', async () => {
    const lambda = await client(api);
    try {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: 'hello-ts', Payload: new TextEncoder().encode('{"name":"Ada"}') }));
      assert.equal(answer.FunctionError, undefined, decoder.decode(answer.Payload));
      assert.deepEqual(JSON.parse(decoder.decode(answer.Payload)).message, 'Hello, Ada!');
      // The bundle was made when the Local Lambda started (or on this first invoke): the progress said so.
      await until('the bundling progress', 10_000, () => api.localBuilds().find((u) => u.kind === 'progress' && /Bundling hello-ts with esbuild/.test(u.text)));

      const failed = await lambda.send(new InvokeCommand({ FunctionName: 'hello-ts', Payload: new TextEncoder().encode('{"name":"error"}') }));
      const error = JSON.parse(decoder.decode(failed.Payload)) as { trace: string[] };
      assert.ok(error.trace.some((line) => /hello-ts[/\\]src[/\\]app\.ts:\d+:\d+/.test(line)), `a frame on the .ts source: ${error.trace.join('\n')}`);
    } finally {
      lambda.destroy();
    }
  });

  it('shows a failed build with the compiler\'s message, and only that function fails', async () => {
    const broken = path.join(REPO_ROOT, 'test', 'fixtures', 'projects', 'ts-broken');
    const before = (await api.localEndpoint()).endpoint;
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('local.folder', broken, vscode.ConfigurationTarget.Global);
    // The setting stops the running Local Lambda; the next use starts one (on a new port) on the broken project.
    await until('a Local Lambda on the broken project', 15_000, async () => ((await api.localEndpoint()).endpoint !== before ? true : undefined));
    const lambda = await client(api);
    try {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: 'BrokenFunction', Payload: new TextEncoder().encode('{}') }));
      assert.equal(answer.FunctionError, 'Unhandled');
      const doc = JSON.parse(decoder.decode(answer.Payload)) as { errorType: string; errorMessage: string };
      assert.equal(doc.errorType, 'Runtime.UserCodeSyntaxError');
      assert.match(doc.errorMessage, /handler\.ts:\d+/);
      const shown = await until('the failed build', 10_000, () => api.localBuilds().find((u) => u.kind === 'failed'));
      assert.match(shown.text, /handler\.ts:\d+/, 'the message names the file and line');
    } finally {
      lambda.destroy();
    }
  });
});
