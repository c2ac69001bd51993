import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { customConnection, profileConnection, type ConnectionSpec } from '../../src/aws/connections';
import { CredentialsError, NetworkError, toWorkbenchError, WorkbenchError } from '../../src/aws/errors';
import { LambdaApi } from '../../src/aws/lambda';
import { listProfiles } from '../../src/aws/profiles';
import { useTempAwsConfig } from '../support/awsEnv';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('aws/errors: SDK failures become messages a person can act on', function () {
  this.timeout(20_000);
  let env: ReturnType<typeof useTempAwsConfig> | undefined;
  afterEach(() => env?.restore());

  it('an SSO profile without a sign-in says to run aws sso login for that profile', async () => {
    env = useTempAwsConfig({
      config: [
        '[profile dev]', 'sso_session = corp', 'sso_account_id = 111111111111', 'sso_role_name = Dev', 'region = us-east-1', '',
        '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', '',
      ].join('\n'),
    });
    const [profile] = await listProfiles();
    const api = new LambdaApi(profileConnection(profile), 'us-east-1');
    const error = await api.checkCredentials().then(
      () => assert.fail('expected a credentials error'),
      (e: unknown) => e,
    );
    api.dispose();
    assert.ok(error instanceof CredentialsError, `got ${String(error)}`);
    assert.equal(error.message, 'Credentials for profile dev have expired or are missing. Run `aws sso login --profile dev`');
    assert.equal(error.fixCommand, 'aws sso login --profile dev');
  });

  it('a profile with no credentials at all says which profile and how to fix it', async () => {
    env = useTempAwsConfig({ config: '[profile empty]\nregion = us-east-1\n' });
    const api = new LambdaApi(profileConnection({ name: 'empty', sso: false }), 'us-east-1');
    const error = await api.listFunctionsPage(undefined, 10).then(
      () => assert.fail('expected a credentials error'),
      (e: unknown) => e,
    );
    api.dispose();
    assert.ok(error instanceof CredentialsError, `got ${String(error)}`);
    assert.match(error.message, /^Credentials for profile empty have expired or are missing/);
    assert.equal(error.fixCommand, 'aws configure --profile empty');
  });

  it('an endpoint nobody listens on gives "Cannot reach <endpoint>"', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const spec = customConnection({ name: 'nowhere', endpoint, region: 'us-east-1' }) as ConnectionSpec;
    const api = new LambdaApi(spec, 'us-east-1');
    const started = Date.now();
    const error = await api.listFunctionsPage(undefined, 10).then(
      () => assert.fail('expected a network error'),
      (e: unknown) => e,
    );
    api.dispose();
    assert.ok(error instanceof NetworkError, `got ${String(error)}`);
    assert.equal(error.message, `Cannot reach ${endpoint}: connection refused (is the service running?)`);
    assert.ok(Date.now() - started < 10_000, 'a refused connection should fail fast');
  });

  it('keeps the service message for other AWS errors and leaves our errors as they are', () => {
    const denied = toWorkbenchError(
      Object.assign(new Error('User: x is not authorized to perform: lambda:ListFunctions'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
      { profile: 'prod' },
    );
    assert.equal(denied.kind, 'accessDenied');
    assert.equal(denied.message, 'Profile prod is not allowed to do this: User: x is not authorized to perform: lambda:ListFunctions');
    const mine = new WorkbenchError('service', 'already mapped');
    assert.equal(toWorkbenchError(mine, {}), mine);
    const other = toWorkbenchError(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }), {});
    assert.equal(other.kind, 'throttled');
  });

  it('rejects custom endpoint entries that are not usable, saying why', () => {
    assert.deepEqual(customConnection({ endpoint: 'http://x' }), { invalid: 'A custom endpoint needs a "name".' });
    assert.match((customConnection({ name: 'a', endpoint: 'localhost:4566' }) as { invalid: string }).invalid, /not a URL|only http/);
    assert.match((customConnection({ name: 'a', endpoint: 'nope' }) as { invalid: string }).invalid, /is not a URL/);
    const ok = customConnection({ name: 'ls', endpoint: 'http://localhost:4566/' }) as ConnectionSpec;
    assert.equal(ok.endpoint, 'http://localhost:4566');
    assert.equal(ok.region, 'us-east-1');
  });
});
