import type { TabViewRegistration } from './tab';

/** Webview-side tab implementations, in display order. One line per tab. */
export const TAB_VIEWS: TabViewRegistration[] = [];
