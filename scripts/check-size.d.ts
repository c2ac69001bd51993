import type { BuildStats } from './lib/build-stats';

export function lazyOnlyPackagesIn(modules: string[]): string[];
export function activationReport(
  stats: BuildStats,
  sizeOnDisk: (file: string) => number | undefined,
): { files: string[]; size: number; eager: string[]; problems: string[] };
