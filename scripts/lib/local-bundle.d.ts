export const SOURCE_DIRS: string[];
export const SOURCE_FILES: string[];
export const OUTPUTS: string[];
export function newestSource(root?: string): { file: string | undefined; mtimeMs: number };
export function builtAt(dist?: string): number | undefined;
export function rebuildReason(root?: string): { kind: 'missing' | 'stale'; message: string } | undefined;
export function buildLocalBundle(root?: string): Promise<void>;
export function ensureLocalBundle(options?: { root?: string; log?: (line: string) => void }): { bundle: string; built: boolean };
