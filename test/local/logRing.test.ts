import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { LogStore, StreamEvents, compareEvents, eventSize, firstIndexAfter, type StoredLogEvent } from '../../src/local/logs/store';
import { makeTempDir } from './helpers';
import { seededRandom as random } from '../support/seededRandom';

const ev = (timestamp: number, seq: number): StoredLogEvent => ({ timestamp, seq, message: `m${seq}`, ingestionTime: 0 });
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };

describe('Log streams as ring buffers', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

  it('keeps the order and positions of a sorted list through appends, late events, drops and growth', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const ring = new StreamEvents();
      const model: StoredLogEvent[] = [];
      let seq = 0;
      let clock = 1000;
      for (let step = 0; step < 3000; step++) {
        const r = next();
        if (r < 0.6) {
          clock += Math.floor(next() * 3);
          const e = ev(clock, ++seq); // in order (the usual case)
          ring.insert(e);
          model.push(e);
        } else if (r < 0.7) {
          const e = ev(clock - Math.floor(next() * 50), ++seq); // a late event sorts before newer ones
          ring.insert(e);
          model.push(e);
          model.sort(compareEvents);
        } else if (r < 0.95) {
          assert.equal(ring.shift(), model.shift(), `seed ${seed} step ${step}: the oldest goes first`);
        } else {
          const t = clock - Math.floor(next() * 60);
          const q = Math.floor(next() * seq);
          const expected = model.findIndex((e) => compareEvents(e, { timestamp: t, seq: q }) > 0);
          assert.equal(firstIndexAfter(ring, t, q), expected < 0 ? model.length : expected, `seed ${seed} step ${step}: search`);
        }
        assert.equal(ring.length, model.length);
      }
      assert.deepEqual([...ring], model, `seed ${seed}: same events in the same order`);
      assert.deepEqual(ring.map((e) => e.seq), model.map((e) => e.seq));
      assert.equal(ring.get(-1), undefined);
      assert.equal(ring.get(ring.length), undefined);
      if (model.length) assert.equal(ring.get(model.length - 1), model[model.length - 1]);
    }
  });

  it('keeps exactly the newest events of a stream at its cap, with their stored bytes, in order', () => {
    const dir = makeTempDir('log-ring-');
    dirs.push(dir);
    const store = new LogStore(dir, { maxEventsPerStream: 10 });
    const messages: string[] = [];
    for (let i = 0; i < 47; i++) {
      const batch = Array.from({ length: 1 + (i % 3) }, (_, j) => `event ${i}.${j} ${'é'.repeat(i % 5)}`);
      messages.push(...batch);
      store.write('/g', 's', batch.map((message) => ({ timestamp: 1_000 + messages.length, message })));
    }
    const stream = store.getGroup('/g')!.streams.get('s')!;
    const kept = messages.slice(-10);
    assert.deepEqual(stream.events.map((e) => e.message), kept);
    assert.equal(stream.storedBytes, kept.reduce((sum, m) => sum + eventSize(m), 0), 'dropped events no longer count');
    assert.equal(firstIndexAfter(stream.events, stream.events.get(4)!.timestamp, stream.events.get(4)!.seq), 5);
  });

  it('keeps appending to the group file through a compaction and a deleted group, and reloads what was kept', async () => {
    const dir = makeTempDir('log-ring-');
    dirs.push(dir);
    const store = new LogStore(dir, { maxEventsPerStream: 10, flushDelayMs: 5 });
    for (let i = 0; i < 1500; i++) store.write('/g', 's', [{ timestamp: 1_000 + i, message: `before ${i}` }]);
    await store.flush(); // the file holds 1,500 lines for 10 kept events: rewritten
    const file = fs.readdirSync(`${dir}/logs`).find((f) => f.endsWith('.jsonl'))!;
    assert.equal(fs.readFileSync(`${dir}/logs/${file}`, 'utf8').trim().split('\n').length, 10, 'compacted');
    for (let i = 0; i < 5; i++) store.write('/g', 's', [{ timestamp: 5_000 + i, message: `after ${i}` }]);
    store.write('/gone', 's', [{ timestamp: 1, message: 'x' }]);
    assert.ok(store.deleteGroup('/gone'));
    store.write('/gone', 's', [{ timestamp: 2, message: 'made again' }]);
    await store.close();
    const reopened = new LogStore(dir, { maxEventsPerStream: 10 });
    assert.deepEqual(reopened.getGroup('/g')!.streams.get('s')!.events.map((e) => e.message),
      [...Array.from({ length: 5 }, (_, i) => `before ${1495 + i}`), ...Array.from({ length: 5 }, (_, i) => `after ${i}`)]);
    assert.deepEqual(reopened.getGroup('/gone')!.streams.get('s')!.events.map((e) => e.message), ['made again']);
    await reopened.close();
  });

  it('costs as much to append into a stream of 10,000 events (at its cap) as into an empty one', () => {
    const dir = makeTempDir('log-ring-');
    dirs.push(dir);
    const store = new LogStore(dir, { flushDelayMs: 60_000 });
    // Disk appends cost the same for both streams and would drown what is compared here.
    (store as unknown as { persistNow: () => void }).persistNow = function (this: { pending: Map<string, string[]> }) { this.pending.clear(); };
    const message = 'START RequestId: 0f6e2a3c-1111-2222-3333-444455556666 Version: $LATEST';
    const append = (stream: string, n: number) => {
      const t0 = cpu();
      for (let i = 0; i < n; i++) store.write('/g', stream, [{ timestamp: Date.now(), message }]);
      return (cpu() - t0) / n;
    };
    append('full', 10_000);
    assert.equal(store.getGroup('/g')!.streams.get('full')!.events.length, 10_000);
    const full: number[] = [];
    const empty: number[] = [];
    for (let round = 0; round < 25; round++) {
      store.write('/g', `e${round}`, [{ timestamp: Date.now(), message }]);
      empty.push(append(`e${round}`, 1000));
      full.push(append('full', 1000));
      store.deleteStream('/g', `e${round}`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    assert.equal(store.getGroup('/g')!.streams.get('full')!.events.length, 10_000, 'still at its cap');
    // CPU time, medians of alternating batches: a loaded machine's waiting is left out. Dropping with
    // splice(0, 1) made an append at the cap about 25 times dearer.
    assert.ok(median(full) < 3 * median(empty) + 1, `append: ${median(empty).toFixed(2)} µs into an empty stream, ${median(full).toFixed(2)} µs at the cap`);
    void store.close();
  });
});
