import * as assert from 'node:assert/strict';
import { resolveChange } from '../../../src/features/traffic/changes';

const split = { Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } }, Description: 'prod', RevisionId: 'r1' };
const plain = { Name: 'live', FunctionVersion: '1', RevisionId: 'r1' };

describe('aliases/changes', () => {
  it('turns a shift into the routing and a before/after summary', () => {
    const r = resolveChange({ kind: 'shift', alias: 'live', version: '2', percent: 25 }, plain);
    assert.deepEqual(r.after, { primary: '1', extra: { version: '2', weight: 0.25 } });
    assert.equal(r.summary, 'live: 1 (100%) → 1 (75%) · 2 (25%)');
    assert.equal(r.noChange, false);
  });

  it('says when a change would change nothing', () => {
    assert.equal(resolveChange({ kind: 'shift', alias: 'live', version: '2', percent: 10 }, split).noChange, true);
    assert.equal(resolveChange({ kind: 'edit', alias: 'live', primary: '1', extraVersion: '2', percent: 10, description: 'prod' }, split).noChange, true);
    assert.equal(resolveChange({ kind: 'edit', alias: 'live', primary: '1', extraVersion: '2', percent: 10, description: 'other' }, split).noChange, false);
  });

  it('promotes and rolls back only a split alias', () => {
    assert.deepEqual(resolveChange({ kind: 'promote', alias: 'live' }, split).after, { primary: '2' });
    assert.deepEqual(resolveChange({ kind: 'rollBack', alias: 'live' }, split).after, { primary: '1' });
    assert.throws(() => resolveChange({ kind: 'promote', alias: 'live' }, plain), /no second version to promote/);
    assert.throws(() => resolveChange({ kind: 'rollBack', alias: 'live' }, plain), /nothing to roll back/);
  });

  it('checks names, existence and Lambda rules before anything is sent', () => {
    assert.throws(() => resolveChange({ kind: 'create', alias: '42', primary: '1' }, undefined), /only digits/);
    assert.throws(() => resolveChange({ kind: 'create', alias: 'live', primary: '1' }, plain), /already exists/);
    assert.throws(() => resolveChange({ kind: 'shift', alias: 'gone', version: '2', percent: 5 }, undefined), /does not exist/);
    assert.throws(() => resolveChange({ kind: 'create', alias: 'b', primary: '2', extraVersion: '2', percent: 5 }, undefined), /already the alias's main version/);
    assert.throws(() => resolveChange({ kind: 'create', alias: 'b', primary: '$LATEST', extraVersion: '2', percent: 5 }, undefined), /not \$LATEST/);
    assert.throws(() => resolveChange({ kind: 'create', alias: 'b', primary: '1', extraVersion: '2', percent: 100 }, undefined), /point the alias at it instead/);
    assert.throws(() => resolveChange({ kind: 'shift', alias: 'live', version: '2', percent: 5 }, { ...plain, FunctionVersion: '$LATEST' }), /\$LATEST, which cannot share traffic/);
    assert.throws(() => resolveChange({ kind: 'shift', alias: 'live', version: '2', percent: 101 }, plain), /between 0 and 100/);
  });

  it('creates with a second version at 0 % as a plain alias', () => {
    const r = resolveChange({ kind: 'create', alias: 'beta', primary: '1', extraVersion: '2', percent: 0 }, undefined);
    assert.deepEqual(r.after, { primary: '1' });
    assert.equal(r.summary, 'new alias beta → 1 (100%)');
  });
});
