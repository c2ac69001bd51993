import * as assert from 'node:assert/strict';
import { isInterrupted, type RolloutRecord } from '../../../src/features/traffic/rollout';
import { ROLLOUT_KEY_PREFIX, RolloutStore, type KeyValueStore } from '../../../src/features/traffic/rolloutStore';

/** The Memento shape over a Map, as VS Code's global state behaves within one window. */
class MapStore implements KeyValueStore {
  readonly map = new Map<string, unknown>();
  keys = () => [...this.map.keys()];
  get = <T>(key: string) => this.map.get(key) as T | undefined;
  update = async (key: string, value: unknown) => {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, structuredClone(value));
  };
}

const DAY = 24 * 3_600_000;

function record(id: string, status: RolloutRecord['status'], at: number): RolloutRecord {
  return {
    id,
    status,
    appliedStep: 0,
    startedAt: at,
    heartbeatAt: at,
    finishedAt: status === 'running' || status === 'paused' ? undefined : at,
    health: { invocations: 0, errors: 0 },
    message: '',
    config: {
      target: { connectionId: 'local', connectionLabel: 'Local Lambda', region: 'us-east-1', functionName: 'fn', aliasName: 'live' },
      fromVersion: '1',
      toVersion: '2',
      steps: [{ percent: 10, waitMs: 60_000 }, { percent: 100, waitMs: 0 }],
      threshold: { maxErrorRate: 0.05, minInvocations: 10 },
      checkEveryMs: 15_000,
      testInvocations: 0,
      testPayload: '{}',
    },
  };
}

describe('rollout/store', () => {
  it('keeps one key per rollout and lists them newest first', async () => {
    const memento = new MapStore();
    const store = new RolloutStore(memento);
    await store.save(record('a', 'running', 1000));
    await store.save(record('b', 'succeeded', 2000));
    memento.map.set('lambdaWorkbench.other', { id: 'x' });
    memento.map.set(`${ROLLOUT_KEY_PREFIX}broken`, { nonsense: true });
    assert.deepEqual(store.all().map((r) => r.id), ['b', 'a']);
    assert.equal(store.get('a')?.status, 'running');
    assert.equal(store.get('broken'), undefined);
  });

  it('forgets finished rollouts after a week, never active ones', async () => {
    const memento = new MapStore();
    const store = new RolloutStore(memento);
    const now = 30 * DAY;
    await store.save(record('old-done', 'rolledBack', now - 8 * DAY));
    await store.save(record('recent-done', 'succeeded', now - DAY));
    await store.save(record('old-running', 'running', now - 8 * DAY));
    await store.prune(now);
    assert.deepEqual(store.all().map((r) => r.id).sort(), ['old-running', 'recent-done']);
  });

  it('calls an active rollout interrupted once its window stops reporting', () => {
    const r = record('a', 'running', 0);
    assert.equal(isInterrupted(r, 30_000), false, 'a fresh heartbeat: some window runs it');
    assert.equal(isInterrupted(r, 61_000), true);
    assert.equal(isInterrupted({ ...r, status: 'paused' }, 61_000), true);
    assert.equal(isInterrupted({ ...r, status: 'succeeded' }, 10 * DAY), false);
  });
});
