import * as assert from 'node:assert/strict';
import { ScheduleError, nextFire, parseSchedule } from '../../src/shared/schedule';

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string) => {
  const t = nextFire(parseSchedule(expr), at(after));
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('schedule expressions', () => {
  it('fires a rate every period from when it was turned on', () => {
    const s = parseSchedule('rate(5 minutes)');
    const anchor = at('2026-01-01T00:00:00Z');
    assert.equal(nextFire(s, anchor, anchor), anchor + 300_000);
    assert.equal(nextFire(s, anchor + 300_000, anchor), anchor + 600_000, 'exactly at a firing, the next one');
    assert.equal(nextFire(parseSchedule('rate(1 day)'), anchor, anchor), anchor + 86_400_000);
  });

  it('finds the next time of a cron expression in UTC', () => {
    assert.equal(next('cron(0 12 * * ? *)', '2026-03-10T11:59:00Z'), '2026-03-10T12:00:00.000Z');
    assert.equal(next('cron(0 12 * * ? *)', '2026-03-10T12:00:00Z'), '2026-03-11T12:00:00.000Z');
    assert.equal(next('cron(15 10 ? * MON-FRI *)', '2026-03-13T11:00:00Z'), '2026-03-16T10:15:00.000Z', 'Friday after 10:15 → Monday');
    assert.equal(next('cron(0/15 * * * ? *)', '2026-03-10T10:16:00Z'), '2026-03-10T10:30:00.000Z');
    assert.equal(next('cron(0 0 L * ? *)', '2026-02-01T00:00:00Z'), '2026-02-28T00:00:00.000Z', 'the last day of February');
    assert.equal(next('cron(0 9 ? * 6#3 *)', '2026-03-01T00:00:00Z'), '2026-03-20T09:00:00.000Z', 'the third Friday');
    assert.equal(next('cron(0 9 ? * 2L *)', '2026-03-01T00:00:00Z'), '2026-03-30T09:00:00.000Z', 'the last Monday');
    assert.equal(next('cron(0 9 15W * ? *)', '2026-08-01T00:00:00Z'), '2026-08-14T09:00:00.000Z', 'the 15th is a Saturday: Friday the 14th');
    assert.equal(next('cron(0 8 1 JAN ? 2027)', '2026-06-01T00:00:00Z'), '2027-01-01T08:00:00.000Z');
    assert.equal(next('cron(0 8 1 JAN ? 2025)', '2026-06-01T00:00:00Z'), undefined, 'a year gone by never fires');
  });

  for (const [expr, why] of [
    ['rate(0 minutes)', /at least 1/],
    ['rate(1 minutes)', /rate\(1 minute\)/],
    ['rate(5 minute)', /rate\(5 minutes\)/],
    ['rate(5 weeks)', /use rate/],
    ['cron(0 12 * * *)', /6 fields/],
    ['cron(0 12 * * * *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 12 ? * ? *)', /exactly one/],
    ['cron(60 12 * * ? *)', /minutes "60" must be 0–59/],
    ['cron(0 25 * * ? *)', /hours "25"/],
    ['cron(0 12 * FOO ? *)', /month "FOO"/],
    ['cron(0 12 ? * SUN-XYZ *)', /day-of-week "XYZ"/],
    ['cron(0 12 10-5 * ? *)', /runs backwards/],
    ['cron(0/0 12 * * ? *)', /step "0" must be 1–59/],
    ['cron(0,,1 12 * * ? *)', /empty list item/],
    [`cron(${'1,'.repeat(200)}1 * * * ? *)`, /longer than 256/],
    ['every day', /use rate/],
  ] as const) {
    it(`refuses ${expr.slice(0, 40)}`, () => {
      assert.throws(() => parseSchedule(expr), (err: Error) => err instanceof ScheduleError && why.test(err.message));
    });
  }
});
