import * as assert from 'node:assert/strict';
import {
  clientContextProblem,
  INVOKE_LIMITS,
  invokeInputProblem,
  parseFunctionError,
  payloadSizeProblem,
  prettyPayload,
  statusText,
} from '../../../src/features/invoke/invocation';
import { formatBytes } from '../../../src/shared/units';

describe('invocation rules', () => {
  it('holds events to 6 MB for synchronous calls and 1 MB for asynchronous ones, at the byte', () => {
    const sized = (bytes: number) => `"${'x'.repeat(bytes - 2)}"`;
    assert.equal(payloadSizeProblem(sized(INVOKE_LIMITS.syncPayloadBytes), 'RequestResponse'), undefined);
    assert.match(payloadSizeProblem(sized(INVOKE_LIMITS.syncPayloadBytes + 1), 'RequestResponse') ?? '', /6,291,457 bytes.*at most 6 MB \(6,291,456 bytes\)/);
    assert.match(payloadSizeProblem(sized(INVOKE_LIMITS.syncPayloadBytes + 1), 'DryRun') ?? '', /Synchronous invocations/);
    assert.equal(payloadSizeProblem(sized(1024 * 1024), 'Event'), undefined);
    assert.match(payloadSizeProblem(sized(1024 * 1024 + 1), 'Event') ?? '', /Asynchronous \(Event\) invocations accept at most 1 MB \(1,048,576 bytes\)/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const euros = `"${'€'.repeat(400_000)}"`; // 3 bytes each: 1,200,002 bytes in 400,002 characters
    assert.match(payloadSizeProblem(euros, 'Event') ?? '', /1,200,002 bytes/);
    assert.equal(payloadSizeProblem(euros, 'RequestResponse'), undefined);
  });

  it('accepts a client context only as a JSON object within 3,583 base64 bytes, and only for synchronous calls', () => {
    assert.equal(clientContextProblem('', 'Event'), undefined);
    assert.equal(clientContextProblem('{"custom":{"a":"b"}}', 'RequestResponse'), undefined);
    assert.match(clientContextProblem('{"a":1}', 'Event') ?? '', /only sent with synchronous/);
    assert.match(clientContextProblem('[1,2]', 'RequestResponse') ?? '', /must be a JSON object/);
    assert.match(clientContextProblem('{oops}', 'RequestResponse') ?? '', /not valid JSON/);
    // A client context of n bytes is ceil(n / 3) * 4 bytes in base64: 2,685 → 3,580 (fits), 2,686 → 3,584 (too big).
    const context = (bytes: number) => `{"custom":{"v":"${'x'.repeat(bytes - 19)}"}}`;
    assert.equal(Buffer.from(context(2686)).toString('base64').length, 3584);
    assert.equal(clientContextProblem(context(2685), 'RequestResponse'), undefined);
    assert.match(clientContextProblem(context(2686), 'RequestResponse') ?? '', /3,584 bytes once base64-encoded; Lambda accepts at most 3,583/);
  });

  it('refuses invalid JSON with its line and column before anything is sent', () => {
    assert.match(invokeInputProblem({ payload: '{\n  "a": 1,\n}', invocationType: 'RequestResponse', clientContext: '' }) ?? '', /line 3, column 1: Trailing commas/);
    assert.equal(invokeInputProblem({ payload: 'null', invocationType: 'RequestResponse', clientContext: '' }), undefined);
  });

  it('reads Node.js (trace) and Python (stackTrace) function errors', () => {
    const node = parseFunctionError(JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: ['TypeError: x is undefined', '    at handler (/var/task/index.mjs:3:9)'] }));
    assert.deepEqual(node, { errorType: 'TypeError', errorMessage: 'x is undefined', stackTrace: ['TypeError: x is undefined', '    at handler (/var/task/index.mjs:3:9)'] });
    const python = parseFunctionError(
      JSON.stringify({ errorMessage: 'boom', errorType: 'ValueError', requestId: 'r', stackTrace: ['  File "/var/task/app.py", line 4, in handler\n    raise ValueError("boom")\n'] }),
    );
    assert.deepEqual(python.stackTrace, ['  File "/var/task/app.py", line 4, in handler', '    raise ValueError("boom")']);
    const tuples = parseFunctionError(JSON.stringify({ errorMessage: 'boom', stackTrace: [['/var/task/app.py', 4, 'handler', 'raise X']] }));
    assert.deepEqual(tuples.stackTrace, ['File "/var/task/app.py", line 4, in handler: raise X']);
    assert.deepEqual(parseFunctionError('not json'), { errorMessage: 'not json', stackTrace: [] });
  });

  it('pretty-prints JSON payloads and keeps text as it is', () => {
    assert.deepEqual(prettyPayload('{"a":[1,2]}'), { text: '{\n  "a": [\n    1,\n    2\n  ]\n}', json: true });
    assert.deepEqual(prettyPayload('null'), { text: 'null', json: true });
    assert.deepEqual(prettyPayload('plain <b>text</b>'), { text: 'plain <b>text</b>', json: false });
    assert.deepEqual(prettyPayload(''), { text: '', json: false });
  });

  it('names statuses and sizes the way AWS states them', () => {
    assert.equal(statusText(200), '200 OK');
    assert.equal(statusText(202), '202 Accepted');
    assert.equal(statusText(204), '204 No Content');
    assert.equal(statusText(500), '500');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(6 * 1024 * 1024), '6 MB');
  });
});
