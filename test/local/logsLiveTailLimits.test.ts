import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { CloudWatchLogsClient, StartLiveTailCommand, type StartLiveTailResponseStream } from '@aws-sdk/client-cloudwatch-logs';
import { handleLogsRequest } from '../../src/local/logs/api';
import { liveTailBacklog, liveTailLimits } from '../../src/local/logs/liveTail';
import { LogStore } from '../../src/local/logs/store';
import { readBody } from '../../src/local/http';

const GROUP = '/aws/lambda/tail-limits';
const GROUP_ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Splits event-stream bytes into decoded messages (each starts with its total length). */
function decodeFrames(bytes: Buffer): { type: string; body: { sessionMetadata?: { sampled?: boolean }; sessionResults?: unknown[] } }[] {
  const frames = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const total = bytes.readUInt32BE(at);
    if (at + total > bytes.length) break;
    const message = codec.decode(bytes.subarray(at, at + total));
    const type = String(message.headers[':event-type']?.value ?? message.headers[':exception-type']?.value ?? '');
    frames.push({ type, body: JSON.parse(toUtf8(message.body)) as { sessionMetadata?: { sampled?: boolean }; sessionResults?: unknown[] } });
    at += total;
  }
  return frames;
}

describe('CloudWatch Logs StartLiveTail limits (local)', function () {
  this.timeout(30_000);
  let store: LogStore;
  let server: http.Server;
  let port: number;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-tail-limits-'));
    store = new LogStore(dataDir, { maxEventsPerStream: 100_000 });
    server = http.createServer((req, res) => {
      readBody(req, 1024 * 1024)
        .then((body) => handleLogsRequest(req, res, body, store))
        .catch((err: Error) => { res.statusCode = 500; res.end(err.message); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    store.write(GROUP, 'before', [{ timestamp: Date.now(), message: 'written before the session' }]);
  });

  afterEach(async () => {
    delete process.env.LOCAL_LAMBDA_LIVETAIL_MAX_MS;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Opens a session over raw HTTP and leaves the response unread until told. */
  function openPaused(): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port, method: 'POST', path: '/',
        headers: { 'X-Amz-Target': 'Logs_20140328.StartLiveTail', 'Content-Type': 'application/x-amz-json-1.1' },
      }, (res) => { res.pause(); resolve(res); });
      req.on('error', reject);
      req.end(JSON.stringify({ logGroupIdentifiers: [GROUP_ARN] }));
    });
  }

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('holds at most 10 updates or 5,000 events for a reader that does not read, then marks what follows sampled', async () => {
    const res = await openPaused();
    assert.equal(res.statusCode, 200);
    const message = 'x'.repeat(4096);
    let offered = 0;
    for (let burst = 0; burst < 30; burst++) {
      store.write(GROUP, 'burst', Array.from({ length: 500 }, () => ({ timestamp: Date.now(), message })));
      offered += 500;
      await sleep(130);
      const backlog = liveTailBacklog();
      assert.ok(backlog.maxUpdates <= 10, `${backlog.maxUpdates} updates held`);
      assert.ok(backlog.maxEvents <= 5_500, `${backlog.maxEvents} events held`);
    }
    // Now read everything the server still has for us.
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.resume();
    await sleep(1500);
    const frames = decodeFrames(Buffer.concat(chunks));
    assert.equal(frames[0].type, 'sessionStart');
    const updates = frames.filter((f) => f.type === 'sessionUpdate');
    const received = updates.reduce((n, f) => n + (f.body.sessionResults?.length ?? 0), 0);
    assert.ok(received < offered, `received ${received} of ${offered}: some were dropped`);
    assert.ok(updates.some((f) => f.body.sessionMetadata?.sampled === true), 'an update says events were dropped');
    res.destroy();
  });

  it('caps an update at 1 MB of messages', async () => {
    const res = await openPaused();
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.resume();
    store.write(GROUP, 'big', Array.from({ length: 20 }, (_, i) => ({ timestamp: Date.now(), message: `${i}:${'y'.repeat(100_000)}` })));
    await sleep(600);
    const update = decodeFrames(Buffer.concat(chunks)).find((f) => (f.body.sessionResults?.length ?? 0) > 0);
    assert.ok(update, 'an update arrived');
    assert.equal(update.body.sessionResults?.length, 10, 'ten 100 KB messages fit in 1 MB');
    assert.equal(update.body.sessionMetadata?.sampled, true);
    res.destroy();
  });

  it('ends the session after the configured maximum and frees its slot', async () => {
    process.env.LOCAL_LAMBDA_LIVETAIL_MAX_MS = '200';
    const client = new CloudWatchLogsClient({
      endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', disableHostPrefix: true, maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const saved = liveTailLimits.maxSessions;
    liveTailLimits.maxSessions = 1;
    try {
      const resp = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] }));
      assert.equal(liveTailBacklog().sessions, 1);
      await assert.rejects(client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] })),
        (err: Error) => err.name === 'LimitExceededException');
      const frames: StartLiveTailResponseStream[] = [];
      await assert.rejects((async () => { for await (const f of resp.responseStream!) frames.push(f); })(),
        (err: Error) => err.name === 'SessionTimeoutException');
      assert.ok(frames[0].sessionStart);
      for (let i = 0; i < 50 && liveTailBacklog().sessions > 0; i++) await sleep(10);
      assert.equal(liveTailBacklog().sessions, 0, 'the ended session no longer counts');
      const again = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [GROUP_ARN] }));
      assert.ok(again.responseStream, 'a new session may start');
    } finally {
      liveTailLimits.maxSessions = saved;
      client.destroy();
    }
  });
});
