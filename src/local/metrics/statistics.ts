/**
 * CloudWatch's statistics over one period's samples: SampleCount, Sum, Average, Minimum,
 * Maximum and percentiles pNN / pNN.NN. Percentiles are taken by nearest rank: the sorted
 * samples' value at rank ceil(p / 100 × n) (the smallest for p0). CloudWatch computes them from
 * its own stored distribution and may differ from this by a sample's width.
 */

export type BasicStatistic = 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum';
export const BASIC_STATISTICS: readonly BasicStatistic[] = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'];

export type Statistic = { kind: 'basic'; name: BasicStatistic } | { kind: 'percentile'; name: string; p: number };

/** At most two decimals, 0 to 100 (p0, p50, p99.9, p99.99, p100). */
const PERCENTILE = /^p(\d{1,3})(?:\.(\d{1,2}))?$/;

/** The statistic a name stands for, or undefined for one CloudWatch would not take here. */
export function parseStatistic(name: string): Statistic | undefined {
  if ((BASIC_STATISTICS as readonly string[]).includes(name)) return { kind: 'basic', name: name as BasicStatistic };
  if (name.length > 8) return undefined;
  const m = PERCENTILE.exec(name);
  if (!m) return undefined;
  const p = Number(`${m[1]}.${m[2] ?? '0'}`);
  if (!(p >= 0 && p <= 100)) return undefined;
  return { kind: 'percentile', name, p };
}

/** One statistic of a non-empty list of samples. `sorted` is the samples in ascending order when a percentile needs it. */
export function statisticOf(stat: Statistic, samples: readonly number[], sorted?: ArrayLike<number>): number {
  const n = samples.length;
  if (stat.kind === 'percentile') {
    const ordered = sorted ?? Float64Array.from(samples).sort();
    const rank = Math.max(1, Math.ceil((stat.p / 100) * n));
    return ordered[Math.min(n, rank) - 1];
  }
  switch (stat.name) {
    case 'SampleCount': return n;
    case 'Sum': return sum(samples);
    case 'Average': return sum(samples) / n;
    case 'Minimum': return samples.reduce((a, b) => Math.min(a, b), Infinity);
    case 'Maximum': return samples.reduce((a, b) => Math.max(a, b), -Infinity);
  }
}

function sum(samples: readonly number[]): number {
  let total = 0;
  for (const v of samples) total += v;
  return total;
}
