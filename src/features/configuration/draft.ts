import { diffEnv, envEntryProblems, toEnvMap, type EnvEntry, type EnvMap } from './envVars';
import type { DiffLine, EnvRowView, RowStatus } from './protocol';

/** One row of the environment table as the extension keeps it (values included). */
export interface DraftRow {
  id: number;
  key: string;
  value: string;
  /** The key this row had when loaded; undefined for rows added since. */
  originalKey?: string;
  revealed: boolean;
  conflict?: string;
}

/**
 * The environment table being edited: ordered rows with stable ids. Pure (no VS Code), so the
 * editing rules can be tested on their own.
 */
export class EnvDraft {
  private rows: DraftRow[] = [];
  private nextId = 1;

  constructor(base: EnvMap = {}) {
    this.reset(base);
  }

  /** Replaces every row with the variables of `base`, all masked. */
  reset(base: EnvMap): void {
    this.rows = Object.entries(base).map(([key, value]) => ({ id: this.nextId++, key, value, originalKey: key, revealed: false }));
  }

  /** Rows in table order. */
  list(): readonly DraftRow[] {
    return this.rows;
  }

  get(id: number): DraftRow {
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw new Error('That row no longer exists; the table was reloaded.');
    return row;
  }

  /** A new empty row at the end, revealed so its value can be typed. */
  add(key = '', value = ''): DraftRow {
    const row: DraftRow = { id: this.nextId++, key, value, revealed: true };
    this.rows.push(row);
    return row;
  }

  remove(id: number): void {
    this.get(id);
    this.rows = this.rows.filter((r) => r.id !== id);
  }

  setKey(id: number, key: string): void {
    this.get(id).key = key;
  }

  setValue(id: number, value: string): void {
    const row = this.get(id);
    row.value = value;
    row.conflict = undefined;
  }

  reveal(id: number, revealed: boolean): void {
    this.get(id).revealed = revealed;
  }

  /** Moves a row to position `to` (clamped to the table). */
  move(id: number, to: number): void {
    const row = this.get(id);
    const rest = this.rows.filter((r) => r.id !== id);
    const index = Math.max(0, Math.min(rest.length, Math.floor(to)));
    rest.splice(index, 0, row);
    this.rows = rest;
  }

  /** Sets each entry on the row with its key, or appends a masked row; returns how many were added and updated. */
  upsert(entries: readonly EnvEntry[]): { added: number; updated: number } {
    let added = 0;
    let updated = 0;
    for (const { key, value } of entries) {
      const existing = this.rows.find((r) => r.key === key);
      if (existing) {
        if (existing.value !== value) updated++;
        existing.value = value;
      } else {
        this.rows.push({ id: this.nextId++, key, value, revealed: false });
        added++;
      }
    }
    return { added, updated };
  }

  /** Rows with a name, as entries (in table order). */
  entries(): EnvEntry[] {
    return this.rows.filter((r) => r.key !== '' || r.value !== '').map(({ key, value }) => ({ key, value }));
  }

  /** The Variables map this table would send. */
  map(): EnvMap {
    return toEnvMap(this.entries());
  }

  /** Problems by row id (bad or duplicate names). A completely empty row is ignored. */
  problems(): Map<number, string> {
    const counted = this.rows.filter((r) => r.key !== '' || r.value !== '');
    const byIndex = envEntryProblems(counted);
    return new Map([...byIndex].map(([index, problem]) => [counted[index].id, problem]));
  }

  /**
   * Replaces the table with a merge result: rows keep their place and reveal state where their
   * key survives; keys new to the table are appended, masked. `originalKey` is set against `newBase`.
   */
  applyMerge(merged: EnvMap, newBase: EnvMap, conflicts: Map<string, string>): void {
    const byKey = new Map(this.rows.filter((r) => r.key !== '').map((r) => [r.key, r]));
    this.rows = Object.entries(merged).map(([key, value]) => {
      const previous = byKey.get(key);
      return {
        id: previous?.id ?? this.nextId++,
        key,
        value,
        originalKey: Object.hasOwn(newBase, key) ? key : undefined,
        revealed: previous?.revealed ?? false,
        conflict: conflicts.get(key),
      };
    });
  }

  /** How a row differs from the loaded variables. */
  status(row: DraftRow, base: EnvMap): RowStatus {
    if (row.originalKey !== undefined && row.originalKey !== row.key && !Object.hasOwn(base, row.key)) return 'renamed';
    if (!Object.hasOwn(base, row.key)) return 'added';
    return base[row.key] === row.value ? 'unchanged' : 'changed';
  }

  /** What the webview shows: values only of revealed rows. */
  view(base: EnvMap): EnvRowView[] {
    const problems = this.problems();
    return this.rows.map((row) => ({
      id: row.id,
      key: row.key,
      ...(row.revealed ? { value: row.value } : {}),
      revealed: row.revealed,
      empty: row.value === '',
      status: this.status(row, base),
      ...(row.originalKey !== undefined && row.originalKey !== row.key ? { originalKey: row.originalKey } : {}),
      ...(problems.has(row.id) ? { keyProblem: problems.get(row.id) } : {}),
      ...(row.conflict ? { conflict: row.conflict } : {}),
    }));
  }

  /** The pending change in words, renames paired up; never values. */
  diffLines(base: EnvMap): DiffLine[] {
    const changes = diffEnv(base, this.map());
    const removed = new Set(changes.filter((c) => c.kind === 'removed').map((c) => c.key));
    const lines: DiffLine[] = [];
    const pairedAdds = new Set<string>();
    for (const row of this.rows) {
      const from = row.originalKey;
      if (from === undefined || from === row.key || !removed.has(from) || Object.hasOwn(base, row.key)) continue;
      removed.delete(from);
      pairedAdds.add(row.key);
      lines.push({ kind: 'renamed', text: `${from} → ${row.key}${base[from] === row.value ? '' : ' (value changed)'}` });
    }
    for (const change of changes) {
      if (change.kind === 'removed' && removed.has(change.key)) lines.push({ kind: 'removed', text: `${change.key} removed` });
      if (change.kind === 'added' && !pairedAdds.has(change.key)) lines.push({ kind: 'added', text: `${change.key} added` });
      if (change.kind === 'changed') lines.push({ kind: 'changed', text: `${change.key}: value changed` });
    }
    return lines;
  }
}
