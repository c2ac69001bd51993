import * as assert from 'node:assert/strict';
import { EventDeduper } from '../../../src/features/logs/dedupe';
import { LogBuffer } from '../../../src/features/logs/logBuffer';

const item = (n: number) => ({ seq: 0, n });

describe('logs/LogBuffer', () => {
  it('keeps the newest `capacity` items, counts the dropped ones and numbers items for good', () => {
    const buffer = new LogBuffer<{ seq: number; n: number }>(3);
    buffer.push([item(1), item(2)]);
    buffer.push([item(3), item(4), item(5)]);
    assert.deepEqual(buffer.all().map((i) => i.n), [3, 4, 5]);
    assert.equal(buffer.dropped, 2);
    assert.equal(buffer.firstSeq, 3);
    assert.equal(buffer.lastSeq, 5);
    assert.deepEqual(buffer.after(3).map((i) => i.n), [4, 5]);
    assert.deepEqual(buffer.after(0).map((i) => i.n), [3, 4, 5]);
    assert.deepEqual(buffer.after(5), []);
    buffer.clear();
    assert.equal(buffer.size, 0);
    assert.equal(buffer.dropped, 0);
    buffer.push([item(6)]);
    assert.equal(buffer.all()[0].seq, 6, 'sequence numbers continue after clear');
  });

  it('shrinks to a smaller capacity and falls back to 10,000 for nonsense', () => {
    const buffer = new LogBuffer<{ seq: number; n: number }>(10);
    buffer.push(Array.from({ length: 10 }, (_, i) => item(i)));
    buffer.capacity = 4;
    assert.deepEqual(buffer.all().map((i) => i.n), [6, 7, 8, 9]);
    assert.equal(buffer.dropped, 6);
    assert.equal(new LogBuffer(Number.NaN).capacity, 10_000);
    assert.equal(new LogBuffer(0).capacity, 10_000);
  });
});

describe('logs/EventDeduper', () => {
  const ev = (message: string, timestamp = 1000, logStreamName = 's') => ({ message, timestamp, logStreamName });

  it('admits an event once across passes, by stream, time and message', () => {
    const dedupe = new EventDeduper();
    assert.deepEqual(dedupe.pass().filter([ev('a'), ev('b')]).map((e) => e.message), ['a', 'b']);
    assert.deepEqual(dedupe.pass().filter([ev('a'), ev('b'), ev('c')]).map((e) => e.message), ['c']);
    assert.equal(dedupe.pass().filter([ev('a', 1001)]).length, 1, 'another timestamp is another event');
    assert.equal(dedupe.pass().filter([ev('a', 1000, 'other')]).length, 1, 'another stream is another event');
  });

  it('tells apart identical lines ingested at different times', () => {
    const dedupe = new EventDeduper();
    assert.equal(dedupe.pass().filter([{ ...ev('x'), ingestionTime: 5 }]).length, 1);
    assert.equal(dedupe.pass().filter([{ ...ev('x'), ingestionTime: 5 }, { ...ev('x'), ingestionTime: 6 }]).length, 1);
  });

  it('counts repeated identical lines: a pass adds only copies beyond what was delivered', () => {
    const dedupe = new EventDeduper();
    assert.equal(dedupe.pass().filter([ev('x'), ev('x')]).length, 2);
    assert.equal(dedupe.pass().filter([ev('x')]).length, 0);
    assert.equal(dedupe.pass().filter([ev('x'), ev('x'), ev('x')]).length, 1);
  });

  it('remembers at most `capacity` events, forgetting the oldest', () => {
    const dedupe = new EventDeduper(100);
    const pass = dedupe.pass();
    for (let i = 0; i < 1000; i++) pass.admit(ev(`m${i}`, i));
    assert.equal(dedupe.size, 100);
    assert.equal(dedupe.pass().admit(ev('m999', 999)), false, 'recent ones are still known');
    assert.equal(dedupe.pass().admit(ev('m0', 0)), true, 'the oldest were forgotten');
  });
});
