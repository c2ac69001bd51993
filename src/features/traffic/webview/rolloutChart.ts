// The running rollout's chart: the old and the new version's error rate at every check, side by
// side, drawn by uPlot on a canvas in the theme's chart colors. One chart per rollout, updated in
// place as checks come in.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RolloutView } from '../protocol';
import { h } from '../../../webview/dom';

type Chart = NonNullable<RolloutView['chart']>;

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function data(chart: Chart): uPlot.AlignedData {
  return [chart.at.map((t) => t / 1000), chart.from, chart.to];
}

/** From the first check to the last, and at least a minute. */
function xRange(xs: ArrayLike<number>): uPlot.Range.MinMax {
  const first = xs.length > 0 ? xs[0] : Date.now() / 1000;
  const last = xs.length > 0 ? xs[xs.length - 1] : first;
  return [first, Math.max(last, first + 60)];
}

export class RolloutChart {
  readonly element: HTMLElement;
  private readonly plot: uPlot;

  constructor(readonly rolloutId: string, view: RolloutView, chart: Chart) {
    this.element = h('div', { class: 'aliases-rollout-chart', role: 'img', 'aria-label': `Error rate of version ${view.fromVersion} and version ${view.toVersion} during the rollout` });
    const text = themeColor('--vscode-descriptionForeground', '#888');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    this.plot = new uPlot({
      width: Math.max(240, Math.min(560, (document.body.clientWidth || 480) - 48)),
      height: 150,
      // At least a minute wide, so the first checks do not stretch over years.
      // (uPlot itself widens a single point to a day per unit, i.e. years of seconds.)
      scales: { x: { time: true, range: (u) => xRange(u.data[0]) }, y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.1))] } },
      series: [
        {},
        { label: `${view.fromVersion} (old)`, stroke: themeColor('--vscode-charts-blue', '#3794ff'), width: 2, spanGaps: true, value: (_u, v) => (v == null ? '–' : `${v}%`) },
        { label: `${view.toVersion} (new)`, stroke: themeColor('--vscode-charts-orange', '#d18616'), width: 2, spanGaps: true, value: (_u, v) => (v == null ? '–' : `${v}%`) },
      ],
      axes: [axis, { ...axis, size: 48, values: (_u, ticks) => ticks.map((v) => `${v}%`) }],
    }, data(chart), this.element);
  }

  update(chart: Chart): void {
    this.plot.setData(data(chart));
  }

  dispose(): void {
    this.plot.destroy();
  }
}
