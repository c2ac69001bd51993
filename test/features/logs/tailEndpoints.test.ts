import * as assert from 'node:assert/strict';
import { customConnection, type ConnectionSpec } from '../../../src/aws/connections';
import { LogsApi, type LogEvent } from '../../../src/aws/logs';
import { TailSession, type TailOptions, type TailStatus } from '../../../src/features/logs/tailSession';
import { FakeLogsEndpoint } from '../../support/fakeLogsEndpoint';
import { until } from '../../support/scriptedLogs';

const HISTORY_MS = 5 * 60_000;
const HOUR = 60 * 60_000;

/**
 * The tail with its real defaults (pace, budget, backoff) against endpoints that misbehave, through
 * the real SDK client over HTTP on 127.0.0.1.
 */
describe('logs/TailSession against misbehaving endpoints (real SDK, HTTP)', function () {
  this.timeout(40_000);
  let fake: FakeLogsEndpoint;
  let api: LogsApi;
  let session: TailSession | undefined;
  let got: LogEvent[];
  let statuses: TailStatus[];
  let startedAt: number;

  async function start(options: Partial<TailOptions> = {}): Promise<TailSession> {
    await fake.start();
    api = new LogsApi(customConnection({ name: 'emulator', endpoint: fake.endpoint, region: 'us-east-1' }) as ConnectionSpec, 'us-east-1');
    got = [];
    statuses = [];
    startedAt = Date.now();
    session = new TailSession(api, { logGroup: fake.group, startTime: startedAt - HISTORY_MS, ...options }, {
      onEvents: (events) => got.push(...events),
      onStatus: (status) => statuses.push(status),
    });
    session.start();
    return session;
  }
  const messages = () => got.map((e) => e.message);
  const mode = () => session!.status.mode;

  /** At most one request a second: never two closer than a second (less timer slack), and no more than the seconds elapsed. */
  function assertPaced(): void {
    const times = fake.requests.map((r) => r.at);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] - times[i - 1] >= 950, `requests ${i} and ${i + 1} came ${times[i] - times[i - 1]} ms apart: ${fake.requests.map((r) => `${r.operation}@${r.at - startedAt}`).join(' ')}`);
    }
    const seconds = (Date.now() - startedAt) / 1000;
    assert.ok(times.length <= Math.floor(seconds) + 1, `${times.length} requests in ${seconds.toFixed(1)} s`);
  }

  beforeEach(() => {
    fake = new FakeLogsEndpoint();
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
    api?.dispose();
    await fake.close();
  });

  it('Live Tail sessions that end at once: shows the history, polls within 10 s, at most 1 request/s', async () => {
    fake.liveTail = 'endAtOnce';
    fake.store('history one', Date.now() - 60_000);
    fake.store('history two', Date.now() - 30_000);
    await start();
    await until(() => got.length === 2, 1500, 'the history');
    await until(() => mode() === 'polling', 10_000, 'polling');
    assert.ok(Date.now() - startedAt < 10_000);
    assert.match(session!.status.detail ?? '', /^Polling every 2 s — this endpoint's Live Tail is not available\. Its Live Tail session ended at once \(after \d+(\.\d+)? s, without an event\)\.$/);
    assert.ok(fake.count('StartLiveTail') >= 3, `${fake.count('StartLiveTail')} Live Tail attempts`);
    assert.ok(statuses.some((s) => s.mode === 'reconnecting'), 'the retries were shown');
    fake.store('while polling');
    await until(() => messages().includes('while polling'), 5000, 'a polled event');
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(messages(), ['history one', 'history two', 'while polling']);
    const sessions = fake.count('StartLiveTail');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(fake.count('StartLiveTail'), sessions, 'no more Live Tail attempts while polling (the next is a minute away)');
    assertPaced();
  });

  it('StartLiveTail answered with HTTP 500 and an HTML page: says it is not supported, polls within 10 s, at most 1 request/s', async () => {
    fake.liveTail = 'html500';
    fake.store('history', Date.now() - 10_000);
    await start();
    await until(() => got.length === 1, 1500, 'the history');
    await until(() => mode() === 'polling', 10_000, 'polling');
    assert.equal(session!.status.detail, "Polling every 2 s — this endpoint's Live Tail is not available. This endpoint does not support StartLiveTail (HTTP 500: it answered with an HTML page instead of JSON).");
    const retry = statuses.find((s) => s.mode === 'reconnecting');
    assert.match(retry?.detail ?? '', /^This endpoint does not support StartLiveTail \(HTTP 500: it answered with an HTML page instead of JSON\)\. Retrying in/);
    for (const s of statuses) assert.doesNotMatch(s.detail ?? '', /SyntaxError|Unexpected token|Deserialization/);
    assert.equal(fake.count('StartLiveTail'), 3, 'one request per attempt (no SDK retries on top)');
    fake.store('polled');
    await until(() => messages().includes('polled'), 5000, 'a polled event');
    assertPaced();
  });

  it('StartLiveTail unknown to the endpoint: polls at once and says which operation is missing', async () => {
    fake.liveTail = 'unknownOperation';
    await start();
    await until(() => mode() === 'polling', 5000, 'polling');
    assert.equal(fake.count('StartLiveTail'), 1);
    assert.equal(session!.status.detail, "Polling every 2 s — this endpoint's Live Tail is not available. This endpoint does not support StartLiveTail (HTTP 400, UnknownOperationException: The operation StartLiveTail is not implemented.).");
    assertPaced();
  });

  it('FilterLogEvents answered with an HTML page: keeps polling, backing off, and says what failed', async () => {
    fake.filterFails = true;
    await start({ pollOnly: true });
    await until(() => /^Polling failed/.test(session!.status.detail ?? ''), 5000, 'the failure shown');
    assert.equal(mode(), 'polling');
    assert.match(session!.status.detail ?? '', /^Polling failed: This endpoint does not support FilterLogEvents \(HTTP 500: it answered with an HTML page instead of JSON\)\. Polling again in \d/);
    await new Promise((r) => setTimeout(r, 7000));
    // The history read, then polls 4, 8, 16 s apart (±20 %) after the failures: at most four requests by now.
    assert.ok(fake.count('FilterLogEvents') <= 4, `${fake.count('FilterLogEvents')} FilterLogEvents requests`);
    fake.filterFails = false;
    fake.store('readable again');
    await until(() => messages().includes('readable again'), 12_000, 'polling recovered');
    assert.match(session!.status.detail ?? '', /^Polling FilterLogEvents every 2 s\.$/);
    assertPaced();
  });

  it('drops Live Tail events of other groups, of other times, and history outside the window', async () => {
    fake.store('recent history', Date.now() - 60_000);
    fake.strayFilterEvents.push({ logStreamName: 's', timestamp: Date.now() - 6 * HOUR, message: 'stray old history', ingestionTime: Date.now(), eventId: 'x' });
    await start();
    await until(() => mode() === 'live' && fake.openSessions() === 1, 5000, 'live');
    const other = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/payments';
    fake.push([
      { message: 'another group by ARN', logGroupIdentifier: other },
      { message: 'another group by name', logGroupIdentifier: '/aws/lambda/payments' },
      { message: 'hours old', timestamp: Date.now() - 3 * HOUR },
      { message: 'far in the future', timestamp: Date.now() + 5 * HOUR },
      { message: 'this group by name', logGroupIdentifier: fake.group },
      { message: 'this group by ARN' },
    ]);
    await until(() => messages().includes('this group by ARN'), 3000, 'the right events');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(messages(), ['recent history', 'this group by name', 'this group by ARN']);
    assert.equal(session!.rejectedEvents, 4);
  });

  it('shows the history at start while no Live Tail session has started', async () => {
    fake.liveTail = 'hang';
    fake.store('before the tail', Date.now() - 120_000);
    await start();
    await until(() => got.length === 1, 1500, 'the history');
    assert.deepEqual(messages(), ['before the tail']);
    assert.equal(mode(), 'connecting');
    assert.equal(session!.sessionsStarted, 0);
  });

  it('gives up StartLiveTail requests that are never answered, and polls', async () => {
    fake.liveTail = 'hang';
    fake.store('history', Date.now() - 1000);
    await start({ startTimeoutMs: 1500 });
    await until(() => mode() === 'polling', 15_000, 'polling');
    assert.match(session!.status.detail ?? '', /Live Tail is not available\. StartLiveTail did not start a session within 2 s\.$/);
    assert.equal(fake.count('StartLiveTail'), 3);
    assert.deepEqual(messages(), ['history']);
    assertPaced();
  });

  it('goes live again when Live Tail starts working while it polls', async () => {
    fake.liveTail = 'endAtOnce';
    await start({ liveRetryMs: 2000 });
    await until(() => mode() === 'polling', 10_000, 'polling');
    fake.liveTail = 'works';
    fake.store('written while polling');
    await until(() => mode() === 'live', 15_000, 'live again');
    assert.equal(fake.openSessions(), 1);
    fake.push([{ message: 'streamed' }]);
    await until(() => messages().includes('streamed'), 3000, 'a streamed event');
    assert.deepEqual(messages(), ['written while polling', 'streamed']);
    const liveAt = statuses.map((s) => s.mode).lastIndexOf('live');
    assert.deepEqual(statuses.slice(liveAt - 1).map((s) => s.mode), ['polling', 'live'], 'polling until the new session proved itself');
    assertPaced();
  });
});
