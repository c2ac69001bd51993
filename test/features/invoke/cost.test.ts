import * as assert from 'node:assert/strict';
import { estimateInvocationCost, formatUsd, LAMBDA_PRICES } from '../../../src/features/invoke/cost';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= expected * 1e-9, `${actual} ≠ ${expected}`);

describe('model/cost', () => {
  it('prices a request at $0.20 per million', () => {
    close(estimateInvocationCost({ billedDurationMs: 0, memorySizeMb: 128, architecture: 'x86_64' }).usd, 0.0000002);
  });

  it('prices duration by GB-second: 1 GB for 1 s on x86 is $0.0000166667', () => {
    const cost = estimateInvocationCost({ billedDurationMs: 1000, memorySizeMb: 1024, architecture: 'x86_64' });
    close(cost.computeUsd, 0.0000166667);
    close(cost.usd, 0.0000166667 + 0.0000002);
    assert.equal(cost.storageUsd, 0);
  });

  it('prices arm64 lower than x86_64 for the same call', () => {
    const arm = estimateInvocationCost({ billedDurationMs: 1000, memorySizeMb: 1024, architecture: 'arm64' });
    close(arm.computeUsd, 0.0000133334);
    const x86 = estimateInvocationCost({ billedDurationMs: 1000, memorySizeMb: 1024, architecture: 'x86_64' });
    assert.ok(arm.usd < x86.usd);
  });

  it('matches a worked example: 128 MB, 13 ms billed, x86', () => {
    // 0.125 GB × 0.013 s × $0.0000166667 = $0.0000000270834; plus $0.0000002 for the request.
    const cost = estimateInvocationCost({ billedDurationMs: 13, memorySizeMb: 128, architecture: 'x86_64' });
    close(cost.computeUsd, 0.125 * 0.013 * 0.0000166667);
    assert.equal(formatUsd(cost.usd), '$0.00000023');
  });

  it('charges ephemeral storage only above 512 MB', () => {
    const base = { billedDurationMs: 2000, memorySizeMb: 512, architecture: 'x86_64' as const };
    assert.equal(estimateInvocationCost({ ...base, ephemeralStorageMb: 512 }).storageUsd, 0);
    const big = estimateInvocationCost({ ...base, ephemeralStorageMb: 10240 });
    // (10,240 − 512) MB = 9.5 GB × 2 s × $0.0000000309
    close(big.storageUsd, 9.5 * 2 * 0.0000000309);
    close(big.usd, big.requestUsd + big.computeUsd + big.storageUsd);
  });

  it('refuses nonsense input with a readable message', () => {
    assert.throws(() => estimateInvocationCost({ billedDurationMs: -1, memorySizeMb: 128, architecture: 'x86_64' }), /billedDurationMs must be a number ≥ 0/);
    assert.throws(() => estimateInvocationCost({ billedDurationMs: 1, memorySizeMb: 128, architecture: 'sparc' as never }), /Unknown architecture "sparc"/);
  });

  it('keeps its prices in one table for us-east-1', () => {
    assert.equal(LAMBDA_PRICES.region, 'us-east-1');
    close(LAMBDA_PRICES.requestUsd * 1_000_000, 0.2);
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
