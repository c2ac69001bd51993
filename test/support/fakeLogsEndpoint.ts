import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** How the fake answers StartLiveTail. */
export type LiveTailBehaviour =
  /** A session starts and stays open; `push` sends updates to it. */
  | 'works'
  /** Every session ends right after its sessionStart frame. */
  | 'endAtOnce'
  /** HTTP 500 with an HTML page, as a proxy or an emulator without the operation answers. */
  | 'html500'
  /** HTTP 400 UnknownOperationException. */
  | 'unknownOperation'
  /** The request is accepted and never answered. */
  | 'hang';

export interface StoredEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

interface OpenSession {
  res: http.ServerResponse;
  identifiers: string[];
}

/**
 * A CloudWatch Logs endpoint on 127.0.0.1 that speaks just enough of the JSON 1.1 protocol and
 * the event stream framing for the real SDK client: DescribeLogGroups, FilterLogEvents (from a
 * store the test fills) and StartLiveTail (as `liveTail` says). Every request is recorded with
 * its time, so a test can count what the tail sent.
 */
export class FakeLogsEndpoint {
  liveTail: LiveTailBehaviour = 'works';
  /** FilterLogEvents answers HTTP 500 with an HTML page. */
  filterFails = false;
  readonly requests: { at: number; operation: string }[] = [];
  readonly events: StoredEvent[] = [];
  /** FilterLogEvents answers with these too, whatever the time range asked (a careless endpoint). */
  readonly strayFilterEvents: StoredEvent[] = [];
  private readonly sessions: OpenSession[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private nextId = 1;
  endpoint = '';

  constructor(readonly group = '/aws/lambda/orders', readonly account = '123456789012') {}

  get arn(): string {
    return `arn:aws:logs:us-east-1:${this.account}:log-group:${this.group}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sessions.splice(0)) s.res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests of one operation (or all) made since `since`. */
  count(operation?: string, since = 0): number {
    return this.requests.filter((r) => r.at >= since && (!operation || r.operation === operation)).length;
  }

  /** Stores an event (FilterLogEvents returns it) without streaming it. */
  store(message: string, timestamp = Date.now(), logStreamName = '2026/01/01/[$LATEST]abc'): StoredEvent {
    const event = { logStreamName, timestamp, message, ingestionTime: Date.now(), eventId: String(this.nextId++) };
    this.events.push(event);
    return event;
  }

  /** Sends one sessionUpdate with these results to every open session (what a Live Tail answer carries). */
  push(results: { logStreamName?: string; logGroupIdentifier?: string; message: string; timestamp?: number }[]): number {
    const open = this.sessions.filter((s) => !s.res.writableEnded && !s.res.destroyed);
    for (const s of open) {
      const sessionResults = results.map((r) => ({
        logStreamName: r.logStreamName ?? '2026/01/01/[$LATEST]abc',
        logGroupIdentifier: r.logGroupIdentifier ?? s.identifiers[0],
        message: r.message,
        timestamp: r.timestamp ?? Date.now(),
        ingestionTime: Date.now(),
      }));
      s.res.write(eventFrame('sessionUpdate', { sessionMetadata: { sampled: false }, sessionResults }));
    }
    return open.length;
  }

  /** Live Tail sessions open now. */
  openSessions(): number {
    return this.sessions.filter((s) => !s.res.writableEnded && !s.res.destroyed).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^Logs_20140328\./, '');
      this.requests.push({ at: Date.now(), operation });
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // answered below as an unknown operation
      }
      switch (operation) {
        case 'DescribeLogGroups':
          return json(res, 200, { logGroups: [{ logGroupName: this.group, arn: `${this.arn}:*`, logGroupArn: this.arn, creationTime: 1 }] });
        case 'FilterLogEvents': {
          if (this.filterFails) return htmlError(res);
          const start = typeof body.startTime === 'number' ? body.startTime : 0;
          const end = typeof body.endTime === 'number' ? body.endTime : Infinity;
          const events = [...this.strayFilterEvents, ...this.events.filter((e) => e.timestamp >= start && e.timestamp <= end)]
            .map((e) => ({ ...e }));
          return json(res, 200, { events, searchedLogStreams: [] });
        }
        case 'StartLiveTail':
          return this.startLiveTail(res, body);
        default:
          return error(res, 400, 'UnknownOperationException', `Unknown operation ${operation}`);
      }
    });
  }

  private startLiveTail(res: http.ServerResponse, body: Record<string, unknown>): void {
    switch (this.liveTail) {
      case 'html500':
        return htmlError(res);
      case 'unknownOperation':
        return error(res, 400, 'UnknownOperationException', 'The operation StartLiveTail is not implemented.');
      case 'hang':
        this.sessions.push({ res, identifiers: [] });
        return;
      default: {
        const identifiers = Array.isArray(body.logGroupIdentifiers) ? body.logGroupIdentifiers.map(String) : [];
        res.writeHead(200, { 'Content-Type': 'application/vnd.amazon.eventstream', 'x-amzn-RequestId': `r${this.nextId++}` });
        res.write(eventFrame('sessionStart', { requestId: 'r', sessionId: `s${this.nextId++}`, logGroupIdentifiers: identifiers }));
        if (this.liveTail === 'endAtOnce') {
          res.end();
          return;
        }
        this.sessions.push({ res, identifiers });
      }
    }
  }
}

function eventFrame(eventType: string, body: unknown): Buffer {
  const encoded = codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify(body)),
  });
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

function htmlError(res: http.ServerResponse): void {
  res.writeHead(500, { 'Content-Type': 'text/html' });
  res.end('<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>');
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

function error(res: http.ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message }));
}
