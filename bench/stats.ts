/** Small helpers shared by the benchmarks. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function summarize(samples: number[]): { p50: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, n: sorted.length };
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

export interface BudgetRow {
  name: string;
  value: string;
  budget: string;
  ratio: string;
  ok: boolean | undefined;
}

export function printTable(rows: BudgetRow[]): void {
  const head = ['measure', 'value', 'budget', 'vs baseline', 'within budget'];
  const body = rows.map((r) => [r.name, r.value, r.budget, r.ratio, r.ok === undefined ? '-' : r.ok ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}
