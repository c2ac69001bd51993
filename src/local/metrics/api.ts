import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { ApiError, sendError, sendJson } from '../http';
import { isAlias, RECORD_LIMITS, type InvocationRecord, type InvocationRecords } from './records';
import { BASIC_STATISTICS, parseStatistic, statisticOf, type Statistic } from './statistics';

/**
 * The CloudWatch metrics API for the namespace AWS/Lambda, answered from the Local Lambda's own
 * invocation records. @aws-sdk/client-cloudwatch speaks AWS JSON 1.0 to it
 * (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`) in query-compatible mode: errors carry
 * `__type` and `x-amzn-query-error: <Code>;Sender`, which the SDK turns into its exception classes.
 */

export const METRICS_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const JSON_10 = { 'Content-Type': 'application/x-amz-json-1.0' };
const NAMESPACE = 'AWS/Lambda';

/** GetMetricData takes at most 500 queries and answers at most 100,800 data points a call. */
export const METRICS_LIMITS = {
  queries: 500,
  maxDatapoints: 100_800,
  /** GetMetricStatistics answers at most 1,440 data points; more is refused. */
  statisticsDatapoints: 1_440,
  dimensions: 30,
  listPageSize: 500,
  idLength: 255,
  /** Periods shorter than a minute are for high-resolution custom metrics; Lambda's are per minute. */
  highResolutionPeriods: [1, 5, 10, 20, 30],
};

type Unit = 'Count' | 'Milliseconds';
interface MetricInfo { unit: Unit; source: 'records' | 'async' }
const METRICS: Record<string, MetricInfo> = {
  Invocations: { unit: 'Count', source: 'records' },
  Errors: { unit: 'Count', source: 'records' },
  Throttles: { unit: 'Count', source: 'records' },
  Duration: { unit: 'Milliseconds', source: 'records' },
  ConcurrentExecutions: { unit: 'Count', source: 'records' },
  AsyncEventsReceived: { unit: 'Count', source: 'async' },
  AsyncEventAge: { unit: 'Milliseconds', source: 'async' },
  AsyncEventsDropped: { unit: 'Count', source: 'async' },
  DestinationDeliveryFailures: { unit: 'Count', source: 'async' },
};

const STANDARD_UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second',
  'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second',
  'Count/Second', 'None']);

/** What the asynchronous queue counted (AsyncMetrics' points). */
export interface AsyncPoint {
  metric: string;
  functionName: string;
  executedVersion: string;
  value: number;
  timestamp: number;
  qualifier?: string;
}

export interface MetricsSources {
  records: InvocationRecords;
  asyncPoints(): AsyncPoint[];
  now?: () => number;
}

// ------------------------------------------------------------ errors

function queryError(type: string, code: string, message: string): ApiError {
  return new ApiError(400, type, message, { 'x-amzn-query-error': `${code};Sender` });
}
const invalidValue = (message: string) => queryError('InvalidParameterValueException', 'InvalidParameterValue', message);
const invalidCombination = (message: string) => queryError('InvalidParameterCombinationException', 'InvalidParameterCombination', message);
const missing = (message: string) => queryError('MissingRequiredParameterException', 'MissingParameter', message);
const validation = (message: string) => queryError('ValidationException', 'ValidationError', message);
const badToken = (message: string) => queryError('InvalidNextToken', 'InvalidNextToken', message);

// ------------------------------------------------------------ the handler

type Params = Record<string, unknown>;
type Operation = (p: Params, sources: MetricsSources) => unknown;
const operations: Record<string, Operation> = {
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
};

export function handleMetricsRequest(req: IncomingMessage, res: ServerResponse, body: Buffer, sources: MetricsSources): void {
  try {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(METRICS_TARGET_PREFIX) ? target.slice(METRICS_TARGET_PREFIX.length) : '';
    if (!Object.hasOwn(operations, op)) {
      throw new ApiError(400, 'UnknownOperationException',
        `The Local Lambda does not support the CloudWatch operation "${target.slice(0, 100) || '(no X-Amz-Target header)'}"; it answers GetMetricData, GetMetricStatistics and ListMetrics.`);
    }
    sendJson(res, 200, operations[op](parseBody(body), sources), JSON_10);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, err instanceof ApiError ? err : new ApiError(500, 'InternalServiceFault', (err as Error).message,
      { 'x-amzn-query-error': 'InternalServiceError;Receiver' }), 'json-1.0');
  }
}

