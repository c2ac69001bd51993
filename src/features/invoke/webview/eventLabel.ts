/**
 * Names for events in the Invoke tab's recent list: an edited sample keeps the sample's name
 * while it still has the sample's shape; anything else is named by what it holds, so two
 * custom events read differently.
 */

/** The event an edit started from, and its top-level keys. */
export interface EventOrigin {
  label: string;
  keys: string[];
}

const EDITED = ' (edited)';
const MAX_KEY_CHARS = 24;
const SHOWN_KEYS = 3;

/** Top-level keys of JSON object text, in order; undefined when it is not a JSON object. */
export function topLevelKeys(text: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : undefined;
}

/** The origin to remember for an event loaded from a sample, a saved file or the recent list. */
export function originOf(label: string, payload: string): EventOrigin {
  return { label: label.endsWith(EDITED) ? label.slice(0, -EDITED.length) : label, keys: topLevelKeys(payload) ?? [] };
}

function clip(key: string): string {
  return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS - 1)}…` : key;
}

/** What an event typed or edited by hand is called. */
export function editedEventLabel(payload: string, origin?: EventOrigin): string {
  const keys = topLevelKeys(payload);
  if (origin && keys && origin.keys.length > 0 && origin.keys.every((k) => keys.includes(k))) return `${origin.label}${EDITED}`;
  if (!keys) return 'Custom event';
  if (keys.length === 0) return 'Custom event {}';
  const shown = keys.slice(0, SHOWN_KEYS).map(clip).join(', ');
  return `Custom event {${shown}${keys.length > SHOWN_KEYS ? ', …' : ''}}`;
}
