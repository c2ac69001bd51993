/**
 * The floor of the peer comparison (bench/compare.ts): a bare node:http server that answers the
 * Lambda Invoke route by calling the handler in its own process. No signature check, no
 * runtime process, no logs: what any Local Lambda adds is measured against this.
 *
 *   node out/bench/floorServer.js <handler module> [export name]
 *
 * Prints `FLOOR_READY {"port":N}` once listening; stops when its stdin ends (its starter is gone).
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const INVOKE_PATH = /^\/2015-03-31\/functions\/[A-Za-z0-9_:.$-]{1,170}\/invocations(?:\?|$)/;
const MAX_BODY = 6 * 1024 * 1024;

type Handler = (event: unknown, context: Record<string, unknown>) => unknown;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: floorServer <handler module> [export name]');
  const exportName = process.argv[3] ?? 'handler';
  // A real dynamic import (tsc would turn import() into require(), which cannot load an .mjs file).
  const load = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;
  const mod = await load(pathToFileURL(path.resolve(file)).href);
  const handler = mod[exportName] as Handler | undefined;
  if (typeof handler !== 'function') throw new Error(`${file} exports no function ${exportName}`);

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || !INVOKE_PATH.test(req.url ?? '')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      void (async () => {
        try {
          const body = Buffer.concat(chunks).toString('utf8');
          const result = await handler(body ? JSON.parse(body) : {}, { functionName: 'floor', awsRequestId: 'floor' });
          res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(JSON.stringify(result ?? null));
        } catch (err) {
          res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
            .end(JSON.stringify({ errorMessage: (err as Error).message }));
        }
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`FLOOR_READY ${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`floor: ${(err as Error).message}\n`);
  process.exit(1);
});
