import * as assert from 'node:assert/strict';
import type { LogRow } from '../../../../src/features/logs/protocol';
import { columnsOf, LogList, MAX_WRAPPED_ROWS, wrapItems, type DisplayItem } from '../../../../src/features/logs/webview/display';

const REPORT = { durationMs: 12.3, billedDurationMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 70, coldStart: true, initDurationMs: 150 };
let seq = 0;
const row = (text: string, extra: Partial<LogRow> = {}): LogRow => ({ seq: ++seq, t: 1000 + seq, stream: 's1', text, ...extra });

function describeItems(items: DisplayItem[]): string[] {
  return items.map((i) => (i.kind === 'group' ? `[${i.group.requestId}${i.collapsed ? ' +' : ''}]` : i.kind === 'row' ? `${i.grouped ? '  ' : ''}${i.row.text}` : `    ${i.label ?? ''}:${i.text}`));
}
const none = { query: '', collapsed: new Set<string>(), expanded: new Set<number>() };

describe('Logs view list (grouping, search, trimming)', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('gathers the lines of a request under one header at its first line, even when requests interleave', () => {
    const list = new LogList();
    list.append([
      row('init line'),
      row('START a', { requestId: 'a', platform: 'start', version: '$LATEST' }),
      row('START b', { requestId: 'b', platform: 'start', stream: 's2' }),
      row('a says hi', { requestId: 'a' }),
      row('b says hi', { requestId: 'b', stream: 's2' }),
      row('END a', { requestId: 'a', platform: 'end' }),
      row('REPORT a', { requestId: 'a', platform: 'report', report: REPORT }),
    ], 1);
    assert.deepEqual(describeItems(list.items(none)), ['init line', '[a]', '  START a', '  a says hi', '  END a', '  REPORT a', '[b]', '  START b', '  b says hi']);
    assert.equal(list.group('a')?.report?.report?.durationMs, 12.3);
    assert.equal(list.group('a')?.ended, true);
    assert.equal(list.group('b')?.ended, false);
    assert.deepEqual(describeItems(list.items({ ...none, collapsed: new Set(['a']) })), ['init line', '[a +]', '[b]', '  START b', '  b says hi']);
  });

  it('shows each run of a retried Event call as a group of its own, with its attempt and where its record went', () => {
    const list = new LogList();
    const run = (n: number, failed: boolean) => [
      row(`START r${n}`, { requestId: 'r', platform: 'start', version: '$LATEST' }),
      row(`ASYNC ${n}`, { requestId: 'r', attempt: { n, of: 3 } }),
      row(`fail ${n}`, { requestId: 'r', level: failed ? 'ERROR' : 'INFO' }),
      row(`END r${n}`, { requestId: 'r', platform: 'end' }),
      row(`REPORT r${n}`, { requestId: 'r', platform: 'report', report: { ...REPORT, coldStart: n === 1 } }),
    ];
    list.append([...run(1, true), ...run(2, true), ...run(3, true),
      row('DESTINATION', { requestId: 'r', destination: { kind: 'OnFailure', arn: 'arn:aws:lambda:us-east-1:123456789012:function:dlq', condition: 'RetriesExhausted' } })], 1);
    const groups = list.items(none).filter((i) => i.kind === 'group').map((i) => (i.kind === 'group' ? i.group : undefined)!);
    assert.deepEqual(groups.map((g) => [g.key, g.attempt?.n, g.rows.length, g.errors]), [['r', 1, 5, 1], ['r#1', 2, 5, 1], ['r#2', 3, 6, 1]]);
    assert.equal(groups[2].destination?.kind, 'OnFailure', 'the record line joins the last run');
    assert.equal(list.group('r')?.key, 'r#2', 'a request id names its latest run');
    assert.deepEqual(describeItems(list.items({ ...none, collapsed: new Set(['r#1']) })).filter((t) => t.startsWith('[')), ['[r]', '[r +]', '[r]'],
      'each run collapses on its own');
    // Trimming the first run away keeps the others.
    list.append([], 6);
    assert.deepEqual(list.items(none).filter((i) => i.kind === 'group').map((i) => (i.kind === 'group' ? i.group.key : '')), ['r#1', 'r#2']);
  });

  it('does not group lines whose request has no START or REPORT shown (e.g. filtered away)', () => {
    const list = new LogList();
    list.append([row('x', { requestId: 'a' }), row('y', { requestId: 'a' })], 1);
    assert.deepEqual(describeItems(list.items(none)), ['x', 'y']);
  });

  it('searches text, raw message, stream and fields, case-insensitively, keeping the headers of matches', () => {
    const list = new LogList();
    list.append([
      row('START a', { requestId: 'a', platform: 'start' }),
      row('Order placed', { requestId: 'a', fields: [['orderId', '42']] }),
      row('unrelated'),
    ], 1);
    assert.deepEqual(describeItems(list.items({ ...none, query: 'ORDER' })), ['[a]', '  Order placed']);
    assert.deepEqual(describeItems(list.items({ ...none, query: '42' })), ['[a]', '  Order placed']);
    assert.deepEqual(describeItems(list.items({ ...none, query: 'nothing' })), []);
  });

  it('expands a row into its further lines and fields', () => {
    const list = new LogList();
    const r = row('Error: boom\n    at handler (index.js:3)', { fields: [['code', '"E1"']] });
    list.append([r], 1);
    assert.deepEqual(describeItems(list.items({ ...none, expanded: new Set([r.seq]) })), ['Error: boom\n    at handler (index.js:3)', '    :    at handler (index.js:3)', '    code:"E1"']);
  });

  it('forgets rows the extension dropped, and their groups once empty', () => {
    const list = new LogList();
    list.append([row('START a', { requestId: 'a', platform: 'start' }), row('a1', { requestId: 'a' }), row('plain')], 1);
    list.append([row('START b', { requestId: 'b', platform: 'start' })], 3);
    assert.equal(list.size, 2);
    assert.equal(list.group('a'), undefined);
    assert.deepEqual(describeItems(list.items(none)), ['plain', '[b]', '  START b']);
    list.reset([]);
    assert.equal(list.size, 0);
  });
});

