/**
 * The least a debugger does to let a debug session's runtime go on: for Node.js, a DevTools
 * protocol client (over a WebSocket) that sends Runtime.runIfWaitingForDebugger and can set a
 * breakpoint and read a variable; for Python, a Debug Adapter Protocol client that attaches to
 * debugpy. Written against the protocols, for the tests to play the debugger without an editor.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';

/** A minimal WebSocket client (text frames, masked as clients must). */
class WebSocketClient {
  private buffer = Buffer.alloc(0);
  private readonly waiting: ((text: string) => void)[] = [];
  private readonly queued: string[] = [];
  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static connect(url: string): Promise<WebSocketClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname, port: Number(u.port), path: u.pathname,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
      });
      req.on('upgrade', (_res, socket) => resolve(new WebSocketClient(socket)));
      req.on('response', (res) => reject(new Error(`no WebSocket upgrade (${res.statusCode})`)));
      req.on('error', reject);
      req.end();
    });
  }

  send(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  next(): Promise<string> {
    const text = this.queued.shift();
    if (text !== undefined) return Promise.resolve(text);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }

  /** Resolves when the other side ends the connection. */
  ended(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readableEnded || this.socket.destroyed) resolve();
      else this.socket.once('close', () => resolve());
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      let length = this.buffer[1] & 0x7f;
      let at = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        at = 10;
      }
      if (this.buffer.length < at + length) return;
      const opcode = this.buffer[0] & 0x0f;
      const text = this.buffer.subarray(at, at + length).toString('utf8');
      this.buffer = this.buffer.subarray(at + length);
      if (opcode !== 1) continue;
      const waiter = this.waiting.shift();
      if (waiter) waiter(text);
      else this.queued.push(text);
    }
  }
}

/** A DevTools protocol session with a Node.js inspector on 127.0.0.1:port. */
export class InspectorClient {
  private nextId = 1;
  private readonly events: Record<string, unknown>[] = [];
  private readonly eventWaiters: { method: string; resolve(e: Record<string, unknown>): void }[] = [];
  private readonly replies = new Map<number, (r: Record<string, unknown>) => void>();

  private constructor(private readonly ws: WebSocketClient) {
    void this.pump();
  }

  static async attach(port: number): Promise<InspectorClient> {
    const list = await new Promise<{ webSocketDebuggerUrl: string }[]>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/json/list' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(JSON.parse(body) as { webSocketDebuggerUrl: string }[]));
      }).on('error', reject);
    });
    return new InspectorClient(await WebSocketClient.connect(list[0].webSocketDebuggerUrl));
  }

  private async pump(): Promise<void> {
    for (;;) {
      const message = JSON.parse(await this.ws.next()) as Record<string, unknown>;
      if (typeof message.id === 'number') {
        this.replies.get(message.id)?.(message);
        this.replies.delete(message.id);
      } else {
        const i = this.eventWaiters.findIndex((w) => w.method === message.method);
        if (i >= 0) this.eventWaiters.splice(i, 1)[0].resolve(message);
        else this.events.push(message);
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  event(method: string): Promise<Record<string, unknown>> {
    const i = this.events.findIndex((e) => e.method === method);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve) => this.eventWaiters.push({ method, resolve }));
  }

  /** Resolves when the runtime closes the inspector connection (it exited). */
  disconnected(): Promise<void> {
    return this.ws.ended();
  }

  /** Lets a runtime waiting for a debugger go on. */
  async run(): Promise<void> {
    await this.send('Runtime.enable');
    await this.send('Runtime.runIfWaitingForDebugger');
  }

  close(): void {
    this.ws.close();
  }
}

/** A Debug Adapter Protocol client attached to debugpy listening on 127.0.0.1:port. */
export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly waiters: { match(m: Record<string, unknown>): boolean; resolve(m: Record<string, unknown>): void }[] = [];
  private readonly seen: Record<string, unknown>[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static connect(port: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new DapClient(socket)));
      socket.once('error', reject);
    });
  }

  /** initialize, attach, configurationDone: after this the runtime goes on. */
  async attach(args: Record<string, unknown> = {}): Promise<void> {
    await this.request('initialize', { clientID: 'test', adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const attached = this.request('attach', { justMyCode: true, ...args });
    await this.waitFor((m) => m.type === 'event' && m.event === 'initialized');
    await this.request('configurationDone');
    await attached;
  }

  request(command: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const seq = this.seq++;
    const body = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    return this.waitFor((m) => m.type === 'response' && m.request_seq === seq);
  }

  waitFor(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const i = this.seen.findIndex(match);
    if (i >= 0) return Promise.resolve(this.seen.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1] ?? -1);
      if (length < 0 || this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as Record<string, unknown>;
      this.buffer = this.buffer.subarray(end + 4 + length);
      const i = this.waiters.findIndex((w) => w.match(message));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(message);
      else this.seen.push(message);
    }
  }
}
