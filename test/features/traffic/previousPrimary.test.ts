import * as assert from 'node:assert/strict';
import { resolveChange } from '../../../src/features/traffic/changes';
import { PreviousPrimaries } from '../../../src/features/traffic/previousPrimary';

function memory(): { get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void> } {
  const values = new Map<string, unknown>();
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key, value) => void values.set(key, value) };
}

describe('traffic/Roll Back after Promote', () => {
  const fn = { connectionId: 'local', region: 'us-east-1', functionName: 'orders' };
  const canary = { Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } };
  const promoted = { Name: 'live', FunctionVersion: '2' };

  it('remembers where a Promote moved the alias from, and Roll Back returns there', async () => {
    const previous = new PreviousPrimaries(memory());
    const promote = resolveChange({ kind: 'promote', alias: 'live' }, canary);
    assert.deepEqual(promote.after, { primary: '2' });
    await previous.record(fn, promote);
    const to = previous.get(fn, 'live', '2');
    assert.equal(to, '1');
    const back = resolveChange({ kind: 'rollBack', alias: 'live', to }, promoted);
    assert.deepEqual(back.after, { primary: '1' });
    assert.equal(back.summary.includes('1 (100%)'), true, back.summary);
  });

  it('a split is rolled back to its primary as before, whatever is remembered', () => {
    assert.deepEqual(resolveChange({ kind: 'rollBack', alias: 'live', to: '7' }, canary).after, { primary: '1' });
  });

  it('with nothing remembered, or the alias already there, there is nothing to roll back', async () => {
    assert.throws(() => resolveChange({ kind: 'rollBack', alias: 'live' }, promoted), /nothing to roll back/);
    assert.throws(() => resolveChange({ kind: 'rollBack', alias: 'live', to: '2' }, promoted), /nothing to roll back/);
    const previous = new PreviousPrimaries(memory());
    await previous.record(fn, resolveChange({ kind: 'shift', alias: 'live', version: '2', percent: 20 }, canary));
    assert.equal(previous.get(fn, 'live', '1'), undefined, 'a weight change does not move the primary');
    assert.equal(previous.get({ ...fn, functionName: 'other' }, 'live', '2'), undefined);
  });
});
