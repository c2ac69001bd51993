/**
 * The function panel's message envelope, shared by the extension (panels/function) and the
 * webview (webview/function). Every tab speaks its own typed protocol inside this envelope; the
 * frame routes by `tab`. Imports nothing, so the webview bundle can include it.
 */

/** Tabs of the function panel, in display order. */
export const TAB_IDS = ['invoke', 'logs', 'configuration', 'aliases'] as const;
export type TabId = (typeof TAB_IDS)[number];

export const TAB_TITLES: Record<TabId, string> = {
  invoke: 'Invoke',
  logs: 'Logs',
  configuration: 'Configuration',
  aliases: 'Aliases & Traffic',
};

export function isTabId(value: unknown): value is TabId {
  return typeof value === 'string' && (TAB_IDS as readonly string[]).includes(value);
}

/** Which function a panel shows; plain data so it can be persisted by the panel serializer. */
export interface FunctionTarget {
  /** "local", "profile:<name>" or "custom:<name>". */
  connectionId: string;
  connectionLabel: string;
  connectionKind: 'local' | 'profile' | 'custom';
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

/**
 * One message. `notify` goes either way and needs no answer. `request` (webview → extension)
 * carries an id and is answered by exactly one `reply` or `error` with the same id.
 */
export type Envelope =
  | { tab: TabId | 'frame'; kind: 'notify'; type: string; payload?: unknown }
  | { tab: TabId; kind: 'request'; id: number; type: string; payload?: unknown }
  | { tab: TabId; kind: 'reply'; id: number; payload?: unknown }
  | { tab: TabId; kind: 'error'; id: number; message: string };

/** Structural check of a message from the webview; payloads are then validated by each tab. */
export function isEnvelope(value: unknown): value is Envelope {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null) return false;
  if (v.tab !== 'frame' && !isTabId(v.tab)) return false;
  switch (v.kind) {
    case 'notify':
      return typeof v.type === 'string';
    case 'request':
      return v.tab !== 'frame' && Number.isSafeInteger(v.id) && typeof v.type === 'string';
    case 'reply':
      return Number.isSafeInteger(v.id);
    case 'error':
      return Number.isSafeInteger(v.id) && typeof v.message === 'string';
    default:
      return false;
  }
}

/** Frame notifications (tab "frame"). */
export interface FrameInit {
  target: FunctionTarget;
  activeTab: TabId;
  /** Tabs that have an implementation in this build; the others are not shown. */
  tabs: TabId[];
}
/** extension → webview: `init` (payload FrameInit), `showTab` (payload { tab }). */
export type FrameToWebview = 'init' | 'showTab';
/** webview → extension: `ready` (no payload; sent once the script runs), `tabChanged` (payload { tab }). */
export type FrameFromWebview = 'ready' | 'tabChanged';
