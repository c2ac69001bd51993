// The Logs tab: a live, virtualized list of log lines with requests grouped under collapsible
// headers, filter inputs (sent to CloudWatch), a search within the buffer, pause, clear, copy,
// save, and scrolling that follows new lines until the person scrolls up.
import './logs.css';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import {
  LOGS_FILTER_LIMITS, rowToText, shortStreamName,
  type LogRow, type LogsAppend, type LogsFilter, type LogsMode, type LogsProtocol, type LogsReset, type LogsState,
} from '../protocol';
import { el } from '../../../webview/dom';
import type { TabApi, TabView } from '../../../webview/tab';
import { firstLine, LogList, wrapItems, type DisplayItem, type RequestGroup } from './display';
import { VirtualList } from './virtualList';
import { errorMessage } from '../../../shared/errors';

interface SavedState extends LogsFilter {
  search: string;
  /** Long lines wrap onto following rows instead of being cut. */
  wrap: boolean;
}

/** Left padding of a line's continuation rows (where detail lines start too). */
const CONTINUATION_INDENT_PX = 200;

const MODE_LABELS: Record<LogsMode, { icon: string; text: string }> = {
  connecting: { icon: 'loading', text: 'Connecting…' },
  waiting: { icon: 'watch', text: 'Waiting for log group' },
  live: { icon: 'circle-filled', text: 'Live' },
  polling: { icon: 'sync', text: 'Polling' },
  reconnecting: { icon: 'loading', text: 'Reconnecting…' },
  paused: { icon: 'debug-pause', text: 'Paused' },
  failed: { icon: 'error', text: 'Failed' },
  stopped: { icon: 'debug-stop', text: 'Stopped' },
};

/** What the tail does underneath a paused view, for the badge's tooltip. */
const TAIL_WHILE_PAUSED: Record<LogsMode, string> = {
  connecting: 'connecting', waiting: 'waiting for the log group', live: 'Live Tail', polling: 'polling',
  reconnecting: 'reconnecting', paused: 'paused', failed: 'failed', stopped: 'stopped',
};

