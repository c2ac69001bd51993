/**
 * The Monitor tab's cost estimate: the range's Invocations and Duration sums priced with the
 * price table (src/shared/lambda/pricing.ts), and the month at the same rate, with the free tier
 * shown apart. Pure.
 */
import { estimateCost, PRICE_TABLE, type Architecture } from '../../shared/lambda/pricing';
import type { CostView } from './protocol';

/** What the price depends on besides usage: the function's configuration. */
export interface FunctionSizing {
  memorySizeMb: number;
  architecture: Architecture;
  ephemeralStorageMb?: number;
}

export interface CostInput {
  region: string;
  sizing: FunctionSizing;
  invocations: number;
  /** Sum of the Duration metric over the range, ms. */
  durationMs: number;
  /** How long the range is (up to now). */
  rangeMs: number;
  /** On the Local Lambda: nothing is charged; the figures say what AWS would charge. */
  local: boolean;
}

/** Dollars with two decimals, or with enough digits to show a small amount (never as 1e-7). */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '$0.00';
  if (value >= 0.01) return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const digits = Math.min(10, 2 - Math.floor(Math.log10(value)));
  return `$${value.toFixed(digits)}`;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const gbSeconds = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 }));

export function costView(input: CostInput): CostView {
  const estimate = estimateCost({
    region: input.region,
    architecture: input.sizing.architecture,
    memorySizeMb: input.sizing.memorySizeMb,
    ephemeralStorageMb: input.sizing.ephemeralStorageMb,
    invocations: input.invocations,
    durationMs: input.durationMs,
    rangeMs: input.rangeMs,
  });
  const { range, month } = estimate;
  const storage = (usd: number) => (usd > 0 ? `, /tmp ${formatUsd(usd)}` : '');
  const lines = [
    `This range: ${formatUsd(range.totalUsd)} — ${count(range.requests)} requests ${formatUsd(range.requestUsd)}, ${gbSeconds(range.gbSeconds)} GB-s ${formatUsd(range.durationUsd)}${storage(range.storageUsd)}`,
    `Per month at this rate: ${formatUsd(month.totalUsd)} — ${count(month.requests)} requests, ${gbSeconds(month.gbSeconds)} GB-s`,
    `Free tier, apart: the account's ${count(PRICE_TABLE.freeTier.requests)} requests and ${count(PRICE_TABLE.freeTier.gbSeconds)} GB-s a month (all functions and regions together) would cover up to ${formatUsd(estimate.monthFreeTierUsd)} of that month.`,
  ];
  const notes = [
    `${input.sizing.memorySizeMb} MB, ${input.sizing.architecture}, ${input.region} on-demand prices (${PRICE_TABLE.source}, checked ${PRICE_TABLE.checked}); duration from the Duration metric, before rounding up to billed milliseconds.`,
    ...estimate.notes,
  ];
  if (input.local) notes.unshift(`The Local Lambda charges nothing: this is what these calls would cost on AWS in ${input.region}.`);
  const summary = `${formatUsd(range.totalUsd)} this range · ${formatUsd(month.totalUsd)} a month at this rate, before the free tier`;
  return { summary, lines, note: notes.join(' ') };
}
