import type { Compiler, StatsCompilation } from 'webpack';

/** What one build emitted, from webpack's own stats. */
export interface BuildStats {
  format: 1;
  /** webpack's mode of the build ("development" or "production"). */
  mode: string;
  /** Per entrypoint, the .js files it loads first (before any dynamic import()). */
  entrypoints: Record<string, string[]>;
  /** Per emitted .js file (relative to the output folder): its size in bytes and the modules it holds. */
  files: Record<string, { size: number; modules: string[] }>;
}

export class BuildStatsPlugin {
  constructor(options: { file: string });
  apply(compiler: Compiler): void;
}
export function summarize(json: StatsCompilation, mode: string | undefined): BuildStats;
export function readBuildStats(file: string): BuildStats;
export function packageOf(moduleName: string): string | undefined;