function icon(name: string, extra = ''): HTMLElement {
  const span = el('span', `codicon codicon-${name}${extra}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

function toolbarButton(iconName: string, label: string, text: string): HTMLElementTagNameMap['vscode-toolbar-button'] {
  const button = el('vscode-toolbar-button', 'logs-button');
  button.icon = iconName;
  button.label = label;
  button.title = label;
  button.textContent = text;
  return button;
}

function textField(placeholder: string, label: string, maxLength: number): HTMLElementTagNameMap['vscode-textfield'] {
  const field = el('vscode-textfield', 'logs-field');
  field.placeholder = placeholder;
  field.setAttribute('aria-label', label);
  field.title = label;
  field.maxLength = maxLength;
  return field;
}

const two = (n: number) => String(n).padStart(2, '0');
function clock(t: number): string {
  const d = new Date(t);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

/** Text with each occurrence of `query` (case-insensitive) wrapped in <mark>. */
function highlighted(parent: HTMLElement, text: string, query: string): void {
  if (!query) {
    parent.textContent = text;
    return;
  }
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  let at = 0;
  parent.replaceChildren();
  for (let i = lower.indexOf(q); i >= 0 && parent.childNodes.length < 200; i = lower.indexOf(q, at)) {
    if (i > at) parent.append(document.createTextNode(text.slice(at, i)));
    parent.append(el('mark', 'logs-match', text.slice(i, i + q.length)));
    at = i + q.length;
  }
  if (at < text.length) parent.append(document.createTextNode(text.slice(at)));
}

function badge(text: string, kind: string, tooltip?: string): HTMLElement {
  const b = el('span', `logs-badge logs-badge-${kind}`, text);
  if (tooltip) b.title = tooltip;
  return b;
}

export class LogsView implements TabView<LogsProtocol> {
  private api!: TabApi<LogsProtocol>;
  private readonly list = new LogList();
  private readonly collapsed = new Set<string>();
  private readonly expanded = new Set<number>();
  private items: DisplayItem[] = [];
  private state?: LogsState;
  private saved: SavedState = { filterPattern: '', streamPrefix: '', search: '', wrap: false };
  /** Width of one character of the list's font, measured once it is laid out. */
  private charWidth = 0;
  private wrapButton!: HTMLElementTagNameMap['vscode-toolbar-button'];
  private started = false;
  private dirty = false;
  private frameRequested = false;

  private virtual!: VirtualList<DisplayItem>;
  private modeBadge!: HTMLElement;
  private statusLine!: HTMLElement;
  private counts!: HTMLElement;
  private filterField!: HTMLElementTagNameMap['vscode-textfield'];
  private prefixField!: HTMLElementTagNameMap['vscode-textfield'];
  private searchField!: HTMLElementTagNameMap['vscode-textfield'];
  private pauseButton!: HTMLElementTagNameMap['vscode-toolbar-button'];
  private followButton!: HTMLElementTagNameMap['vscode-toolbar-button'];
  private retryButton!: HTMLElementTagNameMap['vscode-toolbar-button'];
  private message!: HTMLElement;

  mount(root: HTMLElement, api: TabApi<LogsProtocol>): void {
    this.api = api;
    const saved = api.getState<Partial<SavedState>>();
    this.saved = {
      filterPattern: typeof saved?.filterPattern === 'string' ? saved.filterPattern : '',
      streamPrefix: typeof saved?.streamPrefix === 'string' ? saved.streamPrefix : '',
      search: typeof saved?.search === 'string' ? saved.search : '',
      wrap: saved?.wrap === true,
    };
    root.classList.add('logs-root');
    root.append(this.renderToolbar(), this.renderStatus());
    const viewport = el('div', 'logs-viewport');
    viewport.setAttribute('role', 'list');
    viewport.setAttribute('aria-label', 'Log lines');
    viewport.tabIndex = 0;
    root.append(viewport);
    this.virtual = new VirtualList<DisplayItem>(viewport, (row, item) => this.renderItem(row, item), () => this.updateFollowButton());
    viewport.addEventListener('click', (event) => this.onListClick(event));
    viewport.addEventListener('keydown', (event) => {
      if (event.key === 'End') this.virtual.follow(true);
    });
    viewport.classList.toggle('logs-wrap', this.saved.wrap);
    // Wrapped rows depend on the width: a narrower panel wraps sooner.
    let lastWidth = 0;
    window.addEventListener('resize', () => {
      if (!this.saved.wrap || viewport.clientWidth === lastWidth) return;
      lastWidth = viewport.clientWidth;
      this.invalidate();
    });
    this.empty();
  }

  onShown(): void {
    if (!this.started) {
      this.started = true;
      this.api.notify('start', { filterPattern: this.saved.filterPattern, streamPrefix: this.saved.streamPrefix });
    }
    this.virtual?.fit();
    // A hidden tab had no height to scroll in: show the newest lines now it has one.
    if (this.virtual?.following) requestAnimationFrame(() => this.virtual.follow(true));
  }

  readonly notifications = {
    reset: (reset: LogsReset) => {
      this.list.reset(reset.rows);
      this.expanded.clear();
      this.applyState(reset.state);
      this.invalidate();
    },
    append: (append: LogsAppend) => {
      this.list.append(append.rows, append.firstSeq);
      if (this.state) this.state.dropped = append.dropped;
      this.invalidate();
    },
    state: (state: LogsState) => {
      this.applyState(state);
      this.renderCounts();
    },
  };

  // ------------------------------------------------------------ toolbar and status

  private renderToolbar(): HTMLElement {
    const bar = el('div', 'logs-toolbar');
    this.modeBadge = el('span', 'logs-mode');
    this.modeBadge.setAttribute('role', 'status');

    this.filterField = textField('Filter pattern, e.g. ERROR or { $.level = "ERROR" }', 'CloudWatch filter pattern (Enter to apply)', LOGS_FILTER_LIMITS.filterPattern);
    this.filterField.classList.add('logs-filter');
    this.filterField.value = this.saved.filterPattern;
    this.prefixField = textField('Stream prefix', 'Log stream name prefix (Enter to apply)', LOGS_FILTER_LIMITS.streamPrefix);
    this.prefixField.classList.add('logs-prefix');
    this.prefixField.value = this.saved.streamPrefix;
    for (const field of [this.filterField, this.prefixField]) {
      field.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') void this.applyFilter();
      });
    }
    const apply = toolbarButton('filter', 'Apply the filter pattern and stream prefix', 'Apply');
    apply.addEventListener('click', () => void this.applyFilter());

    this.searchField = textField('Search', 'Search the lines shown', 1000);
    this.searchField.classList.add('logs-search');
    this.searchField.type = 'search';
    this.searchField.value = this.saved.search;
    this.searchField.addEventListener('input', () => {
      this.saved.search = this.searchField.value;
      this.saveState();
      this.invalidate();
    });

    this.pauseButton = toolbarButton('debug-pause', 'Pause: stop showing new lines (they are kept)', 'Pause');
    this.pauseButton.addEventListener('click', () => this.api.notify('pause', { paused: !this.state?.paused }));
    this.followButton = toolbarButton('arrow-down', 'Follow new lines (scroll to the end)', 'Follow');
    // Toggles show their state (and screen readers hear it: role "switch" with aria-checked).
    this.pauseButton.toggleable = true;
    this.followButton.toggleable = true;
    this.followButton.addEventListener('click', () => {
      this.virtual.follow(!this.virtual.following);
      this.updateFollowButton();
    });
    this.wrapButton = toolbarButton('word-wrap', 'Wrap long lines instead of cutting them', 'Wrap');
    this.wrapButton.toggleable = true;
    this.wrapButton.addEventListener('click', () => this.setWrap(!this.saved.wrap));
    this.updateWrapButton();
    const collapse = toolbarButton('collapse-all', 'Collapse or expand all requests', 'Collapse');
    collapse.addEventListener('click', () => this.toggleAllGroups());
    const clear = toolbarButton('clear-all', 'Clear the lines', 'Clear');
    clear.addEventListener('click', () => {
      this.collapsed.clear();
      this.api.notify('clear');
    });
    const copy = toolbarButton('copy', 'Copy the lines shown', 'Copy');
    copy.addEventListener('click', () => this.copy());
    const save = toolbarButton('save', 'Save all lines to a file', 'Save');
    save.addEventListener('click', () => void this.save());
    this.retryButton = toolbarButton('refresh', 'Start tailing again', 'Retry');
    this.retryButton.classList.add('logs-hidden');
    this.retryButton.addEventListener('click', () => void this.api.request('reconnect').catch((e: Error) => this.showMessage(e.message, true)));

    const filters = el('div', 'logs-filters');
    filters.append(this.filterField, this.prefixField, apply);
    const actions = el('div', 'logs-actions');
    actions.append(this.searchField, this.pauseButton, this.followButton, this.wrapButton, collapse, clear, copy, save, this.retryButton);
    bar.append(this.modeBadge, filters, actions);
    return bar;
  }

  private renderStatus(): HTMLElement {
    const status = el('div', 'logs-status');
    this.statusLine = el('span', 'logs-detail');
    this.counts = el('span', 'logs-counts');
    this.message = el('span', 'logs-message');
    status.append(this.statusLine, this.message, this.counts);
    return status;
  }

  private applyState(state: LogsState): void {
    this.state = state;
    const mode = MODE_LABELS[state.mode];
    this.modeBadge.className = `logs-mode logs-mode-${state.mode}`;
    const spin = state.mode === 'connecting' || state.mode === 'reconnecting' ? ' codicon-modifier-spin' : '';
    this.modeBadge.replaceChildren(icon(mode.icon, spin), document.createTextNode(mode.text));
    const underneath = state.mode === 'paused' ? `New lines are kept, not shown; the tail goes on (${TAIL_WHILE_PAUSED[state.tailMode]}).` : undefined;
    this.modeBadge.title = [underneath, state.detail].filter(Boolean).join(' ') || mode.text;
    this.statusLine.textContent = [`${state.title} · ${state.subtitle}`, state.detail].filter(Boolean).join(' — ');
    this.statusLine.classList.toggle('logs-detail-error', state.tailMode === 'failed');
    this.retryButton.classList.toggle('logs-hidden', state.tailMode !== 'failed' && state.tailMode !== 'stopped');
    this.pauseButton.icon = state.paused ? 'debug-continue' : 'debug-pause';
    this.pauseButton.textContent = state.paused ? 'Resume' : 'Pause';
    this.pauseButton.label = state.paused ? 'Resume: show the lines that arrived' : 'Pause: stop showing new lines (they are kept)';
    this.pauseButton.checked = state.paused;
    if (document.activeElement !== this.filterField && state.filterPattern !== this.filterField.value) this.filterField.value = state.filterPattern;
    if (document.activeElement !== this.prefixField && state.streamPrefix !== this.prefixField.value) this.prefixField.value = state.streamPrefix;
    if (this.items.length === 0) this.empty();
  }

  private renderCounts(): void {
    const parts = [`${this.list.size.toLocaleString()} line${this.list.size === 1 ? '' : 's'}`];
    if (this.saved.search) parts.push(`${this.items.filter((i) => i.kind === 'row').length.toLocaleString()} matching`);
    if (this.state?.paused && this.state.pending > 0) parts.push(`paused, ${this.state.pending.toLocaleString()} new waiting`);
    if (this.state && this.state.dropped > 0) parts.push(`${this.state.dropped.toLocaleString()} older dropped (buffer ${this.state.capacity.toLocaleString()})`);
    if (this.state?.sampled) parts.push('sampled by Live Tail');
    this.counts.textContent = parts.join(' · ');
    this.counts.classList.toggle('logs-counts-warn', (this.state?.dropped ?? 0) > 0 || this.state?.sampled === true);
  }

  private showMessage(text: string, error = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('logs-message-error', error);
  }

  private saveState(): void {
    this.api.setState<SavedState>(this.saved);
  }

  private setWrap(on: boolean): void {
    this.saved.wrap = on;
    this.saveState();
    this.updateWrapButton();
    this.virtual.viewport.classList.toggle('logs-wrap', on);
    this.invalidate();
  }

  private updateWrapButton(): void {
    this.wrapButton.checked = this.saved.wrap;
    this.wrapButton.classList.toggle('logs-on', this.saved.wrap);
    this.wrapButton.label = this.saved.wrap ? 'Wrap is on: long lines continue on the rows below' : 'Wrap long lines instead of cutting them';
    this.wrapButton.title = this.wrapButton.label;
  }

  /** The items as shown: with wrap on, each long line continues on the rows below it. */
  private wrapped(items: DisplayItem[]): DisplayItem[] {
    if (!this.saved.wrap) return items;
    const viewport = this.virtual.viewport;
    if (!this.charWidth) {
      const probe = el('span', '', 'M'.repeat(100));
      probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre';
      viewport.append(probe);
      this.charWidth = probe.getBoundingClientRect().width / 100;
      probe.remove();
    }
    const ch = this.charWidth || 7.5;
    // Room left of a line's text: padding, twistie, time (12 characters), stream (17 characters),
    // level, and the gaps between them; on the right the padding, a badge of fields, and a spare.
    const width = viewport.clientWidth;
    const textLeft = (item: DisplayItem) => {
      if (item.kind === 'group') return 0;
      if (item.kind === 'row') {
        const level = item.row.level ? Math.max(5, item.row.level.length) * ch + 8 : 0;
        return (item.grouped ? 26 : 4) + 16 + 8 + 12 * ch + 8 + 17 * ch + 8 + level;
      }
      return (item.grouped ? CONTINUATION_INDENT_PX + 22 : CONTINUATION_INDENT_PX) + (item.label !== undefined ? item.label.length + 1 : 0) * ch + (item.label !== undefined ? 8 : 0);
    };
    const textRight = (item: DisplayItem) => 8 + (item.kind === 'row' && item.expandable && !item.expanded && item.row.fields ? (String(item.row.fields.length).length + 2) * ch + 8 : 0) + 2 * ch;
    const firstChars = (item: DisplayItem) => (width - textLeft(item) - textRight(item)) / ch;
    const restChars = (width - CONTINUATION_INDENT_PX - 22 - 8 - 2 * ch) / ch;
    return wrapItems(items, firstChars, restChars);
  }

  private updateFollowButton(): void {
    this.followButton.checked = this.virtual.following;
    this.followButton.classList.toggle('logs-on', this.virtual.following);
  }

  // ------------------------------------------------------------ actions

  private async applyFilter(): Promise<void> {
    const filter: LogsFilter = { filterPattern: this.filterField.value.trim(), streamPrefix: this.prefixField.value.trim() };
    this.saved = { ...this.saved, ...filter };
    this.saveState();
    this.started = true;
    this.showMessage('');
    try {
      await this.api.request('setFilter', filter);
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    }
  }

  private copy(): void {
    const rows: LogRow[] = [];
    const seen = new Set<number>();
    for (const item of this.items) {
      const add = (row: LogRow) => {
        if (seen.has(row.seq)) return;
        seen.add(row.seq);
        rows.push(row);
      };
      if (item.kind === 'row') add(item.row);
      else if (item.kind === 'group' && item.collapsed) item.group.rows.forEach(add);
    }
    this.api.notify('copy', { text: rows.map(rowToText).join('\n') });
  }

  private async save(): Promise<void> {
    try {
      const saved = await this.api.request('save');
      if (saved) this.showMessage(`Saved to ${saved.path}`);
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    }
  }

  private toggleAllGroups(): void {
    const groups = this.items.filter((i): i is Extract<DisplayItem, { kind: 'group' }> => i.kind === 'group');
    const collapse = groups.some((g) => !g.collapsed);
    for (const g of groups) {
      if (collapse) this.collapsed.add(g.group.key);
      else this.collapsed.delete(g.group.key);
    }
    this.invalidate();
  }

  private onListClick(event: MouseEvent): void {
    if (window.getSelection()?.toString()) return; // selecting text is not a click on the row
    const rowElement = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const item = rowElement ? this.items[Number(rowElement.dataset.index)] : undefined;
    if (!item) return;
    if (item.kind === 'group') {
      if (this.collapsed.has(item.group.key)) this.collapsed.delete(item.group.key);
      else this.collapsed.add(item.group.key);
    } else if (item.kind === 'row' && item.expandable) {
      if (this.expanded.has(item.row.seq)) this.expanded.delete(item.row.seq);
      else this.expanded.add(item.row.seq);
    } else {
      return;
    }
    this.invalidate(false);
  }

  // ------------------------------------------------------------ list

  /** Recomputes the list on the next animation frame (at most once a frame, however many batches arrive). */
  private invalidate(keepFollowing = true): void {
    this.dirty = true;
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (!this.dirty) return;
      this.dirty = false;
      this.items = this.wrapped(this.list.items({ query: this.saved.search, collapsed: this.collapsed, expanded: this.expanded }));
      this.virtual.setItems(this.items, keepFollowing);
      this.renderCounts();
      if (this.items.length === 0) this.empty();
      else this.virtual.viewport.classList.remove('logs-empty');
    });
  }

  private empty(): void {
    this.virtual.viewport.classList.add('logs-empty');
    const text = this.saved.search && this.list.size > 0
      ? 'No line matches the search.'
      : this.state?.tailMode === 'waiting'
        ? 'The log group does not exist yet: invoke the function and its logs appear here.'
        : 'No log lines yet. New lines appear here within a second of being written: invoke the function to see some.';
    this.virtual.viewport.dataset.empty = text;
  }

  private renderItem(row: HTMLElement, item: DisplayItem): void {
    row.className = 'logs-row';
    row.replaceChildren();
    row.removeAttribute('aria-expanded');
    if (item.kind === 'group') return this.renderGroup(row, item.group, item.collapsed, item.shown);
    const r = item.row;
    if (item.grouped) row.classList.add('logs-in-group');
    if (item.kind === 'detail') {
      row.classList.add(item.continuation ? 'logs-continuation' : 'logs-detail-line');
      if (item.label !== undefined) row.append(el('span', 'logs-field-name', `${item.label}:`));
      const value = el('span', 'logs-text');
      highlighted(value, item.text, this.saved.search);
      row.append(value);
      return;
    }
    if (r.level === 'ERROR' || r.level === 'FATAL') row.classList.add('logs-error');
    else if (r.level === 'WARN') row.classList.add('logs-warn');
    if (r.platform) row.classList.add('logs-platform');
    const twistie = el('span', 'logs-twistie');
    if (item.expandable) {
      twistie.append(icon(item.expanded ? 'chevron-down' : 'chevron-right'));
      row.setAttribute('aria-expanded', String(item.expanded));
    }
    const time = el('span', 'logs-time', clock(r.t));
    time.title = new Date(r.t).toISOString();
    const stream = el('span', 'logs-stream', shortStreamName(r.stream));
    stream.title = r.stream;
    row.append(twistie, time, stream);
    if (r.level) row.append(el('span', `logs-level logs-level-${r.level.toLowerCase()}`, r.level));
    const text = el('span', 'logs-text');
    highlighted(text, item.shownText ?? (firstLine(r.text) || (r.fields ? '(no message)' : '')), this.saved.search);
    text.title = r.raw ?? r.text;
    row.append(text);
    if (item.expandable && !item.expanded && r.fields) row.append(el('span', 'logs-more', `{${r.fields.length}}`));
  }

  private renderGroup(row: HTMLElement, group: RequestGroup, collapsed: boolean, shown: number): void {
    row.classList.add('logs-group');
    if (group.errors > 0) row.classList.add('logs-group-error');
    row.setAttribute('aria-expanded', String(!collapsed));
    const first = group.start ?? group.rows[0];
    const twistie = el('span', 'logs-twistie');
    twistie.append(icon(collapsed ? 'chevron-right' : 'chevron-down'));
    const time = el('span', 'logs-time', first ? clock(first.t) : '');
    const stream = el('span', 'logs-stream', first ? shortStreamName(first.stream) : '');
    if (first) stream.title = first.stream;
    const title = el('span', 'logs-group-title', `Request ${group.requestId.slice(0, 8)}`);
    title.title = `RequestId: ${group.requestId}`;
    row.append(twistie, time, stream, title);
    if (group.start?.version) row.append(badge(group.start.version, 'version', 'Version that ran'));
    if (group.attempt) {
      row.append(badge(`Attempt ${group.attempt.n} of ${group.attempt.of}`, 'attempt',
        group.attempt.n > 1 ? 'A retry of an asynchronous (Event) call: same request id, run again' : 'The first run of an asynchronous (Event) call'));
    }
    const report = group.report?.report;
    if (report) {
      row.append(badge(formatMs(report.durationMs), 'duration', `Duration ${report.durationMs} ms, billed ${report.billedDurationMs} ms`));
      row.append(badge(`${report.maxMemoryUsedMb}/${report.memorySizeMb} MB`, 'memory', `Max memory used ${report.maxMemoryUsedMb} MB of ${report.memorySizeMb} MB`));
      const init = report.initDurationMs ?? report.restoreDurationMs;
      if (report.coldStart) row.append(badge(init !== undefined ? `Cold start ${formatMs(init)}` : 'Cold start', 'cold', 'A new execution environment served this request'));
      if (report.status && report.status !== 'success') row.append(badge(report.errorType ? `${report.status}: ${report.errorType}` : report.status, 'failed'));
    } else if (!group.ended) {
      row.append(badge('running', 'running', 'No REPORT line yet'));
    }
    if (group.errors > 0) row.append(badge(`${group.errors} error${group.errors === 1 ? '' : 's'}`, 'errors'));
    else if (group.warnings > 0) row.append(badge(`${group.warnings} warning${group.warnings === 1 ? '' : 's'}`, 'warnings'));
    if (group.destination) {
      const d = group.destination;
      row.append(badge(`→ ${d.kind}`, d.kind === 'OnFailure' ? 'failed' : 'destination', `Invocation record (${d.condition}) sent to ${d.arn}`));
    }
    const count = el('span', 'logs-group-count', this.saved.search ? `${shown} of ${group.rows.length} lines` : `${group.rows.length} lines`);
    row.append(count);
  }
}
