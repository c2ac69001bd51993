import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { isEnvelope, type Envelope, type Notify, type Protocol } from '../../shared/protocol';
import { validate } from './validate';

/** The extension side of one channel of a page: a protocol and its handlers. */
export interface ChannelHandler {
  readonly protocol: Protocol;
  /** Handlers of `protocol.requests`, by name. */
  readonly requests: Readonly<Record<string, (params: never) => unknown>>;
  /** Handlers of `protocol.fromWebview`, by name; a notification without one is ignored. */
  readonly notifications?: Readonly<Record<string, ((payload: never) => unknown) | undefined>>;
}

/** Checks a message's payload against the schema its protocol gives for it. */
function checked(schema: object | undefined, payload: unknown, what: string): unknown {
  if (schema) return validate(schema as never, payload, what);
  if (payload !== undefined && payload !== null) throw new Error(`Rejected ${what} from the panel: it takes no payload`);
  return undefined;
}

/**
 * Routes the messages of one webview page to its channels (the tabs of a function panel, the
 * page's frame): every message is checked against its channel's protocol before a handler sees
 * it, every request gets exactly one reply or error, and a failing handler is logged, not lost.
 */
export class EnvelopeRouter {
  private readonly channels = new Map<string, ChannelHandler>();

  constructor(
    private readonly log: Logger,
    /** What to call the page in the log, e.g. "Function panel". */
    private readonly page: string,
  ) {}

  add(channel: string, handler: ChannelHandler): void {
    this.channels.set(channel, handler);
  }

  has(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** A typed sender of one channel's notifications; `post` decides whether the webview can take them now. */
  notifier<P extends Protocol>(channel: string, post: (message: Envelope) => void): Notify<P['toWebview']> {
    return (type, ...payload) => post({ channel, kind: 'notify', type, payload: payload[0] });
  }

  /** Handles one message from the webview; resolves with the answer to a request. */
  async dispatch(message: unknown): Promise<Envelope | undefined> {
    if (!isEnvelope(message)) {
      this.log.warn(`${this.page}: ignored a malformed message ${JSON.stringify(message)?.slice(0, 200)}`);
      return undefined;
    }
    const { channel } = message;
    const handler = this.channels.get(channel);
    if (message.kind === 'request') {
      const run = handler && Object.hasOwn(handler.protocol.requests, message.type) ? handler.requests[message.type] : undefined;
      if (!handler || !run) {
        this.log.warn(`${this.page}: no request "${message.type}" on ${channel}`);
        return { channel, kind: 'error', id: message.id, message: `The panel does not know the request "${message.type}".` };
      }
      try {
        const params = checked(handler.protocol.requests[message.type].schema, message.payload, `the ${message.type} message`);
        return { channel, kind: 'reply', id: message.id, payload: await run(params as never) };
      } catch (error) {
        const cancelled = error instanceof vscode.CancellationError;
        const text = cancelled ? 'Cancelled' : errorMessage(error);
        if (!cancelled) this.log.error(`${this.page}, ${channel}, ${message.type}: ${text}`);
        return { channel, kind: 'error', id: message.id, message: text };
      }
    }
    if (message.kind === 'notify') {
      if (!handler || !Object.hasOwn(handler.protocol.fromWebview, message.type)) {
        this.log.warn(`${this.page}: ignored notification "${message.type}" on ${channel}`);
        return undefined;
      }
      try {
        const payload = checked(handler.protocol.fromWebview[message.type].schema, message.payload, `the ${message.type} message`);
        await handler.notifications?.[message.type]?.(payload as never);
      } catch (error) {
        this.log.error(`${this.page}, ${channel}, ${message.type}: ${errorMessage(error)}`);
      }
    }
    // The extension sends no requests, so replies from the webview are not expected.
    return undefined;
  }
}
