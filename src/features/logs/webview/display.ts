// What the Logs view lists: rows in arrival order, the lines of one request gathered under a
// collapsible header, filtered by the search text. Plain data, no DOM, so it can be tested alone.
import type { LogRow } from '../protocol';

export interface RequestGroup {
  requestId: string;
  /**
   * Tells apart the runs of one request id: an Event call that is retried runs again under the
   * same id, and each run (START to REPORT) is a group of its own. The first run's key is its id.
   */
  key: string;
  rows: LogRow[];
  /** Which run of an Event call this group is (the Local Lambda's ASYNC line). */
  attempt?: { n: number; of: number };
  /** Where its invocation record went (the DESTINATION line after the last run). */
  destination?: LogRow['destination'];
  start?: LogRow;
  report?: LogRow;
  ended: boolean;
  errors: number;
  warnings: number;
}

export type DisplayItem =
  | { kind: 'group'; group: RequestGroup; collapsed: boolean; shown: number }
  | { kind: 'row'; row: LogRow; grouped: boolean; expandable: boolean; expanded: boolean; /** With wrap on: the part of the line on its first row. */ shownText?: string }
  | { kind: 'detail'; row: LogRow; grouped: boolean; label?: string; text: string; /** With wrap on: the rest of a long line, one row at a time. */ continuation?: boolean };

/** At most this many rows show one wrapped line; the rest is named (Copy and Save keep it all). */
export const MAX_WRAPPED_ROWS = 2000;

const TAB_SIZE = 8;

/** Columns `text` takes when it starts at column 0 (a tab goes on to the next multiple of 8). */
export function columnsOf(text: string): number {
  let col = 0;
  for (const c of text) col = c === '\t' ? col + TAB_SIZE - (col % TAB_SIZE) : col + 1;
  return col;
}

/**
 * Where to end the piece of `text` that starts at `from` and takes at most `width` columns:
 * after the last space or tab that keeps at least half the width, else where the width ends.
 */
function pieceEnd(text: string, from: number, width: number): number {
  let col = 0;
  let i = from;
  let lastBreak = -1;
  while (i < text.length) {
    const c = text[i];
    const next = c === '\t' ? col + TAB_SIZE - (col % TAB_SIZE) : col + 1;
    if (next > width) break;
    col = next;
    i++;
    if ((c === ' ' || c === '\t') && col >= width / 2) lastBreak = i;
  }
  if (i >= text.length) return text.length;
  if (i === from) return from + 1; // a single character wider than the row still advances
  return lastBreak > from ? lastBreak : i;
}

/**
 * The items with every text wider than its row split over following rows, so a long line can
 * be read whole; pieces end at a space where one is near. `firstColumns(item)` is what fits on
 * an item's own row, `restColumns` on a continuation row (in characters of the list's font).
 */
export function wrapItems(items: readonly DisplayItem[], firstColumns: (item: DisplayItem) => number, restColumns: number): DisplayItem[] {
  const out: DisplayItem[] = [];
  const rest = Math.max(10, Math.floor(restColumns));
  for (const item of items) {
    if (item.kind === 'group') {
      out.push(item);
      continue;
    }
    const text = item.kind === 'row' ? firstLine(item.row.text) : item.text;
    const first = Math.max(10, Math.floor(firstColumns(item)));
    if (text.length <= first && columnsOf(text) <= first) {
      out.push(item);
      continue;
    }
    let end = pieceEnd(text, 0, first);
    out.push(item.kind === 'row' ? { ...item, shownText: text.slice(0, end) } : { ...item, text: text.slice(0, end) });
    for (let n = 0; end < text.length && n < MAX_WRAPPED_ROWS; n++) {
      const next = pieceEnd(text, end, rest);
      out.push({ kind: 'detail', row: item.row, grouped: item.grouped, text: text.slice(end, next), continuation: true });
      end = next;
    }
    if (end < text.length) {
      out.push({ kind: 'detail', row: item.row, grouped: item.grouped, text: `… ${(text.length - end).toLocaleString()} more characters (Copy or Save has the whole line)`, continuation: true });
    }
  }
  return out;
}

export interface DisplayOptions {
  /** Case-insensitive text to look for; empty shows everything. */
  query: string;
  collapsed: ReadonlySet<string>;
  /** Rows (by seq) whose extra lines and fields are shown. */
  expanded: ReadonlySet<number>;
}

const isError = (row: LogRow) => row.level === 'ERROR' || row.level === 'FATAL';

/** The first line of a row's text (the rest is shown when the row is expanded). */
export function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}

export function isExpandable(row: LogRow): boolean {
  return (row.fields?.length ?? 0) > 0 || row.text.includes('\n');
}

export function rowMatches(row: LogRow, query: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  return row.text.toLowerCase().includes(q)
    || (row.raw?.toLowerCase().includes(q) ?? false)
    || row.stream.toLowerCase().includes(q)
    || (row.fields?.some(([k, v]) => k.toLowerCase().includes(q) || v.toLowerCase().includes(q)) ?? false);
}

