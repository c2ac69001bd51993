import * as assert from 'node:assert/strict';
import { NetworkError } from '../../../src/aws/errors';
import { LogFeed, type FeedMessage } from '../../../src/features/logs/logFeed';
import { ScriptedLogs, until } from '../../support/scriptedLogs';

describe('logs/LogFeed: what the Logs view receives', () => {
  let logs: ScriptedLogs;
  let feed: LogFeed | undefined;
  let sent: FeedMessage[];
  let canSend: boolean;

  function open(capacity = 100): LogFeed {
    sent = [];
    canSend = true;
    feed = new LogFeed({
      source: logs, logGroup: logs.group, title: logs.group, subtitle: 'test', capacity, batchMs: 20,
      send: (m) => sent.push(m), canSend: () => canSend, since: Date.now() - 1000,
      tail: { minRequestIntervalMs: 0, shortSessionMs: 0, pollIntervalMs: 20, groupRetryMs: 20, backoffInitialMs: 20, overlapMs: 50 },
    });
    feed.start({ filterPattern: '', streamPrefix: '' });
    return feed;
  }
  const appends = () => sent.filter((m): m is Extract<FeedMessage, { type: 'append' }> => m.type === 'append');
  const appended = () => appends().flatMap((m) => m.payload.rows.map((r) => r.text));
  const lastState = () => [...sent].reverse().find((m): m is Extract<FeedMessage, { type: 'state' }> => m.type === 'state')?.payload;

  beforeEach(() => {
    logs = new ScriptedLogs();
  });
  afterEach(async () => {
    await feed?.dispose();
    feed = undefined;
  });

  it('batches a burst into few messages and reports the mode', async () => {
    open();
    await until(() => lastState()?.mode === 'live', 2000, 'live state');
    for (let i = 0; i < 50; i++) logs.write('s', [`line ${i}`]);
    await until(() => appended().length === 50, 2000, '50 rows');
    assert.ok(appends().length <= 3, `${appends().length} append messages for one burst`);
    assert.deepEqual(appended(), Array.from({ length: 50 }, (_, i) => `line ${i}`));
    const seqs = appends().flatMap((m) => m.payload.rows.map((r) => r.seq));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq increases');
  });

  it('groups lines by request: a print() line between START and END gets the request id', async () => {
    open();
    await until(() => lastState()?.mode === 'live');
    logs.write('2026/01/01/[$LATEST]abc', ['START RequestId: 11111111-2222-3333-4444-555555555555 Version: $LATEST', 'printed without an id', 'END RequestId: 11111111-2222-3333-4444-555555555555', 'after the request']);
    await until(() => appended().length === 4);
    const rows = appends().flatMap((m) => m.payload.rows);
    assert.deepEqual(rows.map((r) => r.requestId), ['11111111-2222-3333-4444-555555555555', '11111111-2222-3333-4444-555555555555', '11111111-2222-3333-4444-555555555555', undefined]);
    assert.equal(rows[0].platform, 'start');
    assert.equal(rows[0].version, '$LATEST');
  });

  it('reads the Local Lambda\'s ASYNC and DESTINATION lines into the attempt and the destination of the request', async () => {
    open();
    await until(() => lastState()?.mode === 'live');
    const id = '11111111-2222-3333-4444-555555555555';
    logs.write('2026/01/01/[$LATEST]abc', [`START RequestId: ${id} Version: $LATEST`, `ASYNC RequestId: ${id} Attempt: 2 of 3`, `END RequestId: ${id}`,
      `DESTINATION RequestId: ${id} OnFailure: arn:aws:lambda:us-east-1:123456789012:function:dlq Condition: RetriesExhausted`, 'ASYNC RequestId: x Attempt: two of 3']);
    await until(() => appended().length === 5);
    const rows = appends().flatMap((m) => m.payload.rows);
    assert.deepEqual(rows[1].attempt, { n: 2, of: 3 });
    assert.equal(rows[1].requestId, id);
    assert.deepEqual(rows[3].destination, { kind: 'OnFailure', arn: 'arn:aws:lambda:us-east-1:123456789012:function:dlq', condition: 'RetriesExhausted' });
    assert.equal(rows[3].requestId, id, 'the record line, after END, still belongs to the request');
    assert.equal(rows[4].attempt, undefined, 'a line that only looks like one is an ordinary line');
  });

  it('keeps buffering while paused and sends the waiting lines on resume', async () => {
    open();
    await until(() => lastState()?.mode === 'live');
    feed!.setPaused(true);
    logs.write('s', ['a', 'b', 'c']);
    await until(() => lastState()?.pending === 3, 2000, 'pending count');
    assert.equal(appended().length, 0);
    assert.equal(lastState()?.paused, true);
    feed!.setPaused(false);
    await until(() => appended().length === 3, 2000, 'rows after resume');
    assert.equal(lastState()?.paused, false);
  });

  it('says "paused" while paused, with what the tail does underneath, and the tail\'s own state otherwise', async function () {
    this.timeout(10_000);
    open();
    await until(() => lastState()?.mode === 'live');
    assert.equal(lastState()?.tailMode, 'live');
    feed!.setPaused(true);
    await until(() => lastState()?.mode === 'paused', 2000, 'paused state');
    assert.equal(lastState()?.tailMode, 'live', 'the tail goes on');
    logs.liveTailFailure = new NetworkError('Cannot reach the endpoint: socket hang up');
    feed!.tail!.forceDisconnect();
    await until(() => lastState()?.tailMode === 'reconnecting', 2000, 'reconnecting underneath');
    assert.equal(lastState()?.mode, 'paused');
    feed!.setPaused(false);
    await until(() => lastState()?.mode === 'reconnecting', 2000, 'the tail state again');
    logs.liveTailFailure = undefined;
    await until(() => lastState()?.mode === 'live', 5000, 'live again');
  });

  it('shows "polling", not "live", when Live Tail is refused', async () => {
    logs.refuseLiveTail = true;
    open();
    await until(() => lastState()?.mode === 'polling', 2000, 'polling state');
    assert.match(lastState()?.detail ?? '', /^Polling every/);
    assert.ok(!sent.some((m) => m.type === 'state' && m.payload.mode === 'live'));
  });

  it('drops the oldest lines beyond capacity and says how many', async () => {
    open(5);
    await until(() => lastState()?.mode === 'live');
    logs.write('s', ['1', '2', '3', '4', '5', '6', '7', '8']);
    await until(() => feed!.allRows().length === 5 && appended().includes('8'));
    assert.deepEqual(appended(), ['4', '5', '6', '7', '8'], 'lines dropped before they were sent are not sent');
    const last = appends()[appends().length - 1].payload;
    assert.equal(last.dropped, 3);
    assert.equal(last.firstSeq, 4);
    assert.deepEqual(feed!.allRows().map((r) => r.text), ['4', '5', '6', '7', '8']);
  });

  it('sends nothing while the view cannot receive, then replays the whole buffer', async () => {
    open();
    canSend = false;
    await until(() => feed!.state().mode === 'live');
    logs.write('s', ['x', 'y']);
    await until(() => feed!.allRows().length === 2);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(sent.length, 0);
    canSend = true;
    feed!.replay();
    const reset = sent.find((m): m is Extract<FeedMessage, { type: 'reset' }> => m.type === 'reset');
    assert.deepEqual(reset?.payload.rows.map((r) => r.text), ['x', 'y']);
    assert.equal(reset?.payload.state.mode, 'live');
  });

  it('clears, and with a new filter reads again everything since the tail began', async () => {
    logs.write('s', ['ERROR early', 'INFO early']);
    open();
    await until(() => appended().length === 2);
    feed!.clear();
    assert.deepEqual(sent[sent.length - 1].type, 'reset');
    assert.equal(feed!.allRows().length, 0);
    await feed!.setFilter({ filterPattern: 'ERROR', streamPrefix: '' });
    await until(() => feed!.allRows().length === 1, 2000, 'backfill with the filter');
    assert.deepEqual(feed!.allRows().map((r) => r.text), ['ERROR early']);
    assert.equal(feed!.state().filterPattern, 'ERROR');
  });
});
