import '../../support/vscode';
import * as assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, GetFunctionConfigurationCommand, PublishVersionCommand, UpdateAliasCommand, UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { TrafficController } from '../../../src/features/traffic/controller';
import type { AliasesState, RolloutRequest, TrafficProtocol } from '../../../src/features/traffic/protocol';
import { FakeTabHost, localTarget } from '../../support/fakeTabHost';
import { useControllerSuite } from '../../support/controllerSuite';

const zip = (tag: string) => zipSync({ 'index.mjs': strToU8(`export const handler = async () => ({ tag: '${tag}' });\n`) });

describe('features/traffic TrafficController (fake TabHost, in-process Local Lambda)', function () {
  this.timeout(60_000);
  const suite = useControllerSuite();
  let count = 0;

  /** A function with versions 1..`versions` published, and alias `live` → 1 when asked. */
  async function newFunction(versions: number, live = true): Promise<string> {
    const name = `traffic-unit-${++count}`;
    await suite.client.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/lambda-role', Code: { ZipFile: zip('v1') } }));
    for (let v = 1; v <= versions; v++) {
      if (v > 1) {
        await suite.client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip(`v${v}`) }));
        for (let i = 0; i < 100 && (await suite.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).LastUpdateStatus === 'InProgress'; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await suite.client.send(new PublishVersionCommand({ FunctionName: name, Description: `release ${v}` }));
    }
    if (live) await suite.client.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
    return name;
  }

  /** The tab, shown and loaded, as the webview sees it. */
  async function open(functionName: string): Promise<{ host: FakeTabHost<TrafficProtocol>; controller: TrafficController; state: AliasesState }> {
    const host = new FakeTabHost<TrafficProtocol>(suite.workbench.asWorkbench, localTarget(functionName));
    const controller = new TrafficController(host);
    suite.track(controller);
    controller.onReady();
    const state = await host.waitFor('state', (s) => s.phase !== 'loading', 'the loaded state');
    return { host, controller, state };
  }

  const aliasNow = (name: string, alias = 'live') => suite.client.send(new GetAliasCommand({ FunctionName: name, Name: alias }));
  const rollout = (overrides: Partial<RolloutRequest> = {}): RolloutRequest => ({
    alias: 'live', toVersion: '2', plan: 'custom', percents: [50, 100], intervalMinutes: 0.05, maxErrorPercent: 10, minInvocations: 0, testInvocations: 0, ...overrides,
  });


  it('shows the published versions, newest first, and every alias with its split', async () => {
    const name = await newFunction(2);
    await suite.client.send(new CreateAliasCommand({ FunctionName: name, Name: 'beta', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } } }));
    const { state } = await open(name);
    assert.equal(state.phase, 'ready');
    assert.equal(state.functionName, name);
    assert.deepEqual(state.versions.map((v) => [v.version, v.description]), [['2', 'release 2'], ['1', 'release 1']]);
    assert.deepEqual(state.aliases.map((a) => [a.name, a.routing.summary, a.routing.extraPercent]), [['beta', '1 (75%) · 2 (25%)', 25], ['live', '1 (100%)', 0]]);
    assert.ok(state.aliases.every((a) => a.revisionId));
  });

  it('says when the function cannot be read', async () => {
    const { state } = await open('traffic-unit-missing');
    assert.equal(state.phase, 'failed');
    assert.match(state.loadError ?? '', /traffic-unit-missing/);
  });

  it('previews a shift before and after, applies it with the revision shown, and tells the other views', async () => {
    const name = await newFunction(2);
    const { controller } = await open(name);
    const preview = await controller.requests.preview({ change: { kind: 'shift', alias: 'live', version: '2', percent: 12.34 } });
    assert.equal(preview.summary, 'live: 1 (100%) → 1 (87.7%) · 2 (12.3%)');
    assert.equal(preview.noChange, false);
    assert.equal(preview.revisionId, (await aliasNow(name)).RevisionId);

    const state = await controller.requests.apply({ change: { kind: 'shift', alias: 'live', version: '2', percent: 12.34 }, revisionId: preview.revisionId });
    assert.equal(state.message?.kind, 'success');
    assert.equal(state.message?.text, 'Done: live: 1 (100%) → 1 (87.7%) · 2 (12.3%)');
    assert.equal(state.aliases.find((a) => a.name === 'live')?.routing.summary, '1 (87.7%) · 2 (12.3%)');
    assert.deepEqual((await aliasNow(name)).RoutingConfig?.AdditionalVersionWeights, { '2': 0.123 });
    assert.deepEqual(suite.workbench.announced, [{ connectionId: 'local', region: 'us-east-1', functionName: name }]);

    const none = await controller.requests.preview({ change: { kind: 'shift', alias: 'live', version: '2', percent: 12.3 } });
    assert.equal(none.noChange, true);
  });

  it('refuses to overwrite an alias changed since the preview, and shows it as it is now', async () => {
    const name = await newFunction(2);
    const { host, controller } = await open(name);
    await assert.rejects(async () => controller.requests.preview({ change: { kind: 'promote', alias: 'live' } }), /sends all traffic to version 1; there is no second version to promote/);
    const shift = await controller.requests.preview({ change: { kind: 'shift', alias: 'live', version: '2', percent: 10 } });
    await suite.client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '2' }));

    await assert.rejects(
      async () => controller.requests.apply({ change: { kind: 'shift', alias: 'live', version: '2', percent: 10 }, revisionId: shift.revisionId }),
      /Alias live of traffic-unit-\d+ was changed by someone else since it was read .*Nothing was overwritten\. The tab now shows the alias as it is; check it and try again\./,
    );
    assert.equal(host.last('state')?.aliases.find((a) => a.name === 'live')?.routing.primary, '2');
    assert.equal((await aliasNow(name)).FunctionVersion, '2');
    assert.deepEqual(suite.workbench.announced, []);
  });

  it('refuses alias names and routings Lambda would reject, in words', async () => {
    const name = await newFunction(2);
    const { controller } = await open(name);
    await assert.rejects(async () => controller.requests.apply({ change: { kind: 'create', alias: '123', primary: '1' } }), /cannot be only digits/);
    await assert.rejects(async () => controller.requests.apply({ change: { kind: 'create', alias: 'live', primary: '1' } }), /An alias named live already exists\./);
    await assert.rejects(async () => controller.requests.apply({ change: { kind: 'create', alias: 'beta', primary: '$LATEST', extraVersion: '2', percent: 10 } }), /published versions, not \$LATEST/);
    await assert.rejects(async () => controller.requests.apply({ change: { kind: 'shift', alias: 'gone', version: '2', percent: 10 } }), /Alias gone does not exist \(any more\)\. Refresh and try again\./);
  });

  it('creates and deletes aliases, and a delete of an alias changed meanwhile is refused', async () => {
    const name = await newFunction(2);
    const { controller } = await open(name);
    let state = await controller.requests.apply({ change: { kind: 'create', alias: 'beta', primary: '2', description: 'for testers' } });
    assert.equal(state.message?.text, 'Done: new alias beta → 2 (100%)');
    const beta = state.aliases.find((a) => a.name === 'beta');
    assert.equal(beta?.description, 'for testers');

    await suite.client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'beta', FunctionVersion: '1' }));
    await assert.rejects(async () => controller.requests.deleteAlias({ alias: 'beta', revisionId: beta?.revisionId }), /The tab now shows the alias as it is/);
    assert.equal((await aliasNow(name, 'beta')).FunctionVersion, '1', 'the changed alias is still there');

    state = await controller.requests.deleteAlias({ alias: 'beta' });
    assert.equal(state.message?.text, 'Deleted alias beta.');
    assert.deepEqual(state.aliases.map((a) => a.name), ['live']);
    state = await controller.requests.deleteAlias({ alias: 'beta' });
    assert.equal(state.message?.text, 'Alias beta was already deleted.');
  });

  it('publishes $LATEST, and says when nothing changed since the last version', async () => {
    const name = await newFunction(1);
    const { controller } = await open(name);
    let state = await controller.requests.publish({ description: 'same code' });
    assert.equal(state.message?.text, 'Nothing changed since version 1 was published, so Lambda kept version 1.');
    await suite.client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip('new') }));
    state = await controller.requests.publish({ description: 'new code' });
    assert.equal(state.message?.text, 'Published version 2.');
    assert.deepEqual(state.versions.map((v) => [v.version, v.description]), [['2', 'new code'], ['1', 'release 1']]);
  });

  it('reads the function again when another view announces it changed', async () => {
    const name = await newFunction(2);
    const { host } = await open(name);
    await suite.client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '2' }));
    suite.workbench.announceFunctionChange({ connectionId: 'local', region: 'us-east-1', functionName: `${name}-other` });
    suite.workbench.announceFunctionChange({ connectionId: 'local', region: 'us-east-1', functionName: name });
    const state = await host.waitFor('state', (s) => s.aliases.find((a) => a.name === 'live')?.routing.primary === '2', 'the alias as changed elsewhere');
    assert.equal(state.aliases.length, 1);
  });

  it('checks a rollout plan against the alias before starting it', async () => {
    const name = await newFunction(2);
    await suite.client.send(new CreateAliasCommand({ FunctionName: name, Name: 'edge', FunctionVersion: '$LATEST' }));
    const { controller } = await open(name);
    const preview = await controller.requests.previewRollout({ rollout: rollout() });
    assert.equal(preview.lines[0], `${name}:live: version 1 → 2`);
    assert.equal(preview.lines[1], 'Plan: 50% → 100%, every 3 s.');
    await assert.rejects(async () => controller.requests.startRollout({ rollout: rollout({ toVersion: '1' }) }), /Version 1 already gets all traffic of live\./);
    await assert.rejects(async () => controller.requests.startRollout({ rollout: rollout({ alias: 'edge' }) }), /Alias edge points to \$LATEST; a rollout needs a published version\./);
    await assert.rejects(async () => controller.requests.startRollout({ rollout: rollout({ alias: 'nope' }) }), /Alias nope no longer exists\./);
    await assert.rejects(async () => controller.requests.startRollout({ rollout: rollout({ percents: [60, 40] }) }), /Steps must rise/);
    await assert.rejects(async () => controller.requests.startRollout({ rollout: rollout({ maxErrorPercent: 100 }) }), /The error threshold must be from 0 % up to \(not including\) 100 %\./);
    assert.equal((await aliasNow(name)).FunctionVersion, '1', 'nothing was changed');
  });

  it('runs a rollout the tab shows on its alias; pause holds it, and stop with roll back sends all traffic to the old version', async () => {
    const name = await newFunction(2);
    const { host, controller } = await open(name);
    const started = await controller.requests.startRollout({ rollout: rollout({ intervalMinutes: 1 }) });
    assert.match(started.message?.text ?? '', /^Gradual rollout of live started: 50% → 100%, every 1 min\.$/);
    const running = await host.waitFor('state', (s) => s.aliases.find((a) => a.name === 'live')?.rollout?.percent === 50, 'the first step');
    const view = running.aliases.find((a) => a.name === 'live')!.rollout!;
    assert.equal(view.status, 'running');
    assert.equal(view.runningHere, true);
    assert.deepEqual((await aliasNow(name)).RoutingConfig?.AdditionalVersionWeights, { '2': 0.5 });
    await assert.rejects(async () => controller.requests.startRollout({ rollout: rollout() }), /already running/);

    const paused = await controller.requests.pauseRollout({ id: view.id });
    assert.equal(paused.aliases.find((a) => a.name === 'live')?.rollout?.status, 'paused');

    const stopped = await controller.requests.stopRollout({ id: view.id, mode: 'rollBack' });
    assert.equal(stopped.message?.kind, 'info');
    const alias = await aliasNow(name);
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights ?? {}, {});
    assert.equal(stopped.aliases.find((a) => a.name === 'live')?.rollout, undefined);
    assert.equal(stopped.recentRollouts[0]?.id, view.id);
    assert.ok(suite.workbench.announced.some((f) => f.functionName === name), 'the tree and other panels hear of the alias changes');
  });
});
