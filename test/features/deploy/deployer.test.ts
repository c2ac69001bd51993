import * as assert from 'node:assert/strict';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { WorkbenchError } from '../../../src/aws/errors';
import { DeployStepError, deployPlan, type DeployApi } from '../../../src/features/deploy/deployer';
import { diffConfig, type DesiredConfig } from '../../../src/features/deploy/plan';
import type { FunctionPlan } from '../../../src/features/deploy/planner';

const desired: DesiredConfig = { runtime: 'nodejs20.x', handler: 'app.handler', memorySize: 256, timeout: 10, ephemeralStorage: 512, environment: {}, layers: [], architecture: 'x86_64', description: '' };

function plan(over: Partial<FunctionPlan> = {}): FunctionPlan {
  return {
    fn: { functionName: 'fn', logicalId: 'Fn', templateFile: '/w/template.yaml', stackName: 's', codeDir: '/w/src', desired, blockers: [], warnings: [] },
    templateKey: 'template.yaml', action: 'create', foreign: false, codeChanged: true, changes: diffConfig(desired), blockers: [], warnings: [],
    pkg: { folder: '/w/src', from: 'code-folder', zip: new Uint8Array([1]), sha256: 'sha', zippedBytes: 1, unzippedBytes: 1, fileCount: 1, sizeText: '1 B' },
    ...over,
  };
}

/** A stand-in for Lambda that answers from a script of calls. */
function stubApi(handlers: Partial<Record<keyof DeployApi, (...args: never[]) => Promise<unknown>>>): DeployApi & { calls: string[] } {
  const calls: string[] = [];
  const api = {} as Record<string, unknown>;
  for (const name of ['createFunction', 'waitForActive', 'updateFunctionCode', 'waitForUpdate', 'updateFunctionConfiguration', 'getFunctionConfiguration'] as const) {
    api[name] = async (...args: never[]) => {
      calls.push(name);
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected ${name}`);
      return handler(...args);
    };
  }
  return Object.assign(api as unknown as DeployApi, { calls });
}

const roleError = () => new WorkbenchError('service', 'InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda.');

describe('deploy/deployer: the steps and their failures', () => {
  it('retries CreateFunction with backoff while Lambda cannot assume a new role yet', async () => {
    let attempts = 0;
    const slept: number[] = [];
    const retries: string[] = [];
    const api = stubApi({
      createFunction: async () => {
        attempts++;
        if (attempts < 3) throw roleError();
        return { State: 'Pending' } satisfies FunctionConfiguration;
      },
      waitForActive: async () => ({ State: 'Active' }),
    });
    const outcome = await deployPlan(api, plan(), { role: 'arn:aws:iam::123456789012:role/new', roleRetryDelaysMs: [10, 20, 40], sleep: async (ms) => { slept.push(ms); }, onRetry: (m) => retries.push(m) });
    assert.equal(outcome.configuration.State, 'Active');
    assert.equal(attempts, 3);
    assert.deepEqual(slept, [10, 20]);
    assert.match(retries[0], /cannot assume the role yet .* trying again in 0 s \(1\/3\)/);
  });

  it('gives up after the last retry and says nothing was created', async () => {
    const api = stubApi({ createFunction: async () => { throw roleError(); } });
    await assert.rejects(deployPlan(api, plan(), { role: 'arn:aws:iam::123456789012:role/new', roleRetryDelaysMs: [1, 1], sleep: async () => undefined }), (error: unknown) => {
      assert.ok(error instanceof DeployStepError);
      assert.match(error.message, /cannot be assumed by Lambda/);
      assert.deepEqual(error.applied, []);
      return true;
    });
    assert.equal(api.calls.filter((c) => c === 'createFunction').length, 3);
  });

  it('names the IAM permission a refused step needs', async () => {
    const api = stubApi({ createFunction: async () => { throw new WorkbenchError('accessDenied', 'Profile dev is not allowed to do this: User: arn:aws:iam::1:user/u is not authorized'); } });
    await assert.rejects(deployPlan(api, plan(), { role: 'arn:aws:iam::123456789012:role/r' }), /needs the IAM permission lambda:CreateFunction \(and iam:PassRole/);
  });

  it('says when the region does not offer the runtime', async () => {
    const api = stubApi({ createFunction: async () => { throw new WorkbenchError('service', 'InvalidParameterValueException: The runtime parameter of nodejs20.x is not supported in this region.'); } });
    await assert.rejects(deployPlan(api, plan(), { role: 'arn:aws:iam::123456789012:role/r' }), /The runtime nodejs20.x is not available there: .* Choose a runtime the region offers/);
  });

  it('after the code is applied and the configuration fails, says which was applied and which not', async () => {
    const deployed: FunctionConfiguration = { FunctionName: 'fn', Runtime: 'nodejs20.x', Handler: 'app.handler', MemorySize: 128, Timeout: 10, CodeSha256: 'old', RevisionId: 'r1', Architectures: ['x86_64'] };
    const api = stubApi({
      updateFunctionCode: async () => ({ ...deployed, CodeSha256: 'sha', LastUpdateStatus: 'InProgress' }),
      waitForUpdate: async () => ({ ...deployed, CodeSha256: 'sha', RevisionId: 'r3', LastUpdateStatus: 'Successful' }),
      updateFunctionConfiguration: async () => { throw new WorkbenchError('throttled', 'Too many requests, try again in a moment'); },
    });
    await assert.rejects(deployPlan(api, plan({ action: 'update', deployed, changes: diffConfig(desired) }), {}), (error: unknown) => {
      assert.ok(error instanceof DeployStepError);
      assert.deepEqual(error.applied, ['Upload the code (UpdateFunctionCode, 1 B)', 'Wait for LastUpdateStatus Successful']);
      assert.deepEqual(error.notApplied, ['Update the configuration (UpdateFunctionConfiguration)', 'Wait for LastUpdateStatus Successful']);
      return true;
    });
  });

  it('sends nothing for a blocked plan', async () => {
    const api = stubApi({});
    await assert.rejects(deployPlan(api, plan({ blockers: ['its environment variables take 5000 bytes'] })), /Nothing was sent/);
    assert.deepEqual(api.calls, []);
  });
});
