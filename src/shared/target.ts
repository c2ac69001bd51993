/**
 * Which function a panel, a command or a CodeLens is about, and which tab of its panel: plain
 * data, so it can be persisted, passed to commands and sent to a webview.
 */

/** Tabs of the function panel, in display order. */
export const TAB_IDS = ['invoke', 'logs', 'configuration', 'aliases', 'monitor'] as const;
export type TabId = (typeof TAB_IDS)[number];

export function isTabId(value: unknown): value is TabId {
  return typeof value === 'string' && (TAB_IDS as readonly string[]).includes(value);
}

export type ConnectionKind = 'local' | 'profile' | 'custom';

/** Which function a panel shows. */
export interface FunctionTarget {
  /** "local", "profile:<name>" or "custom:<name>". */
  connectionId: string;
  connectionLabel: string;
  connectionKind: ConnectionKind;
  region: string;
  functionName: string;
  functionArn?: string;
  /** Qualifier the panel was opened on (a version or alias from the tree). */
  qualifier?: string;
}

export function isFunctionTarget(value: unknown): value is FunctionTarget {
  const v = value as Partial<FunctionTarget> | null;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.connectionId === 'string' && typeof v.connectionLabel === 'string' &&
    (v.connectionKind === 'local' || v.connectionKind === 'profile' || v.connectionKind === 'custom') &&
    typeof v.region === 'string' && typeof v.functionName === 'string' && v.functionName.length > 0 &&
    (v.functionArn === undefined || typeof v.functionArn === 'string') &&
    (v.qualifier === undefined || typeof v.qualifier === 'string')
  );
}

/** A stable key for "the same function": one panel per key. */
export function targetKey(t: FunctionTarget): string {
  return `${t.connectionId}|${t.region}|${t.functionName}`;
}
