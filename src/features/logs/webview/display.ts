// What the Logs view lists: rows in arrival order, the lines of one request gathered under a
// collapsible header, filtered by the search text. Plain data, no DOM, so it can be tested alone.
import type { LogRow } from '../protocol';

export interface RequestGroup {
  requestId: string;
  rows: LogRow[];
  start?: LogRow;
  report?: LogRow;
  ended: boolean;
  errors: number;
  warnings: number;
}

export type DisplayItem =
  | { kind: 'group'; group: RequestGroup; collapsed: boolean; shown: number }
  | { kind: 'row'; row: LogRow; grouped: boolean; expandable: boolean; expanded: boolean }
  | { kind: 'detail'; row: LogRow; grouped: boolean; label?: string; text: string };

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
  private readonly groupsById = new Map<string, RequestGroup>();

  get rows(): readonly LogRow[] {
    return this.rowsInOrder;
  }

  get size(): number {
    return this.rowsInOrder.length;
  }

  group(requestId: string): RequestGroup | undefined {
    return this.groupsById.get(requestId);
  }

  reset(rows: readonly LogRow[]): void {
    this.rowsInOrder = [];
    this.groupsById.clear();
    this.append(rows, rows[0]?.seq ?? 0);
  }

  /** Adds rows and forgets those before `firstSeq` (dropped by the extension's buffer). */
  append(rows: readonly LogRow[], firstSeq: number): void {
    for (const row of rows) {
      this.rowsInOrder.push(row);
      if (!row.requestId) continue;
      let group = this.groupsById.get(row.requestId);
      if (!group) {
        group = { requestId: row.requestId, rows: [], ended: false, errors: 0, warnings: 0 };
        this.groupsById.set(row.requestId, group);
      }
      group.rows.push(row);
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
      const id = this.rowsInOrder[i].requestId;
      const group = id ? this.groupsById.get(id) : undefined;
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
      if (group.rows.length === 0) this.groupsById.delete(group.requestId);
    }
    this.rowsInOrder = this.rowsInOrder.slice(drop);
  }

  /** A request is shown as a group when Lambda's START or REPORT line for it is there. */
  private groupOf(row: LogRow): RequestGroup | undefined {
    const group = row.requestId ? this.groupsById.get(row.requestId) : undefined;
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
      if (placed.has(group.requestId)) continue;
      placed.add(group.requestId);
      const shown = options.query ? group.rows.filter((r) => rowMatches(r, options.query)) : group.rows;
      if (shown.length === 0) continue;
      const collapsed = options.collapsed.has(group.requestId);
      out.push({ kind: 'group', group, collapsed, shown: shown.length });
      if (!collapsed) for (const r of shown) pushRow(r, true);
    }
    return out;
  }
}
