import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeBuildError, NodeBuilder, type NodeFunctionSource, type PreparedNodeFunction } from '../../../src/local/build/nodeBuild';
import { npmTestEnv, startTestRegistry, type TestRegistry } from '../../support/npmRegistry';
import { REGISTRY_PACKAGES, callHandler, copyProject, eventLog, lineOf, listing, tempDir } from './helpers';

/** Figures for the log: the goal for a rebuild after a one-line edit is 150 ms. */
function report(label: string, ms: number): void {
  console.log(`      ${label}: ${ms.toFixed(1)} ms`);
}

function body(value: unknown): Record<string, unknown> {
  return JSON.parse((value as { body: string }).body) as Record<string, unknown>;
}

describe('Node.js build step', function () {
  this.timeout(120_000);
  let registry: TestRegistry;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const builders: NodeBuilder[] = [];

  const builder = (log = eventLog(), extra: Partial<ConstructorParameters<typeof NodeBuilder>[0]> = {}) => {
    const b = new NodeBuilder({ dataDir, env, onEvent: log.onEvent, ...extra });
    builders.push(b);
    return b;
  };

  before(async () => {
    registry = await startTestRegistry(REGISTRY_PACKAGES);
  });
  after(async () => {
    await registry.close();
  });
  beforeEach(() => {
    root = tempDir('lw-build-');
    env = npmTestEnv(registry.url, root);
    dataDir = path.join(root, 'data');
    registry.requests.length = 0;
    registry.downloads.length = 0;
  });
  afterEach(async () => {
    await Promise.all(builders.splice(0).map((b) => b.dispose()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('TypeScript with Metadata: BuildMethod: esbuild', () => {
    let project: string;
    let source: NodeFunctionSource;
    beforeEach(() => {
      project = copyProject('ts-esbuild', root);
      source = {
        id: 'HelloWorldFunction',
        logicalId: 'HelloWorldFunction',
        templateDir: project,
        codeDir: path.join(project, 'hello-world'),
        handler: 'app.lambdaHandler',
        runtime: 'nodejs20.x',
        metadata: {
          BuildMethod: 'esbuild',
          BuildProperties: { Minify: true, Target: 'es2020', Sourcemap: true, EntryPoints: ['app.ts'], External: ['@aws-sdk/*'] },
        },
      };
    });

    it('installs the declared dependency, bundles app.ts and runs the handler, leaving the project folder as it was', async () => {
      const before = listing(project);
      const log = eventLog();
      const t0 = performance.now();
      const prepared = await builder(log).prepare(source);
      report('cold build (npm ci, esbuild, runtime cache fill)', performance.now() - t0);
      for (const e of log.events.filter((x) => x.kind === 'finished' && x.durationMs !== undefined)) report(`  ${e.step}`, e.durationMs!);

      assert.strictEqual(prepared.kind, 'bundle');
      assert.strictEqual(prepared.handler, 'app.lambdaHandler');
      assert.ok(prepared.codeDir.startsWith(dataDir), prepared.codeDir);
      assert.ok(prepared.enableSourceMaps);
      assert.ok(prepared.execArgv.includes('--enable-source-maps'));
      const installed = log.of('dependencies', 'finished')[0];
      assert.ok(installed && installed.packages === 1 && installed.cacheHit === false, JSON.stringify(log.events));
      assert.ok(log.of('bundle', 'finished')[0]?.message.includes('Bundled app.ts'));
      assert.deepStrictEqual(registry.downloads.filter((d) => d === 'pad-words'), ['pad-words']);
      // Minify: true, as SAM does by default.
      const bundle = fs.readFileSync(path.join(prepared.codeDir, 'app.js'), 'utf8');
      assert.ok(bundle.split('\n').length < 10, 'the bundle is minified');
      assert.ok(fs.existsSync(path.join(prepared.codeDir, 'app.js.map')));

      const out = await callHandler(prepared, { queryStringParameters: { name: 'sam' } });
      assert.deepStrictEqual(body(out.value), { message: 'hello sam', padded: 'hello sam...........' });
      assert.deepStrictEqual(listing(project), before, 'nothing was written into the project');
    });

    it('leaves the undeclared AWS SDK to the runtime and provides it from the runtime cache', async () => {
      const prepared = await builder().prepare(source);
      const sdk = prepared.libraries.find((l) => l.name === '@aws-sdk/client-dynamodb');
      assert.ok(sdk, JSON.stringify(prepared.libraries));
      assert.strictEqual(sdk.origin, 'runtime-cache');
      assert.ok(sdk.dir.startsWith(path.join(root, 'lw-cache', 'runtime', 'nodejs', 'node_modules')), sdk.dir);
      const out = await callHandler(prepared, { queryStringParameters: { tables: '1' } });
      assert.deepStrictEqual((body(out.value).tables as { TableNames: string[] }).TableNames, ['stand-in-table']);
    });

    it('maps stack traces to the .ts lines', async () => {
      const prepared = await builder().prepare(source);
      const out = await callHandler(prepared, { queryStringParameters: { fail: 'on purpose' } });
      assert.ok(out.error, JSON.stringify(out));
      assert.strictEqual(out.error.message, 'greeting failed: on purpose');
      const greetLine = lineOf(path.join(source.codeDir, 'lib', 'greet.ts'), 'throw new Error');
      const appLine = lineOf(path.join(source.codeDir, 'app.ts'), 'if (query.fail)');
      assert.match(out.error.stack, new RegExp(`hello-world[\\\\/]lib[\\\\/]greet\\.ts:${greetLine}:`));
      assert.match(out.error.stack, new RegExp(`hello-world[\\\\/]app\\.ts:${appLine}:`));
    });

    it('does no install and no bundling on the next start when nothing changed', async () => {
      await builder().prepare(source);
      const requests = registry.requests.length;
      const log = eventLog();
      const t0 = performance.now();
      const again = await builder(log).prepare(source);
      const ms = performance.now() - t0;
      report('second start (cache hit)', ms);
      assert.strictEqual(registry.requests.length, requests, 'npm did not ask the registry');
      assert.strictEqual(log.of('dependencies', 'finished')[0]?.cacheHit, true);
      assert.strictEqual(log.of('bundle', 'finished')[0]?.cacheHit, true);
      assert.ok(!log.of('bundle', 'started').length, 'esbuild did not run');
      assert.ok(again.actions.includes('dependencies: cache hit') && again.actions.includes('bundle: cache hit'), again.actions.join('; '));
      assert.strictEqual(body((await callHandler(again)).value).message, 'hello world');
    });

    it('sees a one-line edit at the next preparation, rebuilt incrementally', async () => {
      const b = builder();
      const first = await b.prepare(source);
      const same = await b.prepare(source);
      assert.strictEqual(same.revision, first.revision, 'no change, same revision');
      const greet = path.join(source.codeDir, 'lib', 'greet.ts');
      const times: number[] = [];
      for (const word of ['hi', 'hey', 'howdy']) {
        fs.writeFileSync(greet, fs.readFileSync(greet, 'utf8').replace(/const message = `\w+ \$\{name\}`;/, `const message = \`${word} \${name}\`;`));
        const t0 = performance.now();
        const next = await b.prepare(source);
        times.push(performance.now() - t0);
        assert.notStrictEqual(next.revision, first.revision);
        assert.strictEqual(body((await callHandler(next)).value).message, `${word} world`);
      }
      report('rebuild after a one-line edit (median of 3)', times.sort((x, y) => x - y)[1]);
      assert.ok(times[1] < 1000, `rebuilds took ${times.join(', ')} ms`);
    });

    it('rebuilds ahead of the next invoke when the watcher sees an edit', async () => {
      const b = builder();
      await b.prepare(source);
      const ready = new Promise<PreparedNodeFunction>((resolve, reject) => {
        const w = b.watch(source, ({ prepared, error }) => {
          w.close();
          if (error) reject(error);
          else resolve(prepared!);
        });
      });
      const app = path.join(source.codeDir, 'app.ts');
      fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace("statusCode: 200", 'statusCode: 201'));
      const rebuilt = await ready;
      assert.strictEqual(((await callHandler(rebuilt)).value as { statusCode: number }).statusCode, 201);
      const log = eventLog();
      const b2 = builder(log);
      await b2.prepare(source);
      assert.strictEqual(log.of('bundle', 'finished')[0]?.cacheHit, true, 'the watcher already rebuilt it');
    });

    it('uses .aws-sam/build/<LogicalId> while it is newer than the sources', async () => {
      const samDir = path.join(project, '.aws-sam', 'build', 'HelloWorldFunction');
      fs.mkdirSync(samDir, { recursive: true });
      fs.writeFileSync(path.join(samDir, 'app.js'), 'exports.lambdaHandler = async () => ({ statusCode: 200, body: JSON.stringify({ message: "from sam build" }) });\n');
      const b = builder();
      const prepared = await b.prepare(source);
      assert.strictEqual(prepared.kind, 'sam-build');
      assert.strictEqual(prepared.codeDir, samDir);
      assert.strictEqual(body((await callHandler(prepared)).value).message, 'from sam build');

      const later = new Date(Date.now() + 5000);
      fs.utimesSync(path.join(source.codeDir, 'app.ts'), later, later);
      const rebuilt = await b.prepare(source);
      assert.strictEqual(rebuilt.kind, 'bundle', 'an edit after sam build makes the local build count');
      assert.strictEqual(body((await callHandler(rebuilt)).value).message, 'hello world');
    });

    it('uses a complete node_modules as it is, and the SDK from the project\'s devDependencies', async () => {
      const nm = path.join(source.codeDir, 'node_modules');
      fs.cpSync(REGISTRY_PACKAGES[0], path.join(nm, 'pad-words'), { recursive: true });
      fs.cpSync(REGISTRY_PACKAGES[1], path.join(nm, '@aws-sdk', 'client-dynamodb'), { recursive: true });
      fs.cpSync(REGISTRY_PACKAGES[2], path.join(nm, '@smithy', 'smithy-client'), { recursive: true });
      const log = eventLog();
      const prepared = await builder(log).prepare(source);
      assert.strictEqual(registry.requests.length, 0, 'nothing was fetched');
      assert.ok(prepared.actions.includes('uses its node_modules'), prepared.actions.join('; '));
      assert.deepStrictEqual(prepared.libraries.map((l) => [l.name, l.origin]), [['@aws-sdk/client-dynamodb', 'project']]);
      const out = await callHandler(prepared, { queryStringParameters: { tables: '1' } });
      assert.deepStrictEqual((body(out.value).tables as { TableNames: string[] }).TableNames, ['stand-in-table']);
    });
  });

  describe('an .mts handler without Metadata', () => {
    it('bundles it as an ES module and runs it, with traces on the .mts lines', async () => {
      const project = copyProject('mts-handler', root);
      const source: NodeFunctionSource = { id: 'EsmFunction', codeDir: project, handler: 'src/index.handler', runtime: 'nodejs22.x' };
      const prepared = await builder().prepare(source);
      assert.strictEqual(prepared.kind, 'bundle');
      assert.strictEqual(prepared.handler, 'src/index.handler');
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(prepared.codeDir, 'package.json'), 'utf8')), { type: 'module' });
      assert.deepStrictEqual((await callHandler(prepared, { text: 'hi' })).value, { loud: 'HI!', module: 'string' });
      const failed = await callHandler(prepared, {});
      assert.strictEqual(failed.error?.message, 'nothing to shout');
      assert.match(failed.error!.stack, new RegExp(`src[\\\\/]shout\\.mts:${lineOf(path.join(project, 'src', 'shout.mts'), 'throw')}:`));
      assert.deepStrictEqual(registry.requests, [], 'no dependencies, nothing fetched');
    });
  });

  describe('a JavaScript app importing the AWS SDK without declaring it', () => {
    it('fetches the SDK once into the runtime cache and both an ES module and a CommonJS handler find it', async () => {
      const project = copyProject('sdk-undeclared', root);
      const codeDir = path.join(project, 'functions');
      const before = listing(project);
      const log = eventLog();
      const b = builder(log);
      const esm = await b.prepare({ id: 'ListTablesFunction', codeDir, handler: 'list.handler', runtime: 'nodejs20.x' });
      assert.strictEqual(esm.kind, 'folder');
      assert.strictEqual(esm.codeDir, codeDir, 'plain JavaScript runs from its folder');
      assert.deepStrictEqual(esm.libraries.map((l) => [l.name, l.origin, l.installed]), [['@aws-sdk/client-dynamodb', 'runtime-cache', true]]);
      assert.ok(log.of('runtime-libraries', 'finished').some((e) => /@aws-sdk\/client-dynamodb@3\.600\.0 from the runtime cache \(fetched now\)/.test(e.message)));
      assert.ok(log.of('dependencies', 'finished')[0]?.packages === 1, 'pad-words installed with npm install (no lock file)');
      assert.deepStrictEqual((await callHandler(esm)).value, { tables: ['stand-in-table'], label: 'tables....', style: 'esm' });

      const downloads = registry.downloads.length;
      const cjs = await b.prepare({ id: 'LegacyListFunction', codeDir, handler: 'legacy.handler', runtime: 'nodejs20.x' });
      assert.deepStrictEqual(cjs.libraries.map((l) => [l.name, l.origin, l.installed]), [['@aws-sdk/client-dynamodb', 'runtime-cache', undefined]]);
      assert.strictEqual(registry.downloads.length, downloads, 'the cache is not fetched twice');
      assert.deepStrictEqual((await callHandler(cjs)).value, { tables: ['stand-in-table'], style: 'cjs' });
      assert.deepStrictEqual(listing(project), before);
    });

    it('takes a runtime library from a layer folder instead of fetching it', async () => {
      const project = copyProject('sdk-undeclared', root);
      const layer = path.join(root, 'layer', 'nodejs', 'node_modules');
      fs.cpSync(REGISTRY_PACKAGES[1], path.join(layer, '@aws-sdk', 'client-dynamodb'), { recursive: true });
      fs.cpSync(REGISTRY_PACKAGES[2], path.join(layer, '@smithy', 'smithy-client'), { recursive: true });
      const prepared = await builder().prepare({
        id: 'LegacyListFunction', codeDir: path.join(project, 'functions'), handler: 'legacy.handler', runtime: 'nodejs20.x', layerNodePath: [layer],
      });
      assert.deepStrictEqual(prepared.libraries, []);
      assert.deepStrictEqual(prepared.layerPaths, [layer]);
      assert.strictEqual(prepared.nodePath.indexOf(layer), 1, 'after the installed dependencies');
      assert.ok(!registry.downloads.includes('@aws-sdk/client-dynamodb'));
      assert.deepStrictEqual((await callHandler(prepared)).value, { tables: ['stand-in-table'], style: 'cjs' });
    });

    it('leaves runtimes before nodejs18.x without the SDK v3', async () => {
      const project = copyProject('sdk-undeclared', root);
      const prepared = await builder().prepare({ id: 'Old', codeDir: path.join(project, 'functions'), handler: 'legacy.handler', runtime: 'nodejs16.x' });
      assert.deepStrictEqual(prepared.libraries, []);
      assert.match((await callHandler(prepared)).loadError?.message ?? '', /Cannot find module '@aws-sdk\/client-dynamodb'/);
    });

    it('falls back to the Local Lambda\'s own install, and names a package found nowhere', async () => {
      const codeDir = path.join(root, 'own');
      fs.mkdirSync(codeDir);
      fs.writeFileSync(path.join(codeDir, 'index.js'), [
        "const { LambdaClient } = require('@aws-sdk/client-lambda');",
        "exports.handler = async () => ({ client: typeof LambdaClient });",
        "exports.other = async () => require('@aws-sdk/client-not-a-real-one');",
      ].join('\n'));
      const log = eventLog();
      const prepared = await builder(log).prepare({ id: 'Own', codeDir, handler: 'index.handler', runtime: 'nodejs20.x' });
      const own = prepared.libraries.find((l) => l.name === '@aws-sdk/client-lambda');
      assert.strictEqual(own?.origin, 'local-lambda', JSON.stringify(prepared.libraries));
      assert.deepStrictEqual((await callHandler(prepared)).value, { client: 'function' });
      assert.strictEqual(prepared.warnings.length, 1);
      assert.match(prepared.warnings[0], /@aws-sdk\/client-not-a-real-one could not be installed: the registry http:\/\/127\.0\.0\.1:\d+\/ has no package of that name/);
      assert.match(prepared.warnings[0], /npm install/);
    });
  });

  describe('failures', () => {
    it('a broken TypeScript file fails with esbuild\'s message naming the file and line, and only that function', async () => {
      const project = copyProject('ts-broken', root);
      const log = eventLog();
      const b = builder(log);
      const source: NodeFunctionSource = {
        id: 'BrokenFunction', codeDir: path.join(project, 'src'), handler: 'handler.main', runtime: 'nodejs20.x',
        metadata: { BuildMethod: 'esbuild', BuildProperties: { EntryPoints: ['handler.ts'] } },
      };
      const line = lineOf(path.join(source.codeDir, 'handler.ts'), 'reduce(');
      const err = await b.prepare(source).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NodeBuildError, String(err));
      assert.strictEqual(err.step, 'bundle');
      assert.match(err.message, new RegExp(`Build of BrokenFunction failed at .*handler\\.ts:${line}:\\d+`));
      assert.match(err.message, /Expected "\)" but found ";"/);
      assert.match(err.message, new RegExp(`handler\\.ts:${line}:\\d+:`), 'esbuild\'s own text with file:line:column');
      assert.match(err.message, /To run the build by hand: cd .* && npx esbuild handler\.ts --bundle --platform=node/);
      assert.ok(log.of('bundle', 'failed').length === 1);

      // Another function of the same builder is not affected.
      const other = copyProject('mts-handler', root);
      const ok = await b.prepare({ id: 'EsmFunction', codeDir: other, handler: 'src/index.handler', runtime: 'nodejs20.x' });
      assert.deepStrictEqual((await callHandler(ok, { text: 'a' })).value, { loud: 'A!', module: 'string' });

      // Fixing the file makes the next preparation succeed.
      const file = path.join(source.codeDir, 'handler.ts');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('o.total, 0;', 'o.total, 0);'));
      const fixed = await b.prepare(source);
      assert.deepStrictEqual((await callHandler(fixed, { orders: [{ id: 'a', total: 2 }, { id: 'b', total: 3 }] })).value, { sum: 5 });
    });

    it('a dependency no registry has fails with a message naming it, and the command to run by hand', async () => {
      const project = copyProject('dep-missing', root);
      const codeDir = path.join(project, 'src');
      const log = eventLog();
      const err = await builder(log).prepare({ id: 'NeedsMissingFunction', codeDir, handler: 'index.handler', runtime: 'nodejs20.x' })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NodeBuildError, String(err));
      assert.strictEqual(err.step, 'dependencies');
      assert.match(err.message, /Could not install the dependencies of NeedsMissingFunction declared in .*package\.json/);
      assert.match(err.message, /The package left-pad-unpublished could not be installed: the registry http:\/\/127\.0\.0\.1:\d+\/ has no package of that name/);
      assert.match(err.message, /Run by hand to see npm's full output: cd .* && npm install --omit=dev/);
      assert.match(err.message, new RegExp(`To install them in the function's folder instead: cd ${codeDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} && npm install --omit=dev`));
      assert.strictEqual(log.of('dependencies', 'failed').length, 1);
      assert.ok(!fs.existsSync(path.join(codeDir, 'node_modules')));
      assert.deepStrictEqual(fs.readdirSync(path.join(dataDir, 'build', 'node-deps')), [], 'no half-installed folder is kept');
    });
  });
});
