import * as assert from 'node:assert/strict';
import { isFailureLine, VersionHealth, versionOfStream, type HealthLogEvent } from '../../../src/features/traffic/versionHealth';

const REPORT = (id: string, extra = '') => `REPORT RequestId: ${id}\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t${extra}`;

/** The lines one invocation leaves in its stream, one millisecond apart. */
function invocation(stream: string, id: string, version: string, t: number, body: string[] = []): HealthLogEvent[] {
  const lines = [`START RequestId: ${id} Version: ${version}`, ...body, `END RequestId: ${id}`, REPORT(id)];
  return lines.map((message, i) => ({ logStreamName: stream, timestamp: t + i, message, eventId: `${stream}-${id}-${i}` }));
}

const nodeError = (id: string) => `2026-01-01T00:00:00.000Z\t${id}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom"}`;

describe('model/versionHealth', () => {
  it('counts invocations and failures per version from START/REPORT and error lines', () => {
    const health = new VersionHealth();
    health.addLogEvents([
      ...invocation('2026/01/01/[1]aaa', 'r1', '1', 1000),
      ...invocation('2026/01/01/[2]bbb', 'r2', '2', 1000, [nodeError('r2')]),
      ...invocation('2026/01/01/[2]bbb', 'r3', '2', 2000, ['2026-01-01T00:00:00.000Z\tr3\tINFO\thello']),
      ...invocation('2026/01/01/[2]ccc', 'r4', '2', 1500, ['[ERROR] ValueError: bad input']),
    ]);
    assert.deepEqual(health.countsFor('1'), { invocations: 1, errors: 0 });
    assert.deepEqual(health.countsFor('2'), { invocations: 3, errors: 2 });
    assert.deepEqual(health.countsFor('3'), { invocations: 0, errors: 0 });
  });

  it('attributes interleaved streams correctly and ignores console.error', () => {
    const a = invocation('s/[1]a', 'ra', '1', 1000, [nodeError('ra')]);
    const b = invocation('s/[2]b', 'rb', '2', 1000, ['2026-01-01T00:00:00.000Z\trb\tERROR\tsomething logged at error level']);
    // Interleave the two streams line by line.
    const mixed = a.flatMap((e, i) => [e, b[i]]);
    const health = new VersionHealth();
    health.addLogEvents(mixed.reverse());
    assert.deepEqual(health.countsFor('1'), { invocations: 1, errors: 1 });
    assert.deepEqual(health.countsFor('2'), { invocations: 1, errors: 0 });
  });

  it('counts a timeout and a REPORT with an error status as failures', () => {
    const health = new VersionHealth();
    health.addLogEvents([
      ...invocation('s/[4]x', 't1', '4', 0, ['2026-01-01T00:00:03.000Z t1 Task timed out after 3.00 seconds']),
      { logStreamName: 's/[4]y', timestamp: 10, message: 'START RequestId: t2 Version: 4' },
      { logStreamName: 's/[4]y', timestamp: 11, message: REPORT('t2', 'Status: error\tError Type: Runtime.ExitError') },
    ]);
    assert.deepEqual(health.countsFor('4'), { invocations: 2, errors: 2 });
  });

  it('ignores repeated events when overlapping windows are read again', () => {
    const health = new VersionHealth();
    const events = invocation('s/[2]b', 'r1', '2', 0, [nodeError('r1')]);
    health.addLogEvents(events);
    health.addLogEvents(events);
    health.addLogEvents(events.map(({ eventId: _e, ...rest }) => rest));
    assert.deepEqual(health.countsFor('2'), { invocations: 1, errors: 1 });
  });

  it('counts a request once when both its own result and its log lines are seen', () => {
    const health = new VersionHealth();
    health.addOwnResult('own-1', '2', true);
    health.addLogEvents(invocation('s/[2]b', 'own-1', '2', 0, [nodeError('own-1')]));
    health.addLogEvents(invocation('s/[2]b', 'own-2', '2', 100));
    health.addOwnResult('own-2', '2', false);
    assert.deepEqual(health.countsFor('2'), { invocations: 2, errors: 1 });
  });

  it('falls back to the stream name when the START line was not read', () => {
    const health = new VersionHealth();
    health.addLogEvents([{ logStreamName: '2026/01/01/[7]abc', timestamp: 1, message: REPORT('late') }]);
    assert.deepEqual(health.countsFor('7'), { invocations: 1, errors: 0 });
    assert.equal(versionOfStream('2026/01/01/[$LATEST]abc'), '$LATEST');
    assert.equal(versionOfStream('custom-stream'), undefined);
  });

  it('recognises failure lines of the text and JSON formats only', () => {
    assert.ok(isFailureLine(nodeError('x')));
    assert.ok(isFailureLine('2026-01-01T00:00:00.000Z\tx\tERROR\tUncaught Exception \t{}'));
    assert.ok(isFailureLine('[ERROR] KeyError: \'a\''));
    assert.ok(isFailureLine('{"timestamp":"…","level":"ERROR","message":{"errorType":"Error","errorMessage":"boom"},"requestId":"x"}'));
    assert.ok(!isFailureLine('2026-01-01T00:00:00.000Z\tx\tERROR\tcould not reach the cache, retrying'));
    assert.ok(!isFailureLine('{"level":"ERROR","message":"plain error log"}'));
    assert.ok(!isFailureLine('INFO all good'));
  });
});
