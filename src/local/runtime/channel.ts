/**
 * The runtime channel: how the Local Lambda's own runtime clients (the Node.js and Python
 * bootstraps) speak the Runtime API without HTTP. It is a pipe the runtime process inherits as
 * file descriptor CHANNEL_FD; its number is in CHANNEL_ENV, which the bootstraps remove from
 * their environment before loading the handler. Custom runtimes (provided.*) get no channel and
 * use the HTTP Runtime API at AWS_LAMBDA_RUNTIME_API, which stays open for every runtime.
 *
 * Each frame is a 9-byte prefix — type (u8), head length (u32 BE), body length (u32 BE) — then
 * the head (UTF-8 JSON object, at most MAX_HEAD_BYTES) and the body (raw bytes). The frames carry
 * the Runtime API's semantics one to one:
 *
 *   runtime → host  NEXT        {}                                   (no body)  GET  /invocation/next
 *                   RESPONSE    { requestId, maxRssKb? }             payload    POST /invocation/{id}/response
 *                   ERROR       { requestId, errorType?, maxRssKb? } error doc  POST /invocation/{id}/error
 *                   INIT_ERROR  { errorType? }                       error doc  POST /init/error
 *                   LOG         {}                                   output     what the process wrote to stdout
 *                   DEBUG       { port } | { attached: true }        (no body)  a debug session's debugger listens / is attached
 *   host → runtime  EVENT       { requestId, deadlineMs, invokedFunctionArn, traceId,
 *                                 clientContext?, cognitoIdentity? } event     the answer to /next
 *
 * `maxRssKb` is the runtime process's own peak resident set size (getrusage), so the REPORT line's
 * Max Memory Used needs no /proc read at the end of each invocation.
 *
 * Pure framing, no I/O: the host and the Node.js bootstrap both use it (python/bootstrap.py has
 * its own copy of the same few lines).
 */

export const CHANNEL_FD = 3;
export const CHANNEL_ENV = 'LOCAL_LAMBDA_RUNTIME_CHANNEL';
/** Set to 1 for a debug session's runtime (removed by the bootstrap before the handler loads). */
export const DEBUG_ENV = 'LOCAL_LAMBDA_DEBUG';