function parseBody(body: Buffer): Params {
  const text = body.length === 0 ? '{}' : body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'SerializationException', 'The request body must be a JSON object.');
  }
  return value as Params;
}

// ------------------------------------------------------------ reading parameters

function optString(p: Params, key: string, where: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(`The value for parameter ${where} must be a string.`);
  return v;
}

function reqString(p: Params, key: string, where: string): string {
  const v = optString(p, key, where);
  if (v === undefined) throw missing(`The parameter ${where} is required.`);
  return v;
}

function optInt(p: Params, key: string, where: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw validation(`The value ${String(v).slice(0, 40)} for parameter ${where} is not an integer.`);
  return v;
}

function optObject(p: Params, key: string, where: string): Params | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(`The value for parameter ${where} must be a structure.`);
  return v as Params;
}

function optList(p: Params, key: string, where: string): unknown[] | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw validation(`The value for parameter ${where} must be a list.`);
  return v;
}

/** A timestamp as the SDK sends it: epoch seconds (JSON 1.0's default), or an ISO 8601 text. */
function reqTime(p: Params, key: string): number {
  const v = p[key];
  if (v === undefined || v === null) throw missing(`The parameter ${key} is required.`);
  const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' && v.length <= 40 ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw invalidValue(`The parameter ${key} must be a timestamp (epoch seconds or ISO 8601).`);
  return ms;
}

interface Dimension { Name: string; Value: string }

