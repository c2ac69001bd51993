/**
 * Lambda's rules for asynchronous invocation settings (event invoke configs): the ranges of
 * MaximumRetryAttempts and MaximumEventAgeInSeconds and which ARNs a destination may be. Pure:
 * the Local Lambda checks API calls and templates with it; the extension may check input early.
 */

import type { DestinationKind } from './asyncLog';

export const EVENT_INVOKE_LIMITS = {
  maximumRetryAttempts: { min: 0, max: 2, default: 2 },
  maximumEventAgeInSeconds: { min: 60, max: 21600, default: 21600 },
  /** Longest destination ARN the API model accepts. */
  destinationArnLength: 350,
  /** ListFunctionEventInvokeConfigs MaxItems. */
  listMaxItems: 50,
} as const;

export type DestinationType = 'Lambda' | 'SQS' | 'SNS' | 'EventBridge' | 'S3';

export interface ParsedDestination {
  type: DestinationType;
  partition: string;
  region: string;
  accountId: string;
  /** Function name (Lambda), queue, topic, bus or bucket name. */
  name: string;
  /** Lambda only: the version or alias the ARN names. */
  qualifier?: string;
}

const REGION = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d';
const PATTERNS: Array<[DestinationType, RegExp]> = [
  ['Lambda', new RegExp(`^arn:(aws[a-zA-Z-]*):lambda:(${REGION}):(\\d{12}):function:([a-zA-Z0-9_-]{1,64})(?::(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?$`)],
  ['SQS', new RegExp(`^arn:(aws[a-zA-Z-]*):sqs:(${REGION}):(\\d{12}):([a-zA-Z0-9_-]{1,80}(?:\\.fifo)?)$`)],
  ['SNS', new RegExp(`^arn:(aws[a-zA-Z-]*):sns:(${REGION}):(\\d{12}):([a-zA-Z0-9_-]{1,256}(?:\\.fifo)?)$`)],
  ['EventBridge', new RegExp(`^arn:(aws[a-zA-Z-]*):events:(${REGION}):(\\d{12}):event-bus/([a-zA-Z0-9._/-]{1,256})$`)],
  ['S3', /^arn:(aws[a-zA-Z-]*):s3:()::()([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/],
];

/** A destination ARN split into its parts; undefined when it names nothing a destination may be. */
export function parseDestinationArn(arn: string): ParsedDestination | undefined {
  if (arn.length > EVENT_INVOKE_LIMITS.destinationArnLength) return undefined;
  for (const [type, pattern] of PATTERNS) {
    const m = pattern.exec(arn);
    if (!m) continue;
    return { type, partition: m[1], region: m[2], accountId: m[3], name: m[4], ...(m[5] !== undefined ? { qualifier: m[5] } : {}) };
  }
  return undefined;
}

/** Why an ARN cannot be this destination, in words for the person who wrote it; undefined when it can. */
export function destinationProblem(arn: string, kind: DestinationKind): string | undefined {
  if (arn.length > EVENT_INVOKE_LIMITS.destinationArnLength) {
    return `The destination ARN is ${arn.length} characters long; at most ${EVENT_INVOKE_LIMITS.destinationArnLength} are allowed.`;
  }
  const parsed = parseDestinationArn(arn);
  if (!parsed) {
    return `The destination ARN ${arn.slice(0, 120)} is invalid: give the ARN of a Lambda function, an SQS queue, an SNS topic, ` +
      `an EventBridge event bus${kind === 'OnFailure' ? ' or an S3 bucket' : ''}.`;
  }
  if (parsed.type === 'S3' && kind === 'OnSuccess') {
    return `The destination ARN ${arn} is an S3 bucket; S3 buckets can only be OnFailure destinations.`;
  }
  if ((parsed.type === 'SQS' || parsed.type === 'SNS') && parsed.name.endsWith('.fifo')) {
    return `The destination ${arn} is a FIFO ${parsed.type === 'SQS' ? 'queue' : 'topic'}; only standard ones can be destinations.`;
  }
  return undefined;
}

/** The destination type SAM's `DestinationConfig.OnSuccess.Type` names, as the ARN shows it. */
export function destinationTypeOf(arn: string): DestinationType | undefined {
  return parseDestinationArn(arn)?.type;
}
