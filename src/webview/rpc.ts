// The webview side of the extension's message protocol: one page's connection to the extension,
// with a typed client per channel. Browser code: no Node, no VS Code API but the webview's own.
import { isEnvelope, type ArgsOf, type Envelope, type FromWebviewName, type NotificationHandlers, type ParamsOf, type PayloadOf, type Protocol, type RequestName, type ResultOf } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Talks to the extension side of one channel, by the names of its protocol. */
export interface ChannelClient<P extends Protocol> {
  /** Resolves with the extension's reply; rejects with its error message. */
  request<K extends RequestName<P>>(type: K, ...params: ArgsOf<ParamsOf<P['requests'][K]>>): Promise<ResultOf<P['requests'][K]>>;
  notify<K extends FromWebviewName<P>>(type: K, ...payload: ArgsOf<PayloadOf<P['fromWebview'][K]>>): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type AnyHandlers = Record<string, ((payload: never) => unknown) | undefined>;

/**
 * The page's one connection: posts envelopes, matches replies to requests, and hands each
 * notification from the extension to its channel's handlers.
 */
export class WebviewConnection {
  private readonly vscode = acquireVsCodeApi();
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, AnyHandlers>();
  private nextId = 1;

  constructor() {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  getState(): unknown {
    return this.vscode.getState();
  }

  setState(state: unknown): void {
    this.vscode.setState(state);
  }

  /** A typed client of one channel. */
  client<P extends Protocol>(channel: string): ChannelClient<P> {
    return {
      request: (type, ...params) =>
        new Promise((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
          this.post({ channel, kind: 'request', id, type, payload: params[0] });
        }),
      notify: (type, ...payload) => this.post({ channel, kind: 'notify', type, payload: payload[0] }),
    };
  }

  /** Where a channel's notifications from the extension go (replacing earlier handlers). */
  listen<P extends Protocol>(channel: string, handlers: NotificationHandlers<P['toWebview']>): void {
    this.listeners.set(channel, handlers as AnyHandlers);
  }

  private post(message: Envelope): void {
    this.vscode.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isEnvelope(message)) return;
    if (message.kind === 'reply' || message.kind === 'error') {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.kind === 'reply') waiting.resolve(message.payload);
      else waiting.reject(new Error(message.message));
      return;
    }
    if (message.kind !== 'notify') return;
    const handlers = this.listeners.get(message.channel);
    const handle = handlers && Object.hasOwn(handlers, message.type) ? handlers[message.type] : undefined;
    try {
      void handle?.(message.payload as never);
    } catch (error) {
      console.error(`${message.channel} failed on ${message.type}`, error);
    }
  }
}
