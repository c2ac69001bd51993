// Small pure helpers of the Invoke tab's webview: sizes and times. JSON is checked by
// shared/json, the same checker the extension uses.

export { formatBytes, utf8Length } from '../../../shared/units';

/** "0.84 ms", "27 ms", "1.25 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  if (ms < 10 && !Number.isInteger(ms)) return `${ms.toFixed(2)} ms`;
  return `${Math.round(ms * 100) / 100} ms`;
}
