import * as assert from 'node:assert/strict';
import { KeptForms, keptForms } from '../../../src/features/invoke/keptForms';
import type { InvokeParams } from '../../../src/features/invoke/protocol';

const form = (payload: string): InvokeParams => ({ payload, qualifier: '', invocationType: 'RequestResponse', clientContext: '', eventLabel: 'Custom event', eventSource: 'custom' });

describe('features/invoke KeptForms (Invoke forms of closed panels)', () => {
  it('gives a form back once, by key', () => {
    const kept = new KeptForms();
    kept.keep('a', form('{"a":1}'));
    assert.equal(kept.take('b'), undefined);
    assert.deepEqual(kept.take('a'), form('{"a":1}'));
    assert.equal(kept.take('a'), undefined);
  });

  it('keeps the newest form of a key and at most 20 forms, dropping the oldest', () => {
    const kept = new KeptForms();
    kept.keep('a', form('1'));
    kept.keep('a', form('2'));
    assert.equal(kept.count, 1);
    for (let i = 0; i < 25; i++) kept.keep(`k${i}`, form(String(i)));
    assert.equal(kept.count, 20);
    assert.equal(kept.take('a'), undefined, 'the oldest went first');
    assert.equal(kept.take('k4'), undefined);
    assert.deepEqual(kept.take('k5'), form('5'));
  });

  it('bounds the characters kept in all', () => {
    const kept = new KeptForms();
    const big = 'x'.repeat(6 * 1024 * 1024);
    for (let i = 0; i < 5; i++) kept.keep(`k${i}`, form(big));
    assert.ok(kept.count <= 4, `${kept.count} forms of 6 M characters kept`);
    assert.ok(kept.take('k4'), 'the newest is kept');
  });

  it('is one store per window', () => {
    const w1 = {};
    const w2 = {};
    keptForms(w1).keep('a', form('1'));
    assert.equal(keptForms(w2).take('a'), undefined);
    assert.ok(keptForms(w1).take('a'));
  });
});
