// The Monitor tab: a range picker, a split by alias or version, and one chart per metric
// (uPlot, loaded as its own chunk the first time the tab shows), with hover values, a
// refresh on a timer while the tab is visible, and empty states that say why.
import 'uplot/dist/uPlot.min.css';
import './monitor.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { errorMessage } from '../../../shared/errors';
import { fillSelect, h, icon } from '../../../webview/dom';
import type { TabApi, TabView } from '../../../webview/tab';
import type { ChartScale, TimeChart, TimeChartData } from '../../../webview/charts';
import {
  RANGE_PRESETS,
  type ChartData,
  type ChartUnit,
  type MonitorData,
  type MonitorProtocol,
  type RangeChoice,
  type SplitMode,
} from '../protocol';

// Chunks loaded later (the charts) carry the page's nonce, as the CSP requires of every script.
declare let __webpack_nonce__: string;
// eslint-disable-next-line prefer-const -- webpack's free variable: it reads it when it adds a chunk's script tag
__webpack_nonce__ = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

type Button = HTMLElementTagNameMap['vscode-button'];
type Select = HTMLElementTagNameMap['vscode-single-select'];
type ChartsModule = typeof import('../../../webview/charts');

interface MonitorViewState {
  range: RangeChoice;
  split: SplitMode;
}

const SPLIT_LABELS: Record<SplitMode, string> = { none: 'No split', resource: 'By alias or version (Resource)', version: 'By version that ran (ExecutedVersion)' };

