import * as assert from 'node:assert/strict';
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import {
  DescribeLogStreamsCommand, FilterLogEventsCommand, StartLiveTailCommand, type LiveTailSessionLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { makeZip, startTestLocal, type TestLocal } from './helpers';

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const GROUP = '/aws/lambda/tail-me';

describe('CloudWatch Logs through the Local Lambda server', () => {
  let t: TestLocal;
  before(async () => {
    t = await startTestLocal();
    const zip = makeZip({ 'index.js': 'exports.handler = async (event) => { console.log("marker", event.n); return event.n; };' });
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'tail-me', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip },
    }));
    await t.lambda.send(new InvokeCommand({ FunctionName: 'tail-me', Payload: JSON.stringify({ n: 1 }) }));
  });
  after(async () => { await t.close(); });

  it('stores function logs in /aws/lambda/<function> with Lambda stream names', async () => {
    const streams = await t.logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.ok(streams.logStreams?.length);
    assert.match(streams.logStreams![0].logStreamName!, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\]\w+$/);
    const found = await t.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '?START ?marker' }));
    const messages = (found.events ?? []).map((e) => e.message!);
    assert.ok(messages.some((m) => m.startsWith('START RequestId:')), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('marker 1')), messages.join('\n'));
  });

  it('live-tails an invocation through the signed endpoint', async () => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 15_000);
    const resp = await t.logs.send(new StartLiveTailCommand({
      logGroupIdentifiers: [`arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`],
      logEventFilterPattern: 'marker',
    }), { abortSignal: abort.signal });
    const seen: LiveTailSessionLogEvent[] = [];
    let started = false;
    try {
      for await (const frame of resp.responseStream!) {
        if (frame.sessionStart) {
          started = true;
          void t.lambda.send(new InvokeCommand({ FunctionName: 'tail-me', Payload: JSON.stringify({ n: 2 }) }));
        }
        seen.push(...(frame.sessionUpdate?.sessionResults ?? []));
        if (seen.length > 0) break;
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    assert.ok(started);
    assert.equal(seen.length, 1, JSON.stringify(seen));
    assert.match(seen[0].message!, /marker 2/);
    assert.match(seen[0].logStreamName!, /\[\$LATEST\]/);
  });
});
