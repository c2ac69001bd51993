#!/usr/bin/env node
// `npm test`: compile, lint, bundle, unit, Local Lambda, real VS Code (integration) and e2e, in
// that order. Stops at the first failing stage, then prints a summary and `Tests: N passed, N failed`.
// Options: --only=stage,stage  --skip=stage,stage  (stages: see STAGES below)
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const paths = require('./lib/paths');

const ROOT = paths.ROOT;
const NODE = process.execPath;
const MOCHA = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const REPORTER = path.join(__dirname, 'lib', 'mocha-spec-summary.js');
const SUMMARY_DIR = path.join(paths.RESULTS_DIR, 'summaries');
/** Upper bound for any one stage, so a hung test cannot hold `npm test` forever. */
const STAGE_TIMEOUT_MS = 15 * 60 * 1000;

function option(name) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3).split(',').filter(Boolean) : undefined;
}

function hasTests(dir) {
  const abs = path.join(ROOT, dir);
  return fs.existsSync(abs) && fs.readdirSync(abs, { recursive: true }).some((f) => String(f).endsWith('.test.js'));
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Runs a command with inherited output; returns its exit code. */
function exec(cmd, args, env = {}, timeoutMs = STAGE_TIMEOUT_MS) {
  const shown = [cmd, ...args].map((a) => (a === NODE ? 'node' : a.startsWith(ROOT + path.sep) ? path.relative(ROOT, a) : a));
  console.log(`$ ${shown.join(' ')}`);
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    killSignal: 'SIGTERM',
  });
  if (result.error && result.error.code === 'ETIMEDOUT') {
    console.error(`stopped after ${timeoutMs / 60000} min without finishing`);
  } else if (result.error) {
    console.error(result.error.message);
  }
  return result.status ?? 1;
}

/** Compiled unit tests: everything that runs in plain Node without the Local Lambda or VS Code. */
const UNIT_TEST_DIRS = ['aws', 'features', 'scripts', 'shared', 'workbench'].map((d) => `out/test/${d}`);

/** A mocha stage over compiled tests in `dirs`; counts come from the JSON summary reporter. */
function mochaStage(name, dirs, extraArgs = []) {
  return () => {
    const list = [dirs].flat().filter(hasTests);
    if (list.length === 0) return { skipped: `no *.test.js under ${[dirs].flat().join(', ')}` };
    const summaryFile = path.join(SUMMARY_DIR, `${name}.json`);
    fs.rmSync(summaryFile, { force: true });
    // --exit: a test that leaves a socket or timer open must not keep the run from finishing.
    const code = exec(NODE, [MOCHA, '--exit', '--reporter', REPORTER, ...extraArgs, ...list.map((dir) => `${dir}/**/*.test.js`)], {
      LW_MOCHA_SUMMARY_FILE: summaryFile,
    });
    const summary = readJson(summaryFile);
    return { code, passed: summary?.passed ?? 0, failed: summary?.failed ?? 0, failures: summary?.failures ?? [] };
  };
}

const STAGES = [
  {
    name: 'compile',
    run: () => {
      // A test file renamed or removed must not keep running from an old compiled copy.
      fs.rmSync(path.join(ROOT, 'out'), { recursive: true, force: true });
      return { code: exec(NODE, [require.resolve('typescript/bin/tsc'), '-p', '.']) };
    },
  },
  // `npm run lint`: the layer walls (ESLint), no import cycles (dependency-cruiser) and the webview
  // program (tsc: browser code may import only what its tsconfig lists). All three run; the stage
  // fails if any of them fails.
  {
    name: 'lint',
    run: () => {
      const codes = [
        exec(NODE, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']),
        exec(NODE, [path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', 'test', 'bench', 'scripts', '--config', '.dependency-cruiser.cjs']),
        exec(NODE, [require.resolve('typescript/bin/tsc'), '-p', path.join('src', 'webview'), '--noEmit']),
      ];
      return { code: codes.find((code) => code !== 0) ?? 0 };
    },
  },
  {
    name: 'webpack',
    run: () => ({ code: exec(NODE, [path.join(ROOT, 'node_modules', 'webpack', 'bin', 'webpack.js'), '--mode', 'development']) }),
  },
  // Size budgets that don't depend on minification (what loads at activation, what would ship).
  { name: 'size', run: () => ({ code: exec(NODE, [path.join(__dirname, 'check-size.js')]) }) },
  { name: 'unit', run: mochaStage('unit', UNIT_TEST_DIRS) },
  { name: 'local', run: mochaStage('local', 'out/test/local', ['--timeout', '30000']) },
  { name: 'setup-vscode', run: () => ({ code: exec(NODE, [path.join(__dirname, 'setup-vscode.js')]) }) },
  {
    name: 'integration',
    run: () => {
      const resultFile = path.join(paths.RESULTS_DIR, 'integration.json');
      fs.rmSync(resultFile, { force: true });
      const code = exec(NODE, [path.join(ROOT, 'out', 'test', 'runners', 'codeServer.js')]);
      const result = readJson(resultFile);
      return { code, passed: result?.passed ?? 0, failed: result?.failed ?? 0, failures: result?.failures ?? [] };
    },
  },
  { name: 'e2e', run: mochaStage('e2e', 'out/test/e2e', ['--timeout', '300000', '--bail']) },
];

function main() {
  const only = option('only');
  const skip = option('skip') || [];
  const unknown = [...(only || []), ...skip].filter((n) => !STAGES.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown stage(s): ${unknown.join(', ')}; stages are ${STAGES.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const rows = [];
  let passed = 0;
  let failed = 0;
  let stopped = false;
  for (const stage of STAGES) {
    if (stopped) {
      rows.push({ name: stage.name, status: 'not run' });
      continue;
    }
    if ((only && !only.includes(stage.name)) || skip.includes(stage.name)) {
      rows.push({ name: stage.name, status: 'skipped (by option)' });
      continue;
    }
    console.log(`\n━━ ${stage.name} ━━`);
    const started = Date.now();
    const outcome = stage.run();
    const seconds = (Date.now() - started) / 1000;
    if (outcome.skipped) {
      console.log(`(skipped: ${outcome.skipped})`);
      rows.push({ name: stage.name, status: `skipped: ${outcome.skipped}`, seconds });
      continue;
    }
    const stagePassed = outcome.passed || 0;
    let stageFailed = outcome.failed || 0;
    const ok = outcome.code === 0 && stageFailed === 0;
    // A stage that failed without naming a failing test (build error, crash) counts as one failure.
    if (!ok && stageFailed === 0) stageFailed = 1;
    passed += stagePassed;
    failed += stageFailed;
    const counts = outcome.passed !== undefined ? ` — ${stagePassed} passed, ${stageFailed} failed` : '';
    rows.push({ name: stage.name, status: `${ok ? 'ok' : `FAILED (exit ${outcome.code})`}${counts}`, seconds, failures: outcome.failures });
    if (!ok) stopped = true;
  }

  console.log('\n━━ summary ━━');
  for (const row of rows) {
    const time = row.seconds !== undefined ? `${row.seconds.toFixed(1).padStart(6)} s` : '        ';
    console.log(`  ${row.name.padEnd(13)} ${time}  ${row.status}`);
    for (const f of (row.failures || []).slice(0, 20)) console.log(`      ✗ ${f.title}`);
  }
  console.log(`\nTests: ${passed} passed, ${failed} failed`);
  process.exitCode = stopped ? 1 : 0;
}

main();
