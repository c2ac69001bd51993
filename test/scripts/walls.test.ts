import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import * as ts from 'typescript';
import { REPO_ROOT } from '../support/repo';

// The walls between the layers of src/, checked with the project's real tools and configuration
// (eslint.config.mjs, .dependency-cruiser.cjs, src/webview/tsconfig.json) on virtual or temporary
// files, so nothing here is picked up by the normal lint and compile runs.

const WALL_RULE = 'layers/allowed-imports';
/** What `npm run lint` gives the cycle check. */
const LINT_CRUISE_TARGETS = ['src', 'test', 'bench', 'scripts'];

/** Runs the project's cycle check (dependency-cruiser with .dependency-cruiser.cjs) on `targets`. */
function cruise(...targets: string[]): Promise<{ status: number | null; output: string }> {
  const cli = path.join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const child = spawn(process.execPath, [cli, ...targets, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: REPO_ROOT });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

describe('walls between layers', function () {
  this.timeout(120_000); // runs tsc, which takes a while on a busy machine

  // The cycle check runs in a child process while the other walls are checked: one run over the
  // source tree plus a temporary cycle a → b → c → a whose last step imports only a type. It must
  // report that cycle and nothing else.
  let tmp: string;
  let cycleRun: Promise<{ status: number | null; output: string }>;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-walls-'));
    const dir = path.join(tmp, 'cycle');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c';\nexport const b = (): number => c(undefined);\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "import type { a } from './a';\nexport const c = (_from: typeof a | undefined): number => 0;\n");
    cycleRun = cruise(dir, ...LINT_CRUISE_TARGETS);
  });
  after(async () => {
    await cycleRun?.catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('ESLint allow-lists', () => {
    let eslint: ESLint;
    before(() => {
      eslint = new ESLint({ cwd: REPO_ROOT, ruleFilter: ({ ruleId }) => ruleId === WALL_RULE });
    });

    /** The wall messages ESLint reports for `code` as if it were the file at `file` (repo path), one per import. */
    async function wallMessages(file: string, code: string): Promise<string[]> {
      const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
      assert.deepEqual(
        result.messages.filter((m) => m.ruleId !== WALL_RULE),
        [],
        'the fixture itself must parse',
      );
      return result.messages.map((m) => `${m.line}: ${m.message}`);
    }

    it('keeps src/local to src/local, src/shared, Node and npm packages', async () => {
      const messages = await wallMessages(
        'src/local/lambda/wallFixture.ts',
        [
          "import { toWorkbenchError } from '../../aws/errors';",
          "import type { Workbench } from '../../workbench/context';",
          "export const load = () => import('../../features/invoke/result');",
          "import * as vscode from 'vscode';",
        ].join('\n'),
      );
      assert.equal(messages.length, 4, messages.join('\n'));
      assert.match(messages[0], /^1: '\.\.\/\.\.\/aws\/errors' \(src\/aws\/errors\) is outside the wall of src\/local\/.*may import only src\/local\/, src\/shared\/, Node built-ins, npm packages\. .*src\/shared\//);
      assert.match(messages[1], /^2: .*\(src\/workbench\/context\)/);
      assert.match(messages[2], /^3: .*\(src\/features\/invoke\/result\)/, 'a dynamic import() is checked too');
      assert.match(messages[3], /^4: 'vscode' \(VS Code\)/);
    });

    it('keeps a feature from importing another feature', async () => {
      const messages = await wallMessages(
        'src/features/invoke/wallFixture.ts',
        ["import { createLogsTab } from '../logs/controller';", "export type Link = import('../code/links').FolderLink;"].join('\n'),
      );
      assert.equal(messages.length, 2, messages.join('\n'));
      assert.match(messages[0], /^1: '\.\.\/logs\/controller' \(src\/features\/logs\/controller\) is outside the wall of the host code of src\/features\/invoke\/.*Features never import each other/);
      assert.match(messages[1], /^2: .*\(src\/features\/code\/links\)/, 'an import() type is checked too');
    });

    it('keeps src/shared free of Node and VS Code', async () => {
      const messages = await wallMessages(
        'src/shared/wallFixture.ts',
        ["import { readFileSync } from 'node:fs';", "import * as path from 'path';", "import * as vscode from 'vscode';", "import { ids } from '../workbench/ids';"].join('\n'),
      );
      assert.equal(messages.length, 4, messages.join('\n'));
      assert.match(messages[0], /^1: 'node:fs' \(a Node built-in\) is outside the wall of src\/shared\/.*may import only src\/shared\/, npm packages\./);
      assert.match(messages[1], /^2: 'path' \(a Node built-in\)/, 'a built-in without the node: prefix is still Node');
      assert.match(messages[2], /^3: 'vscode' \(VS Code\)/);
      assert.match(messages[3], /^4: .*\(src\/workbench\/ids\)/);
    });

    it("keeps webview code to its feature's webview/ and protocol, the kit and src/shared", async () => {
      const messages = await wallMessages(
        'src/features/invoke/webview/wallFixture.ts',
        [
          "import { InvokeController } from '../controller';",
          "import type { LogsProtocol } from '../../logs/protocol';",
          "import { WORKBENCH } from '../../../workbench/ids';",
          "import { readFile } from 'node:fs/promises';",
        ].join('\n'),
      );
      assert.equal(messages.length, 4, messages.join('\n'));
      assert.match(messages[0], /^1: '\.\.\/controller' \(src\/features\/invoke\/controller\) is outside the wall of webview code.*may import only src\/features\/invoke\/webview\/, src\/features\/invoke\/protocol, src\/webview\/, src\/shared\/, npm packages\./);
      assert.match(messages[1], /^2: .*\(src\/features\/logs\/protocol\)/, "another feature's protocol is not this webview's");
      assert.match(messages[2], /^3: .*\(src\/workbench\/ids\)/);
      assert.match(messages[3], /^4: 'node:fs\/promises' \(a Node built-in\)/);
    });

    it('keeps protocol files to src/shared, and src/workbench and src/aws out of the features', async () => {
      assert.equal((await wallMessages('src/features/logs/protocol.ts', "import type { LogRow } from './rows';")).length, 1);
      assert.equal((await wallMessages('src/workbench/wallFixture.ts', "import { registerInvoke } from '../features/invoke/register';")).length, 1);
      assert.equal((await wallMessages('src/aws/wallFixture.ts', "import * as vscode from 'vscode';")).length, 1);
    });

    it("lets each layer import what its wall allows, and only the tab lists join features", async () => {
      const allowed: Array<[string, string[]]> = [
        ['src/local/lambda/wallFixture.ts', ["import { errorMessage } from '../../shared/errors';", "import { readFile } from 'node:fs/promises';", "import * as fs from 'fs';", "import { parse } from 'yaml';", "import { send } from '../http';"]],
        ['src/shared/wallFixture.ts', ["import Ajv from 'ajv';", "import { errorMessage } from './errors';"]],
        ['src/aws/wallFixture.ts', ["import { errorMessage } from '../shared/errors';", "import { LambdaClient } from '@aws-sdk/client-lambda';", "import { toWorkbenchError } from './errors';"]],
        ['src/workbench/panel/wallFixture.ts', ["import * as vscode from 'vscode';", "import { listFunctions } from '../../aws/lambda';", "import { errorMessage } from '../../shared/errors';", "import * as path from 'node:path';", "import { ids } from '../ids';"]],
        ['src/features/invoke/wallFixture.ts', ["import * as vscode from 'vscode';", "import { InvokeController } from './controller';", "import type { InvokeProtocol } from './protocol';", "import { Workbench } from '../../workbench/context';", "import { invoke } from '../../aws/invoke';", "const c = () => import('./commands.js');"]],
        ['src/features/invoke/protocol.ts', ["import type { Protocol } from '../../shared/protocol';"]],
        ['src/features/invoke/webview/wallFixture.ts', ["import type { InvokeProtocol } from '../protocol';", "import { formatBytes } from './format';", "import { h } from '../../../webview/dom';", "import { errorMessage } from '../../../shared/errors';", "import '@vscode-elements/elements';", "import './invoke.css';"]],
        ['src/webview/wallFixture.ts', ["import { h } from './dom';", "import { errorMessage } from '../shared/errors';"]],
        ['src/features/functionPanel/tabs.ts', ["import { InvokeController } from '../invoke/controller';", "import { createLogsTab } from '../logs/controller';"]],
        ['src/features/functionPanel/webview/tabs.ts', ["import { InvokeView } from '../../invoke/webview/view';", "import type { InvokeProtocol } from '../../invoke/protocol';"]],
        ['src/extension.ts', ["import { registerInvoke } from './features/invoke/register';", "import { Workbench } from './workbench/context';"]],
      ];
      for (const [file, imports] of allowed) {
        assert.deepEqual(await wallMessages(file, imports.join('\n')), [], file);
      }
    });

    it('finds no wall crossed in the source tree', async () => {
      // Every import of every file under src/ (static, dynamic, type-only, re-export), checked as
      // an import line in that file's place: the walls without parsing whole files. The lint stage
      // lints the files themselves.
      const files = fs.readdirSync(path.join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
      let imports = 0;
      const crossings: string[] = [];
      for (const file of files.map((f) => path.join('src', f))) {
        const specs = ts.preProcessFile(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
        imports += specs.length;
        for (const message of await wallMessages(file, specs.map((spec) => `import ${JSON.stringify(spec)};`).join('\n'))) crossings.push(`${file} ${message}`);
      }
      assert.ok(files.length > 100 && imports > 500, `${files.length} files, ${imports} imports`);
      assert.deepEqual(crossings, []);
    });
  });

  describe('webview program (tsc, composite)', () => {
    const configFile = path.join(REPO_ROOT, 'src', 'webview', 'tsconfig.json');
    const repoPath = (file: string) => path.relative(REPO_ROOT, file).split(path.sep).join('/');
    /** In-memory files added to the program (repo path → text), each in a folder the config lists. */
    const FIXTURES: Record<string, string> = {
      'src/features/invoke/webview/importsHost.ts': "import { InvokeController } from '../controller';\nexport const controller: unknown = InvokeController;\n",
      'src/features/invoke/webview/importsOwn.ts': "import type { InvokeParams } from '../protocol';\nimport { errorMessage } from '../../../shared/errors';\nexport const summary = (p: InvokeParams, e: unknown) => [p, errorMessage(e)];\n",
      'src/shared/importsNode.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    };
    let config: ts.ParsedCommandLine;
    let clean: ts.Program;
    let withFixtures: ts.Program;
    before(() => {
      const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
      assert.ok(parsed);
      config = parsed;
      clean = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });

      const virtual = new Map(Object.entries(FIXTURES).map(([file, text]) => [path.join(REPO_ROOT, file), text]));
      const host = ts.createCompilerHost(config.options);
      const { fileExists, readFile, getSourceFile } = host;
      host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists.call(host, file);
      host.readFile = (file) => virtual.get(path.resolve(file)) ?? readFile.call(host, file);
      host.getSourceFile = (file, language, ...rest) => {
        const text = virtual.get(path.resolve(file));
        return text !== undefined ? ts.createSourceFile(file, text, language) : getSourceFile.call(host, file, language, ...rest);
      };
      withFixtures = ts.createProgram({ rootNames: [...config.fileNames, ...virtual.keys()], options: config.options, host, oldProgram: clean });
    });

    /** The compiler's errors for one fixture, as `TSnnnn first line of the message`. */
    function errorsIn(fixture: string): string[] {
      const file = withFixtures.getSourceFile(path.join(REPO_ROOT, fixture));
      assert.ok(file, fixture);
      return withFixtures.getSemanticDiagnostics(file).map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`);
    }

    it('is composite and lists the webview folders, the protocols and src/shared, not host code', () => {
      assert.equal(config.options.composite, true);
      const listed = new Set(config.fileNames.map(repoPath));
      for (const file of ['src/webview/dom.ts', 'src/features/invoke/webview/view.ts', 'src/features/invoke/protocol.ts', 'src/shared/errors.ts']) assert.ok(listed.has(file), file);
      for (const file of ['src/features/invoke/controller.ts', 'src/workbench/ids.ts', 'src/aws/errors.ts']) assert.ok(!listed.has(file), file);
    });

    it('fails with TS6307 when a webview file imports host code', () => {
      const errors = errorsIn('src/features/invoke/webview/importsHost.ts');
      assert.ok(
        errors.includes(`TS6307 File '${path.join(REPO_ROOT, 'src/features/invoke/controller.ts')}' is not listed within the file list of project '${configFile}'. Projects must list all files or use an 'include' pattern.`),
        errors.join('\n'),
      );
    });

    it('fails when src/shared imports node:fs (no Node types in the browser)', () => {
      const errors = errorsIn('src/shared/importsNode.ts');
      assert.ok(errors.some((e) => /^TS(2307|2591) Cannot find (module|name) 'node:fs'/.test(e)), errors.join('\n'));
    });

    it("accepts a webview file importing its feature's protocol and src/shared", () => {
      assert.deepEqual(errorsIn('src/features/invoke/webview/importsOwn.ts'), []);
    });

    it('pulls no unlisted file into the program from the source tree (so no TS6307)', () => {
      const listed = new Set(config.fileNames);
      const unlisted = clean
        .getSourceFiles()
        .filter((f) => !f.isDeclarationFile && !clean.isSourceFileFromExternalLibrary(f) && !listed.has(path.resolve(f.fileName)))
        .map((f) => repoPath(f.fileName));
      assert.deepEqual(unlisted, []);
      assert.ok(clean.getSourceFiles().length > listed.size / 2);
    });
  });

  describe('import cycles (dependency-cruiser)', () => {
    it('fails on a cycle, also one that closes only through a type-only import', async () => {
      const { status, output } = await cycleRun;
      assert.notEqual(status, 0, output);
      assert.match(output, /error no-circular: \S*cycle\/a\.ts →\s+\S*cycle\/b\.ts →\s+\S*cycle\/c\.ts →\s+\S*cycle\/a\.ts/, output);
    });

    it('finds no cycle in the source tree', async () => {
      const { output } = await cycleRun;
      const summary = /x (\d+) dependency violations \(\d+ errors, \d+ warnings\)\. (\d+) modules/.exec(output);
      assert.ok(summary, output);
      assert.equal(summary[1], '1', `only the temporary cycle is reported:\n${output}`);
      assert.ok(Number(summary[2]) > 200, `the source tree was cruised: ${summary[2]} modules`);
    });
  });
});
