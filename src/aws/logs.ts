import type { CloudWatchLogsClient, StartLiveTailResponseStream } from '@aws-sdk/client-cloudwatch-logs';
import { createLogsClient } from './clients';
import type { ConnectionSpec } from './connections';
import { toWorkbenchError, UNKNOWN_OPERATION_NAMES, unsupportedOperation, WorkbenchError, type ErrorContext } from './errors';

/** One log event as the log views use it, from FilterLogEvents or a Live Tail update. */
export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime?: number;
  /** FilterLogEvents gives one; Live Tail events have none. */
  eventId?: string;
  /** Live Tail: the group the event belongs to, as the request named it (ARN or name). */
  logGroupIdentifier?: string;
}

export interface LogGroupSummary {
  name: string;
  /** ARN without the trailing `:*` (the form StartLiveTail takes). */
  arn?: string;
  creationTime?: number;
  storedBytes?: number;
}

export interface LogGroupPage {
  groups: LogGroupSummary[];
  nextToken?: string;
}

export interface FilterRequest {
  logGroupName: string;
  logStreamNamePrefix?: string;
  filterPattern?: string;
  startTime?: number;
  endTime?: number;
  /** Upper bound on events returned in total across pages (default 10,000). */
  maxEvents?: number;
  /** No SDK retries: the caller retries on its own schedule. */
  singleAttempt?: boolean;
  /** Awaited before each page after the first (the tail paces its requests with it). */
  beforePage?: () => Promise<void>;
}

export interface FilterResult {
  events: LogEvent[];
  /** More events matched than maxEvents: the rest were not read. */
  truncated: boolean;
}

export interface LiveTailRequest {
  /** Log group ARNs (1–10). */
  logGroupIdentifiers: string[];
  logStreamNamePrefixes?: string[];
  logEventFilterPattern?: string;
}

/** What a Live Tail stream yields: the session start, then batches of events. */
export type LiveTailFrame =
  | { kind: 'start'; sessionId?: string }
  | { kind: 'update'; events: LogEvent[]; sampled: boolean };

/** The group does not exist (yet): a Lambda function's group appears with its first invocation. */
export class LogGroupNotFoundError extends WorkbenchError {
  constructor(readonly logGroup: string, cause?: unknown) {
    super('notFound', `Log group ${logGroup} does not exist yet.`, cause);
    this.name = 'LogGroupNotFoundError';
  }
}

/**
 * StartLiveTail is not allowed for these credentials or not offered by the endpoint. `permanent`:
 * the endpoint said so in words (access denied, unknown operation); otherwise its answer only
 * looks like it (an HTML error page), and a few more tries are worth it.
 */
export class LiveTailUnavailableError extends WorkbenchError {
  constructor(
    message: string,
    cause?: unknown,
    readonly permanent = true,
  ) {
    super('service', message, cause);
    this.name = 'LiveTailUnavailableError';
  }
}

/** A Live Tail session reached its time limit (3 hours on AWS); a new one can be started at once. */
export class LiveTailSessionEndedError extends WorkbenchError {
  constructor(message: string, cause?: unknown) {
    super('service', message, cause);
    this.name = 'LiveTailSessionEndedError';
  }
}

/** The request itself is wrong (e.g. a filter pattern that does not parse); retrying will not help. */
export class InvalidLogsRequestError extends WorkbenchError {
  constructor(message: string, cause?: unknown) {
    super('service', message, cause);
    this.name = 'InvalidLogsRequestError';
  }
}

/** Error names meaning "these credentials may not use Live Tail". */
const LIVE_TAIL_DENIALS = new Set(['AccessDeniedException', 'AccessDenied']);

interface SdkErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** FilterLogEvents pages: a page may be empty while nextToken is present; this bounds the walk. */
const MAX_FILTER_PAGES = 500;
const MAX_GROUP_PAGES = 100;

/** Typed CloudWatch Logs operations for one connection and region; errors become WorkbenchErrors. */
export class LogsApi {
  private client?: Promise<CloudWatchLogsClient>;
  /** The same without SDK retries, for the tail (it retries with its own backoff and pace). */
  private onceClient?: Promise<CloudWatchLogsClient>;
  private readonly errorContext: ErrorContext;

  constructor(
    readonly spec: ConnectionSpec,
    readonly region: string,
  ) {
    this.errorContext = { profile: spec.profile?.name, sso: spec.profile?.sso, endpoint: spec.endpoint, region };
  }

