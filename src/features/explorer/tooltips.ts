import { parseLambdaTimestamp } from '../../shared/format';

/**
 * Text from a user or an endpoint, made to show literally in a Markdown tooltip: every ASCII
 * punctuation character is backslash-escaped (CommonMark allows that for all of them), so no
 * link, image, emphasis, HTML tag, entity or `$(icon)` can form. Lines stay lines (hard breaks
 * within one paragraph, without their indentation, so none becomes a code block).
 */
export function escapeMarkdown(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => line.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`))
    .join('  \n');
}

/** A value shown as inline code: code spans show their content literally, but a backtick would end one. */
export function markdownCode(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r\n?|\n/g, ' ')}\``;
}

export interface FunctionDetails {
  FunctionName?: string;
  FunctionArn?: string;
  Handler?: string;
  Runtime?: string;
  MemorySize?: number;
  Timeout?: number;
  LastModified?: string;
  Version?: string;
  Description?: string;
  PackageType?: string;
  /** Why the function may not run as expected (the Local Lambda says, e.g., which interpreter runs it). */
  StateReason?: string;
}

/** Markdown for a function or version tooltip: name, then one line per known property. */
export function functionTooltip(fn: FunctionDetails): string {
  const rows: [string, string | undefined][] = [
    ['ARN', fn.FunctionArn],
    ['Handler', fn.Handler],
    ['Runtime', fn.Runtime ?? (fn.PackageType === 'Image' ? 'container image' : undefined)],
    ['Memory', fn.MemorySize !== undefined ? `${fn.MemorySize} MB` : undefined],
    ['Timeout', fn.Timeout !== undefined ? `${fn.Timeout} s` : undefined],
    ['Last modified', formatTimestamp(fn.LastModified)],
  ];
  const title = `**${escapeMarkdown(fn.FunctionName ?? '')}**${fn.Version && fn.Version !== '$LATEST' ? ` version ${escapeMarkdown(fn.Version)}` : ''}`;
  const lines = [title];
  if (fn.Description) lines.push(escapeMarkdown(fn.Description));
  if (fn.StateReason) lines.push(`$(warning) ${escapeMarkdown(fn.StateReason)}`);
  for (const [key, value] of rows) if (value) lines.push(`${key}: ${markdownCode(value)}`);
  return lines.join('  \n');
}

function formatTimestamp(value: string | undefined): string | undefined {
  const date = parseLambdaTimestamp(value);
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : value;
}

/**
 * AWS console address of a function, in the partition its ARN names
 * (arn:aws:…, arn:aws-cn:…, arn:aws-us-gov:…).
 */
export function consoleUrl(functionArn: string, region: string, functionName: string): string {
  const partition = functionArn.split(':')[1] ?? 'aws';
  const host =
    partition === 'aws-cn' ? 'console.amazonaws.cn' : partition === 'aws-us-gov' ? 'console.amazonaws-us-gov.com' : `${region}.console.aws.amazon.com`;
  return `https://${host}/lambda/home?region=${encodeURIComponent(region)}#/functions/${encodeURIComponent(functionName)}`;
}
