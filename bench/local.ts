/**
 * Local Lambda benchmark: warm invoke latency against a bare loopback HTTP round trip measured
 * in the same run, and Node.js cold start. Prints a table and writes bench/results-local.json.
 *
 *   npm run bench:local [-- --iterations 500]
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvokeCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { startLocalLambda } from '../src/local/server';
import { BudgetRow, ms, printTable, summarize } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Round trips of a tiny POST to a bare node:http server over a keep-alive connection. */
async function bareLoopback(n: number): Promise<number[]> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () => new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end('{"name":"bench"}');
  });
  const samples: number[] = [];
  for (let i = 0; i < 50; i++) await once();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once();
    samples.push(performance.now() - t0);
  }
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return samples;
}

export interface LocalBenchResult {
  rows: BudgetRow[];
  results: Record<string, unknown>;
}

/** Runs the invoke benchmark; `npm run bench` imports this, `npm run bench:local` runs it alone. */
export async function runLocalBench(iterations = 500, coldStarts = 15): Promise<LocalBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-'));
  const local = await startLocalLambda({ dir: path.join(repoRoot, 'examples'), dataDir, port: 0 });
  const lambda = new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  const payload = Buffer.from(JSON.stringify({ name: 'bench' }));
  try {
    const bare = summarize(await bareLoopback(iterations));

    for (let i = 0; i < 50; i++) await lambda.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: payload }));
    const warmSamples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: payload }));
      warmSamples.push(performance.now() - t0);
      if (out.FunctionError) throw new Error(`hello-node failed: ${Buffer.from(out.Payload ?? []).toString()}`);
    }
    const warm = summarize(warmSamples);

    // A configuration change retires warm environments, so the next invoke is a cold start.
    const coldWall: number[] = [];
    const initDurations: number[] = [];
    for (let i = 0; i < coldStarts; i++) {
      await lambda.send(new UpdateFunctionConfigurationCommand({
        FunctionName: 'hello-node', Environment: { Variables: { BENCH_ROUND: String(i) } },
      }));
      const t0 = performance.now();
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: payload, LogType: 'Tail' }));
      coldWall.push(performance.now() - t0);
      const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
      const init = /Init Duration: ([\d.]+) ms/.exec(log);
      if (!init) throw new Error(`No Init Duration in a cold start's REPORT line:\n${log}`);
      initDurations.push(Number(init[1]));
    }
    const cold = summarize(coldWall);
    const init = summarize(initDurations);

    const overP50 = warm.p50 - bare.p50;
    const rows: BudgetRow[] = [
      { name: 'bare loopback HTTP p50', value: ms(bare.p50), budget: '-', ratio: 'baseline', ok: undefined },
      { name: 'bare loopback HTTP p99', value: ms(bare.p99), budget: '-', ratio: 'baseline', ok: undefined },
      { name: 'warm invoke p50', value: ms(warm.p50), budget: `≤ bare + 3 ms (${ms(bare.p50 + 3)})`, ratio: `+${ms(overP50)} (${(warm.p50 / bare.p50).toFixed(1)}x)`, ok: overP50 <= 3 },
      { name: 'warm invoke p99', value: ms(warm.p99), budget: '-', ratio: `${(warm.p99 / bare.p99).toFixed(1)}x`, ok: undefined },
      { name: 'Node cold start, Init Duration p50', value: ms(init.p50), budget: '≤ 150 ms', ratio: '-', ok: init.p50 <= 150 },
      { name: 'Node cold invoke wall p50', value: ms(cold.p50), budget: '-', ratio: `${(cold.p50 / warm.p50).toFixed(1)}x warm`, ok: undefined },
    ];
    const results = { when: new Date().toISOString(), node: process.version, iterations, coldStarts, bare, warm, cold, init, warmOverBareP50Ms: overP50 };
    return { rows, results };
  } finally {
    lambda.destroy();
    await local.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const iterations = Number(argValue('--iterations') ?? 500);
  const coldStarts = Number(argValue('--cold-starts') ?? 15);
  const { rows, results } = await runLocalBench(iterations, coldStarts);
  console.log(`Local Lambda benchmark: ${iterations} warm invokes, ${coldStarts} cold starts, Node ${process.version}, ${os.cpus().length} cores`);
  printTable(rows);
  fs.mkdirSync(path.join(repoRoot, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, 'bench', 'results-local.json'), JSON.stringify(results, null, 2));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  });
}