export const FrameType = {
  NEXT: 1,
  RESPONSE: 2,
  ERROR: 3,
  INIT_ERROR: 4,
  EVENT: 5,
  LOG: 6,
  DEBUG: 7,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

const EMPTY = Buffer.alloc(0);

export const PREFIX_BYTES = 9;
/** A head is a few ids and a client context (at most 3,583 bytes as base64 on Lambda). */
export const MAX_HEAD_BYTES = 64 * 1024;

export interface Frame {
  type: FrameTypeValue;
  head: Record<string, unknown>;
  body: Buffer;
  /** The body was longer than the decoder's limit; it was skipped and `body` is empty. */
  oversized: boolean;
}

/** Bodies up to this size are copied in with the head (one buffer); larger ones are written as they are. */
const COPY_BODY_BYTES = 64 * 1024;

/** The frame as buffers to write in order: one for a small body, [prefix + head, body] for a large one. */
export function encodeFrame(type: FrameTypeValue, head: object, body: Buffer = EMPTY): Buffer[] {
  const headText = JSON.stringify(head);
  const headBytes = Buffer.byteLength(headText);
  const inline = body.length <= COPY_BODY_BYTES;
  const first = Buffer.allocUnsafe(PREFIX_BYTES + headBytes + (inline ? body.length : 0));
  first[0] = type;
  first.writeUInt32BE(headBytes, 1);
  first.writeUInt32BE(body.length, 5);
  first.write(headText, PREFIX_BYTES, 'utf8');
  if (!inline) return [first, body];
  body.copy(first, PREFIX_BYTES + headBytes);
  return [first];
}

export interface DecoderOptions {
  /** Frame types this side accepts; any other is malformed. */
  accept: readonly FrameTypeValue[];
  /** Largest body kept; a longer one is skipped (never buffered) and the frame marked oversized. */
  maxBodyBytes: number;
  onFrame(frame: Frame): void;
  /** Called once; nothing is decoded after it. */
  onMalformed(reason: string): void;
}

/**
 * Splits a byte stream into frames. Bounded: at most one head (MAX_HEAD_BYTES) and one body
 * (maxBodyBytes) are held; a longer body is counted off as it arrives, not kept.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private broken = false;
  /** The frame whose body is being read, once its prefix and head are in. */
  private current?: { type: FrameTypeValue; head: Record<string, unknown>; bodyLength: number };
  /** Bytes of an oversized body still to skip. */
  private skipping = 0;

  constructor(private readonly opts: DecoderOptions) {}

  get failed(): boolean {
    return this.broken;
  }

  /** True while part of a frame has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.buffered > 0 || this.current !== undefined || this.skipping > 0;
  }

  push(chunk: Buffer): void {
    if (this.broken) return;
    if (this.skipping > 0) {
      const skip = Math.min(this.skipping, chunk.length);
      this.skipping -= skip;
      chunk = chunk.subarray(skip);
      if (this.skipping > 0) return;
      this.emitOversized();
      if (this.broken) return;
    }
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (!this.broken && this.step()) { /* next frame */ }
  }

  /** Decodes what it can; false when it needs more bytes. */
  private step(): boolean {
    if (!this.current) {
      if (this.buffered < PREFIX_BYTES) return false;
      const prefix = this.peek(PREFIX_BYTES);
      const type = prefix[0] as FrameTypeValue;
      const headLength = prefix.readUInt32BE(1);
      const bodyLength = prefix.readUInt32BE(5);
      if (!this.opts.accept.includes(type)) return this.fail(`unknown frame type ${type}`);
      if (headLength > MAX_HEAD_BYTES) return this.fail(`a frame head of ${headLength} bytes (at most ${MAX_HEAD_BYTES})`);
      if (type === FrameType.NEXT && bodyLength !== 0) return this.fail('a NEXT frame with a body');
      if (this.buffered < PREFIX_BYTES + headLength) return false;
      this.take(PREFIX_BYTES);
      const headBytes = this.take(headLength);
      let head: unknown;
      try {
        head = headLength ? JSON.parse(headBytes.toString('utf8')) : {};
      } catch {
        return this.fail('a frame head that is not JSON');
      }
      if (typeof head !== 'object' || head === null || Array.isArray(head)) return this.fail('a frame head that is not a JSON object');
      this.current = { type, head: head as Record<string, unknown>, bodyLength };
      if (bodyLength > this.opts.maxBodyBytes) {
        // Counted off, never kept: the runtime's answer is too large whatever it holds.
        const skip = Math.min(bodyLength, this.buffered);
        this.take(skip);
        this.skipping = bodyLength - skip;
        if (this.skipping > 0) return false;
        this.emitOversized();
        return !this.broken;
      }
    }
    const cur = this.current;
    if (this.buffered < cur.bodyLength) return false;
    const body = this.take(cur.bodyLength);
    this.current = undefined;
    this.opts.onFrame({ type: cur.type, head: cur.head, body, oversized: false });
    return true;
  }

  private emitOversized(): void {
    const cur = this.current;
    this.current = undefined;
    if (cur) this.opts.onFrame({ type: cur.type, head: cur.head, body: EMPTY, oversized: true });
  }

  private fail(reason: string): false {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    this.current = undefined;
    this.opts.onMalformed(reason);
    return false;
  }

  /** The first `n` buffered bytes, without consuming them. */
  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0];
        const part = Math.min(c.length, n - at);
        c.copy(out, at, 0, part);
        at += part;
        if (part === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(part);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** A head field as a string, or undefined when absent or not a string. */
export function headString(head: Record<string, unknown>, key: string): string | undefined {
  const v = head[key];
  return typeof v === 'string' ? v : undefined;
}

/** A head field as a non-negative finite number, or undefined. */
export function headNumber(head: Record<string, unknown>, key: string): number | undefined {
  const v = head[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}
