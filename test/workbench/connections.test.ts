import * as assert from 'node:assert/strict';
import { Emitter } from '../../src/shared/events';
import type { ProfileInfo } from '../../src/aws/profiles';
import { Connections, type ConnectionSettings } from '../../src/workbench/connections';
import type { LocalLambdaSource, LocalLambdaState } from '../../src/workbench/localLambda/host';
import type { LocalLambdaInfo } from '../../src/workbench/localLambda/process';
import { InProcessLocalLambda, startTestLocalLambda, type TestLocalLambda } from '../support/localLambda';

/** A Local Lambda source that starts at once on a made-up endpoint, or fails as told. */
class FakeLocal implements LocalLambdaSource {
  state: LocalLambdaState = 'stopped';
  info: LocalLambdaInfo | undefined;
  error: string | undefined;
  starts = 0;
  failWith: Error | undefined;
  private readonly changed = new Emitter<LocalLambdaState>();
  readonly onDidChangeState = this.changed.event;

  async ensureStarted(): Promise<LocalLambdaInfo> {
    this.starts++;
    if (this.failWith) {
      this.set('failed');
      throw this.failWith;
    }
    if (this.state !== 'running') {
      this.info = { endpoint: `http://127.0.0.1:${9000 + this.starts}`, region: 'us-east-1', accountId: '000000000000', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
      this.set('running');
    }
    return this.info!;
  }

  set(state: LocalLambdaState): void {
    this.state = state;
    if (state !== 'running') this.info = undefined;
    this.changed.fire(state);
  }

  resetFailure(): void {}
}

const LOCAL = { connectionId: 'local', connectionLabel: 'Local Lambda', region: 'us-east-1' };

function connections(options: { settings?: Partial<ConnectionSettings>; profiles?: () => Promise<ProfileInfo[]>; local?: LocalLambdaSource } = {}) {
  const settings: ConnectionSettings = { regions: ['us-east-1', 'eu-west-1'], customEndpoints: [], localEnabled: true, ...options.settings };
  let profileReads = 0;
  const local = options.local ?? new FakeLocal();
  const service = new Connections({
    settings: () => settings,
    listProfiles: async () => {
      profileReads++;
      return options.profiles ? options.profiles() : [];
    },
    local,
  });
  const changes: (string | undefined)[] = [];
  service.onDidChange((id) => changes.push(id));
  return { service, settings, local, changes, profileReads: () => profileReads };
}

describe('workbench/Connections', () => {
  let server: TestLocalLambda;
  const open: Connections[] = [];
  const track = <T extends { service: Connections }>(c: T): T => {
    open.push(c.service);
    return c;
  };

  before(async () => {
    server = await startTestLocalLambda();
  });

  afterEach(() => {
    for (const c of open.splice(0)) c.dispose();
  });

  after(async () => {
    await server?.close();
  });

  it('resolve starts the Local Lambda and gives a LambdaApi that reaches it', async () => {
    const local = new InProcessLocalLambda(server.server);
    const { service } = track(connections({ local }));
    assert.equal(service.spec('local'), undefined, 'not running yet, so no way to reach it');
    const resolved = await service.resolve(LOCAL);
    assert.equal(local.startCalls, 1);
    assert.equal(resolved.spec.endpoint, server.server.endpoint);
    assert.equal(resolved.region, 'us-east-1');
    const page = await resolved.lambda.listFunctionsPage(undefined, 10);
    assert.deepEqual(page.functions, []);
  });

  it('keeps one LambdaApi per connection and region while the connection lives', async () => {
    const { service } = track(connections());
    const first = await service.resolve(LOCAL);
    const again = await service.resolve(LOCAL);
    const otherRegion = await service.resolve({ ...LOCAL, region: 'eu-west-1' });
    assert.equal(again.lambda, first.lambda);
    assert.equal(again.scope, first.scope);
    assert.notEqual(otherRegion.lambda, first.lambda);
  });

  it('says the Local Lambda failed to start, with its reason', async () => {
    const local = new FakeLocal();
    local.failWith = new Error('The Local Lambda could not start: port in use');
    const { service } = track(connections({ local }));
    await assert.rejects(service.resolve(LOCAL), /could not start: port in use/);
  });

  it('says clearly that a connection is not configured any more, after reading the config files again', async () => {
    const c = track(connections({ profiles: async () => [{ name: 'dev', sso: false }] }));
    await assert.rejects(
      c.service.resolve({ connectionId: 'profile:gone', connectionLabel: 'gone', region: 'us-east-1' }),
      (error: Error) => {
        assert.equal(error.name, 'WorkbenchError');
        assert.equal(error.message, 'The connection "gone" is not configured any more. Check your AWS profiles and lambdaWorkbench.customEndpoints, then refresh the Connections view.');
        return true;
      },
    );
    assert.equal(c.profileReads(), 1);
    // A profile that exists resolves without the tree having listed it first (a restored panel).
    const dev = await c.service.resolve({ connectionId: 'profile:dev', connectionLabel: 'dev', region: 'eu-west-1' });
    assert.equal(dev.spec.kind, 'profile');
    assert.equal(dev.lambda.region, 'eu-west-1');
  });

  it('reset ends a connection\'s lifetime: what it owned is disposed, its LambdaApi too, and the next use starts afresh', async () => {
    const { service, changes } = track(connections());
    const first = await service.resolve(LOCAL);
    let apiDisposed = 0;
    const dispose = first.lambda.dispose.bind(first.lambda);
    first.lambda.dispose = () => {
      apiDisposed++;
      dispose();
    };
    let ownedDisposed = 0;
    first.scope.own({ dispose: () => void ownedDisposed++ });
    changes.length = 0;

    service.reset('local');
    assert.equal(apiDisposed, 1);
    assert.equal(ownedDisposed, 1);
    assert.deepEqual(changes, ['local']);
    const next = await service.resolve(LOCAL);
    assert.notEqual(next.lambda, first.lambda);
    assert.notEqual(next.scope, first.scope);
  });

  it('reset of everything ends every lifetime and reads the config files again on next use', async () => {
    const c = track(connections({ profiles: async () => [{ name: 'dev', sso: false }], settings: { customEndpoints: [{ name: 'Stack', endpoint: 'http://127.0.0.1:4566' }] } }));
    const dev = await c.service.resolve({ connectionId: 'profile:dev', connectionLabel: 'dev', region: 'us-east-1' });
    const stack = await c.service.resolve({ connectionId: 'custom:Stack', connectionLabel: 'Stack', region: 'us-east-1' });
    assert.equal(stack.spec.endpoint, 'http://127.0.0.1:4566');
    const owned: string[] = [];
    dev.scope.own({ dispose: () => void owned.push('dev') });
    stack.scope.own({ dispose: () => void owned.push('stack') });
    const reads = c.profileReads();
    c.changes.length = 0;

    c.service.reset();
    assert.deepEqual(owned.sort(), ['dev', 'stack']);
    assert.deepEqual(c.changes, [undefined]);
    await c.service.resolve({ connectionId: 'profile:dev', connectionLabel: 'dev', region: 'us-east-1' });
    assert.equal(c.profileReads(), reads + 1);
  });

  it('ends the Local Lambda\'s lifetime when its process stops or restarts', async () => {
    const local = new FakeLocal();
    const { service, changes } = track(connections({ local }));
    const first = await service.resolve(LOCAL);
    let ownedDisposed = 0;
    first.scope.own({ dispose: () => void ownedDisposed++ });
    changes.length = 0;
    local.set('stopped');
    assert.equal(ownedDisposed, 1);
    assert.deepEqual(changes, ['local']);
    const restarted = await service.resolve(LOCAL);
    assert.notEqual(restarted.spec.endpoint, first.spec.endpoint, 'a new process has a new endpoint');
  });

  it('lists the Local Lambda first, then profiles and custom endpoints, and reports bad endpoints as problems', async () => {
    const { service } = track(
      connections({
        profiles: async () => [{ name: 'dev', sso: false }, { name: 'corp', sso: true, region: 'eu-central-1' }],
        settings: {
          customEndpoints: [
            { name: 'Stack', endpoint: 'http://127.0.0.1:4566/', region: 'eu-west-1' },
            { name: 'Broken', endpoint: 'not a url' },
            { endpoint: 'http://127.0.0.1:1' },
            { name: 'Ftp', endpoint: 'ftp://example.com' },
            { name: 'Stack', endpoint: 'http://127.0.0.1:4567' },
          ],
        },
      }),
    );
    const { connections: listed, problems } = await service.list();
    assert.deepEqual(listed.map((c) => c.id), ['local', 'profile:dev', 'profile:corp', 'custom:Stack']);
    assert.equal(listed[3].endpoint, 'http://127.0.0.1:4566');
    assert.deepEqual(
      problems.map((p) => [p.settingIndex, p.message]),
      [
        [1, 'Custom endpoint "Broken": "not a url" is not a URL (expected e.g. http://localhost:4566).'],
        [2, 'A custom endpoint needs a "name".'],
        [3, 'Custom endpoint "Ftp": only http and https URLs are supported.'],
        [4, 'Two custom endpoints are named "Stack"; names must differ.'],
      ],
    );
    assert.equal(problems[0].detail, 'lambdaWorkbench.customEndpoints[1]: Custom endpoint "Broken": "not a url" is not a URL (expected e.g. http://localhost:4566).');
    assert.deepEqual(service.regions(listed[1]), ['us-east-1', 'eu-west-1']);
    assert.deepEqual(service.regions(listed[3]), ['eu-west-1']);
  });

  it('lists without the Local Lambda when it is turned off, and reports unreadable config files', async () => {
    const { service } = track(
      connections({
        settings: { localEnabled: false, customEndpoints: [{ name: 'Stack', endpoint: 'http://127.0.0.1:4566' }] },
        profiles: async () => {
          throw new Error('~/.aws/config line 3: unexpected "["');
        },
      }),
    );
    const { connections: listed, problems } = await service.list();
    assert.deepEqual(listed.map((c) => c.id), ['custom:Stack']);
    assert.deepEqual(problems.map((p) => p.message), ['Could not read the AWS config files: ~/.aws/config line 3: unexpected "["']);
  });
});
