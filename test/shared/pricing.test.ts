import * as assert from 'node:assert/strict';
import { estimateCost, formatUsd, invocationCost, PRICE_TABLE, pricesFor, tieredDurationUsd } from '../../src/shared/lambda/pricing';

const close = (actual: number, expected: number, tolerance = expected * 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);
const MONTH_MS = 730 * 3_600_000;

describe('shared/lambda/pricing', () => {
  describe('one invocation', () => {
    it('prices a request at $0.20 per million', () => {
      close(invocationCost({ region: 'us-east-1', billedDurationMs: 0, memorySizeMb: 128, architecture: 'x86_64' }).usd, 0.0000002);
    });

    it('prices duration by GB-second: 1 GB for 1 s on x86 is $0.0000166667, on arm64 $0.0000133334', () => {
      const x86 = invocationCost({ region: 'us-east-1', billedDurationMs: 1000, memorySizeMb: 1024, architecture: 'x86_64' });
      close(x86.computeUsd, 0.0000166667);
      close(x86.usd, 0.0000166667 + 0.0000002);
      assert.equal(x86.storageUsd, 0);
      const arm = invocationCost({ region: 'us-east-1', billedDurationMs: 1000, memorySizeMb: 1024, architecture: 'arm64' });
      close(arm.computeUsd, 0.0000133334);
    });

    it('matches a worked example: 128 MB, 13 ms billed, x86', () => {
      // 0.125 GB × 0.013 s × $0.0000166667 = $0.0000000270834; plus $0.0000002 for the request.
      const cost = invocationCost({ region: 'us-east-1', billedDurationMs: 13, memorySizeMb: 128, architecture: 'x86_64' });
      close(cost.computeUsd, 0.125 * 0.013 * 0.0000166667);
      assert.equal(formatUsd(cost.usd), '$0.00000023');
    });

    it('charges ephemeral storage only above 512 MB', () => {
      const base = { region: 'us-east-1', billedDurationMs: 2000, memorySizeMb: 512, architecture: 'x86_64' as const };
      assert.equal(invocationCost({ ...base, ephemeralStorageMb: 512 }).storageUsd, 0);
      const big = invocationCost({ ...base, ephemeralStorageMb: 10240 });
      // (10,240 − 512) MB = 9.5 GB × 2 s × $0.0000000309
      close(big.storageUsd, 9.5 * 2 * 0.0000000309);
      close(big.usd, big.requestUsd + big.computeUsd + big.storageUsd);
    });

    it('refuses nonsense input with a readable message', () => {
      assert.throws(() => invocationCost({ region: 'us-east-1', billedDurationMs: -1, memorySizeMb: 128, architecture: 'x86_64' }), /billedDurationMs must be a number ≥ 0/);
      assert.throws(() => invocationCost({ region: 'us-east-1', billedDurationMs: 1, memorySizeMb: 128, architecture: 'sparc' as never }), /Unknown architecture "sparc"/);
    });
  });

  describe('the price table', () => {
    it('names its source and date, and holds the free tier', () => {
      assert.match(PRICE_TABLE.source, /^https:\/\/aws\.amazon\.com\/lambda\/pricing\/$/);
      assert.match(PRICE_TABLE.checked, /^\d{4}-\d{2}$/);
      assert.deepEqual(PRICE_TABLE.freeTier, { requests: 1_000_000, gbSeconds: 400_000 });
    });

    it('has its own duration prices for the regions that cost more, and says what it does not know', () => {
      const capeTown = pricesFor('af-south-1');
      assert.equal(capeTown.basis, 'listed');
      close(capeTown.prices.duration.x86_64[0].usdPerGbSecond, 0.0000221);
      close(capeTown.prices.duration.arm64[0].usdPerGbSecond, 0.00001768);
      assert.match(capeTown.notes.join(' '), /request price for af-south-1 is not in the price table/);
      assert.deepEqual(pricesFor('eu-west-1').notes, []);
    });

    it('falls back to us-east-1 for a region it does not list, and says so', () => {
      const unknown = pricesFor('xx-nowhere-9');
      assert.equal(unknown.basis, 'fallback');
      assert.equal(unknown.prices, pricesFor('us-east-1').prices);
      assert.match(unknown.notes[0], /No prices for xx-nowhere-9/);
      // A name from Object.prototype is not a region.
      assert.equal(pricesFor('constructor').basis, 'fallback');
    });
  });

  describe('tiers', () => {
    const x86 = pricesFor('us-east-1').prices.duration.x86_64;
    const arm = pricesFor('us-east-1').prices.duration.arm64;

    it('prices the first 6 billion x86 GB-s at the first rate only', () => {
      close(tieredDurationUsd(6e9, x86), 6e9 * 0.0000166667);
    });

    it('prices 10 billion x86 GB-s as 6 billion at the first rate and 4 billion at the second', () => {
      close(tieredDurationUsd(10e9, x86), 6e9 * 0.0000166667 + 4e9 * 0.000015);
    });

    it('prices 20 billion x86 GB-s through all three tiers', () => {
      close(tieredDurationUsd(20e9, x86), 6e9 * 0.0000166667 + 9e9 * 0.000015 + 5e9 * 0.0000133334);
    });

    it('puts arm64 tier boundaries at 7.5 and 18.75 billion GB-s', () => {
      close(tieredDurationUsd(20e9, arm), 7.5e9 * 0.0000133334 + 11.25e9 * 0.0000120001 + 1.25e9 * 0.0000106667);
    });

    it('takes 10 % and 20 % off in the later tiers of a higher-priced region', () => {
      const hk = pricesFor('ap-east-1').prices.duration.x86_64;
      close(hk[1].usdPerGbSecond, 0.00002292 * 0.9, 1e-10);
      close(hk[2].usdPerGbSecond, 0.00002292 * 0.8, 1e-10);
    });
  });

  describe('a range of usage', () => {
    it("matches AWS's example 1: 512 MB, 3 M calls of 1 s in a month is $18.74 after the free tier", () => {
      const cost = estimateCost({ region: 'us-east-1', architecture: 'x86_64', memorySizeMb: 512, invocations: 3_000_000, durationMs: 3_000_000 * 1000, rangeMs: MONTH_MS });
      close(cost.month.gbSeconds, 1_500_000);
      close(cost.month.requestUsd, 0.6);
      // AWS rounds the rate to $0.00001667 in the example: 1.1 M GB-s × $0.00001667 + $0.40 = $18.74.
      close(cost.month.totalUsd - cost.monthFreeTierUsd, 1_100_000 * 0.0000166667 + 0.4);
      close(cost.month.totalUsd - cost.monthFreeTierUsd, 18.74, 0.01);
    });

    it("matches AWS's example 2: 128 MB, 30 M calls of 200 ms in a month is $11.63 after the free tier", () => {
      const cost = estimateCost({ region: 'us-east-1', architecture: 'x86_64', memorySizeMb: 128, invocations: 30_000_000, durationMs: 30_000_000 * 200, rangeMs: MONTH_MS });
      close(cost.month.gbSeconds, 750_000);
      close(cost.month.totalUsd - cost.monthFreeTierUsd, 350_000 * 0.0000166667 + 5.8);
      close(cost.month.totalUsd - cost.monthFreeTierUsd, 11.63, 0.01);
    });

    it('scales an hour to a 730-hour month and prices the hour at the month’s rate', () => {
      const hour = estimateCost({ region: 'us-east-1', architecture: 'arm64', memorySizeMb: 1024, invocations: 3600, durationMs: 3600 * 100, rangeMs: 3_600_000 });
      close(hour.range.gbSeconds, 360);
      close(hour.month.gbSeconds, 360 * 730);
      close(hour.month.requests, 3600 * 730);
      close(hour.range.totalUsd * 730, hour.month.totalUsd);
      close(hour.range.durationUsd, 360 * 0.0000133334);
    });

    it('prices a huge rate at the blended tier rate, range and month alike', () => {
      // 20 billion GB-s a month on x86, from one day of usage.
      const dayGbSeconds = 20e9 / (730 / 24);
      const cost = estimateCost({ region: 'us-east-1', architecture: 'x86_64', memorySizeMb: 1024, invocations: 0, durationMs: dayGbSeconds * 1000, rangeMs: 86_400_000 });
      const monthUsd = 6e9 * 0.0000166667 + 9e9 * 0.000015 + 5e9 * 0.0000133334;
      close(cost.month.durationUsd, monthUsd, 1e-3);
      close(cost.range.durationUsd, monthUsd / (730 / 24), 1e-3);
    });

    it('reports the free tier apart, never above what the usage costs', () => {
      const small = estimateCost({ region: 'us-east-1', architecture: 'x86_64', memorySizeMb: 128, invocations: 10, durationMs: 10 * 50, rangeMs: 3_600_000 });
      close(small.monthFreeTierUsd, small.month.requestUsd + small.month.durationUsd);
      assert.ok(small.month.totalUsd > 0);
    });

    it('refuses a range of zero length and negative usage', () => {
      const base = { region: 'us-east-1', architecture: 'x86_64' as const, memorySizeMb: 128, invocations: 1, durationMs: 1, rangeMs: 1 };
      assert.throws(() => estimateCost({ ...base, rangeMs: 0 }), /rangeMs must be a number > 0/);
      assert.throws(() => estimateCost({ ...base, invocations: -1 }), /invocations must be a number ≥ 0/);
      assert.throws(() => estimateCost({ ...base, durationMs: Number.NaN }), /durationMs must be a number ≥ 0/);
    });
  });

  it('formats tiny amounts without exponent notation', () => {
    assert.equal(formatUsd(0.0000021), '$0.0000021');
    assert.equal(formatUsd(0.00000208333), '$0.0000021');
    assert.equal(formatUsd(0.0000099999), '$0.00001');
    assert.equal(formatUsd(0.0123), '$0.012');
    assert.equal(formatUsd(0.5), '$0.50');
    assert.equal(formatUsd(0.01), '$0.01');
    assert.equal(formatUsd(12.345), '$12.35');
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(Number.NaN), '—');
  });
});