describe('Logs view wrap (long lines continue on the rows below)', () => {
  const rowItem = (text: string): DisplayItem => ({ kind: 'row', row: { seq: 1, t: 1, stream: 's', text }, grouped: true, expandable: false, expanded: false });
  const texts = (items: DisplayItem[]) => items.map((i) => (i.kind === 'row' ? `row:${i.shownText ?? i.row.text}` : i.kind === 'detail' ? `${i.continuation ? 'cont' : 'detail'}:${i.text}` : 'group'));

  it('leaves lines that fit as they are', () => {
    const items = [rowItem('short')];
    assert.deepEqual(wrapItems(items, () => 20, 30), items);
  });

  it('splits a long line: what fits on its row, then continuation rows, losing no character', () => {
    const text = 'REPORT RequestId: abc Duration: 7.00 ms Billed Duration: 8 ms Memory Size: 128 MB Max Memory Used: 44 MB';
    const out = wrapItems([rowItem(text)], () => 40, 25);
    assert.deepEqual(texts(out)[0], `row:${text.slice(0, 40)}`);
    const rest = out.slice(1);
    assert.ok(rest.every((i) => i.kind === 'detail' && i.continuation && i.text.length <= 25));
    assert.equal(out.map((i) => (i.kind === 'row' ? i.shownText : i.kind === 'detail' ? i.text : '')).join(''), text);
    assert.ok(rest.every((i) => i.kind === 'detail' && i.grouped), 'continuations stay in the request group');
  });

  it('wraps expanded detail lines too, and leaves group headers alone', () => {
    const group = { kind: 'group', group: { requestId: 'r', rows: [], errors: 0, warnings: 0, ended: false }, collapsed: false, shown: 0 } as unknown as DisplayItem;
    const detail: DisplayItem = { kind: 'detail', row: { seq: 1, t: 1, stream: 's', text: '' }, grouped: false, label: 'k', text: 'y'.repeat(30) };
    assert.deepEqual(texts(wrapItems([group, detail], () => 10, 10)), ['group', `detail:${'y'.repeat(10)}`, `cont:${'y'.repeat(10)}`, `cont:${'y'.repeat(10)}`]);
  });

  it('counts a tab as reaching the next multiple of 8 columns, and ends pieces at a space when one is near', () => {
    assert.equal(columnsOf('ab\tc'), 9);
    const text = 'Duration: 74.51 ms\tBilled Duration: 75 ms\tMemory Size: 128 MB';
    const out = wrapItems([rowItem(text)], () => 24, 24);
    const pieces = out.map((i) => (i.kind === 'row' ? i.shownText ?? '' : i.kind === 'detail' ? i.text : ''));
    assert.equal(pieces.join(''), text);
    for (const piece of pieces) assert.ok(columnsOf(piece) <= 24, `"${piece}" takes ${columnsOf(piece)} columns`);
    assert.equal(pieces[0], 'Duration: 74.51 ms\t', 'the first piece ends at the tab, not inside "Billed"');
  });

  it('shows a huge line on at most a bounded number of rows, naming what is left', () => {
    const out = wrapItems([rowItem('z'.repeat(10 * (MAX_WRAPPED_ROWS + 5)))], () => 10, 10);
    assert.equal(out.length, 1 + MAX_WRAPPED_ROWS + 1);
    const lastItem = out.at(-1);
    assert.ok(lastItem?.kind === 'detail' && /^… 40 more characters/.test(lastItem.text));
  });
});