  private async sdk(singleAttempt = false): Promise<[CloudWatchLogsClient, typeof import('@aws-sdk/client-cloudwatch-logs')]> {
    const client = singleAttempt
      ? (this.onceClient ??= createLogsClient(this.spec, this.region, { maxAttempts: 1 }).catch((error: unknown) => {
        this.onceClient = undefined;
        throw error;
      }))
      : (this.client ??= createLogsClient(this.spec, this.region).catch((error: unknown) => {
        this.client = undefined;
        throw error;
      }));
    return Promise.all([client, import('@aws-sdk/client-cloudwatch-logs')]);
  }

  private mapError(error: unknown, operation: string, group?: string): WorkbenchError {
    const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
    if (group && e.name === 'ResourceNotFoundException') return new LogGroupNotFoundError(group, error);
    if (e.name === 'InvalidParameterException') return new InvalidLogsRequestError(e.message ?? 'Invalid request', error);
    return toWorkbenchError(error, { ...this.errorContext, operation, endpoint: this.errorContext.endpoint ?? `logs.${this.region}.amazonaws.com` });
  }

  /** One page of log groups, optionally those whose name starts with `prefix`. */
  async describeLogGroupsPage(prefix?: string, nextToken?: string, limit = 50, singleAttempt = false): Promise<LogGroupPage> {
    try {
      const [client, sdk] = await this.sdk(singleAttempt);
      const out = await client.send(new sdk.DescribeLogGroupsCommand({
        logGroupNamePrefix: prefix || undefined, nextToken, limit: Math.min(Math.max(1, limit), 50),
      }));
      const groups = (out.logGroups ?? []).filter((g) => g.logGroupName).map((g): LogGroupSummary => ({
        name: g.logGroupName!,
        arn: g.logGroupArn ?? g.arn?.replace(/:\*$/, ''),
        creationTime: g.creationTime,
        storedBytes: g.storedBytes,
      }));
      return { groups, nextToken: out.nextToken || undefined };
    } catch (error) {
      throw this.mapError(error, 'DescribeLogGroups');
    }
  }

  /** Log groups whose names start with `prefix`, up to `max` of them. */
  async describeLogGroups(prefix?: string, max = 1000): Promise<{ groups: LogGroupSummary[]; more: boolean }> {
    const groups: LogGroupSummary[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_GROUP_PAGES && groups.length < max; page++) {
      const out = await this.describeLogGroupsPage(prefix, token);
      groups.push(...out.groups);
      token = out.nextToken;
      if (!token) break;
    }
    return { groups: groups.slice(0, max), more: token !== undefined || groups.length > max };
  }

  /** The group named exactly `name`; throws LogGroupNotFoundError when there is none. */
  async findLogGroup(name: string, options: { singleAttempt?: boolean; beforePage?: () => Promise<void> } = {}): Promise<LogGroupSummary> {
    let token: string | undefined;
    for (let page = 0; page < MAX_GROUP_PAGES; page++) {
      if (page > 0) await options.beforePage?.();
      const out = await this.describeLogGroupsPage(name, token, 50, options.singleAttempt);
      const found = out.groups.find((g) => g.name === name);
      if (found) return found;
      token = out.nextToken;
      if (!token) break;
    }
    throw new LogGroupNotFoundError(name);
  }

  /** Matching events in time order, following nextToken until it is absent (bounded). */
  async filterLogEvents(request: FilterRequest, signal?: AbortSignal): Promise<FilterResult> {
    const maxEvents = request.maxEvents ?? 10_000;
    const events: LogEvent[] = [];
    try {
      const [client, sdk] = await this.sdk(request.singleAttempt);
      let token: string | undefined;
      for (let page = 0; page < MAX_FILTER_PAGES; page++) {
        if (page > 0) await request.beforePage?.();
        signal?.throwIfAborted();
        const out = await client.send(new sdk.FilterLogEventsCommand({
          logGroupName: request.logGroupName,
          logStreamNamePrefix: request.logStreamNamePrefix || undefined,
          filterPattern: request.filterPattern || undefined,
          startTime: request.startTime,
          endTime: request.endTime,
          limit: Math.min(10_000, Math.max(1, maxEvents - events.length)),
          nextToken: token,
        }), { abortSignal: signal });
        for (const e of out.events ?? []) {
          if (e.logStreamName === undefined || e.timestamp === undefined || e.message === undefined) continue;
          events.push({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId });
        }
        token = out.nextToken || undefined;
        if (!token) return { events, truncated: false };
        if (events.length >= maxEvents) return { events: events.slice(0, maxEvents), truncated: true };
      }
      return { events, truncated: true };
    } catch (error) {
      throw this.mapError(error, 'FilterLogEvents', request.logGroupName);
    }
  }

