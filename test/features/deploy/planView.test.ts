import * as assert from 'node:assert/strict';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { diffConfig, deployedConfig, type DesiredConfig } from '../../../src/features/deploy/plan';
import type { FunctionPlan } from '../../../src/features/deploy/planner';
import { planSummary, renderPlan, renderResults } from '../../../src/features/deploy/planView';

const desired: DesiredConfig = { runtime: 'nodejs20.x', handler: 'app.handler', memorySize: 512, timeout: 10, ephemeralStorage: 512, environment: { A1: 'x' }, layers: [], architecture: 'x86_64', description: 'a | b' };
const deployed: FunctionConfiguration = { FunctionName: 'fn', Runtime: 'nodejs20.x', Handler: 'app.handler', MemorySize: 128, Timeout: 10, Environment: { Variables: { A1: 'x' } }, Description: 'a | b', CodeSha256: 'old', RevisionId: 'rev-1' };

function plan(over: Partial<FunctionPlan>): FunctionPlan {
  return {
    fn: { functionName: 'fn', logicalId: 'Fn', templateFile: '/w/template.yaml', stackName: 's', codeDir: '/w/src', desired, blockers: [], warnings: [] },
    templateKey: 'template.yaml', action: 'update', deployed, foreign: false, codeChanged: true,
    changes: diffConfig(desired, deployedConfig(deployed)), blockers: [], warnings: [],
    pkg: { folder: '/w/src', from: 'code-folder', zip: new Uint8Array(), sha256: 'new', zippedBytes: 1, unzippedBytes: 1, fileCount: 2, sizeText: '1 B zipped of 50 MB · 1 B unzipped of 250 MB' },
    ...over,
  };
}

describe('deploy/planView: the plan a person confirms', () => {
  it('shows an update as a table of deployed and planned values, the changed ones marked, with its RevisionId guard', () => {
    const text = renderPlan([plan({})], { connectionLabel: 'prod', region: 'eu-west-1' }, { alias: 'live', percent: 10, mode: 'weight' });
    assert.match(text, /^# Deploy plan → prod \(eu-west-1\)$/m);
    assert.match(text, /^\*\*As a canary:\*\* after the deploy, publish a version, then send 10 % of alias live's traffic to it\.$/m);
    assert.match(text, /^## fn — update$/m);
    assert.match(text, /^\| Memory \| 128 MB \| \*\*512 MB\*\* \| changes \|$/m);
    assert.match(text, /^\| Timeout \| 10 s \| 10 s \| same \|$/m);
    // A pipe in a value does not break the table.
    assert.match(text, /^\| Description \| "a \\\| b" \| "a \\\| b" \| same \|$/m);
    assert.match(text, /code changes \(deployed: `old`\)/);
    assert.match(text, /Guarded by RevisionId `rev-1`/);
  });

  it('shows what the template or the account holds as text, never as HTML or links', () => {
    const tricky = { ...desired, description: '<img src=x onerror=alert(1)> [click](http://evil) **bold**' };
    const text = renderPlan([plan({ fn: { ...plan({}).fn, desired: tricky }, changes: diffConfig(tricky, deployedConfig(deployed)) })], { connectionLabel: 'prod', region: 'eu-west-1' });
    assert.doesNotMatch(text, /<img/);
    assert.match(text, /&lt;img src=x onerror=alert\(1\)&gt; \\\[click\\\]\(http:\/\/evil\) \\\*\\\*bold\\\*\\\*/);
  });

  it('says what stops a function, and warns about a function this template did not make', () => {
    const text = renderPlan([plan({ blockers: ['its environment variables take 5000 bytes'] }), plan({ foreign: true })], { connectionLabel: 'prod', region: 'eu-west-1' });
    assert.match(text, /1 of 2 functions will be deployed/);
    assert.match(text, /## fn — not deployed\n\nTemplate resource `Fn` in `template\.yaml`\.\n\n\*\*Nothing is sent for this function:\*\*\n\n- its environment variables take 5000 bytes/);
    assert.match(text, /\*\*Warning:\*\* a function named `fn` already exists there and was not deployed from this template resource/);
    assert.equal(planSummary([plan({ foreign: true })], { alias: 'live', percent: 5, mode: 'weight' }),
      'fn: update code, Memory — NOT from this template\nThen, as a canary: publish a version, then send 5 % of alias live\'s traffic to it.');
  });

  it('adds what happened to the plan, step by step, with what was not applied', () => {
    const text = renderResults([
      { functionName: 'a', status: 'deployed', steps: [{ title: 'Create a', status: 'done', detail: 'created, State Pending' }, { title: 'Wait for State Active', status: 'done', detail: 'State Active' }] },
      { functionName: 'b', status: 'conflict', message: 'b was changed by someone else', steps: [{ title: 'Update the configuration', status: 'failed' }, { title: 'Wait for LastUpdateStatus Successful', status: 'pending' }] },
    ]);
    assert.equal(text, [
      '---', '', '# Result', '',
      '## a — deployed', '', '- ✓ Create a — created, State Pending', '- ✓ Wait for State Active — State Active', '',
      '## b — conflict', '', 'b was changed by someone else', '', '- ✗ Update the configuration', '- · Wait for LastUpdateStatus Successful', '',
    ].join('\n'));
  });
});
