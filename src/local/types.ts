/**
 * Shared shapes inside the Local Lambda program. The Local Lambda imports nothing from the
 * extension; the extension talks to it only over HTTP with the AWS SDK.
 */

/** Everything a runtime needs to run one version of one function. */
export interface ExecutionSpec {
  functionName: string;
  /** "$LATEST" or a published version number as a string. */
  version: string;
  functionArn: string;
  /** Absolute folder holding the function's code (a workspace folder used live, or an unzipped upload). */
  codeDir: string;
  handler: string;
  /** e.g. nodejs20.x, python3.12, provided.al2023 */
  runtime: string;
  /** MB */
  memorySize: number;
  /** seconds */
  timeout: number;
  /** MB */
  ephemeralStorage: number;
  environment: Record<string, string>;
  /**
   * The function's layers as local folders, in the function's order (each folder holds what
   * Lambda would unpack into /opt: nodejs/, python/, bin/, lib/ …).
   */
  layers?: string[];
  /**
   * For a template function: how `sam build` would build it (the template's folder, the
   * resource's logical id and Metadata), so the runtime can build it the same way first.
   */
  build?: FunctionBuild;
  region: string;
  accountId: string;
  logGroupName: string;
  /**
   * Identifies code + configuration. Warm environments are reused only while this stays the
   * same; a new value retires the old environments.
   */
  revisionKey: string;
  /** Reserved concurrency for the function, if set (0 means throttled). */
  reservedConcurrency?: number;
}

export interface FunctionBuild {
  templateDir: string;
  logicalId: string;
  /** The resource's Metadata (BuildMethod, BuildProperties). */
  metadata?: unknown;
}

export interface InvokeRequest {
  requestId: string;
  payload: Buffer;
  /** Event: one attempt of an asynchronous invocation (its queue and retries are AsyncEvents'). */
  invocationType?: 'RequestResponse' | 'Event';
  /** base64 client context as sent in X-Amz-Client-Context */
  clientContext?: string;
  /**
   * JSON text of the caller's Amazon Cognito identity ({"cognitoIdentityId","cognitoIdentityPoolId"}),
   * passed to the runtime as Lambda-Runtime-Cognito-Identity. The Invoke API has no input for it;
   * it is for callers inside the program.
   */
  cognitoIdentity?: string;
  invokedFunctionArn: string;
  /** Lines written into the invocation's log stream right after its START line (which attempt of an Event this is). */
  logLines?: string[];
  /**
   * For a caller that forwards a streamed response (InvokeWithResponseStream, streaming function
   * URLs): called with the stream's content type before its first bytes, then with each chunk as
   * the handler writes it. The outcome still carries the whole response.
   */
  onStream?: ResponseStreamSink;
}

export interface ResponseStreamSink {
  start(contentType: string): void;
  chunk(data: Buffer): void;
}

/** A debug session's invocation (X-Local-Debug-Session): it runs in an environment of its own, under a debugger. */
export interface DebugInvocation {
  /** The caller's id for the session; the note that says where the debugger listens carries it. */
  session: string;
  /** Variables over the function's own, for this session only. */
  environment?: Record<string, string>;
  /** Aborted when the caller goes away (its debugger stopped): the environment and all it started are stopped. */
  signal?: AbortSignal;
}

export interface InvokeOutcome {
  /** The response payload bytes (JSON text), or the error document on a function error. */
  payload: Buffer;
  /** Set when the function failed ("Unhandled" for errors thrown by the handler, timeouts, crashes). */
  functionError?: 'Unhandled' | 'Handled';
  /** The invocation's log text (START..REPORT) — the API takes the last 4 KB for X-Amz-Log-Result. */
  log: string;
  durationMs: number;
  billedDurationMs: number;
  maxMemoryUsedMB: number;
  /** Present on a cold start. */
  initDurationMs?: number;
  /** The log stream the invocation's lines went to. */
  logStreamName?: string;
}

export interface LogEventInput {
  timestamp: number;
  message: string;
}

/** Where runtimes write function logs: CloudWatch-style groups and streams. */
export interface LogSink {
  write(logGroupName: string, logStreamName: string, events: LogEventInput[]): void;
}

/** Thrown by the runtime layer when no environment can be had; the API answers 429. */
export class TooManyRequestsError extends Error {
  readonly reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';
  constructor(message: string, reason: TooManyRequestsError['reason']) {
    super(message);
    this.name = 'TooManyRequestsException';
    this.reason = reason;
  }
}

/** A debug invocation the runtime cannot take: 400 for one it never could, 409 for one that clashes with what runs. */
export class DebugSessionError extends Error {
  constructor(readonly status: 400 | 409, message: string) {
    super(message);
    this.name = status === 409 ? 'ResourceConflictException' : 'InvalidParameterValueException';
  }
}
