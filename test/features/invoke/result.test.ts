import * as assert from 'node:assert/strict';
import type { InvokeResponse } from '../../../src/aws/invoke';
import { InvokeHistory, MAX_HISTORY_PAYLOAD_BYTES } from '../../../src/features/invoke/history';
import type { InvokeParams } from '../../../src/features/invoke/protocol';
import { failedView, historyEntry, invocationView } from '../../../src/features/invoke/result';
import type { FunctionTarget } from '../../../src/shared/target';

const params: InvokeParams = { payload: '{"a":1}', qualifier: 'live', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'S3 put', eventSource: 'sample' };
const at = new Date('2026-03-10T14:07:21.000Z');
const LOG = [
  'START RequestId: 6f1c Version: 2',
  '2026-03-10T14:07:21.100Z\t6f1c\tINFO\thello',
  'END RequestId: 6f1c',
  'REPORT RequestId: 6f1c\tDuration: 26.73 ms\tBilled Duration: 27 ms\tMemory Size: 128 MB\tMax Memory Used: 75 MB\tInit Duration: 180.51 ms\t',
  '',
].join('\n');

function response(overrides: Partial<InvokeResponse> = {}): InvokeResponse {
  return { statusCode: 200, payload: '{"ok":true}', executedVersion: '2', logTail: LOG, requestId: 'req-1', roundTripMs: 240, ...overrides };
}

class MapMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

describe('invocation result for the Invoke tab', () => {
  it('shows status, pretty payload, executed version and the REPORT line as a cold start', () => {
    const view = invocationView('id-1', at, params, response(), { architecture: 'x86_64' });
    assert.equal(view.outcome, 'ok');
    assert.equal(view.statusText, '200 OK');
    assert.equal(view.payload, '{\n  "ok": true\n}');
    assert.equal(view.payloadIsJson, true);
    assert.equal(view.executedVersion, '2');
    assert.deepEqual(view.report, { durationMs: 26.73, billedDurationMs: 27, memorySizeMb: 128, maxMemoryUsedMb: 75, coldStart: true, initDurationMs: 180.51 });
    assert.equal(view.at, '2026-03-10T14:07:21.000Z');
    assert.deepEqual(view.params, { qualifier: 'live', invocationType: 'RequestResponse', eventLabel: 'S3 put', eventSource: 'sample' });
  });

  it('prices the billed duration by architecture: arm64 is cheaper than x86_64', () => {
    const x86 = invocationView('a', at, params, response(), { architecture: 'x86_64' }).cost!;
    const arm = invocationView('b', at, params, response(), { architecture: 'arm64' }).cost!;
    // 128 MB for 27 ms: 0.125 GB × 0.027 s × rate + $0.0000002 per request
    assert.ok(Math.abs(x86.usd - (0.2e-6 + 0.125 * 0.027 * 0.0000166667)) < 1e-15);
    assert.ok(Math.abs(arm.usd - (0.2e-6 + 0.125 * 0.027 * 0.0000133334)) < 1e-15);
    assert.ok(arm.usd < x86.usd);
    assert.match(x86.detail, /27 ms billed × 128 MB on x86_64/);
    const unknown = invocationView('c', at, params, response()).cost!;
    assert.equal(unknown.architecture, 'x86_64');
    assert.match(unknown.detail, /architecture unknown/);
  });

  it('marks a warm call, and has no REPORT or cost for queued calls', () => {
    const warm = invocationView('w', at, params, response({ logTail: LOG.replace('\tInit Duration: 180.51 ms', '') }));
    assert.equal(warm.report?.coldStart, false);
    assert.equal(warm.report?.initDurationMs, undefined);
    const queued = invocationView('q', at, { ...params, invocationType: 'Event' }, response({ statusCode: 202, payload: '', logTail: undefined, executedVersion: undefined }));
    assert.equal(queued.statusText, '202 Accepted');
    assert.equal(queued.payload, undefined);
    assert.equal(queued.report, undefined);
    assert.equal(queued.cost, undefined);
  });

  it('shows a function error with its type, message and stack', () => {
    const payload = JSON.stringify({ errorType: 'Error', errorMessage: 'boom', trace: ['Error: boom', '    at handler (index.mjs:2:9)'] });
    const view = invocationView('e', at, params, response({ functionError: 'Unhandled', payload }));
    assert.equal(view.outcome, 'functionError');
    assert.deepEqual(view.functionError, { kind: 'Unhandled', errorType: 'Error', errorMessage: 'boom', stackTrace: ['Error: boom', '    at handler (index.mjs:2:9)'] });
  });

  it('records failures and cancellations with their message', () => {
    assert.deepEqual(failedView('f', at, params, 'Throttled'), { id: 'f', at: at.toISOString(), params: { qualifier: 'live', invocationType: 'RequestResponse', eventLabel: 'S3 put', eventSource: 'sample' }, outcome: 'failed', error: 'Throttled' });
    assert.equal(failedView('c', at, params, 'Cancelled', true).outcome, 'cancelled');
  });
});

describe('invocation history', () => {
  const target: FunctionTarget = { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName: 'f' };

  it('keeps the newest entries first, per function, up to the limit', async () => {
    const history = new InvokeHistory(new MapMemento(), 3);
    for (let i = 0; i < 5; i++) {
      const view = invocationView(`id-${i}`, at, params, response());
      await history.add('local|us-east-1|f', historyEntry(view, `{"i":${i}}`));
    }
    await history.add('local|us-east-1|g', historyEntry(failedView('other', at, params, 'x'), '{}'));
    assert.deepEqual(history.list('local|us-east-1|f').map((e) => e.id), ['id-4', 'id-3', 'id-2']);
    assert.equal(history.list('local|us-east-1|f')[0].params.payload, '{"i":4}');
    assert.equal(history.list('local|us-east-1|f')[0].durationMs, 26.73);
    assert.equal(history.list('local|us-east-1|f')[0].coldStart, true);
    assert.deepEqual(history.list('local|us-east-1|g').map((e) => e.outcome), ['failed']);
    await history.clear('local|us-east-1|f');
    assert.deepEqual(history.list('local|us-east-1|f'), []);
    assert.equal(history.list('local|us-east-1|g').length, 1);
  });

  it('drops the payload of large events and forgets "Invoke Again" for events over 1 MB', async () => {
    const history = new InvokeHistory(new MapMemento());
    const large = `"${'x'.repeat(MAX_HISTORY_PAYLOAD_BYTES)}"`;
    await history.add('k', historyEntry(invocationView('big', at, params, response()), large));
    assert.equal(history.list('k')[0].params.payload, '');
    assert.equal(await history.setLast({ target, params }), true);
    assert.deepEqual(history.last(), { target, params });
    assert.equal(await history.setLast({ target, params: { ...params, payload: `"${'x'.repeat(1024 * 1024)}"` } }), false);
    assert.equal(history.last(), undefined);
  });

  it('ignores stored values of an unexpected shape', () => {
    const memento = new MapMemento();
    memento.values.set('lambdaWorkbench.invokeHistory', { k: [{ id: 1 }, 'junk'] });
    memento.values.set('lambdaWorkbench.lastInvocation', { target: { functionName: '' }, params: {} });
    const history = new InvokeHistory(memento);
    assert.deepEqual(history.list('k'), []);
    assert.equal(history.last(), undefined);
  });
});
