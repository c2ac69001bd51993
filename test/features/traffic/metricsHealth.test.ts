import * as assert from 'node:assert/strict';
import { judgeHealth, metricsWindow } from '../../../src/features/traffic/metricsHealth';

const at = (h: number, m: number, s = 0) => Date.UTC(2026, 0, 1, h, m, s);

describe('rollout/metricsHealth', () => {
  it('on AWS, counts whole minutes from the rollout\'s minute that ended at least the delay ago', () => {
    const delay = 3 * 60_000;
    assert.equal(metricsWindow(at(10, 0, 30), at(10, 3, 59), delay), undefined, 'the first minute is not old enough yet');
    assert.deepEqual(metricsWindow(at(10, 0, 30), at(10, 4, 0), delay), { start: at(10, 0), end: at(10, 1) });
    assert.deepEqual(metricsWindow(at(10, 0, 30), at(10, 9, 10), delay), { start: at(10, 0), end: at(10, 6) });
  });

  it('with no delay (the Local Lambda), counts through the end of the current minute', () => {
    assert.deepEqual(metricsWindow(at(10, 0, 30), at(10, 0, 40), 0), { start: at(10, 0), end: at(10, 1) });
    assert.deepEqual(metricsWindow(at(10, 0, 30), at(10, 2, 0), 0), { start: at(10, 0), end: at(10, 3) });
  });

  it('metrics with data judge (plus own test calls); without data the log lines do; with neither, nothing', () => {
    const own = { invocations: 2, errors: 1 };
    assert.deepEqual(judgeHealth({ metrics: { invocations: 40, errors: 3, minutes: 2 }, own, logs: { invocations: 50, errors: 0 } }),
      { source: 'metrics', health: { invocations: 42, errors: 4 } });
    assert.deepEqual(judgeHealth({ metrics: { invocations: 0, errors: 0, minutes: 0 }, own, logs: { invocations: 5, errors: 1 } }),
      { source: 'logs', health: { invocations: 5, errors: 1 } });
    assert.deepEqual(judgeHealth({ own, logs: { invocations: 5, errors: 0 } }), { source: 'logs', health: { invocations: 5, errors: 0 } });
    assert.equal(judgeHealth({ own }), undefined);
  });
});
