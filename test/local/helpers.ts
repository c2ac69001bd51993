import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { strToU8, zipSync } from 'fflate';
import { startLocalLambda, type LocalLambda } from '../../src/local/server';
import type { RuntimeNote } from '../../src/local/runtime/notes';

export interface TestLocalOptions {
  /** Folder with templates; default an empty temp folder. */
  dir?: string;
  /** Default a fresh temp folder, removed by close() (pass one to test restarts). */
  dataDir?: string;
  maxConcurrency?: number;
  /** As --max-environments, --queue-length, --queue-wait and --idle-timeout give them. */
  maxEnvironments?: number;
  queueLength?: number;
  queueWaitMs?: number;
  idleTimeoutMs?: number;
  /** As --parameter-overrides gives them. */
  parameterOverrides?: Record<string, string>;
  /** As --layer ARN=folder gives them. */
  layers?: Record<string, string>;
  /** As --interpreter runtime=path gives them. */
  interpreters?: Record<string, string>;
  onRuntimeNote?: (note: RuntimeNote) => void;
  debugAttachMs?: number;
  /** As --time-scale gives it. */
  asyncTimeScale?: number;
}

export interface TestLocal {
  endpoint: string;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  local: LocalLambda;
  close(): Promise<void>;
}

/** Writes a file of a test project, making its folders. */
export function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export function makeTempDir(prefix = 'local-lambda-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a Local Lambda on a free loopback port with SDK clients pointed at it. */
export async function startTestLocal(opts: TestLocalOptions = {}): Promise<TestLocal> {
  const owned: string[] = [];
  const dir = opts.dir ?? (owned.push(makeTempDir()), owned[owned.length - 1]);
  const dataDir = opts.dataDir ?? (owned.push(makeTempDir('local-lambda-data-')), owned[owned.length - 1]);
  const local = await startLocalLambda({
    dir, dataDir, port: 0, maxConcurrency: opts.maxConcurrency, maxEnvironments: opts.maxEnvironments, queueLength: opts.queueLength,
    queueWaitMs: opts.queueWaitMs, idleTimeoutMs: opts.idleTimeoutMs, parameterOverrides: opts.parameterOverrides, layers: opts.layers,
    interpreters: opts.interpreters, onRuntimeNote: opts.onRuntimeNote, debugAttachMs: opts.debugAttachMs, asyncTimeScale: opts.asyncTimeScale,
  });
  const config = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
    maxAttempts: 1,
  };
  const lambda = new LambdaClient(config);
  const logs = new CloudWatchLogsClient({ ...config, disableHostPrefix: true });
  const cloudwatch = new CloudWatchClient(config);
  return {
    endpoint: local.endpoint,
    lambda,
    logs,
    cloudwatch,
    local,
    async close() {
      lambda.destroy();
      logs.destroy();
      cloudwatch.destroy();
      await local.close();
      for (const d of owned) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends a raw HTTP request to the Local Lambda, optionally signed with SigV4 for `service`. */
export async function rawRequest(local: LocalLambda, opts: {
  method: string; path: string; body?: string | Buffer; headers?: Record<string, string>;
  sign?: { service: string; secretAccessKey?: string; accessKeyId?: string; signingDate?: Date } | false;
}): Promise<RawResponse> {
  const url = new URL(local.endpoint);
  const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(opts.body);
  const pathUrl = new URL(opts.path, local.endpoint);
  let headers: Record<string, string> = { host: url.host, 'content-length': String(body.length), ...opts.headers };
  if (opts.sign) {
    const signer = new SignatureV4({
      credentials: {
        accessKeyId: opts.sign.accessKeyId ?? local.credentials.accessKeyId,
        secretAccessKey: opts.sign.secretAccessKey ?? local.credentials.secretAccessKey,
      },
      region: local.region, service: opts.sign.service, sha256: Sha256, applyChecksum: false,
    });
    const query: Record<string, string> = {};
    pathUrl.searchParams.forEach((v, k) => { query[k] = v; });
    const signed = await signer.sign({
      method: opts.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port),
      path: pathUrl.pathname, query, headers, body,
    }, { signingDate: opts.sign.signingDate });
    headers = signed.headers;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: opts.method, path: pathUrl.pathname + pathUrl.search, headers,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A zip holding the given files (name → text). */
export function makeZip(files: Record<string, string>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));
}

/** An HTTP answer read whole: status, headers, the bytes, as text, and as JSON on demand. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the JSON answers field by field
  json: () => any;
}

/**
 * A plain (unsigned) HTTP request, as a browser or curl sends it, to a function URL or an API
 * route. `path` (with its query) replaces the URL's own path when given, sent as written.
 */
export function httpCall(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; path?: string } = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: opts.path ?? u.pathname + u.search, method: opts.method ?? 'GET',
      headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8'), json: () => JSON.parse(all.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
