// Time-series charts for any webview: uPlot (canvas) with the VS Code theme's colours, values
// in the legend while the pointer is over the chart, and the width following its container.
// Browser code. uPlot writes its own element styles through the CSSOM, which the CSP allows;
// its stylesheet (uplot/dist/uPlot.min.css) is imported by the view that shows charts, so it
// goes into that app's .css file.
import uPlot from 'uplot';

export interface TimeSeriesLine {
  label: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  /** Which scale (and axis) it is read against; the first scale is the left axis, a second one the right. */
  scale: string;
  /** Index into the theme palette. */
  color: number;
  dashed?: boolean;
}

export interface ChartScale {
  id: string;
  /** Formats a value of this scale for the axis and the legend. */
  format(value: number): string;
  /** The scale starts at 0 (counts, durations, percentages). */
  fromZero?: boolean;
  /** Values are whole numbers (counts): the axis steps by 1, 2, 5, 10… only. */
  integer?: boolean;
}

export interface TimeChartData {
  /** Epoch seconds, ascending. */
  x: number[];
  lines: TimeSeriesLine[];
}

export interface TimeChartOptions {
  scales: ChartScale[];
  height?: number;
  /** Charts with the same key move their cursors together, so hovering one shows the values of all. */
  syncKey?: string;
  /** Called after each draw (the first one is the first paint). */
  onDraw?(): void;
  /** The time axis spans at least this many seconds (a first point alone would otherwise span years). */
  minSpanSeconds?: number;
}

/** The theme colours charts use, read from VS Code's CSS variables (with its own defaults). */
interface ChartTheme {
  palette: string[];
  text: string;
  grid: string;
  axis: string;
  font: string;
  fontPx: number;
}

