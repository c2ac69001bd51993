// Pure formatting shared by the extension and the webviews; imports nothing.

/** Bytes of `text` in UTF-8, as Lambda counts payload sizes. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** "812 B", "4.2 KB", "49.9 MB", "50 MB" (powers of 1024, as Lambda states its limits). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}
