import type { InvokeResponse } from '../../aws/invoke';
import { formatUsd, invocationCost, PRICE_TABLE, pricesFor, type Architecture } from '../../shared/lambda/pricing';
import { parseFunctionError, prettyPayload, statusText } from './invocation';
import { utf8Length } from '../../shared/units';
import { parseReport } from '../../shared/lambda/report';
import type { CostView, HistoryEntry, InvocationView, InvokeParams } from './protocol';

/** What the function's configuration adds to a result: the price depends on the architecture. */
export interface PricingConfig {
  architecture?: string;
  ephemeralStorageMb?: number;
  /** The function's region (from its ARN); us-east-1 when unknown. */
  region?: string;
}

type Params = InvocationView['params'];

export function paramsOf(params: InvokeParams): Params {
  const { qualifier, invocationType, eventLabel, eventSource } = params;
  return { qualifier, invocationType, eventLabel, eventSource };
}

function costOf(billedDurationMs: number, memorySizeMb: number, config: PricingConfig | undefined): CostView {
  const architecture: Architecture = config?.architecture === 'arm64' ? 'arm64' : 'x86_64';
  const region = config?.region || 'us-east-1';
  const cost = invocationCost({ region, billedDurationMs, memorySizeMb, architecture, ephemeralStorageMb: config?.ephemeralStorageMb });
  const known = config?.architecture ? '' : ' (architecture unknown, priced as x86_64)';
  const notes = pricesFor(region).notes;
  return {
    usd: cost.usd,
    text: formatUsd(cost.usd),
    architecture,
    detail:
      `${billedDurationMs} ms billed × ${memorySizeMb} MB on ${architecture}${known}: ` +
      `request ${formatUsd(cost.requestUsd)} + duration ${formatUsd(cost.computeUsd)}` +
      (cost.storageUsd > 0 ? ` + /tmp ${formatUsd(cost.storageUsd)}` : '') +
      ` at ${region} on-demand prices (${PRICE_TABLE.checked}), before free tier.` +
      (notes.length ? ` ${notes.join(' ')}` : ''),
  };
}

/** A finished call as the Invoke tab shows it: status, payload, error, REPORT figures and cost. */
export function invocationView(id: string, at: Date, params: InvokeParams, response: InvokeResponse, config?: PricingConfig): InvocationView {
  const view: InvocationView = {
    id,
    at: at.toISOString(),
    params: paramsOf(params),
    outcome: response.functionError ? 'functionError' : 'ok',
    statusCode: response.statusCode,
    statusText: statusText(response.statusCode),
    roundTripMs: response.roundTripMs,
  };
  if (response.requestId) view.requestId = response.requestId;
  if (response.executedVersion) view.executedVersion = response.executedVersion;
  if (response.payload) {
    const pretty = prettyPayload(response.payload);
    view.payload = pretty.text;
    view.payloadIsJson = pretty.json;
    view.payloadBytes = utf8Length(response.payload);
  }
  if (response.functionError) view.functionError = { kind: response.functionError, ...parseFunctionError(response.payload) };
  if (response.logTail !== undefined) {
    view.logTail = response.logTail;
    const report = parseReport(response.logTail);
    if (report) {
      view.report = {
        durationMs: report.durationMs,
        billedDurationMs: report.billedDurationMs,
        memorySizeMb: report.memorySizeMb,
        maxMemoryUsedMb: report.maxMemoryUsedMb,
        coldStart: report.coldStart,
        ...(report.initDurationMs !== undefined ? { initDurationMs: report.initDurationMs } : {}),
      };
      view.cost = costOf(report.billedDurationMs, report.memorySizeMb, config);
    }
  }
  return view;
}

/** A call that did not run: refused by Lambda, unreachable, or cancelled. */
export function failedView(id: string, at: Date, params: InvokeParams, error: string, cancelled = false): InvocationView {
  return { id, at: at.toISOString(), params: paramsOf(params), outcome: cancelled ? 'cancelled' : 'failed', error };
}

export function historyEntry(view: InvocationView, payload: string): HistoryEntry {
  const entry: HistoryEntry = { id: view.id, at: view.at, params: { ...view.params, payload }, outcome: view.outcome };
  if (view.statusText) entry.statusText = view.statusText;
  if (view.report) {
    entry.durationMs = view.report.durationMs;
    entry.coldStart = view.report.coldStart;
  }
  if (view.cost) entry.costText = view.cost.text;
  return entry;
}