export function formatValue(unit: ChartUnit, value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'percent') return `${value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '')}%`;
  if (unit === 'ms') {
    if (value >= 60_000) return `${(value / 60_000).toFixed(1).replace(/\.0$/, '')} min`;
    if (value >= 1000) return `${(value / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
    return `${value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '')} ms`;
  }
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1).replace(/\.0$/, '')}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}

const SCALES: Record<ChartUnit, ChartScale> = {
  count: { id: 'count', format: (v) => formatValue('count', v), integer: true },
  ms: { id: 'ms', format: (v) => formatValue('ms', v) },
  percent: { id: 'percent', format: (v) => formatValue('percent', v) },
};

/** `datetime-local` text for an epoch ms, in local time. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

class ChartCard {
  readonly root: HTMLElement;
  private readonly title = h('div', { class: 'monitor-chart-title' });
  private readonly detail = h('div', { class: 'monitor-chart-detail' });
  readonly canvas = h('div', { class: 'monitor-chart-canvas' });
  chart?: TimeChart;

  constructor(readonly id: string) {
    this.root = h('section', { class: 'monitor-chart', 'data-chart': id }, this.title, this.detail, this.canvas);
  }

  render(data: ChartData, charts: ChartsModule, onDraw: () => void): void {
    this.title.textContent = data.title;
    this.detail.textContent = data.detail;
    const units = [...new Set(data.series.map((s) => s.unit))];
    const chartData: TimeChartData = {
      x: data.x,
      lines: data.series.map((s) => ({ label: s.label, values: s.values, scale: s.unit, color: s.color, dashed: s.dashed })),
    };
    if (this.chart) this.chart.update(chartData);
    else this.chart = new charts.TimeChart(this.canvas, chartData, { scales: units.map((u) => SCALES[u]), onDraw, syncKey: 'monitor' });
  }

  dispose(): void {
    this.chart?.dispose();
    this.root.remove();
  }
}

export class MonitorView implements TabView<MonitorProtocol> {
  private api!: TabApi<MonitorProtocol>;
  private root!: HTMLElement;
  private state: MonitorViewState = { range: { preset: '1h' }, split: 'none' };
  private readonly rangeButtons = new Map<string, Button>();
  private readonly customBox = h('div', { class: 'monitor-custom', hidden: true });
  private readonly customStart = h('input', { class: 'monitor-custom-start', type: 'datetime-local', 'aria-label': 'Start' });
  private readonly customEnd = h('input', { class: 'monitor-custom-end', type: 'datetime-local', 'aria-label': 'End' });
  private splitSelect!: Select;
  private readonly busy = h('vscode-progress-ring', { class: 'monitor-busy', hidden: true });
  private readonly status = h('span', { class: 'monitor-status' });
  private readonly summary = h('div', { class: 'monitor-summary' });
  private readonly note = h('div', { class: 'monitor-note', hidden: true });
  private readonly problem = h('div', { class: 'monitor-problem', hidden: true, role: 'status' });
  /** The place of the cost estimate: filled when the extension sends one. */
  private readonly cost = h('details', { class: 'monitor-cost', hidden: true });
  private readonly grid = h('div', { class: 'monitor-charts' });
  private readonly cards = new Map<string, ChartCard>();
  private charts?: Promise<ChartsModule>;
  private timer?: number;
  private last?: MonitorData;
  private shownAt?: number;
  private painted = false;
  private sequence = 0;
  private renderGeneration = 0;

  readonly notifications = {};

  mount(root: HTMLElement, api: TabApi<MonitorProtocol>): void {
    this.api = api;
    this.root = root;
    const saved = api.getState<Partial<MonitorViewState>>();
    if (saved?.range && typeof saved.range === 'object') this.state.range = saved.range;
    if (saved?.split === 'none' || saved?.split === 'resource' || saved?.split === 'version') this.state.split = saved.split;

    const ranges = h('div', { class: 'monitor-ranges', role: 'group', 'aria-label': 'Range' });
    for (const preset of [...RANGE_PRESETS, { id: 'custom', label: 'Custom' }]) {
      const b = h('vscode-button', { secondary: true, class: 'monitor-range', 'data-range': preset.id }, preset.label);
      b.addEventListener('click', () => this.pickRange(preset.id));
      this.rangeButtons.set(preset.id, b);
      ranges.append(b);
    }
    const apply = h('vscode-button', { class: 'monitor-custom-apply', icon: 'check' }, 'Apply');
    apply.addEventListener('click', () => this.applyCustom());
    this.customBox.append(h('label', {}, 'From ', this.customStart), h('label', {}, 'to ', this.customEnd), apply);

    this.splitSelect = h('vscode-single-select', { class: 'monitor-split', 'aria-label': 'Split' });
    this.splitSelect.addEventListener('change', () => {
      this.state.split = this.splitSelect.value as SplitMode;
      this.save();
      void this.load();
    });
    const refresh = h('vscode-button', { secondary: true, icon: 'refresh', class: 'monitor-refresh', title: 'Read the metrics again' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());

    root.append(
      h('div', { class: 'monitor-toolbar' }, ranges, this.splitSelect, refresh, this.busy, this.status),
      this.customBox,
      this.problem,
      this.summary,
      this.note,
      this.cost,
      this.grid,
    );
    this.renderSplits(['none'], 'none');
    this.renderRange();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.isVisible() && this.stale()) void this.load();
    });
  }

  onShown(): void {
    if (this.shownAt === undefined) {
      this.shownAt = performance.now();
      performance.mark('monitor:shown');
    }
    // The chart code loads while the first metrics are read.
    this.charts ??= import(/* webpackChunkName: "charts" */ '../../../webview/charts');
    if (!this.last || this.stale()) void this.load();
    this.schedule();
  }

  private isVisible(): boolean {
    return this.root.isConnected && this.root.offsetParent !== null;
  }

  private stale(): boolean {
    return !this.last || Date.now() - this.last.fetchedAt >= this.last.refreshSeconds * 1000;
  }

  /** Reads again every refreshSeconds while the tab shows; the timer ends with the document when the panel hides. */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const tick = () => {
      const seconds = this.last?.refreshSeconds ?? 60;
      this.timer = window.setTimeout(() => {
        if (document.visibilityState === 'visible' && this.isVisible() && this.stale()) void this.load();
        tick();
      }, Math.min(seconds, 60) * 1000);
    };
    tick();
  }

  private save(): void {
    this.api.setState<MonitorViewState>(this.state);
  }

  private pickRange(id: string): void {
    if (id === 'custom') {
      const now = Date.now();
      const current = this.last?.range;
      this.customStart.value = localInput(current?.start ?? now - 3_600_000);
      this.customEnd.value = localInput(Math.min(current?.end ?? now, now));
      this.customBox.hidden = false;
      this.renderRange('custom');
      return;
    }
    this.customBox.hidden = true;
    this.state.range = { preset: id as Exclude<RangeChoice['preset'], 'custom'> };
    this.save();
    this.renderRange();
    void this.load();
  }

  private applyCustom(): void {
    const start = new Date(this.customStart.value).getTime();
    const end = new Date(this.customEnd.value).getTime();
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      this.showProblem({ kind: 'refused', message: 'Enter a start and an end date and time.' });
      return;
    }
    this.state.range = { preset: 'custom', start, end };
    this.save();
    this.renderRange();
    void this.load();
  }

  private renderRange(forced?: string): void {
    const current = forced ?? this.state.range.preset;
    for (const [id, b] of this.rangeButtons) {
      b.secondary = id !== current;
      b.setAttribute('aria-pressed', String(id === current));
    }
  }

  private renderSplits(splits: SplitMode[], selected: SplitMode): void {
    fillSelect(this.splitSelect, splits.map((s) => ({ value: s, label: SPLIT_LABELS[s] })), selected);
    this.splitSelect.disabled = splits.length < 2;
  }

  private showProblem(problem: MonitorData['problem']): void {
    this.problem.hidden = !problem;
    if (!problem) return;
    this.problem.className = `monitor-problem monitor-problem-${problem.kind}`;
    const iconName = problem.kind === 'noData' ? 'info' : problem.kind === 'accessDenied' ? 'lock' : problem.kind === 'noCloudWatch' ? 'plug' : 'warning';
    const text = h('div', { class: 'monitor-problem-text' }, problem.message);
    const children: Node[] = [icon(iconName), text];
    if (problem.action) text.append(h('div', { class: 'monitor-problem-action' }, 'IAM action: ', h('code', {}, problem.action)));
    this.problem.replaceChildren(...children);
  }

  async load(): Promise<void> {
    const sequence = ++this.sequence;
    this.busy.hidden = false;
    try {
      const data = await this.api.request('load', { range: this.state.range, split: this.state.split });
      if (sequence !== this.sequence) return;
      if (!this.last) performance.mark('monitor:data');
      this.last = data;
      await this.render(data);
    } catch (error) {
      if (sequence !== this.sequence) return;
      const message = errorMessage(error);
      if (!/^Cancelled/.test(message)) this.showProblem({ kind: 'failed', message });
    } finally {
      if (sequence === this.sequence) {
        this.busy.hidden = true;
      }
    }
  }

  private async render(data: MonitorData): Promise<void> {
    this.renderSplits(data.splits, data.split);
    this.status.textContent = `${data.range.label} · updated ${new Date(data.fetchedAt).toLocaleTimeString()} · refreshes every ${data.refreshSeconds} s while shown`;
    this.note.hidden = !data.range.note;
    this.note.textContent = data.range.note ?? '';
    this.showProblem(data.problem);
    this.root.dataset.phase = data.problem?.kind ?? 'ready';
    this.cost.hidden = !data.cost;
    if (data.cost) {
      this.cost.replaceChildren(h('summary', { class: 'monitor-cost-summary' }, h('span', { class: 'monitor-cost-title' }, 'Cost estimate: '), data.cost.summary), ...data.cost.lines.map((l) => h('div', { class: 'monitor-cost-line' }, l)),
        ...(data.cost.note ? [h('div', { class: 'monitor-cost-note' }, data.cost.note)] : []));
    }
    const t = data.totals;
    const rate = t.invocations > 0 ? (t.errors / t.invocations) * 100 : 0;
    this.summary.hidden = data.charts.length === 0;
    this.summary.replaceChildren(
      h('span', { class: 'monitor-total', 'data-total': 'invocations' }, h('b', {}, formatValue('count', t.invocations)), ' invocations'),
      h('span', { class: 'monitor-total', 'data-total': 'errors' }, h('b', {}, formatValue('count', t.errors)), ` errors (${formatValue('percent', rate)})`),
      h('span', { class: 'monitor-total', 'data-total': 'throttles' }, h('b', {}, formatValue('count', t.throttles)), ' throttles'),
      ...(t.p99Ms !== undefined ? [h('span', { class: 'monitor-total', 'data-total': 'p99' }, 'p99 up to ', h('b', {}, formatValue('ms', t.p99Ms)))] : []),
    );
    const showCharts = data.charts.length > 0 && data.problem?.kind !== 'noData';
    this.grid.hidden = !showCharts;
    if (!showCharts) return;
    this.charts ??= import(/* webpackChunkName: "charts" */ '../../../webview/charts');
    const charts = await this.charts;
    if (!this.painted) performance.mark('monitor:chartCode');
    const ids = new Set(data.charts.map((c) => c.id));
    for (const [id, card] of this.cards) {
      if (!ids.has(id)) {
        card.dispose();
        this.cards.delete(id);
      }
    }
    const generation = ++this.renderGeneration;
    const pending: Array<() => void> = [];
    for (const chart of data.charts) {
      let card = this.cards.get(chart.id);
      if (!card) {
        card = new ChartCard(chart.id);
        this.cards.set(chart.id, card);
      }
      this.grid.append(card.root);
      const target = card;
      pending.push(() => target.render(chart, charts, () => this.onDraw()));
    }
    // The first chart now, the others one per frame: the first one is on screen without waiting for all.
    pending.shift()?.();
    const next = () => {
      if (generation !== this.renderGeneration) return;
      pending.shift()?.();
      if (pending.length > 0) requestAnimationFrame(next);
    };
    if (pending.length > 0) requestAnimationFrame(next);
  }

  /** The first chart drawn: noted on the tab's root (time since the tab first showed), for tests and the benchmark. */
  private onDraw(): void {
    if (this.painted) return;
    this.painted = true;
    performance.mark('monitor:drawn');
    requestAnimationFrame(() => {
      performance.mark('monitor:painted');
      const since = this.shownAt ?? 0;
      this.root.dataset.firstChartMs = (performance.now() - since).toFixed(1);
    });
  }
}
