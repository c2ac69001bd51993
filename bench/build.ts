/**
 * Local build benchmark: the TypeScript fixture with `Metadata: BuildMethod: esbuild` and a
 * dependency (test/fixtures/projects/ts-esbuild), built from nothing (npm ci, esbuild, the AWS SDK
 * stand-in fetched into the runtime cache, all from a registry on 127.0.0.1), prepared again by a
 * new Local Lambda run (cache hit), and rebuilt after one-line edits (goal ≤ 150 ms).
 *
 *   npm run compile && node out/bench/build.js [--edits N]
 *
 * Prints one JSON document; `runBuildBench()` returns the same figures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeBuilder, type NodeBuildEvent, type NodeFunctionSource } from '../src/local/build/nodeBuild';
import { npmTestEnv, startTestRegistry } from '../test/support/npmRegistry';

const ROOT = path.resolve(__dirname, '..', '..');
const PROJECTS = path.join(ROOT, 'test', 'fixtures', 'projects');

export interface BuildBenchFigures {
  /** From nothing: npm ci + esbuild + runtime cache fill. */
  coldBuildMs: number;
  /** The parts of the cold build, by step. */
  coldSteps: Record<string, number>;
  /** A new run over the same data folder, nothing changed. */
  cacheHitMs: number;
  /** prepare() with nothing changed in the same run (what each invoke pays). */
  unchangedPrepareMs: number;
  /** prepare() right after a one-line edit: median and max over the edits. */
  rebuildMedianMs: number;
  rebuildMaxMs: number;
  rebuildGoalMs: number;
  edits: number;
  esbuildVersion?: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;

export async function runBuildBench(opts: { edits?: number } = {}): Promise<BuildBenchFigures> {
  const edits = opts.edits ?? 10;
  const registry = await startTestRegistry(['pad-words', 'aws-sdk-client-dynamodb', 'smithy-smithy-client'].map((p) => path.join(PROJECTS, 'registry', p)));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-build-'));
  try {
    const env = npmTestEnv(registry.url, root);
    const project = path.join(root, 'ts-esbuild');
    fs.cpSync(path.join(PROJECTS, 'ts-esbuild'), project, { recursive: true });
    const dataDir = path.join(root, 'data');
    const source: NodeFunctionSource = {
      id: 'HelloWorldFunction',
      codeDir: path.join(project, 'hello-world'),
      handler: 'app.lambdaHandler',
      runtime: 'nodejs20.x',
      metadata: {
        BuildMethod: 'esbuild',
        BuildProperties: { Minify: true, Target: 'es2020', Sourcemap: true, EntryPoints: ['app.ts'], External: ['@aws-sdk/*'] },
      },
    };
    const events: NodeBuildEvent[] = [];
    let esbuildVersion: string | undefined;
    const onEvent = (e: NodeBuildEvent) => {
      events.push(e);
      const v = /with esbuild (\S+)/.exec(e.message)?.[1];
      if (v) esbuildVersion = v;
    };

    const cold = new NodeBuilder({ dataDir, env, onEvent });
    let t0 = performance.now();
    await cold.prepare(source);
    const coldBuildMs = performance.now() - t0;
    const coldSteps: Record<string, number> = {};
    for (const e of events) if (e.kind === 'finished' && e.durationMs !== undefined && e.step !== 'prepare') coldSteps[e.step] = round(e.durationMs);
    await cold.dispose();

    const warm = new NodeBuilder({ dataDir, env });
    t0 = performance.now();
    await warm.prepare(source);
    const cacheHitMs = performance.now() - t0;

    const unchanged: number[] = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      await warm.prepare(source);
      unchanged.push(performance.now() - t0);
    }

    const greet = path.join(source.codeDir, 'lib', 'greet.ts');
    const rebuilds: number[] = [];
    for (let i = 0; i < edits; i++) {
      const text = fs.readFileSync(greet, 'utf8').replace(/const message = `[^`]*`;/, `const message = \`hello #${i} \${name}\`;`);
      fs.writeFileSync(greet, text);
      t0 = performance.now();
      await warm.prepare(source);
      rebuilds.push(performance.now() - t0);
    }
    await warm.dispose();
    return {
      coldBuildMs: round(coldBuildMs),
      coldSteps,
      cacheHitMs: round(cacheHitMs),
      unchangedPrepareMs: round(median(unchanged)),
      rebuildMedianMs: round(median(rebuilds)),
      rebuildMaxMs: round(Math.max(...rebuilds)),
      rebuildGoalMs: 150,
      edits,
      esbuildVersion,
    };
  } finally {
    await registry.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--edits');
  runBuildBench({ edits: i > 0 ? Number(process.argv[i + 1]) : undefined }).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
