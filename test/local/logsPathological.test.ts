import * as assert from 'node:assert/strict';
import {
  CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand, FilterLogEventsCommand, GetLogEventsCommand,
  InvalidParameterException, PutLogEventsCommand, type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { startTestLocal, type TestLocal } from './helpers';

const GROUP = '/aws/lambda/pathological';
const EVENTS = 10_000;

/** Puts events in batches that stay under PutLogEvents' limits. */
async function putAll(t: TestLocal, group: string, stream: string, messages: string[], start: number): Promise<void> {
  let batch: { timestamp: number; message: string }[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await t.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: batch }));
    batch = [];
    bytes = 0;
  };
  for (let i = 0; i < messages.length; i++) {
    const size = Buffer.byteLength(messages[i]) + 26;
    if (batch.length === 10_000 || bytes + size > 1_048_576) await flush();
    batch.push({ timestamp: start + i, message: messages[i] });
    bytes += size;
  }
  await flush();
}

/** Follows nextToken to the end, as a client does; returns every event and the number of pages. */
async function filterAll(t: TestLocal, filterPattern: string): Promise<{ events: FilteredLogEvent[]; pages: number }> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await t.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    pages++;
  } while (nextToken && pages < 10_000);
  return { events, pages };
}

describe('CloudWatch Logs under pathological filter patterns (Local Lambda)', function () {
  this.timeout(60_000);
  let t: TestLocal;
  const messages = Array.from({ length: EVENTS }, (_, i) =>
    i % 3 === 0 ? `${'a'.repeat(30)}!` : i % 3 === 1 ? JSON.stringify({ x: 'a'.repeat(60), n: i }) : `${'w '.repeat(40)}id=${i}`);

  before(async () => {
    t = await startTestLocal();
    await t.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await t.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's' }));
    await putAll(t, GROUP, 's', messages, Date.now() - EVENTS - 1000);
  });
  after(async () => { await t?.close(); });

  const probes: { name: string; pattern: string; refused?: RegExp }[] = [
    { name: 'nested repetition in a regular expression', pattern: '%(a+)+$%', refused: /parentheses are not supported/ },
    { name: 'repeated wildcards in a regular expression', pattern: '%a*a*a*a*a*a*b%' },
    { name: 'many ellipses in a space-delimited pattern', pattern: `[${Array(10).fill('...').join(', ')}, ${Array.from({ length: 41 }, (_, i) => `f${i}`).join(', ')}]` },
    { name: 'a JSON glob with many stars', pattern: '{ $.x = "a*a*a*a*a*b" }' },
  ];

  for (const probe of probes) {
    it(`answers ${probe.name} within 100 ms while another request still answers`, async () => {
      // What a trivial request costs on this machine now (the SDK, HTTP, a loaded CPU): the
      // probe is allowed 100 ms on top of it.
      const base = performance.now();
      await t.logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
      const baseline = performance.now() - base;
      const started = performance.now();
      let otherMs = Number.NaN;
      const other = (async () => {
        await new Promise((resolve) => setImmediate(resolve));
        const s = performance.now();
        await t.logs.send(new DescribeLogGroupsCommand({}));
        otherMs = performance.now() - s;
      })();
      const call = t.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: probe.pattern }));
      if (probe.refused) {
        await assert.rejects(call, (err: Error) => err instanceof InvalidParameterException && probe.refused!.test(err.message));
      } else {
        const page = await call;
        assert.ok(Array.isArray(page.events));
      }
      const ms = performance.now() - started;
      await other;
      assert.ok(ms < 100 + baseline, `the probe took ${ms.toFixed(0)} ms (a trivial request ${baseline.toFixed(0)} ms)`);
      assert.ok(otherMs < 100 + baseline, `the concurrent request took ${otherMs.toFixed(0)} ms (a trivial request ${baseline.toFixed(0)} ms)`);
    });
  }

  it('pages through a long search with nextToken and finds exactly what one pass would', async () => {
    const { events, pages } = await filterAll(t, '{ $.x = "a*a*a*a*a*b" || $.n = 4 }');
    assert.deepEqual(events.map((e) => e.message), [messages[4]]);
    assert.ok(pages >= 1);
    const every = await filterAll(t, '%id=\\d*7$%');
    const expected = messages.filter((m) => /id=\d*7$/.test(m));
    assert.deepEqual(every.events.map((e) => e.message), expected);
  });

  it('splits GetLogEvents and FilterLogEvents pages at 1 MB and 10,000 events', async () => {
    const big = '/aws/lambda/big-events';
    await t.logs.send(new CreateLogGroupCommand({ logGroupName: big }));
    await t.logs.send(new CreateLogStreamCommand({ logGroupName: big, logStreamName: 's' }));
    const large = Array.from({ length: 12 }, (_, i) => `${i}:${'x'.repeat(200_000)}`);
    await putAll(t, big, 's', large, Date.now() - 100);
    const first = await t.logs.send(new GetLogEventsCommand({ logGroupName: big, logStreamName: 's', startFromHead: true }));
    const size = (es: { message?: string }[]): number => es.reduce((n, e) => n + Buffer.byteLength(e.message ?? '') + 26, 0);
    assert.equal(first.events?.length, 5, '5 events of 200 KB fit in 1 MB, 6 do not');
    assert.ok(size(first.events ?? []) <= 1_048_576);
    const second = await t.logs.send(new GetLogEventsCommand({ logGroupName: big, logStreamName: 's', startFromHead: true, nextToken: first.nextForwardToken }));
    assert.deepEqual(second.events?.map((e) => e.message?.split(':')[0]), ['5', '6', '7', '8', '9']);
    const filtered = await t.logs.send(new FilterLogEventsCommand({ logGroupName: big }));
    assert.ok(size(filtered.events ?? []) <= 1_048_576);
    assert.ok(filtered.nextToken, 'the rest is behind a nextToken');
    const many = await t.logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', startFromHead: true }));
    assert.ok((many.events?.length ?? 0) <= 10_000);
    assert.ok(size(many.events ?? []) <= 1_048_576);
  });
});
