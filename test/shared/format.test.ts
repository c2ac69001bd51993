import * as assert from 'node:assert/strict';
import { describeAlias, describeFunction, formatRelativeTime, matchesFilter, parseLambdaTimestamp, runtimeIconId } from '../../src/shared/format';
import { consoleUrl, functionTooltip } from '../../src/features/explorer/tooltips';

describe('model/format', () => {
  const now = new Date('2026-01-10T12:00:00.000Z');

  it('parses Lambda LastModified timestamps with a colon-less offset', () => {
    assert.equal(parseLambdaTimestamp('2024-01-01T12:00:00.000+0000')?.toISOString(), '2024-01-01T12:00:00.000Z');
    assert.equal(parseLambdaTimestamp('2024-01-01T14:30:00.000+0230')?.toISOString(), '2024-01-01T12:00:00.000Z');
    assert.equal(parseLambdaTimestamp('not a date'), undefined);
    assert.equal(parseLambdaTimestamp(undefined), undefined);
  });

  it('formats relative times', () => {
    const ago = (ms: number) => formatRelativeTime(new Date(now.getTime() - ms), now);
    assert.equal(ago(10_000), 'just now');
    assert.equal(ago(5 * 60_000), '5 min ago');
    assert.equal(ago(3 * 3_600_000 + 59 * 60_000), '3 h ago');
    assert.equal(ago(24 * 3_600_000), '1 day ago');
    assert.equal(ago(5 * 24 * 3_600_000), '5 days ago');
    assert.equal(ago(45 * 24 * 3_600_000), '2025-11-26');
    // A clock slightly ahead of ours must not give "-1 min ago".
    assert.equal(formatRelativeTime(new Date(now.getTime() + 30_000), now), 'just now');
  });

  it('describes a function as runtime · memory · age', () => {
    assert.equal(describeFunction({ runtime: 'nodejs20.x', memorySize: 128, lastModified: '2026-01-10T11:55:00.000+0000' }, now), 'nodejs20.x · 128 MB · 5 min ago');
    assert.equal(describeFunction({ packageType: 'Image', memorySize: 512 }, now), 'container image · 512 MB');
  });

  it('describes aliases with their traffic split', () => {
    assert.equal(describeAlias({ functionVersion: '3' }), '→ 3');
    assert.equal(describeAlias({ functionVersion: '3', additionalVersionWeights: {} }), '→ 3');
    assert.equal(describeAlias({ functionVersion: '1', additionalVersionWeights: { '2': 0.1 } }), '→ 1 (90%) · 2 (10%)');
    assert.equal(describeAlias({ functionVersion: '4', additionalVersionWeights: { '5': 0.125 } }), '→ 4 (87.5%) · 5 (12.5%)');
    // 0.7 + 0.3 in floating point must still read 30% / 70%.
    assert.equal(describeAlias({ functionVersion: '1', additionalVersionWeights: { '2': 0.3 } }), '→ 1 (70%) · 2 (30%)');
  });

  it('maps runtimes to icons by family', () => {
    assert.equal(runtimeIconId('nodejs20.x'), runtimeIconId('nodejs22.x'));
    assert.notEqual(runtimeIconId('nodejs20.x'), runtimeIconId('python3.12'));
    assert.equal(runtimeIconId(undefined), 'symbol-function');
  });

  it('filters names by case-insensitive substring; blank matches all', () => {
    assert.ok(matchesFilter('Orders-Processor', 'proc'));
    assert.ok(matchesFilter('orders', '  ORD '));
    assert.ok(!matchesFilter('orders', 'payments'));
    assert.ok(matchesFilter('orders', ''));
    assert.ok(matchesFilter('orders', undefined));
  });

  it('builds a tooltip with ARN, handler, runtime, memory, timeout and last modified', () => {
    const md = functionTooltip({
      FunctionName: 'hello_node',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hello_node',
      Handler: 'index.handler',
      Runtime: 'nodejs20.x',
      MemorySize: 256,
      Timeout: 30,
      LastModified: '2024-01-01T12:00:00.000+0000',
    });
    assert.match(md, /^\*\*hello\\_node\*\*/);
    for (const part of ['arn:aws:lambda:us-east-1:123456789012:function:hello_node', 'index.handler', 'nodejs20.x', '256 MB', '30 s', '2024-01-01 12:00:00 UTC']) {
      assert.ok(md.includes(part), `tooltip lacks ${part}: ${md}`);
    }
  });

  it('links to the console of the ARN partition', () => {
    assert.equal(
      consoleUrl('arn:aws:lambda:eu-west-1:1:function:a b', 'eu-west-1', 'a b'),
      'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/a%20b',
    );
    assert.match(consoleUrl('arn:aws-cn:lambda:cn-north-1:1:function:f', 'cn-north-1', 'f'), /^https:\/\/console\.amazonaws\.cn\//);
  });
});