function dimensionsOf(p: Params, where: string, valueRequired: boolean): Array<{ Name: string; Value?: string }> {
  const list = optList(p, 'Dimensions', `${where}Dimensions`) ?? [];
  if (list.length > METRICS_LIMITS.dimensions) {
    throw invalidValue(`The collection ${where}Dimensions must not have a size greater than ${METRICS_LIMITS.dimensions}.`);
  }
  const seen = new Set<string>();
  return list.map((item, i) => {
    const at = `${where}Dimensions.member.${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw validation(`The value for parameter ${at} must be a structure.`);
    const name = reqString(item as Params, 'Name', `${at}.Name`);
    const value = valueRequired ? reqString(item as Params, 'Value', `${at}.Value`) : optString(item as Params, 'Value', `${at}.Value`);
    if (name.length < 1 || name.length > 255) throw invalidValue(`The parameter ${at}.Name must be 1 to 255 characters long.`);
    if (value !== undefined && (value.length < 1 || value.length > 1024)) throw invalidValue(`The parameter ${at}.Value must be 1 to 1024 characters long.`);
    if (seen.has(name)) throw invalidCombination(`No metric may have two dimensions named ${name.slice(0, 255)}.`);
    seen.add(name);
    return value === undefined ? { Name: name } : { Name: name, Value: value };
  });
}

/** Periods as CloudWatch takes them: 1, 5, 10, 20, 30 or a multiple of 60; the short ones give Lambda's 1-minute data (60). */
function periodOf(value: number | undefined, where: string): number {
  if (value === undefined) throw missing(`The parameter ${where} is required.`);
  if (METRICS_LIMITS.highResolutionPeriods.includes(value)) return 60;
  if (value < 60 || value % 60 !== 0) {
    throw invalidValue(`The parameter ${where} must be 1, 5, 10, 20, 30, 60 or a multiple of 60 (got ${value}).`);
  }
  return value;
}

function unitOf(p: Params, where: string): string | undefined {
  const unit = optString(p, 'Unit', where);
  if (unit !== undefined && !STANDARD_UNITS.has(unit)) throw invalidValue(`The value ${unit.slice(0, 40)} for parameter ${where} is not a CloudWatch unit.`);
  return unit;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * StartTime (inclusive) rounded down as CloudWatch rounds it: to the minute when under 15 days
 * old, to 5 minutes up to 63 days, to the hour beyond; EndTime is exclusive.
 */
function timeRange(p: Params, now: number): { startMs: number; endMs: number; givenStartMs: number } {
  const givenStart = reqTime(p, 'StartTime');
  const endMs = reqTime(p, 'EndTime');
  if (givenStart >= endMs) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const age = now - givenStart;
  const step = age < 15 * DAY_MS ? MINUTE_MS : age < 63 * DAY_MS ? 5 * MINUTE_MS : 60 * MINUTE_MS;
  return { startMs: Math.floor(givenStart / step) * step, endMs, givenStartMs: givenStart };
}

// ------------------------------------------------------------ selecting samples

/** Which of Lambda's dimension sets a query names, or undefined for one no data is published under. */
type Selection =
  | { kind: 'account' }
  | { kind: 'function'; fn: string }
  | { kind: 'resource'; fn: string; qualifier: string }
  | { kind: 'version'; fn: string; version: string }
  | { kind: 'resourceVersion'; fn: string; qualifier: string; version: string };

function selectionOf(dimensions: Dimension[]): Selection | undefined {
  const byName = new Map(dimensions.map((d) => [d.Name, d.Value]));
  const fn = byName.get('FunctionName');
  const resource = byName.get('Resource');
  const version = byName.get('ExecutedVersion');
  if (byName.size !== [fn, resource, version].filter((v) => v !== undefined).length) return undefined;
  if (byName.size === 0) return { kind: 'account' };
  if (fn === undefined) return undefined;
  let qualifier: string | undefined;
  if (resource !== undefined) {
    if (!resource.startsWith(`${fn}:`)) return undefined;
    qualifier = resource.slice(fn.length + 1);
    if (qualifier === '') return undefined;
  }
  if (qualifier !== undefined && version !== undefined) return isAlias(qualifier) ? { kind: 'resourceVersion', fn, qualifier, version } : undefined;
  if (qualifier !== undefined) return { kind: 'resource', fn, qualifier };
  if (version !== undefined) return { kind: 'version', fn, version };
  return { kind: 'function', fn };
}

function matches(sel: Selection, fn: string, qualifier: string | undefined, version: string): boolean {
  switch (sel.kind) {
    case 'account': return true;
    case 'function': return fn === sel.fn;
    case 'resource': return fn === sel.fn && qualifier === sel.qualifier;
    case 'version': return fn === sel.fn && isAlias(qualifier) && version === sel.version;
    case 'resourceVersion': return fn === sel.fn && qualifier === sel.qualifier && version === sel.version;
  }
}

/** The value a record gives a metric under a selection, or undefined when it gives none. */
function recordValue(metric: string, sel: Selection, r: InvocationRecord): number | undefined {
  const ran = r.outcome !== 'throttle';
  switch (metric) {
    case 'Invocations': return ran ? 1 : undefined;
    case 'Errors': return ran ? (r.outcome === 'error' ? 1 : 0) : undefined;
    case 'Throttles': return ran ? undefined : 1;
    case 'Duration': return ran ? r.durationMs : undefined;
    case 'ConcurrentExecutions': {
      const c = r.concurrency;
      if (!c) return undefined;
      return sel.kind === 'account' ? c.account : sel.kind === 'function' ? c.function : sel.kind === 'resource' ? c.resource : c.version;
    }
    default: return undefined;
  }
}

interface SeriesKey { metric: string; sel: Selection; periodMs: number }

/** A metric's samples under a selection in [startMs, endMs): their start times and values, in record order. */
interface Samples { at: number[]; values: number[] }

function collect(metric: string, sel: Selection, startMs: number, endMs: number, sources: MetricsSources, upToSeq: number, asOfMs: number): Samples {
  const samples: Samples = { at: [], values: [] };
  const info = METRICS[metric];
  const now = (sources.now ?? Date.now)();
  const from = Math.max(startMs, now - RECORD_LIMITS.maxAgeMs);
  if (info.source === 'records') {
    const fn = sel.kind === 'account' ? undefined : sel.fn;
    sources.records.forEach(fn, from, endMs, upToSeq, (r) => {
      if (!matches(sel, r.functionName, r.qualifier, r.executedVersion)) return;
      const value = recordValue(metric, sel, r);
      if (value === undefined) return;
      samples.at.push(r.at);
      samples.values.push(value);
    });
  } else {
    for (const point of sources.asyncPoints()) {
      if (point.metric !== metric || point.timestamp < from || point.timestamp >= endMs || point.timestamp > asOfMs) continue;
      if (!matches(sel, point.functionName, point.qualifier, point.executedVersion)) continue;
      samples.at.push(point.timestamp);
      samples.values.push(point.value);
    }
  }
  return samples;
}

interface Period { at: number; samples: number[]; sorted?: Float64Array }

/** Records arrive nearly in start order (each is appended when it ends); this puts them exactly in it. */
function sortedByTime(samples: Samples): Samples {
  let ordered = true;
  for (let i = 1; i < samples.at.length && ordered; i++) ordered = samples.at[i - 1] <= samples.at[i];
  if (ordered) return samples;
  const order = samples.at.map((_, i) => i).sort((a, b) => samples.at[a] - samples.at[b] || a - b);
  return { at: order.map((i) => samples.at[i]), values: order.map((i) => samples.values[i]) };
}

/**
 * Series computed once per request: the records are read once per metric and selection, then
 * grouped per period (aligned from the epoch) for each period asked for.
 */
class SeriesCache {
  private readonly samples = new Map<string, Samples>();
  private readonly periodsById = new Map<string, Period[]>();
  constructor(private readonly startMs: number, private readonly endMs: number, private readonly sources: MetricsSources,
    private readonly upToSeq: number, private readonly asOfMs: number) {}

  /** The non-empty periods, oldest first. */
  periods(key: SeriesKey): Period[] {
    const sampleId = JSON.stringify([key.metric, key.sel]);
    const id = `${sampleId}/${key.periodMs}`;
    const cached = this.periodsById.get(id);
    if (cached) return cached;
    let samples = this.samples.get(sampleId);
    if (!samples) {
      samples = sortedByTime(collect(key.metric, key.sel, this.startMs, this.endMs, this.sources, this.upToSeq, this.asOfMs));
      this.samples.set(sampleId, samples);
    }
    // The samples are in time order, so each period is one run of them.
    const periods: Period[] = [];
    let current: Period | undefined;
    for (let i = 0; i < samples.at.length; i++) {
      const bucket = Math.floor(samples.at[i] / key.periodMs) * key.periodMs;
      if (!current || current.at !== bucket) periods.push(current = { at: bucket, samples: [] });
      current.samples.push(samples.values[i]);
    }
    this.periodsById.set(id, periods);
    return periods;
  }
}

function valueOf(stat: Statistic, period: Period): number {
  if (stat.kind === 'percentile' && !period.sorted) period.sorted = Float64Array.from(period.samples).sort();
  return statisticOf(stat, period.samples, period.sorted);
}

/** The metric's series, or none when the namespace, name, dimensions or unit publish nothing (CloudWatch answers those empty). */
function seriesKeyOf(namespace: string, metric: string, dimensions: Dimension[], unit: string | undefined, periodMs: number): SeriesKey | undefined {
  const info = Object.hasOwn(METRICS, metric) ? METRICS[metric] : undefined;
  if (namespace !== NAMESPACE || !info) return undefined;
  if (unit !== undefined && unit !== info.unit) return undefined;
  const sel = selectionOf(dimensions);
  return sel ? { metric, sel, periodMs } : undefined;
}

// ------------------------------------------------------------ paging tokens

interface Token { o: number; s: number; t: number; h: string }

function fingerprint(p: Params, omit: string[]): string {
  const rest = Object.fromEntries(Object.entries(p).filter(([k]) => !omit.includes(k)));
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

function encodeToken(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, hash: string): Token {
  const refuse = () => badToken('The value for parameter NextToken is not a token this call can continue from (it belongs to another request or is malformed).');
  if (text.length === 0 || text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) throw refuse();
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const t = token as Partial<Token>;
  if (typeof t !== 'object' || t === null || !Number.isSafeInteger(t.o) || (t.o as number) < 0 || !Number.isSafeInteger(t.s)
    || typeof t.t !== 'number' || t.h !== hash) throw refuse();
  return t as Token;
}

// ------------------------------------------------------------ GetMetricData

const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;

interface ParsedQuery { id: string; label: string; returnData: boolean; key?: SeriesKey; stat: Statistic }

function parseQueries(p: Params): ParsedQuery[] {
  const list = optList(p, 'MetricDataQueries', 'MetricDataQueries');
  if (list === undefined || list.length === 0) throw missing('The parameter MetricDataQueries is required.');
  if (list.length > METRICS_LIMITS.queries) {
    throw invalidValue(`The collection MetricDataQueries must not have a size greater than ${METRICS_LIMITS.queries}.`);
  }
  const ids = new Set<string>();
  const queries = list.map((item, i): ParsedQuery => {
    const at = `MetricDataQueries.member.${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw validation(`The value for parameter ${at} must be a structure.`);
    const q = item as Params;
    const id = reqString(q, 'Id', `${at}.Id`);
    if (id.length > METRICS_LIMITS.idLength || !ID_PATTERN.test(id)) {
      throw validation(`The value ${id.slice(0, 255)} for parameter ${at}.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.`);
    }
    if (ids.has(id)) throw validation(`The values for parameter Id in MetricDataQueries are not unique: ${id} is used twice.`);
    ids.add(id);
    const expression = optString(q, 'Expression', `${at}.Expression`);
    const stat = optObject(q, 'MetricStat', `${at}.MetricStat`);
    if ((expression === undefined) === (stat === undefined)) {
      throw invalidCombination(`Exactly one of ${at}.MetricStat and ${at}.Expression must be given.`);
    }
    if (expression !== undefined || stat === undefined) {
      throw invalidValue(`The Local Lambda answers MetricStat queries only; the Expression of ${at} (metric math or Metrics Insights) is not supported.`);
    }
    const metric = optObject(stat, 'Metric', `${at}.MetricStat.Metric`);
    if (!metric) throw missing(`The parameter ${at}.MetricStat.Metric is required.`);
    const namespace = reqString(metric, 'Namespace', `${at}.MetricStat.Metric.Namespace`);
    const metricName = reqString(metric, 'MetricName', `${at}.MetricStat.Metric.MetricName`);
    const dimensions = dimensionsOf(metric, `${at}.MetricStat.Metric.`, true) as Dimension[];
    const period = periodOf(optInt(stat, 'Period', `${at}.MetricStat.Period`), `${at}.MetricStat.Period`);
    const statName = reqString(stat, 'Stat', `${at}.MetricStat.Stat`);
    const parsed = parseStatistic(statName);
    if (!parsed) {
      throw invalidValue(`The value ${statName.slice(0, 40)} for parameter ${at}.MetricStat.Stat is not a statistic: use SampleCount, Sum, Average, Minimum, Maximum or a percentile p0 to p100 (such as p99 or p99.9).`);
    }
    const unit = unitOf(stat, `${at}.MetricStat.Unit`);
    const label = optString(q, 'Label', `${at}.Label`);
    const returnData = q.ReturnData === undefined || q.ReturnData === null ? true : q.ReturnData;
    if (typeof returnData !== 'boolean') throw validation(`The value for parameter ${at}.ReturnData must be true or false.`);
    optInt(q, 'Period', `${at}.Period`);
    return { id, label: label ?? metricName, returnData, stat: parsed, key: seriesKeyOf(namespace, metricName, dimensions, unit, period * 1000) };
  });
  if (!queries.some((q) => q.returnData)) throw invalidValue('At least one of MetricDataQueries must have ReturnData true.');
  return queries;
}

function getMetricData(p: Params, sources: MetricsSources): unknown {
  const queries = parseQueries(p);
  const { startMs, endMs } = timeRange(p, (sources.now ?? Date.now)());
  const scanBy = optString(p, 'ScanBy', 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw validation(`The value ${scanBy.slice(0, 40)} for parameter ScanBy is not one of TimestampDescending, TimestampAscending.`);
  }
  const maxDatapoints = optInt(p, 'MaxDatapoints', 'MaxDatapoints') ?? METRICS_LIMITS.maxDatapoints;
  if (maxDatapoints < 1) throw invalidValue('The parameter MaxDatapoints must be at least 1.');
  optObject(p, 'LabelOptions', 'LabelOptions');
  const hash = fingerprint(p, ['NextToken', 'MaxDatapoints']);
  const tokenText = optString(p, 'NextToken', 'NextToken');
  const now = (sources.now ?? Date.now)();
  const token = tokenText !== undefined ? decodeToken(tokenText, hash) : { o: 0, s: sources.records.lastSeq, t: now, h: hash };

  const cache = new SeriesCache(startMs, endMs, sources, token.s, token.t);
  const series = queries.filter((q) => q.returnData).map((q) => {
    const periods = q.key ? cache.periods(q.key) : [];
    const points = periods.map((period) => ({ at: period.at, value: valueOf(q.stat, period) }));
    if (scanBy === 'TimestampDescending') points.reverse();
    return { q, points };
  });

  // One page is MaxDatapoints points counted across the queries in order; a token resumes at the next point.
  // A call answers at most 100,800 points, whatever MaxDatapoints asks for.
  const pageSize = Math.min(maxDatapoints, METRICS_LIMITS.maxDatapoints);
  let skip = token.o;
  let room = pageSize;
  let more = false;
  const results = series.map(({ q, points }) => {
    const from = Math.min(skip, points.length);
    skip -= from;
    const take = Math.min(room, points.length - from);
    room -= take;
    const page = points.slice(from, from + take);
    const partial = from + take < points.length;
    if (partial) more = true;
    return {
      Id: q.id, Label: q.label,
      Timestamps: page.map((pt) => pt.at / 1000),
      Values: page.map((pt) => pt.value),
      StatusCode: partial ? 'PartialData' : 'Complete',
      Messages: [],
    };
  });
  const out: Record<string, unknown> = { MetricDataResults: results, Messages: [] };
  if (more) out.NextToken = encodeToken({ ...token, o: token.o + pageSize });
  return out;
}

// ------------------------------------------------------------ GetMetricStatistics

function getMetricStatistics(p: Params, sources: MetricsSources): unknown {
  const namespace = reqString(p, 'Namespace', 'Namespace');
  const metricName = reqString(p, 'MetricName', 'MetricName');
  const dimensions = dimensionsOf(p, '', true) as Dimension[];
  const { startMs, endMs, givenStartMs } = timeRange(p, (sources.now ?? Date.now)());
  const period = periodOf(optInt(p, 'Period', 'Period'), 'Period');
  const basic = (optList(p, 'Statistics', 'Statistics') ?? []).map((s, i) => {
    if (typeof s !== 'string' || !(BASIC_STATISTICS as readonly string[]).includes(s)) {
      throw invalidValue(`The value ${String(s).slice(0, 40)} for parameter Statistics.member.${i + 1} is not one of SampleCount, Average, Sum, Minimum, Maximum.`);
    }
    return s;
  });
  const extended = (optList(p, 'ExtendedStatistics', 'ExtendedStatistics') ?? []).map((s, i) => {
    const parsed = typeof s === 'string' ? parseStatistic(s) : undefined;
    if (!parsed || parsed.kind !== 'percentile') {
      throw invalidValue(`The value ${String(s).slice(0, 40)} for parameter ExtendedStatistics.member.${i + 1} is not a percentile p0 to p100 (such as p99 or p99.9).`);
    }
    return parsed;
  });
  if (basic.length === 0 && extended.length === 0) throw missing('The parameter Statistics or ExtendedStatistics is required.');
  if (basic.length > 0 && extended.length > 0) throw invalidCombination('The parameters Statistics and ExtendedStatistics are mutually exclusive.');
  if (basic.length > 5) throw invalidValue('The collection Statistics must not have a size greater than 5.');
  if (extended.length > 10) throw invalidValue('The collection ExtendedStatistics must not have a size greater than 10.');
  const requested = Math.ceil((endMs - givenStartMs) / (period * 1000));
  if (requested > METRICS_LIMITS.statisticsDatapoints) {
    throw invalidCombination(`You have requested up to ${requested} datapoints, which exceeds the limit of ${METRICS_LIMITS.statisticsDatapoints}. ` +
      'You may reduce the datapoints requested by increasing Period, or decreasing the time range.');
  }
  const unit = unitOf(p, 'Unit');
  const key = seriesKeyOf(namespace, metricName, dimensions, unit, period * 1000);
  const now = (sources.now ?? Date.now)();
  const periods = key ? new SeriesCache(startMs, endMs, sources, sources.records.lastSeq, now).periods(key) : [];
  const metricUnit = key ? METRICS[metricName].unit : 'None';
  const datapoints = periods.map((period) => {
    const point: Record<string, unknown> = { Timestamp: period.at / 1000, Unit: metricUnit };
    for (const name of basic) point[name] = valueOf({ kind: 'basic', name: name as typeof BASIC_STATISTICS[number] }, period);
    if (extended.length > 0) point.ExtendedStatistics = Object.fromEntries(extended.map((stat) => [stat.name, valueOf(stat, period)]));
    return point;
  });
  return { Label: metricName, Datapoints: datapoints };
}

// ------------------------------------------------------------ ListMetrics

interface ListedMetric { Namespace: string; MetricName: string; Dimensions: Dimension[] }

/** Every metric with data in the window, as CloudWatch lists them: namespace, name and one dimension set. */
function metricsWithData(sources: MetricsSources, fromMs: number): ListedMetric[] {
  const found = new Map<string, ListedMetric>();
  const put = (metricName: string, dimensions: Dimension[]) => {
    const id = JSON.stringify([metricName, dimensions]);
    if (!found.has(id)) found.set(id, { Namespace: NAMESPACE, MetricName: metricName, Dimensions: dimensions });
  };
  const dimensionSets = (fn: string, qualifier: string | undefined, version: string): Dimension[][] => {
    const sets: Dimension[][] = [[], [{ Name: 'FunctionName', Value: fn }]];
    if (qualifier !== undefined) sets.push([{ Name: 'FunctionName', Value: fn }, { Name: 'Resource', Value: `${fn}:${qualifier}` }]);
    if (isAlias(qualifier)) {
      sets.push([{ Name: 'FunctionName', Value: fn }, { Name: 'ExecutedVersion', Value: version }]);
      sets.push([{ Name: 'FunctionName', Value: fn }, { Name: 'Resource', Value: `${fn}:${qualifier}` }, { Name: 'ExecutedVersion', Value: version }]);
    }
    return sets;
  };
  for (const shape of sources.records.shapes(fromMs)) {
    const names = shape.throttled ? ['Throttles'] : ['Invocations', 'Errors', 'Duration', 'ConcurrentExecutions'];
    for (const dims of dimensionSets(shape.functionName, shape.qualifier, shape.executedVersion)) for (const name of names) put(name, dims);
  }
  for (const point of sources.asyncPoints()) {
    if (point.timestamp < fromMs || !Object.hasOwn(METRICS, point.metric)) continue;
    for (const dims of dimensionSets(point.functionName, point.qualifier, point.executedVersion)) put(point.metric, dims);
  }
  const sortKey = (m: ListedMetric) => JSON.stringify([m.MetricName, m.Dimensions.length, m.Dimensions]);
  return [...found.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

function listMetrics(p: Params, sources: MetricsSources): unknown {
  const namespace = optString(p, 'Namespace', 'Namespace');
  const metricName = optString(p, 'MetricName', 'MetricName');
  const filters = dimensionsOf(p, '', false);
  const recentlyActive = optString(p, 'RecentlyActive', 'RecentlyActive');
  if (recentlyActive !== undefined && recentlyActive !== 'PT3H') throw validation(`The value ${recentlyActive.slice(0, 40)} for parameter RecentlyActive is not PT3H.`);
  optString(p, 'OwningAccount', 'OwningAccount');
  const hash = fingerprint(p, ['NextToken']);
  const tokenText = optString(p, 'NextToken', 'NextToken');
  const now = (sources.now ?? Date.now)();
  const token = tokenText !== undefined ? decodeToken(tokenText, hash) : { o: 0, s: 0, t: now, h: hash };
  const fromMs = recentlyActive ? token.t - 3 * 60 * 60 * 1000 : token.t - RECORD_LIMITS.maxAgeMs;
  const all = namespace !== undefined && namespace !== NAMESPACE ? [] : metricsWithData(sources, fromMs);
  const listed = all.filter((m) => (metricName === undefined || m.MetricName === metricName)
    && filters.every((f) => m.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))));
  const page = listed.slice(token.o, token.o + METRICS_LIMITS.listPageSize);
  const out: Record<string, unknown> = { Metrics: page };
  if (token.o + METRICS_LIMITS.listPageSize < listed.length) out.NextToken = encodeToken({ ...token, o: token.o + METRICS_LIMITS.listPageSize });
  return out;
}