/** Axis steps for whole numbers: 1, 2, 5, 10, 20, 50… */
const INTEGER_STEPS = Array.from({ length: 12 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

const PALETTE_VARIABLES: Array<[string, string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

function readTheme(from: Element): ChartTheme {
  const style = getComputedStyle(from);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const size = read('--vscode-editor-font-size', '12').replace(/px$/, '');
  const fontPx = Math.max(10, Math.min(14, Number(size) || 12) - 1);
  return {
    fontPx,
    palette: PALETTE_VARIABLES.map(([name, fallback]) => read(name, fallback)),
    text: read('--vscode-descriptionForeground', read('--vscode-foreground', '#888888')),
    grid: read('--vscode-editorWidget-border', read('--vscode-panel-border', 'rgba(128,128,128,0.25)')),
    axis: read('--vscode-foreground', '#888888'),
    font: `${fontPx}px ${read('--vscode-font-family', 'sans-serif')}`,
  };
}

/** The isolated points of a line (a value between two gaps), which a line alone would not show. */
function isolated(values: ArrayLike<number | null | undefined>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const before = i === 0 ? null : values[i - 1];
    const after = i === values.length - 1 ? null : values[i + 1];
    if ((before === null || before === undefined) && (after === null || after === undefined)) out.push(i);
  }
  return out;
}

const timeFormat = (seconds: number, spanSeconds: number) => {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  if (spanSeconds > 2 * 86_400) return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
  // Within ten minutes, ticks fall inside one minute: seconds tell them apart.
  return spanSeconds < 600 ? `${hm}:${two(d.getSeconds())}` : hm;
};

/** One chart in a container; `update` replaces its data, `dispose` removes it. */
export class TimeChart {
  private plot?: uPlot;
  private data: TimeChartData;
  private readonly resize: ResizeObserver;
  private readonly themeWatch: MutationObserver;

  constructor(private readonly container: HTMLElement, data: TimeChartData, private readonly options: TimeChartOptions) {
    this.data = data;
    this.build();
    this.resize = new ResizeObserver(() => {
      const width = this.width();
      if (this.plot && width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: this.height() });
    });
    this.resize.observe(container);
    // VS Code swaps the body's theme class and its CSS variables when the colour theme changes.
    this.themeWatch = new MutationObserver(() => this.build());
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  }

  private width(): number {
    return Math.max(200, Math.floor(this.container.clientWidth || 600));
  }

  private height(): number {
    return this.options.height ?? 180;
  }

  private sameShape(next: TimeChartData): boolean {
    const now = this.data.lines;
    return now.length === next.lines.length && now.every((l, i) => l.label === next.lines[i].label && l.scale === next.lines[i].scale);
  }

  update(data: TimeChartData): void {
    const reshaped = !this.sameShape(data);
    this.data = data;
    if (reshaped || !this.plot) this.build();
    else this.plot.setData([data.x, ...data.lines.map((l) => l.values)] as uPlot.AlignedData);
  }

  private build(): void {
    this.plot?.destroy();
    const theme = readTheme(this.container);
    const { scales } = this.options;
    const integerScale = (id: string) => scales.find((s) => s.id === id)?.integer === true;
    const formatOf = (id: string) => scales.find((s) => s.id === id)?.format ?? ((v: number) => String(v));
    const span = this.data.x.length > 1 ? this.data.x[this.data.x.length - 1] - this.data.x[0] : 3600;
    // Only the keys that are set: uPlot reads an explicit undefined as a value.
    const axisLook = { stroke: theme.text, font: theme.font, ticks: { show: false } };
    const valueAxis = (scale: string, right: boolean): uPlot.Axis => ({
      ...axisLook,
      scale,
      ...(right ? { side: 1 } : {}),
      grid: { show: !right, stroke: theme.grid, width: 1 },
      // Wide enough for the longest label ("1.25 s", "12.5k"), at about 0.6 em a character.
      size: (_u: uPlot, values: string[] | null) => Math.ceil(Math.max(3, ...(values ?? []).map((v) => v.length)) * theme.fontPx * 0.62) + 14,
      ...(integerScale(scale) ? { incrs: INTEGER_STEPS } : {}),
      values: (_u: uPlot, splits: number[]) => splits.map((v) => formatOf(scale)(v)),
    });
    const opts: uPlot.Options = {
      width: this.width(),
      height: this.height(),
      cursor: { points: { size: 6 }, ...(this.options.syncKey ? { sync: { key: this.options.syncKey } } : {}) },
      legend: { show: true, live: true },
      scales: {
        x: this.options.minSpanSeconds === undefined ? { time: true } : { time: true, range: (u: uPlot): uPlot.Range.MinMax => {
          const xs = u.data[0];
          const first = xs.length > 0 ? xs[0] : Date.now() / 1000;
          const last = xs.length > 0 ? xs[xs.length - 1] : first;
          return [first, Math.max(last, first + (this.options.minSpanSeconds ?? 0))];
        } },
        ...Object.fromEntries(scales.map((s) => [s.id, { range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
          const top = Number.isFinite(max) && max > 0 ? max * 1.1 : 1;
          return [s.fromZero === false && Number.isFinite(min) ? min : 0, top];
        } }])),
      },
      axes: [
        { ...axisLook, grid: { show: false }, values: (u: uPlot, splits: number[]) => {
          const shown = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
          return splits.map((v) => timeFormat(v, shown > 0 ? shown : span));
        } },
        ...scales.slice(0, 2).map((s, i) => valueAxis(s.id, i === 1)),
      ],
      series: [
        { value: (_u: uPlot, v: number | null) => (v === null ? '–' : new Date(v * 1000).toLocaleString()) },
        ...this.data.lines.map((line): uPlot.Series => {
          const color = theme.palette[line.color % theme.palette.length];
          return {
            label: line.label,
            scale: line.scale,
            stroke: color,
            width: 1.5,
            ...(line.dashed ? { dash: [5, 4] } : {}),
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : formatOf(line.scale)(v)),
            points: { size: 5, fill: color, filter: (u: uPlot, i: number, show: boolean) => (show ? null : isolated(u.data[i])) },
          };
        }),
      ],
      hooks: { draw: [() => this.options.onDraw?.()] },
    };
    this.plot = new uPlot(opts, [this.data.x, ...this.data.lines.map((l) => l.values)] as uPlot.AlignedData, this.container);
  }

  dispose(): void {
    this.resize.disconnect();
    this.themeWatch.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}
