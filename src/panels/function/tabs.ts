import type { TabRegistration } from './tab';

/** Extension-side tab implementations, in display order. One line per tab. */
export const TAB_REGISTRATIONS: TabRegistration[] = [];
