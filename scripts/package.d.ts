export interface VsixEntry {
  name: string;
  size: number;
}
export interface PackageResult {
  staging: string;
  /** Source bytes per package in each emitted .js file, keyed by its path in the extension (dist/…). */
  chunks: Record<string, Record<string, number>>;
  vsix?: string;
  size?: number;
  entries?: VsixEntry[];
}
export const STAGING: string;
export const ALLOWED_ENTRIES: RegExp[];
export function buildProduction(outDir?: string): Promise<Record<string, Record<string, number>>>;
export function stageManifestFiles(outDir?: string): void;
export function runVsce(outDir?: string): string;
export function listVsix(file: string): VsixEntry[];
export function unexpectedEntries(entries: VsixEntry[]): string[];
export function packageExtension(options?: { vsix?: boolean }): Promise<PackageResult>;
export function vsixPath(): string;
