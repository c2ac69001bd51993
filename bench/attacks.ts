/**
 * Local Lambda under hostile input: peak resident memory of the server process while (a) eight
 * unsigned clients each POST 69 MB at once and (b) a signed CreateFunction uploads a 2 MB zip
 * that inflates past 2 GB. Both are compared with the idle server's RSS measured in the same run.
 * The server runs as its own process (the CLI), so the figures are its memory alone.
 *
 *   npm run compile && node out/bench/attacks.js
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { kb } from './sizes';
import { printTable, type BudgetRow } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
export const ATTACK_RSS_BUDGET_BYTES = 150 * 1024 * 1024;
const FLOOD_CLIENTS = 8;
const FLOOD_BYTES = 69 * 1024 * 1024;
const BOMB_ENTRY_BYTES = 1024 * 1024;
const BOMB_ENTRIES = 2100;

interface Ready {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples the process's RSS every few milliseconds until stopped; returns the highest seen. */
function watchPeak(pid: number): () => number {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch { /* the process ended */ }
  }, 5);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

async function startServer(dir: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'src', 'local', 'cli.js'), '--dir', dir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith('LOCAL_LAMBDA_READY '));
      if (line) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(JSON.parse(line.slice('LOCAL_LAMBDA_READY '.length)) as Ready);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the Local Lambda exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

/** One unsigned POST of `bytes` bytes, written as fast as the server takes it; settles however the server ends it. */
function unsignedPost(endpoint: string, bytes: number): Promise<number | string> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: 'POST', path: '/2015-03-31/functions',
      headers: { 'content-type': 'application/json', 'content-length': String(bytes) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    req.on('close', () => { left = 0; });
    pump();
  });
}

/**
 * A zip of `entries` files of `entryBytes` zero bytes each, all sharing one deflated body:
 * about 1 KB stored per MB it inflates to.
 */
export function zipBomb(entries: number, entryBytes: number): Buffer {
  const plain = Buffer.alloc(entryBytes);
  const deflated = deflateRawSync(plain, { level: 9 });
  const crc = crc32(plain);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = Buffer.from(`zero-${String(i).padStart(5, '0')}.bin`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(entryBytes, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(entryBytes, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, deflated);
    centrals.push(central, name);
    offset += local.length + name.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface AttackBenchResult {
  rows: BudgetRow[];
  results: { idleRss: number; floodPeakRss: number; bombPeakRss: number; floodOutcomes: Array<number | string>; bombOutcome: string; zipBytes: number; inflatedBytes: number };
}

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runAttackBench(): Promise<AttackBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-attacks-'));
  const { child, ready } = await startServer(dir);
  const pid = child.pid as number;
  try {
    await settle(1500);
    const idleRss = rssOf(pid);

    let stop = watchPeak(pid);
    const floodOutcomes = await Promise.all(Array.from({ length: FLOOD_CLIENTS }, () => unsignedPost(ready.endpoint, FLOOD_BYTES)));
    await settle(300);
    const floodPeakRss = stop();

    await settle(1500);
    const zip = zipBomb(BOMB_ENTRIES, BOMB_ENTRY_BYTES);
    const lambda = new LambdaClient({
      endpoint: ready.endpoint, region: ready.region, maxAttempts: 1,
      credentials: { accessKeyId: ready.accessKeyId, secretAccessKey: ready.secretAccessKey },
    });
    stop = watchPeak(pid);
    let bombOutcome: string;
    try {
      await lambda.send(new CreateFunctionCommand({
        FunctionName: 'bomb', Runtime: 'nodejs20.x', Handler: 'index.handler',
        Role: 'arn:aws:iam::000000000000:role/bench', Code: { ZipFile: zip },
      }));
      bombOutcome = 'accepted';
    } catch (err) {
      bombOutcome = `${(err as Error).name}: ${(err as Error).message}`;
    }
    await settle(300);
    const bombPeakRss = stop();
    lambda.destroy();

    const row = (name: string, peak: number): BudgetRow => ({
      name, value: kb(peak), budget: `≤ ${kb(ATTACK_RSS_BUDGET_BYTES)}`, ratio: `${(peak / idleRss).toFixed(1)}x idle (+${kb(peak - idleRss)})`,
      ok: peak <= ATTACK_RSS_BUDGET_BYTES,
    });
    const rows: BudgetRow[] = [
      { name: 'idle server RSS', value: kb(idleRss), budget: '-', ratio: 'baseline', ok: undefined },
      row(`peak RSS, ${FLOOD_CLIENTS} parallel unsigned ${FLOOD_BYTES / 1024 / 1024} MB POSTs`, floodPeakRss),
      row(`peak RSS, zip bomb (${kb(zip.length)} zip → ${kb(BOMB_ENTRIES * BOMB_ENTRY_BYTES)})`, bombPeakRss),
    ];
    return {
      rows,
      results: { idleRss, floodPeakRss, bombPeakRss, floodOutcomes, bombOutcome, zipBytes: zip.length, inflatedBytes: BOMB_ENTRIES * BOMB_ENTRY_BYTES },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runAttackBench().then((r) => {
    printTable(r.rows);
    console.log(JSON.stringify(r.results));
  }, (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
}
