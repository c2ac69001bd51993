import * as assert from 'node:assert/strict';
import type { LogEvent } from '../../../src/aws/logs';
import { NetworkError } from '../../../src/aws/errors';
import { TailSession, type TailOptions, type TailStatus } from '../../../src/features/logs/tailSession';
import { ScriptedLogs, until } from '../../support/scriptedLogs';

const FAST: Partial<TailOptions> = { minRequestIntervalMs: 0, shortSessionMs: 0, pollIntervalMs: 20, groupRetryMs: 20, backoffInitialMs: 20, backoffMaxMs: 100, overlapMs: 50 };

describe('logs/TailSession (scripted CloudWatch Logs)', () => {
  let logs: ScriptedLogs;
  let session: TailSession | undefined;
  let got: LogEvent[];
  let statuses: TailStatus[];

  function start(options: Partial<TailOptions> = {}): TailSession {
    got = [];
    statuses = [];
    session = new TailSession(logs, { logGroup: logs.group, startTime: Date.now() - 1000, ...FAST, ...options }, {
      onEvents: (events) => got.push(...events),
      onStatus: (status) => statuses.push(status),
    });
    session.start();
    return session;
  }
  const messages = () => got.map((e) => e.message);
  const modes = () => statuses.map((s) => s.mode);

  beforeEach(() => {
    logs = new ScriptedLogs();
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('goes live, backfills what was written since startTime, then streams new events once each', async () => {
    logs.write('s1', ['before the session']);
    start();
    await until(() => session!.status.mode === 'live', 2000, 'live');
    logs.write('s1', ['a', 'b']);
    await until(() => got.length === 3);
    assert.deepEqual(messages(), ['before the session', 'a', 'b']);
    assert.deepEqual(logs.sessions[0].request.logGroupIdentifiers, [`arn:aws:logs:us-east-1:123456789012:log-group:${logs.group}`]);
  });

  it('continues a backfill that was cut at maxBackfillEvents', async () => {
    for (let i = 0; i < 25; i++) logs.write(`s${i % 3}`, [`old ${i}`], Date.now() - 500 + i);
    start({ maxBackfillEvents: 10 });
    await until(() => got.length === 25, 2000, 'all 25');
    assert.deepEqual(messages(), Array.from({ length: 25 }, (_, i) => `old ${i}`));
  });

  it('reconnects after a dropped connection with no duplicate and no gap', async () => {
    start();
    await until(() => session!.status.mode === 'live');
    logs.write('s1', ['one', 'two']);
    await until(() => got.length === 2);
    logs.drop();
    await until(() => session!.status.mode === 'reconnecting', 2000, 'reconnecting');
    logs.write('s1', ['written while disconnected']);
    logs.write('s2', ['also while disconnected']);
    await until(() => session!.status.mode === 'live' && logs.open().length === 1, 2000, 'live again');
    logs.write('s1', ['after reconnect']);
    await until(() => got.length >= 5);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(messages(), ['one', 'two', 'written while disconnected', 'also while disconnected', 'after reconnect']);
    assert.deepEqual(modes(), ['live', 'reconnecting', 'live']);
    assert.ok(logs.filterCalls.length >= 2, 'the gap was read with FilterLogEvents');
  });

  it('keeps identical lines written in the same millisecond (they are distinct events)', async () => {
    const t = Date.now();
    logs.write('s1', ['same', 'same'], t);
    start();
    await until(() => session!.status.mode === 'live');
    logs.write('s1', ['same'], t);
    await until(() => got.length === 3);
    logs.drop();
    await until(() => session!.status.mode === 'live' && logs.open().length === 1, 2000, 'live again');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(messages(), ['same', 'same', 'same'], 'the backfill after the reconnect re-read them but added none');
  });

  it('starts a new session at once when one reaches its time limit, without reporting a reconnect', async () => {
    start();
    await until(() => session!.status.mode === 'live');
    logs.endSessions();
    await until(() => logs.sessions.length === 2 && logs.open().length === 1, 2000, 'second session');
    logs.write('s1', ['in the second session']);
    await until(() => got.length === 1);
    assert.ok(!modes().includes('reconnecting'), modes().join(','));
    assert.equal(session!.sessionsStarted, 2);
  });

  it('falls back to FilterLogEvents polling when Live Tail is refused, and says so', async () => {
    logs.refuseLiveTail = true;
    start();
    await until(() => session!.status.mode === 'polling', 2000, 'polling');
    assert.match(session!.status.detail ?? '', /^Polling every 0\.02 s — this endpoint's Live Tail is not available\. .*AccessDeniedException/s);
    logs.write('s1', ['p1']);
    await until(() => got.length === 1);
    logs.write('s1', ['p2', 'p3']);
    await until(() => got.length === 3);
    const callsBefore = logs.filterCalls.length;
    await until(() => logs.filterCalls.length >= callsBefore + 3, 2000, 'more polls');
    assert.deepEqual(messages(), ['p1', 'p2', 'p3'], 'overlapping polls add nothing twice');
    assert.equal(logs.sessions.length, 0);
  });

  it('waits for a log group that does not exist yet and shows its first events', async () => {
    logs.groupExists = false;
    start();
    await until(() => session!.status.mode === 'waiting', 2000, 'waiting');
    assert.match(session!.status.detail ?? '', /first invocation/);
    logs.write('s1', ['START RequestId: 1 Version: $LATEST', 'hello']);
    await until(() => got.length === 2, 2000, 'first events');
    assert.equal(session!.status.mode, 'live');
  });

  it('stops with an error for a filter pattern the service rejects', async () => {
    start({ filterPattern: 'BAD{' });
    await until(() => session!.status.mode === 'failed', 2000, 'error');
    assert.match(session!.status.detail ?? '', /Invalid filter pattern/);
    const sessions = logs.sessions.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(logs.sessions.length, sessions, 'no retries after a permanent error');
  });

  it('passes the filter pattern and stream prefix to Live Tail and to the backfill', async () => {
    logs.write('2024/01/01/[1]abc', ['ERROR old']);
    logs.write('other', ['ERROR elsewhere']);
    start({ filterPattern: 'ERROR', streamPrefix: '2024/' });
    await until(() => session!.status.mode === 'live');
    logs.write('2024/01/01/[1]abc', ['INFO skip', 'ERROR new']);
    await until(() => got.length === 2);
    assert.deepEqual(messages(), ['ERROR old', 'ERROR new']);
    assert.deepEqual(logs.sessions[0].request.logStreamNamePrefixes, ['2024/']);
    assert.equal(logs.sessions[0].request.logEventFilterPattern, 'ERROR');
  });

  it('drops the connection on request (forceDisconnect) and recovers', async () => {
    start();
    await until(() => session!.status.mode === 'live');
    session!.forceDisconnect();
    await until(() => session!.status.mode === 'reconnecting', 2000, 'reconnecting');
    logs.write('s1', ['gap']);
    await until(() => got.length === 1 && session!.status.mode === 'live', 2000, 'recovered');
    assert.deepEqual(messages(), ['gap']);
  });

  it('reads the gap a second time after settleMs, for events indexed late', async () => {
    start({ settleMs: 80 });
    await until(() => session!.status.mode === 'live');
    logs.drop();
    await until(() => session!.status.mode === 'reconnecting');
    logs.filterDelayMs = 60; // FilterLogEvents does not return it yet when the backfill runs
    logs.write('s1', ['indexed late']);
    await until(() => session!.status.mode === 'live' && logs.open().length === 1);
    logs.filterDelayMs = 0;
    await until(() => got.length === 1, 2000, 'the late event');
    assert.deepEqual(messages(), ['indexed late']);
  });

  it('reads the events a sampled Live Tail update left out, once each', async () => {
    start({ catchUpMs: 30 });
    await until(() => session!.status.mode === 'live');
    logs.sampleTo = 2;
    logs.write('s1', ['m1', 'm2', 'm3', 'm4', 'm5']);
    await until(() => session!.status.sampled === true, 2000, 'sampled status');
    assert.match(session!.status.detail ?? '', /sampling/);
    await until(() => got.length === 5, 2000, 'all five');
    logs.write('s1', ['m6', 'm7', 'm8']);
    await until(() => got.length === 8, 2000, 'all eight');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(messages(), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  });

  it('stops even when the stream does not react to the abort', async () => {
    const stuck = Object.assign(Object.create(logs) as ScriptedLogs, {
      startLiveTail: async () => (async function* () {
        yield { kind: 'start' as const };
        await new Promise(() => undefined);
      })(),
    });
    session = new TailSession(stuck, { logGroup: logs.group, startTime: Date.now(), ...FAST }, { onEvents: () => undefined, onStatus: () => undefined });
    session.start();
    await until(() => session!.status.mode === 'live');
    const t0 = Date.now();
    await session.stop();
    assert.ok(Date.now() - t0 < 500);
  });

  it('stops promptly, also while waiting to reconnect', async () => {
    start({ backoffInitialMs: 10_000, backoffMaxMs: 10_000 });
    await until(() => session!.status.mode === 'live');
    logs.drop();
    await until(() => session!.status.mode === 'reconnecting');
    const t0 = Date.now();
    await session!.stop();
    assert.ok(Date.now() - t0 < 500);
    assert.equal(session!.status.mode, 'stopped');
  });
});

describe('logs/TailSession state machine (scripted CloudWatch Logs)', () => {
  const QUICK: Partial<TailOptions> = { minRequestIntervalMs: 0, pollIntervalMs: 20, groupRetryMs: 20, backoffInitialMs: 20, backoffMaxMs: 40, overlapMs: 50, shortSessionMs: 300, liveRetryMs: 0 };
  let logs: ScriptedLogs;
  let session: TailSession | undefined;
  let got: LogEvent[];
  let statuses: TailStatus[];

  function start(options: Partial<TailOptions> = {}): TailSession {
    got = [];
    statuses = [];
    session = new TailSession(logs, { logGroup: logs.group, startTime: Date.now() - 1000, ...QUICK, ...options }, {
      onEvents: (events) => got.push(...events),
      onStatus: (status) => statuses.push(status),
    });
    session.start();
    return session;
  }
  const modes = () => statuses.map((s) => s.mode);

  beforeEach(() => {
    logs = new ScriptedLogs();
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('counts sessions that end soon without an event as failures, and polls after the budget', async () => {
    logs.endAtOnce = true;
    start({ liveFailureBudget: 3 });
    await until(() => session!.status.mode === 'polling', 2000, 'polling');
    assert.equal(logs.sessions.length, 3, 'three attempts, then no more');
    assert.deepEqual(modes().filter((m, i, all) => m !== all[i - 1]), ['live', 'reconnecting', 'live', 'reconnecting', 'live', 'polling']);
    assert.match(session!.status.detail ?? '', /Live Tail is not available\. The session ended\./);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(logs.sessions.length, 3);
    logs.write('s1', ['polled']);
    await until(() => got.length === 1, 2000, 'a polled event');
  });

  it('does not count a short session that brought an event', async () => {
    start({ liveFailureBudget: 2 });
    await until(() => session!.status.mode === 'live' && logs.open().length === 1, 2000, 'live');
    for (let i = 0; i < 4; i++) {
      const before = logs.sessions.length;
      logs.write('s1', [`event ${i}`]);
      await until(() => got.length === i + 1, 2000, `event ${i}`);
      logs.endSessions();
      await until(() => logs.sessions.length === before + 1 && logs.open().length === 1, 2000, `session ${before + 1}`);
    }
    assert.ok(!modes().includes('polling'), modes().join(','));
    assert.ok(!modes().includes('reconnecting'), 'a session that ends after bringing events restarts without a reconnect');
  });

  it('keeps reconnecting, not polling, while the endpoint cannot be reached, and goes live when it is back', async () => {
    logs.liveTailFailure = new NetworkError('Cannot reach http://127.0.0.1:1: connection refused (is the service running?)');
    start({ liveFailureBudget: 2 });
    await until(() => logs.startLiveTailCalls >= 5, 3000, 'five attempts');
    assert.equal(session!.status.mode, 'reconnecting');
    assert.match(session!.status.detail ?? '', /^Cannot reach .* Retrying in/);
    assert.ok(!modes().includes('polling'));
    logs.liveTailFailure = undefined;
    await until(() => session!.status.mode === 'live', 2000, 'live');
  });

  it('tries Live Tail again while polling and stays polling until the new session proves itself', async () => {
    logs.endAtOnce = true;
    start({ liveFailureBudget: 1, liveRetryMs: 100, liveRetryMaxMs: 100 });
    await until(() => session!.status.mode === 'polling', 2000, 'polling');
    await until(() => logs.sessions.length >= 2, 2000, 'a second try');
    assert.equal(session!.status.mode, 'polling', 'a failed retry goes back to polling quietly');
    assert.ok(!modes().slice(modes().indexOf('polling')).includes('live'), 'no flash of "live" for a retry that failed');
    logs.endAtOnce = false;
    await until(() => session!.status.mode === 'live', 3000, 'live again');
    logs.write('s1', ['streamed']);
    await until(() => got.length === 1, 2000, 'a streamed event');
  });
});

describe('logs/TailSession with reads that never answer', () => {
  it('gives a hanging FilterLogEvents read up, so live updates are not held back behind it', async () => {
    const logs = new ScriptedLogs();
    let hang = true;
    const source = Object.assign(Object.create(logs) as ScriptedLogs, {
      filterLogEvents: (request: Parameters<ScriptedLogs['filterLogEvents']>[0], signal?: AbortSignal) => hang
        ? new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))
        : logs.filterLogEvents(request),
    });
    const got: string[] = [];
    const session = new TailSession(source, { logGroup: logs.group, startTime: Date.now() - 1000, minRequestIntervalMs: 0, shortSessionMs: 0, readTimeoutMs: 150 }, {
      onEvents: (events) => got.push(...events.map((e) => e.message)),
      onStatus: () => undefined,
    });
    try {
      session.start();
      await until(() => session.status.mode === 'live' && logs.open().length === 1, 2000, 'live');
      logs.write('s1', ['streamed while the gap read hangs']);
      await until(() => got.length === 1, 1000, 'the streamed event');
      hang = false;
    } finally {
      await session.stop();
    }
  });
});
