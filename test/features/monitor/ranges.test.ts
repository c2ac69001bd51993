import * as assert from 'node:assert/strict';
import { autoPeriod, resolveRange, retentionPeriod, type ResolvedRange } from '../../../src/features/monitor/ranges';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 15, 12, 34, 56, 789);

function ok(result: ReturnType<typeof resolveRange>): ResolvedRange {
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.range;
}

describe('features/monitor ranges: range, period and retention rules', () => {
  it('picks the period the CloudWatch console shows for each preset', () => {
    const periods = (['1h', '3h', '12h', '1d', '1w'] as const).map((preset) => ok(resolveRange({ preset }, NOW)).periodSeconds);
    assert.deepEqual(periods, [60, 60, 300, 300, 3600]);
    assert.equal(autoPeriod(3 * DAY), 900);
    assert.equal(autoPeriod(30 * DAY), 21_600);
    assert.equal(autoPeriod(400 * DAY), 86_400);
  });

  it('aligns the start down and the end up to the period, so the current period is included', () => {
    const r = ok(resolveRange({ preset: '1h' }, NOW));
    assert.equal(r.start % MIN, 0);
    assert.equal(r.end % MIN, 0);
    assert.ok(r.start <= NOW - HOUR && r.start > NOW - HOUR - MIN);
    assert.ok(r.end >= NOW && r.end < NOW + MIN);
    assert.equal(r.label, 'Last 1 h · 1 min periods');
    const d = ok(resolveRange({ preset: '1d' }, NOW));
    assert.equal(d.start % (5 * MIN), 0);
    assert.equal(d.end % (5 * MIN), 0);
  });

  it('needs a period of at least 5 minutes for a start older than 15 days, and an hour past 63 days', () => {
    assert.equal(retentionPeriod(15 * DAY), 60);
    assert.equal(retentionPeriod(15 * DAY + 1), 300);
    assert.equal(retentionPeriod(63 * DAY + 1), 3600);
    // One hour, 20 days ago: alone it would get 1-minute periods.
    const old = ok(resolveRange({ preset: 'custom', start: NOW - 20 * DAY, end: NOW - 20 * DAY + HOUR }, NOW));
    assert.equal(old.periodSeconds, 300);
    assert.match(old.note ?? '', /keeps 1-minute data for 15 days/);
    const older = ok(resolveRange({ preset: 'custom', start: NOW - 100 * DAY, end: NOW - 100 * DAY + HOUR }, NOW));
    assert.equal(older.periodSeconds, 3600);
    assert.match(older.note ?? '', /keeps 5-minute data for 63 days/);
    assert.equal(ok(resolveRange({ preset: '1h' }, NOW)).note, undefined);
  });

  it('refuses a range reaching past 455 days, saying why', () => {
    const result = resolveRange({ preset: 'custom', start: NOW - 456 * DAY, end: NOW - 400 * DAY }, NOW);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /CloudWatch keeps metrics for 455 days \(15 months\); this range starts 456 days ago/);
    assert.ok(resolveRange({ preset: 'custom', start: NOW - 454 * DAY, end: NOW - 453 * DAY }, NOW).ok);
  });

  it('refuses custom ranges that are backwards, in the future or shorter than a minute; an end in the future stops at now', () => {
    const reason = (start: number, end: number) => {
      const r = resolveRange({ preset: 'custom', start, end }, NOW);
      return r.ok ? 'ok' : r.reason;
    };
    assert.match(reason(NOW - HOUR, NOW - 2 * HOUR), /end of the range must be after its start/);
    assert.match(reason(NOW + HOUR, NOW + 2 * HOUR), /starts in the future/);
    assert.match(reason(NOW - 30_000, NOW), /at least one minute/);
    const r = ok(resolveRange({ preset: 'custom', start: NOW - 2 * HOUR, end: NOW + DAY }, NOW));
    assert.ok(r.end < NOW + MIN);
    assert.equal(r.periodSeconds, 60);
  });
});
