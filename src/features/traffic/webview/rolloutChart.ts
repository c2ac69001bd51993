// The running rollout's chart: the old and the new version's error rate at every check, side by
// side, in the theme's chart colors. One chart per rollout, updated in place as checks come in.
// The chart code (uPlot and its wrapper) is loaded when the first rollout chart is shown.
import 'uplot/dist/uPlot.min.css';
import type { RolloutView } from '../protocol';
import type { TimeChart, TimeChartData } from '../../../webview/charts';
import { h } from '../../../webview/dom';

type Chart = NonNullable<RolloutView['chart']>;
type ChartsModule = typeof import('../../../webview/charts');

let chartsModule: Promise<ChartsModule> | undefined;

function dataOf(view: RolloutView, chart: Chart): TimeChartData {
  return {
    x: chart.at.map((t) => t / 1000),
    lines: [
      { label: `${view.fromVersion} (old)`, values: chart.from, scale: 'rate', color: 0 },
      { label: `${view.toVersion} (new)`, values: chart.to, scale: 'rate', color: 1 },
    ],
  };
}

const percent = (v: number) => `${Math.round(v * 10) / 10}%`;

export class RolloutChart {
  readonly element: HTMLElement;
  private chart?: TimeChart;
  private latest: Chart;
  private disposed = false;

  constructor(readonly rolloutId: string, private readonly view: RolloutView, chart: Chart) {
    this.element = h('div', { class: 'aliases-rollout-chart', role: 'img', 'aria-label': `Error rate of version ${view.fromVersion} and version ${view.toVersion} during the rollout` });
    this.latest = chart;
    chartsModule ??= import(/* webpackChunkName: "charts" */ '../../../webview/charts');
    void chartsModule.then((charts) => {
      if (this.disposed) return;
      this.chart = new charts.TimeChart(this.element, dataOf(this.view, this.latest), {
        scales: [{ id: 'rate', format: percent, fromZero: true }],
        height: 150,
        // At least a minute wide, so the first checks do not stretch over years.
        minSpanSeconds: 60,
      });
    });
  }

  update(chart: Chart): void {
    this.latest = chart;
    this.chart?.update(dataOf(this.view, chart));
  }

  dispose(): void {
    this.disposed = true;
    this.chart?.dispose();
    this.chart = undefined;
  }
}