export class LogList {
  private rowsInOrder: LogRow[] = [];
  /** Groups by key; `currentKey` names each request id's latest run. */
  private readonly groupsById = new Map<string, RequestGroup>();
  private readonly currentKey = new Map<string, string>();
  private readonly groupOfRow = new WeakMap<LogRow, RequestGroup>();
  private runs = 0;

  get rows(): readonly LogRow[] {
    return this.rowsInOrder;
  }

  get size(): number {
    return this.rowsInOrder.length;
  }

  /** The latest run of a request. */
  group(requestId: string): RequestGroup | undefined {
    return this.groupsById.get(this.currentKey.get(requestId) ?? requestId);
  }

  reset(rows: readonly LogRow[]): void {
    this.rowsInOrder = [];
    this.groupsById.clear();
    this.currentKey.clear();
    this.append(rows, rows[0]?.seq ?? 0);
  }

  /** Adds rows and forgets those before `firstSeq` (dropped by the extension's buffer). */
  append(rows: readonly LogRow[], firstSeq: number): void {
    for (const row of rows) {
      this.rowsInOrder.push(row);
      if (!row.requestId) continue;
      let group = this.group(row.requestId);
      // A START after the request's run ended is the next run of a retried Event call.
      if (!group || (row.platform === 'start' && (group.ended || group.start))) {
        const key = group ? `${row.requestId}#${++this.runs}` : row.requestId;
        group = { requestId: row.requestId, key, rows: [], ended: false, errors: 0, warnings: 0 };
        this.groupsById.set(key, group);
        this.currentKey.set(row.requestId, key);
      }
      group.rows.push(row);
      this.groupOfRow.set(row, group);
      if (row.attempt) group.attempt = row.attempt;
      if (row.destination) group.destination = row.destination;
      if (row.platform === 'start') group.start = row;
      if (row.platform === 'report') group.report = row;
      if (row.platform === 'end' || row.platform === 'report') group.ended = true;
      if (isError(row) || (row.report?.status !== undefined && row.report.status !== 'success')) group.errors++;
      if (row.level === 'WARN') group.warnings++;
    }
    this.trim(firstSeq);
  }

  private trim(firstSeq: number): void {
    let drop = 0;
    while (drop < this.rowsInOrder.length && this.rowsInOrder[drop].seq < firstSeq) drop++;
    if (drop === 0) return;
    const touched = new Set<RequestGroup>();
    for (let i = 0; i < drop; i++) {
      const group = this.groupOfRow.get(this.rowsInOrder[i]);
      if (group) touched.add(group);
    }
    // A group's rows are in seq order, so the dropped ones are at its front.
    for (const group of touched) {
      let keep = 0;
      while (keep < group.rows.length && group.rows[keep].seq < firstSeq) keep++;
      group.rows = group.rows.slice(keep);
      if (group.start && group.start.seq < firstSeq) group.start = undefined;
      if (group.report && group.report.seq < firstSeq) group.report = undefined;
      group.errors = group.rows.filter((r) => isError(r) || (r.report?.status !== undefined && r.report.status !== 'success')).length;
      group.warnings = group.rows.filter((r) => r.level === 'WARN').length;
      if (group.rows.length === 0) {
        this.groupsById.delete(group.key);
        if (this.currentKey.get(group.requestId) === group.key) this.currentKey.delete(group.requestId);
      }
    }
    this.rowsInOrder = this.rowsInOrder.slice(drop);
  }

  /** A request is shown as a group when Lambda's START or REPORT line for it is there. */
  private groupOf(row: LogRow): RequestGroup | undefined {
    const group = this.groupOfRow.get(row);
    return group && (group.start || group.report) ? group : undefined;
  }

  /** The list as displayed: a header where a request's first line is, its lines below it. */
  items(options: DisplayOptions): DisplayItem[] {
    const out: DisplayItem[] = [];
    const placed = new Set<string>();
    const pushRow = (row: LogRow, grouped: boolean) => {
      const expandable = isExpandable(row);
      const expanded = expandable && options.expanded.has(row.seq);
      out.push({ kind: 'row', row, grouped, expandable, expanded });
      if (!expanded) return;
      for (const line of row.text.split('\n').slice(1)) out.push({ kind: 'detail', row, grouped, text: line });
      for (const [label, text] of row.fields ?? []) out.push({ kind: 'detail', row, grouped, label, text });
    };
    for (const row of this.rowsInOrder) {
      const group = this.groupOf(row);
      if (!group) {
        if (rowMatches(row, options.query)) pushRow(row, false);
        continue;
      }
      if (placed.has(group.key)) continue;
      placed.add(group.key);
      const shown = options.query ? group.rows.filter((r) => rowMatches(r, options.query)) : group.rows;
      if (shown.length === 0) continue;
      const collapsed = options.collapsed.has(group.key);
      out.push({ kind: 'group', group, collapsed, shown: shown.length });
      if (!collapsed) for (const r of shown) pushRow(r, true);
    }
    return out;
  }
}
