import * as assert from 'node:assert/strict';
import type { LogRow } from '../../../../src/features/logs/protocol';
import { LogList, type DisplayItem } from '../../../../src/features/logs/webview/display';

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
