// Download and deploy of a function's code (src/code) against the Local Lambda, through the
// product's own LambdaApi over HTTP.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { localConnection } from '../../src/aws/connections';
import { downloadCode, LambdaApi } from '../../src/aws/lambda';
import { deployFolder, type DeployApi } from '../../src/features/code/deploy';
import { downloadFunctionCode } from '../../src/features/code/download';
import { PackageTooLargeError } from '../../src/workbench/packaging/limits';
import type { CodeLink } from '../../src/workbench/codeLinks';
import { packageFolder } from '../../src/workbench/packaging/packageFolder';
import { makeTempDir, makeZip, startTestLocal, type TestLocal } from './helpers';

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const handlerSays = (text: string) => `export const handler = async () => ({ says: ${JSON.stringify(text)} });\n`;

describe('Code download and deploy against the Local Lambda', function () {
  this.timeout(60_000);
  let t: TestLocal;
  let api: LambdaApi;
  let folder: string;
  let link: CodeLink;

  async function invokeSays(name: string): Promise<string> {
    const out = await t.lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    return (JSON.parse(Buffer.from(out.Payload ?? []).toString()) as { says: string }).says;
  }

  async function codeSha(name: string): Promise<string | undefined> {
    return (await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).CodeSha256;
  }

  /** The real API, counting uploads and optionally running something between the read and the upload. */
  function watched(beforeUpload?: () => Promise<void>): DeployApi & { uploads: number } {
    const w = {
      uploads: 0,
      getFunctionConfiguration: (n: string) => api.getFunctionConfiguration(n),
      waitForUpdate: (n: string) => api.waitForUpdate(n),
      updateFunctionCode: async (n: string, zip: Uint8Array, rev?: string) => {
        w.uploads++;
        await beforeUpload?.();
        return api.updateFunctionCode(n, zip, rev);
      },
    };
    return w;
  }

  beforeEach(async () => {
    t = await startTestLocal();
    const creds = await t.lambda.config.credentials();
    api = new LambdaApi(localConnection(t.endpoint, 'us-east-1', { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }), 'us-east-1');
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'code-fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.mjs': handlerSays('original'), 'lib/data.json': '{"n":1}' }) },
    }));
    folder = path.join(makeTempDir('lw-code-folder-'), 'code-fn');
    link = { folder, connectionId: 'local', connectionLabel: 'Local Lambda', region: 'us-east-1', functionName: 'code-fn' };
    const downloaded = await downloadFunctionCode(api, 'code-fn', folder);
    link = { ...link, ...downloaded.linkPatch };
  });

  afterEach(async () => {
    api.dispose();
    await t.close();
    fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('downloads the code from Code.Location into the folder, in sync', async () => {
    assert.equal(fs.readFileSync(path.join(folder, 'index.mjs'), 'utf8'), handlerSays('original'));
    assert.equal(fs.readFileSync(path.join(folder, 'lib', 'data.json'), 'utf8'), '{"n":1}');
    assert.equal(link.knownRemoteSha256, await codeSha('code-fn'));
    const result = await deployFolder({ api: watched(), link });
    assert.equal(result.status, 'unchanged', 'a fresh download has nothing to deploy');
  });

  it('deploys an edited handler: CodeSha256 is the uploaded zip\'s and the next invoke runs it', async () => {
    fs.writeFileSync(path.join(folder, 'index.mjs'), handlerSays('edited'));
    const steps: string[] = [];
    const result = await deployFolder({ api, link, onProgress: (m) => steps.push(m) });
    assert.equal(result.status, 'deployed');
    if (result.status !== 'deployed') return;
    const expected = (await packageFolder(folder)).sha256;
    assert.equal(result.pkg.sha256, expected);
    assert.equal(await codeSha('code-fn'), expected);
    assert.equal(result.configuration.LastUpdateStatus, 'Successful');
    assert.equal(await invokeSays('code-fn'), 'edited');
    assert.ok(steps.some((s) => /zipped of 50 MB/.test(s)), steps.join(' | '));
    assert.equal(result.linkPatch.knownRemoteSha256, expected);
  });

  it('refuses to replace code another client deployed since the download, and overwrites only when asked', async () => {
    await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'code-fn', ZipFile: makeZip({ 'index.mjs': handlerSays('theirs') }) }));
    const theirs = await codeSha('code-fn');
    fs.writeFileSync(path.join(folder, 'index.mjs'), handlerSays('mine'));
    const w = watched();
    const result = await deployFolder({ api: w, link });
    assert.equal(result.status, 'conflict');
    assert.equal(result.status === 'conflict' && result.reason, 'codeChanged');
    assert.equal(w.uploads, 0);
    assert.equal(await codeSha('code-fn'), theirs);
    assert.equal(await invokeSays('code-fn'), 'theirs');

    const forced = await deployFolder({ api, link, overwrite: true });
    assert.equal(forced.status, 'deployed');
    assert.equal(await invokeSays('code-fn'), 'mine');
  });

  it('sends the RevisionId it read, so a deploy racing another one is refused by Lambda', async () => {
    fs.writeFileSync(path.join(folder, 'index.mjs'), handlerSays('mine'));
    const w = watched(async () => {
      await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'code-fn', ZipFile: makeZip({ 'index.mjs': handlerSays('racer') }) }));
    });
    const result = await deployFolder({ api: w, link });
    assert.equal(result.status, 'conflict');
    assert.equal(result.status === 'conflict' && result.reason, 'revisionChanged');
    assert.equal(w.uploads, 1);
    assert.equal(await invokeSays('code-fn'), 'racer');
  });

  it('refuses a package over 50 MB zipped before sending anything', async () => {
    const before = (await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'code-fn' }))).RevisionId;
    fs.writeFileSync(path.join(folder, 'random.bin'), randomBytes(51 * 1024 * 1024)); // incompressible
    const w = watched();
    await assert.rejects(deployFolder({ api: w, link }), (e: unknown) => e instanceof PackageTooLargeError && /Nothing was sent/.test(e.message));
    assert.equal(w.uploads, 0);
    assert.equal((await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'code-fn' }))).RevisionId, before);
  });

  it('bounds the download size and explains a refused link', async () => {
    const location = (await t.lambda.send(new GetFunctionCommand({ FunctionName: 'code-fn' }))).Code?.Location ?? '';
    assert.match(location, /^http:\/\/127\.0\.0\.1:\d+\//);
    const zip = await downloadCode(location, 10_000_000);
    assert.ok(zip.length > 0);
    await assert.rejects(downloadCode(location, zip.length - 1), /larger than/);
    await assert.rejects(downloadCode(location.replace(/token=[0-9a-f]+/, 'token=bad'), 10_000_000), /HTTP 403/);
  });

  it('reports a folder that is gone as unreadable', async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await assert.rejects(deployFolder({ api, link }), /Cannot read .*code-fn: it does not exist/);
  });
});
