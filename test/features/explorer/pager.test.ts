import * as assert from 'node:assert/strict';
import type { FunctionPage } from '../../../src/aws/lambda';
import { NetworkError } from '../../../src/aws/errors';
import { FunctionPager } from '../../../src/features/explorer/pager';

/** Serves names in pages the way ListFunctions does (MaxItems capped at 50, NextMarker = next index). */
function listing(names: string[], failAt?: { call: number }) {
  const calls: { marker?: string; maxItems: number }[] = [];
  const fetch = async (marker: string | undefined, maxItems: number): Promise<FunctionPage> => {
    calls.push({ marker, maxItems });
    if (failAt && calls.length === failAt.call) throw new NetworkError('Cannot reach http://127.0.0.1:1: connection refused');
    const start = marker ? Number(marker) : 0;
    const end = Math.min(names.length, start + Math.min(maxItems, 50));
    return { functions: names.slice(start, end).map((FunctionName) => ({ FunctionName })), nextMarker: end < names.length ? String(end) : undefined };
  };
  return { fetch, calls };
}

const names = (n: number, prefix = 'fn') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('views/FunctionPager', () => {
  it('loads exactly one page per step and knows when the list ends', async () => {
    const { fetch, calls } = listing(names(12));
    const pager = new FunctionPager(fetch, 5, undefined);
    assert.equal(pager.hasMore, false, 'nothing is claimed before the first load');
    await pager.loadNext();
    assert.equal(pager.items.length, 5);
    assert.ok(pager.hasMore);
    await pager.loadNext();
    await pager.loadNext();
    assert.equal(pager.items.length, 12);
    assert.equal(pager.hasMore, false);
    assert.deepEqual(calls.map((c) => c.maxItems), [5, 5, 5]);
  });

  it('after a failed page, the next load resumes where it stopped', async () => {
    const { fetch, calls } = listing(names(8), { call: 2 });
    const pager = new FunctionPager(fetch, 4, undefined);
    await pager.loadNext();
    await pager.loadNext();
    assert.ok(pager.error instanceof NetworkError);
    assert.equal(pager.items.length, 4, 'what was loaded is kept');
    await pager.loadNext();
    assert.equal(pager.error, undefined);
    assert.deepEqual(pager.items.map((f) => f.FunctionName), names(8));
    assert.equal(calls[2].marker, '4');
  });

  it('with a filter, walks pages until it has a page of matches and keeps extra matches for later', async () => {
    const all = [...names(120, 'other'), ...names(7, 'orders')];
    const { fetch, calls } = listing(all);
    const pager = new FunctionPager(fetch, 5, 'ORDERS');
    await pager.loadNext();
    assert.deepEqual(pager.items.map((f) => f.FunctionName), names(5, 'orders'));
    assert.ok(pager.hasMore, 'two matches are still waiting');
    assert.ok(calls.every((c) => c.maxItems === 50), 'filtering reads full pages');
    await pager.loadNext();
    assert.equal(pager.items.length, 7);
    assert.equal(pager.hasMore, false);
  });

  it('concurrent loads share one request and a name is never listed twice', async () => {
    let served = 0;
    const fetch = async (): Promise<FunctionPage> => {
      served++;
      // An endpoint that repeats a name across pages (e.g. the list changed while paging).
      return served === 1 ? { functions: [{ FunctionName: 'a' }, { FunctionName: 'b' }], nextMarker: 'm' } : { functions: [{ FunctionName: 'b' }, { FunctionName: 'c' }] };
    };
    const pager = new FunctionPager(fetch, 2, undefined);
    await Promise.all([pager.loadNext(), pager.loadNext()]);
    assert.equal(served, 1);
    await pager.loadNext();
    assert.deepEqual(pager.items.map((f) => f.FunctionName), ['a', 'b', 'c']);
  });
});
