import * as assert from 'node:assert/strict';
import { InvocationRecords, qualifierOfArn, RECORD_LIMITS } from '../../src/local/metrics/records';
import { parseStatistic, statisticOf } from '../../src/local/metrics/statistics';

describe('Local Lambda invocation records', () => {
  const saved = { ...RECORD_LIMITS };
  afterEach(() => Object.assign(RECORD_LIMITS, saved));

  it('keeps the newest records per function, up to the limit, and none past their age', () => {
    RECORD_LIMITS.perFunction = 3;
    let now = 1_000_000;
    const records = new InvocationRecords(() => now);
    for (let i = 0; i < 5; i++) {
      now += 1000;
      records.end(records.begin('f', undefined, '$LATEST'), 'ok', i);
    }
    records.throttled('g', 'live', '1');
    assert.deepEqual([...records.read('f', 0, Infinity)].map((r) => r.durationMs), [2, 3, 4]);
    assert.equal([...records.read(undefined, 0, Infinity)].length, 4);
    now += RECORD_LIMITS.maxAgeMs - 1500;
    assert.deepEqual([...records.read('f', 0, Infinity)].map((r) => r.durationMs), [3, 4], 'older than 15 days is not answered');
    records.end(records.begin('f', undefined, '$LATEST'), 'ok', 9);
    assert.deepEqual([...records.read('f', 0, Infinity)].map((r) => r.durationMs), [3, 4, 9]);
  });

  it('counts concurrency per dimension set at each start', () => {
    const records = new InvocationRecords();
    const a = records.begin('f', 'live', '1');
    const b = records.begin('f', 'live', '2');
    const c = records.begin('other', undefined, '$LATEST');
    assert.deepEqual(b.concurrency, { account: 2, function: 2, resource: 2, version: 1 });
    assert.deepEqual(c.concurrency, { account: 3, function: 1, resource: 0, version: 1 });
    records.end(a, 'ok', 1);
    records.abandon(b);
    records.end(c, 'error', 2);
    assert.deepEqual(records.begin('f', 'live', '1').concurrency, { account: 1, function: 1, resource: 1, version: 1 });
    assert.equal([...records.read(undefined, 0, Infinity)].length, 2, 'an abandoned invocation leaves no record');
  });

  it('reads the qualifier from the invoked ARN', () => {
    assert.equal(qualifierOfArn('arn:aws:lambda:us-east-1:123456789012:function:f'), undefined);
    assert.equal(qualifierOfArn('arn:aws:lambda:us-east-1:123456789012:function:f:live'), 'live');
    assert.equal(qualifierOfArn('arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST'), '$LATEST');
  });

  it('takes percentiles by nearest rank and refuses statistics CloudWatch does not know', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    const p = (name: string) => statisticOf(parseStatistic(name)!, samples);
    assert.deepEqual([p('p0'), p('p10'), p('p50'), p('p90'), p('p99'), p('p100'), p('p99.99')], [1, 1, 5, 9, 10, 10, 10]);
    assert.equal(p('Average'), 5.5);
    for (const bad of ['p101', 'Avg', 'P50', 'p', 'p50.123', 'p-1', 'sum', 'tm90']) assert.equal(parseStatistic(bad), undefined, bad);
  });
});
