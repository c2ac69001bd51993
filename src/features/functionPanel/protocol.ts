/**
 * The function panel's own messages (channel "frame"): the ready handshake, which tabs there
 * are and which one shows. Each tab speaks its feature's protocol on its own channel. Plain data
 * and types only, so the webview bundle includes it.
 */
import { event, FRAME_CHANNEL, signal } from '../../shared/protocol';
import { TAB_IDS, type FunctionTarget, type TabId } from '../../shared/target';

export { FRAME_CHANNEL };

export const TAB_TITLES: Record<TabId, string> = {
  invoke: 'Invoke',
  logs: 'Logs',
  configuration: 'Configuration',
  aliases: 'Aliases & Traffic',
  monitor: 'Monitor',
};

export interface FrameInit {
  target: FunctionTarget;
  activeTab: TabId;
  /** Tabs that have an implementation in this build; the others are not shown. */
  tabs: TabId[];
}

export const frameProtocol = {
  requests: {},
  fromWebview: {
    /** The page's script runs (said again until `init` arrives). */
    ready: signal(),
    tabChanged: event<{ tab: TabId }>({
      type: 'object',
      properties: { tab: { type: 'string', enum: [...TAB_IDS] } },
      required: ['tab'],
      additionalProperties: false,
    }),
  },
  toWebview: {
    init: signal<FrameInit>(),
    showTab: signal<{ tab: TabId }>(),
  },
} as const;
export type FrameProtocol = typeof frameProtocol;
