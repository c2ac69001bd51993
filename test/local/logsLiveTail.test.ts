import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchLogsClient, FilterLogEventsCommand, InvalidParameterException, ResourceNotFoundException, StartLiveTailCommand,
  type LiveTailSessionLogEvent, type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { handleLogsRequest } from '../../src/local/logs/api';
import { LogStore } from '../../src/local/logs/store';
import { readBody } from '../../src/local/http';

const GROUP = '/aws/lambda/hello-node';
const GROUP_ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;

describe('CloudWatch Logs StartLiveTail (local)', () => {
  let store: LogStore;
  let server: http.Server;
  let client: CloudWatchLogsClient;
  let dataDir: string;
  let handlersDone: number;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-tail-'));
    store = new LogStore(dataDir);
    handlersDone = 0;
    server = http.createServer((req, res) => {
      readBody(req, 1024 * 1024)
        .then((body) => handleLogsRequest(req, res, body, store))
        .then(() => { handlersDone++; })
        .catch((err: Error) => { res.statusCode = 500; res.end(err.message); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new CloudWatchLogsClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1', disableHostPrefix: true, maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    store.write(GROUP, 'before', [{ timestamp: Date.now(), message: 'written before the session' }]);
  });

  afterEach(async () => {
    delete process.env.LOCAL_LAMBDA_LIVETAIL_MAX_MS;
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Reads the stream until `done` says stop or `ms` pass; returns every frame seen. */
  async function collect(stream: AsyncIterable<StartLiveTailResponseStream>, abort: AbortController, done: (frames: StartLiveTailResponseStream[]) => boolean, ms: number): Promise<StartLiveTailResponseStream[]> {
    const frames: StartLiveTailResponseStream[] = [];
    const timer = setTimeout(() => abort.abort(), ms);
    try {
      for await (const frame of stream) {
        frames.push(frame);
        if (done(frames)) break;
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      clearTimeout(timer);
    }
    return frames;
  }

  const results = (frames: StartLiveTailResponseStream[]): LiveTailSessionLogEvent[] =>
    frames.flatMap((f) => f.sessionUpdate?.sessionResults ?? []);

  it('sends sessionStart, then updates with new matching lines only, quickly', async () => {
    const abort = new AbortController();
    const resp = await client.send(new StartLiveTailCommand({
      logGroupIdentifiers: [GROUP_ARN],
      logStreamNamePrefixes: ['2026/'],
      logEventFilterPattern: '?ERROR ?WARN',
    }), { abortSignal: abort.signal });
    assert.ok(resp.responseStream);
    let writtenAt = 0;
    const frames = await collect(resp.responseStream, abort, (seen) => {
      if (seen.length === 1) {
        // Written after the session started.
        writtenAt = Date.now();
        store.write(GROUP, '2026/11/26/[$LATEST]abc', [
          { timestamp: writtenAt, message: 'INFO ignored by the pattern' },
          { timestamp: writtenAt, message: 'ERROR boom' },
        ]);
        store.write(GROUP, 'other-stream', [{ timestamp: writtenAt, message: 'ERROR in a stream not tailed' }]);
        store.write('/aws/lambda/other', '2026/x', [{ timestamp: writtenAt, message: 'ERROR in another group' }]);
      }
      return results(seen).length > 0;
    }, 5000);
    const latency = Date.now() - writtenAt;

    assert.ok(frames[0].sessionStart, 'the first frame is sessionStart');
    assert.deepEqual(frames[0].sessionStart.logGroupIdentifiers, [GROUP_ARN]);
    assert.deepEqual(frames[0].sessionStart.logStreamNamePrefixes, ['2026/']);
    assert.equal(frames[0].sessionStart.logEventFilterPattern, '?ERROR ?WARN');
    assert.ok(frames[0].sessionStart.sessionId);
    const update = frames.find((f) => (f.sessionUpdate?.sessionResults?.length ?? 0) > 0)!.sessionUpdate!;
    assert.equal(update.sessionMetadata?.sampled, false);
    assert.deepEqual(update.sessionResults?.map((e) => ({ ...e, ingestionTime: typeof e.ingestionTime })), [{
      logStreamName: '2026/11/26/[$LATEST]abc', logGroupIdentifier: GROUP_ARN, message: 'ERROR boom', timestamp: writtenAt, ingestionTime: 'number',
    }]);
    assert.ok(latency < 1000, `update arrived after ${latency} ms`);
    abort.abort();
  });

  it('accepts group names, filters by stream name, and ends the server side when the client aborts', async () => {
    const abort = new AbortController();
    const resp = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP], logStreamNames: ['wanted'] }), { abortSignal: abort.signal });
    const frames = await collect(resp.responseStream!, abort, (seen) => {
      if (seen.length === 1) {
        store.write(GROUP, 'unwanted', [{ timestamp: Date.now(), message: 'no' }]);
        store.write(GROUP, 'wanted', [{ timestamp: Date.now(), message: 'yes 1' }, { timestamp: Date.now(), message: 'yes 2' }]);
      }
      return results(seen).length >= 2;
    }, 5000);
    assert.deepEqual(results(frames).map((e) => [e.logStreamName, e.logGroupIdentifier, e.message]), [['wanted', GROUP, 'yes 1'], ['wanted', GROUP, 'yes 2']]);
    assert.equal(handlersDone, 0, 'the session is still open');
    abort.abort();
    for (let i = 0; i < 50 && handlersDone === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(handlersDone, 1, 'the session ended on the server after the client went away');
  });

  it('caps an update at 500 events and marks it sampled', async () => {
    const abort = new AbortController();
    const resp = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] }), { abortSignal: abort.signal });
    const frames = await collect(resp.responseStream!, abort, (seen) => {
      if (seen.length === 1) store.write(GROUP, 'burst', Array.from({ length: 800 }, (_, i) => ({ timestamp: Date.now(), message: `m${i}` })));
      return results(seen).length > 0;
    }, 5000);
    const update = frames.find((f) => (f.sessionUpdate?.sessionResults?.length ?? 0) > 0)!.sessionUpdate!;
    assert.equal(update.sessionResults?.length, 500);
    assert.equal(update.sessionMetadata?.sampled, true);
    abort.abort();
  });

  it('ends with SessionTimeoutException when the session limit is reached', async () => {
    process.env.LOCAL_LAMBDA_LIVETAIL_MAX_MS = '300';
    const abort = new AbortController();
    const resp = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] }), { abortSignal: abort.signal });
    const frames: StartLiveTailResponseStream[] = [];
    await assert.rejects((async () => {
      for await (const frame of resp.responseStream!) frames.push(frame);
    })(), (err: Error) => err.name === 'SessionTimeoutException');
    assert.ok(frames[0].sessionStart);
    abort.abort();
  });

  it('refuses StartLiveTail with AccessDeniedException when LOCAL_LAMBDA_LIVETAIL=off, other operations unaffected', async () => {
    process.env.LOCAL_LAMBDA_LIVETAIL = 'off';
    try {
      await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] })),
        (err: Error) => err.name === 'AccessDeniedException' && /LOCAL_LAMBDA_LIVETAIL/.test(err.message));
      const found = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP }));
      assert.deepEqual(found.events?.map((e) => e.message), ['written before the session']);
    } finally {
      delete process.env.LOCAL_LAMBDA_LIVETAIL;
    }
    const abort = new AbortController();
    const resp = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] }), { abortSignal: abort.signal });
    assert.ok(resp.responseStream, 'streams again once the switch is off');
    abort.abort();
  });

  it('rejects bad requests before streaming', async () => {
    await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/aws/lambda/missing'] })),
      (err: Error) => err instanceof ResourceNotFoundException && /does not exist/.test(err.message));
    await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: [`${GROUP_ARN}*`] })), InvalidParameterException);
    await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: Array.from({ length: 11 }, () => GROUP) })), InvalidParameterException);
    store.write('/aws/lambda/second', 's', [{ timestamp: Date.now(), message: 'x' }]);
    await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP, '/aws/lambda/second'], logStreamNames: ['s'] })), InvalidParameterException);
    await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP], logEventFilterPattern: '{ $.a = ' })),
      (err: Error) => err instanceof InvalidParameterException && /pattern/.test(err.message));
  });
});