  /**
   * Starts a Live Tail session. Resolves once the endpoint accepted the request; the returned
   * iterable yields the session start and then updates until the session ends, the connection
   * drops (it throws) or `signal` aborts it (it ends or throws an AbortError).
   */
  async startLiveTail(request: LiveTailRequest, signal: AbortSignal): Promise<AsyncIterable<LiveTailFrame>> {
    let stream: AsyncIterable<StartLiveTailResponseStream>;
    try {
      const [client, sdk] = await this.sdk(true);
      const out = await client.send(new sdk.StartLiveTailCommand({
        logGroupIdentifiers: request.logGroupIdentifiers,
        logStreamNamePrefixes: request.logStreamNamePrefixes?.length ? request.logStreamNamePrefixes : undefined,
        logEventFilterPattern: request.logEventFilterPattern || undefined,
      }), { abortSignal: signal });
      if (!out.responseStream) throw new LiveTailUnavailableError('The endpoint answered StartLiveTail without an event stream.');
      stream = out.responseStream;
    } catch (error) {
      throw this.mapStartError(error, request.logGroupIdentifiers[0]);
    }
    return this.frames(stream, request.logGroupIdentifiers[0]);
  }

  private mapStartError(error: unknown, identifier: string): WorkbenchError {
    if (error instanceof WorkbenchError) return error;
    const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
    const status = e.$metadata?.httpStatusCode;
    if (e.name === 'ResourceNotFoundException') return this.mapError(error, 'StartLiveTail', groupNameOf(identifier));
    if (UNKNOWN_OPERATION_NAMES.has(e.name ?? '')) return new LiveTailUnavailableError(unsupportedOperation(error, 'StartLiveTail')!, error);
    if (LIVE_TAIL_DENIALS.has(e.name ?? '') || status === 403 || status === 404 || status === 501) {
      return new LiveTailUnavailableError(`StartLiveTail was refused (${e.name ?? `HTTP ${status}`}: ${e.message ?? 'no reason given'}).`, error);
    }
    const notJson = unsupportedOperation(error, 'StartLiveTail');
    if (notJson) return new LiveTailUnavailableError(notJson, error, false);
    return this.mapError(error, 'StartLiveTail', groupNameOf(identifier));
  }

  private async *frames(stream: AsyncIterable<StartLiveTailResponseStream>, identifier: string): AsyncGenerator<LiveTailFrame> {
    try {
      for await (const frame of stream) {
        if (frame.sessionStart) {
          yield { kind: 'start', sessionId: frame.sessionStart.sessionId };
        } else if (frame.sessionUpdate) {
          const events: LogEvent[] = [];
          for (const e of frame.sessionUpdate.sessionResults ?? []) {
            if (e.logStreamName === undefined || e.timestamp === undefined || e.message === undefined) continue;
            events.push({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, logGroupIdentifier: e.logGroupIdentifier });
          }
          yield { kind: 'update', events, sampled: frame.sessionUpdate.sessionMetadata?.sampled === true };
        } else if (frame.SessionTimeoutException) {
          throw new LiveTailSessionEndedError(frame.SessionTimeoutException.message ?? 'The Live Tail session reached its time limit.');
        } else if (frame.SessionStreamingException) {
          throw new WorkbenchError('service', `Live Tail stream failed: ${frame.SessionStreamingException.message ?? 'unknown error'}`);
        }
      }
    } catch (error) {
      if (error instanceof WorkbenchError) throw error;
      const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
      if (e.name === 'SessionTimeoutException') throw new LiveTailSessionEndedError(e.message ?? 'The Live Tail session reached its time limit.', error);
      if (e.name === 'AbortError') throw error;
      throw this.mapError(error, 'StartLiveTail', groupNameOf(identifier));
    }
  }

  dispose(): void {
    for (const client of [this.client, this.onceClient]) void client?.then((c) => c.destroy()).catch(() => undefined);
    this.client = undefined;
    this.onceClient = undefined;
  }
}

/** `arn:aws:logs:region:account:log-group:NAME` (optionally ending `:*`) → NAME; a name stays a name. */
export function groupNameOf(identifier: string): string {
  const m = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return m ? m[1] : identifier;
}

/** The ARN StartLiveTail takes for a group in an account and region. */
export function logGroupArn(region: string, accountId: string, name: string, partition = 'aws'): string {
  return `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`;
}

/** A Lambda function's log group: LoggingConfig.LogGroup when set, else `/aws/lambda/<name>`. */
export function functionLogGroup(functionName: string, loggingConfigGroup?: string): string {
  return loggingConfigGroup?.trim() || `/aws/lambda/${functionName}`;
}
