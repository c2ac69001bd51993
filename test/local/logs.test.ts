import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand,
  DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, PutLogEventsCommand,
  InvalidParameterException, ResourceAlreadyExistsException, ResourceNotFoundException, type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { handleLogsRequest } from '../../src/local/logs/api';
import { LogStore, type LogStoreOptions } from '../../src/local/logs/store';
import { readBody } from '../../src/local/http';
import { CorruptStateError } from '../../src/local/persist';

interface Harness { client: CloudWatchLogsClient; store: LogStore; endpoint: string; dataDir: string; close(): Promise<void> }

async function startHarness(options: LogStoreOptions = {}, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-api-'))): Promise<Harness> {
  const store = new LogStore(dataDir, options);
  const server = http.createServer((req, res) => {
    readBody(req, 2 * 1024 * 1024)
      .then((body) => handleLogsRequest(req, res, body, store))
      .catch((err: Error) => { res.statusCode = 500; res.end(err.message); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new CloudWatchLogsClient({
    endpoint, region: 'us-east-1', disableHostPrefix: true, maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    client, store, endpoint, dataDir,
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

async function rawCall(endpoint: string, target: string, body: string): Promise<{ status: number; type: string | null; json: { __type?: string; message?: string } }> {
  const res = await fetch(endpoint, { method: 'POST', headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1' }, body });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: await res.json() as { __type?: string; message?: string } };
}

const GROUP = '/aws/lambda/hello-node';

describe('CloudWatch Logs API (local)', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); fs.rmSync(h.dataDir, { recursive: true, force: true }); });

  it('creates, describes and pages log groups', async () => {
    for (const name of ['/aws/lambda/a', '/aws/lambda/b', '/aws/lambda/c', '/other/Thing']) {
      await h.client.send(new CreateLogGroupCommand({ logGroupName: name }));
    }
    await assert.rejects(h.client.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/a' })), ResourceAlreadyExistsException);

    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 2, nextToken }));
      pages++;
      names.push(...(page.logGroups ?? []).map((g) => g.logGroupName!));
      nextToken = page.nextToken;
    } while (nextToken && pages < 10);
    assert.deepEqual(names, ['/aws/lambda/a', '/aws/lambda/b', '/aws/lambda/c']);
    assert.equal(pages, 2);

    const byPattern = await h.client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'thing' }));
    assert.deepEqual(byPattern.logGroups?.map((g) => g.logGroupName), ['/other/Thing']);
    const g = byPattern.logGroups![0];
    assert.equal(g.logGroupArn, 'arn:aws:logs:us-east-1:123456789012:log-group:/other/Thing');
    assert.equal(g.arn, 'arn:aws:logs:us-east-1:123456789012:log-group:/other/Thing:*');
    assert.ok(Math.abs(g.creationTime! - Date.now()) < 60_000);
    assert.equal(g.storedBytes, 0);

    await h.client.send(new DeleteLogGroupCommand({ logGroupName: '/other/Thing' }));
    const after = await h.client.send(new DescribeLogGroupsCommand({}));
    assert.equal(after.logGroups?.length, 3);
    await assert.rejects(h.client.send(new DeleteLogGroupCommand({ logGroupName: '/other/Thing' })),
      (err: Error) => err instanceof ResourceNotFoundException && err.message === 'The specified log group does not exist.');
  });

  it('puts events and reads them back with GetLogEvents, paging to the same token at the end', async () => {
    await h.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await h.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's1' }));
    await assert.rejects(h.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's1' })), ResourceAlreadyExistsException);
    const base = Date.now() - 60_000;
    const logEvents = Array.from({ length: 25 }, (_, i) => ({ timestamp: base + i * 1000, message: `line ${i}` }));
    const put = await h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', logEvents }));
    assert.equal(put.rejectedLogEventsInfo, undefined);

    const forward: string[] = [];
    let token: string | undefined;
    let previous: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', startFromHead: true, limit: 10, nextToken: token }));
      forward.push(...(page.events ?? []).map((e) => e.message!));
      previous = token;
      token = page.nextForwardToken;
      if (token === previous) break;
    }
    assert.deepEqual(forward, logEvents.map((e) => e.message));
    assert.equal(token, previous, 'at the end the same forward token comes back');

    // Tail: newest first page, then backward.
    const tail = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', limit: 10 }));
    assert.deepEqual(tail.events?.map((e) => e.message), logEvents.slice(15).map((e) => e.message));
    const back = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', limit: 10, nextToken: tail.nextBackwardToken }));
    assert.deepEqual(back.events?.map((e) => e.message), logEvents.slice(5, 15).map((e) => e.message));
    const head = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', limit: 10, nextToken: back.nextBackwardToken }));
    assert.deepEqual(head.events?.map((e) => e.message), logEvents.slice(0, 5).map((e) => e.message));
    const beyond = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', limit: 10, nextToken: head.nextBackwardToken }));
    assert.deepEqual(beyond.events, []);
    assert.equal(beyond.nextBackwardToken, head.nextBackwardToken, 'at the start the same backward token comes back');

    // A forward token from the tail sees events written later.
    await h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', logEvents: [{ timestamp: Date.now(), message: 'later' }] }));
    const more = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's1', nextToken: tail.nextForwardToken }));
    assert.deepEqual(more.events?.map((e) => e.message), ['later']);

    // Time range: startTime inclusive, endTime exclusive.
    const ranged = await h.client.send(new GetLogEventsCommand({
      logGroupName: GROUP, logStreamName: 's1', startFromHead: true, startTime: base + 3000, endTime: base + 6000,
    }));
    assert.deepEqual(ranged.events?.map((e) => e.message), ['line 3', 'line 4', 'line 5']);
    assert.ok(ranged.events!.every((e) => typeof e.ingestionTime === 'number'));

    const streams = await h.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    const s1 = streams.logStreams![0];
    assert.equal(s1.logStreamName, 's1');
    assert.equal(s1.firstEventTimestamp, base);
    assert.ok(s1.lastEventTimestamp! >= base + 24_000);
    assert.ok(typeof s1.lastIngestionTime === 'number');
  });

  it('orders and pages log streams', async () => {
    const now = Date.now();
    h.store.write(GROUP, '2024/01/01/[$LATEST]b', [{ timestamp: now - 1000, message: 'x' }]);
    h.store.write(GROUP, '2024/01/01/[$LATEST]a', [{ timestamp: now - 500, message: 'x' }]);
    h.store.write(GROUP, '2024/01/01/[1]c', [{ timestamp: now - 2000, message: 'x' }]);
    const byName = await h.client.send(new DescribeLogStreamsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`, limit: 2 }));
    assert.deepEqual(byName.logStreams?.map((s) => s.logStreamName), ['2024/01/01/[$LATEST]a', '2024/01/01/[$LATEST]b']);
    const rest = await h.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, limit: 2, nextToken: byName.nextToken }));
    assert.deepEqual(rest.logStreams?.map((s) => s.logStreamName), ['2024/01/01/[1]c']);
    assert.equal(rest.nextToken, undefined);
    const latest = await h.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', descending: true }));
    assert.deepEqual(latest.logStreams?.map((s) => s.logStreamName), ['2024/01/01/[$LATEST]a', '2024/01/01/[$LATEST]b', '2024/01/01/[1]c']);
    const prefixed = await h.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: '2024/01/01/[$LATEST]' }));
    assert.equal(prefixed.logStreams?.length, 2);
    await assert.rejects(h.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: '2024' })), InvalidParameterException);
  });

  it('filters events across streams with every pattern form, time range and paging', async () => {
    const t0 = Date.now() - 100_000;
    h.store.write(GROUP, 'web', [
      { timestamp: t0 + 1, message: '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 200 2326' },
      { timestamp: t0 + 3, message: '10.0.0.2 - ann [10/Oct/2000:13:55:40 -0700] "POST /login HTTP/1.0" 503 120' },
    ]);
    h.store.write(GROUP, 'app', [
      { timestamp: t0 + 2, message: '{"level":"ERROR","code":500,"user":{"name":"admin-1"}}' },
      { timestamp: t0 + 4, message: '{"level":"INFO","code":200,"user":{"name":"bob"}}' },
      { timestamp: t0 + 5, message: 'ERROR timeout while calling db' },
      { timestamp: t0 + 6, message: 'WARN slow response' },
      { timestamp: t0 + 7, message: 'DEBUG ERROR details' },
    ]);
    const filter = async (filterPattern: string, extra: Partial<{ startTime: number; endTime: number; logStreamNames: string[]; logStreamNamePrefix: string }> = {}): Promise<string[]> => {
      const r = await h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern, ...extra }));
      return (r.events ?? []).map((e) => e.message!);
    };
    assert.equal((await filter('')).length, 7);
    assert.deepEqual(await filter('ERROR timeout'), ['ERROR timeout while calling db']);
    assert.deepEqual(await filter('ERROR -DEBUG'), ['{"level":"ERROR","code":500,"user":{"name":"admin-1"}}', 'ERROR timeout while calling db']);
    assert.deepEqual(await filter('?WARN ?timeout'), ['ERROR timeout while calling db', 'WARN slow response']);
    assert.deepEqual(await filter('"slow response"'), ['WARN slow response']);
    assert.deepEqual(await filter('error'), [], 'terms are case-sensitive');
    assert.deepEqual(await filter('{ $.level = "ERROR" }'), ['{"level":"ERROR","code":500,"user":{"name":"admin-1"}}']);
    assert.deepEqual(await filter('{ $.code >= 200 && $.user.name = "b*" }'), ['{"level":"INFO","code":200,"user":{"name":"bob"}}']);
    assert.deepEqual(await filter('{ $.code < 300 || $.user.name = "admin-*" }'), [
      '{"level":"ERROR","code":500,"user":{"name":"admin-1"}}', '{"level":"INFO","code":200,"user":{"name":"bob"}}']);
    assert.deepEqual(await filter('[ip, id, user, timestamp, request, status=5*, size]'), ['10.0.0.2 - ann [10/Oct/2000:13:55:40 -0700] "POST /login HTTP/1.0" 503 120']);
    assert.deepEqual(await filter('[ip, ..., status=200, size>1000]'), ['127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 200 2326']);
    assert.deepEqual(await filter('ERROR', { logStreamNames: ['app'], startTime: t0 + 3, endTime: t0 + 5 }), ['ERROR timeout while calling db']);
    assert.deepEqual(await filter('', { logStreamNamePrefix: 'we' }), (await filter('HTTP')));

    const r = await h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP }));
    assert.deepEqual(r.events?.map((e) => e.timestamp), [1, 2, 3, 4, 5, 6, 7].map((d) => t0 + d), 'merged in time order');
    assert.deepEqual(r.events?.map((e) => e.logStreamName), ['web', 'app', 'web', 'app', 'app', 'app', 'app']);
    assert.equal(new Set(r.events?.map((e) => e.eventId)).size, 7);
    assert.deepEqual(r.searchedLogStreams?.map((s) => s.logStreamName).sort(), ['app', 'web']);

    // Paging: 3 per page.
    const paged: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 3, nextToken }));
      paged.push(...page.events!);
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 20);
    assert.equal(pages, 3);
    assert.deepEqual(paged.map((e) => e.eventId), r.events!.map((e) => e.eventId));

    await assert.rejects(h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.level = "ERROR" ' })),
      (err: Error) => err instanceof InvalidParameterException && /must end with "\}"/.test(err.message));
    await assert.rejects(h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.code > "abc" }' })),
      (err: Error) => err instanceof InvalidParameterException && /needs a number/.test(err.message));
    await assert.rejects(h.client.send(new FilterLogEventsCommand({ logGroupName: '/missing' })),
      (err: Error) => err instanceof ResourceNotFoundException && err.message === 'The specified log group does not exist.');
  });

  it('keeps paging when a page comes back empty with a nextToken', async () => {
    await h.close();
    h = await startHarness({ filterScanBudget: 5 });
    const t0 = Date.now() - 10_000;
    h.store.write(GROUP, 's', Array.from({ length: 23 }, (_, i) => ({ timestamp: t0 + i, message: i % 11 === 10 ? `hit ${i}` : `miss ${i}` })));
    const found: string[] = [];
    let emptyPagesWithToken = 0;
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'hit', nextToken }));
      found.push(...page.events!.map((e) => e.message!));
      if (page.events!.length === 0 && page.nextToken) emptyPagesWithToken++;
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 50);
    assert.deepEqual(found, ['hit 10', 'hit 21']);
    assert.ok(emptyPagesWithToken > 0, 'some pages were empty but carried a nextToken');
  });

  it('validates PutLogEvents batches and missing streams', async () => {
    await h.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await h.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's' }));
    const now = Date.now();
    await assert.rejects(h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'nope', logEvents: [{ timestamp: now, message: 'x' }] })),
      (err: Error) => err instanceof ResourceNotFoundException && err.message === 'The specified log stream does not exist.');
    await assert.rejects(h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: [{ timestamp: now - 25 * 3600_000, message: 'a' }, { timestamp: now, message: 'b' }] })),
      (err: Error) => err instanceof InvalidParameterException && /24 hours/.test(err.message));
    const big = 'x'.repeat(200_000);
    await assert.rejects(h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: Array.from({ length: 6 }, () => ({ timestamp: now, message: big })) })),
      (err: Error) => err instanceof InvalidParameterException && /1048576/.test(err.message));
    // A batch out of order is refused whole, as CloudWatch refuses it.
    await assert.rejects(h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: [
      { timestamp: now - 10, message: 'second' }, { timestamp: now - 20, message: 'first' }] })),
    (err: Error) => err instanceof InvalidParameterException && err.message === 'Log events in a single PutLogEvents request must be in chronological order.');
    // Too-old and too-new events are rejected by index; the rest are kept.
    const put = await h.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: [
      { timestamp: now - 15 * 24 * 3600_000, message: 'ancient' }, { timestamp: now - 20, message: 'first' }, { timestamp: now - 10, message: 'second' },
      { timestamp: now + 3 * 3600_000, message: 'future' }] }));
    assert.deepEqual(put.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 3 });
    const got = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', startFromHead: true }));
    assert.deepEqual(got.events?.map((e) => e.message), ['first', 'second']);
  });

  it('answers malformed JSON, unknown operations and bad names with clear errors', async () => {
    const bad = await rawCall(h.endpoint, 'Logs_20140328.DescribeLogGroups', '{"limit": 5,');
    assert.equal(bad.status, 400);
    assert.equal(bad.type, 'SerializationException');
    assert.match(bad.json.message!, /not valid JSON/);
    const unknown = await rawCall(h.endpoint, 'Logs_20140328.PutMetricFilter', '{}');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.__type, 'UnknownOperationException');
    await assert.rejects(h.client.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })), InvalidParameterException);
    await assert.rejects(h.client.send(new DescribeLogGroupsCommand({ limit: 51 })), InvalidParameterException);
    await assert.rejects(h.client.send(new GetLogEventsCommand({ logGroupName: '/missing', logStreamName: 's' })), ResourceNotFoundException);
  });
});

describe('CloudWatch Logs persistence (local)', () => {
  it('keeps groups, streams and events across a restart, and applies retention', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-persist-'));
    try {
      let h = await startHarness({ maxEventsPerStream: 100 }, dataDir);
      const idOf = async (message: string): Promise<string | undefined> =>
        (await h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `"${message}"` }))).events?.[0]?.eventId;
      await h.client.send(new CreateLogGroupCommand({ logGroupName: '/empty/group' }));
      const t0 = Date.now() - 50_000;
      for (let batch = 0; batch < 3; batch++) {
        h.store.write(GROUP, 'stream-1', Array.from({ length: 50 }, (_, i) => ({ timestamp: t0 + batch * 50 + i, message: `event ${batch * 50 + i} ✓` })));
      }
      const before = await idOf('event 120 ✓');
      assert.ok(before);
      await h.close();

      h = await startHarness({ maxEventsPerStream: 100 }, dataDir);
      try {
        const groups = await h.client.send(new DescribeLogGroupsCommand({}));
        assert.deepEqual(groups.logGroups?.map((g) => g.logGroupName), ['/aws/lambda/hello-node', '/empty/group']);
        const got = await h.client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'stream-1', startFromHead: true }));
        assert.equal(got.events?.length, 100, 'only the newest 100 events are kept');
        assert.equal(got.events![0].message, 'event 50 ✓');
        assert.equal(got.events![99].message, 'event 149 ✓');
        h.store.write(GROUP, 'stream-1', [{ timestamp: t0 + 500, message: 'after restart' }]);
        assert.equal(await idOf('event 120 ✓'), before, 'event ids are stable across restarts');
        const all = await h.client.send(new FilterLogEventsCommand({ logGroupName: GROUP }));
        assert.equal(all.events?.length, 100);
        assert.equal(new Set(all.events!.map((e) => e.eventId)).size, 100, 'event ids stay unique after a restart');
      } finally {
        await h.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('skips an append cut short by a crash but reports a damaged line in the middle', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-lines-'));
    try {
      const store = new LogStore(dataDir);
      store.write(GROUP, 's', [{ timestamp: 1000, message: 'one' }, { timestamp: 2000, message: 'two' }]);
      await store.close();
      const index = JSON.parse(fs.readFileSync(path.join(dataDir, 'logs', 'index.json'), 'utf8')) as { groups: { file: string }[] };
      const file = path.join(dataDir, 'logs', index.groups[0].file);
      const good = fs.readFileSync(file, 'utf8');
      fs.appendFileSync(file, '{"s":"s","t":3000,"i":3000,"q":9,"m":"thr');
      const reopened = new LogStore(dataDir);
      assert.deepEqual(reopened.getGroup(GROUP)?.streams.get('s')?.events.map((e) => e.message), ['one', 'two']);
      await reopened.close();

      fs.writeFileSync(file, `not json\n${good}`);
      assert.throws(() => new LogStore(dataDir), (err: Error) => err instanceof CorruptStateError && /line 1: not valid JSON/.test(err.message));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reports a corrupt index instead of starting empty', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-corrupt-'));
    try {
      fs.mkdirSync(path.join(dataDir, 'logs'));
      fs.writeFileSync(path.join(dataDir, 'logs', 'index.json'), '{"version":1,"groups":[');
      assert.throws(() => new LogStore(dataDir), CorruptStateError);
      assert.equal(fs.readFileSync(path.join(dataDir, 'logs', 'index.json'), 'utf8'), '{"version":1,"groups":[', 'left untouched');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
