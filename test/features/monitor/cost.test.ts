import * as assert from 'node:assert/strict';
import { costView, formatUsd } from '../../../src/features/monitor/cost';

const HOUR = 3_600_000;

describe('features/monitor cost: the estimate beside the charts', () => {
  it('prices a range and its month from Invocations and Duration sums (us-east-1, x86_64, 128 MB)', () => {
    // 3,600 calls of 100 ms in one hour: 360 s × 0.125 GB = 45 GB-s.
    const view = costView({ region: 'us-east-1', sizing: { memorySizeMb: 128, architecture: 'x86_64' }, invocations: 3600, durationMs: 360_000, rangeMs: HOUR, local: false });
    // Requests 3,600 × $0.20/M = $0.00072; duration 45 × $0.0000166667 = $0.00075; together $0.00147.
    assert.equal(view.summary, '$0.00147 this range · $1.07 a month at this rate, before the free tier');
    assert.equal(view.lines[0], 'This range: $0.00147 — 3,600 requests $0.000720, 45 GB-s $0.000750');
    // A 730-hour month: 2,628,000 requests ($0.5256) and 32,850 GB-s ($0.5475) = $1.07.
    assert.equal(view.lines[1], 'Per month at this rate: $1.07 — 2,628,000 requests, 32,850 GB-s');
    // Free tier: 1 M requests ($0.20) and all 32,850 GB-s ($0.5475) = $0.75.
    assert.match(view.lines[2], /1,000,000 requests and 400,000 GB-s a month .* would cover up to \$0\.75 of that month\.$/);
    assert.match(view.note ?? '', /^128 MB, x86_64, us-east-1 on-demand prices \(https:\/\/aws\.amazon\.com\/lambda\/pricing\/, checked 2026-12\)/);
  });

  it('prices arm64 lower, says the Local Lambda charges nothing, and names a region it has no prices for', () => {
    const input = { region: 'us-east-1', invocations: 1000, durationMs: 1_000_000, rangeMs: HOUR, local: true } as const;
    const x86 = costView({ ...input, sizing: { memorySizeMb: 1024, architecture: 'x86_64' } });
    const arm = costView({ ...input, sizing: { memorySizeMb: 1024, architecture: 'arm64' } });
    const dollars = (line: string) => Number(/\$([\d.]+)/.exec(line)?.[1]);
    assert.ok(dollars(arm.lines[0]) < dollars(x86.lines[0]));
    assert.match(x86.note ?? '', /^The Local Lambda charges nothing: this is what these calls would cost on AWS in us-east-1\./);
    const elsewhere = costView({ ...input, region: 'xx-nowhere-1', local: false, sizing: { memorySizeMb: 128, architecture: 'x86_64' } });
    assert.match(elsewhere.note ?? '', /No prices for xx-nowhere-1 in the price table; us-east-1's prices are used\./);
  });

  it('writes small amounts with their digits, never in exponent form', () => {
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(1234.5), '$1,234.50');
    assert.equal(formatUsd(0.00147), '$0.00147');
    assert.equal(formatUsd(0.00000012), '$0.000000120');
  });
});
