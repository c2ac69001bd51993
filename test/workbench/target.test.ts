import * as assert from 'node:assert/strict';
import { toFunctionTarget } from '../../src/workbench/target';
import { targetKey } from '../../src/shared/target';
import { AliasesNode, AliasNode, ConnectionNode, FunctionNode, RegionNode, VersionNode, VersionsNode } from '../../src/features/explorer/nodes';
import { readManifest } from '../support/repo';

const manifest = readManifest() as {
  activationEvents: string[];
  contributes: { menus: Record<string, { command: string; when?: string }[]> };
};

describe('function panel targets', () => {
  const connection = new ConnectionNode('profile:dev', 'profile', 'dev', false, false);
  const fn = new FunctionNode(new RegionNode(connection, 'eu-west-1'), { FunctionName: 'orders', FunctionArn: 'arn:aws:lambda:eu-west-1:1:function:orders' });

  it('takes connection, region, name and ARN from a function node', () => {
    assert.deepEqual(toFunctionTarget(fn), {
      connectionId: 'profile:dev',
      connectionLabel: 'dev',
      connectionKind: 'profile',
      region: 'eu-west-1',
      functionName: 'orders',
      functionArn: 'arn:aws:lambda:eu-west-1:1:function:orders',
    });
  });

  it('opens versions and aliases on their qualifier, in the same panel as the function', () => {
    const version = new VersionNode(new VersionsNode(fn), { Version: '3' });
    const alias = new AliasNode(new AliasesNode(fn), { Name: 'live', FunctionVersion: '3' });
    assert.equal(toFunctionTarget(version)?.qualifier, '3');
    assert.equal(toFunctionTarget(alias)?.qualifier, 'live');
    assert.equal(targetKey(toFunctionTarget(alias)!), targetKey(toFunctionTarget(fn)!));
  });

  it('accepts a plain FunctionTarget and nothing else', () => {
    const plain = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: 'hello-node' };
    assert.deepEqual(toFunctionTarget(plain), plain);
    for (const junk of [undefined, null, 'hello-node', {}, { ...plain, functionName: '' }, connection]) assert.equal(toFunctionTarget(junk), undefined);
  });

  it('restores panels after a reload and offers Open and Invoke on function, version and alias rows', () => {
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:lambdaWorkbench.functionPanel'));
    const items = manifest.contributes.menus['view/item/context'];
    for (const command of ['lambdaWorkbench.openFunctionPanel', 'lambdaWorkbench.invokeFunction']) {
      const when = items.filter((m) => m.command === command).map((m) => /viewItem =~ \/(.*)\//.exec(m.when ?? '')?.[1] ?? '');
      for (const contextValue of ['function-local', 'function-profile', 'version', 'alias']) {
        assert.ok(when.some((re) => new RegExp(re).test(contextValue)), `${command} on ${contextValue}`);
      }
      assert.ok(!when.some((re) => new RegExp(re).test('versions')), `${command} not on the Versions folder`);
    }
  });
});
