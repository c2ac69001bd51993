import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TemplateHandlerIndex } from '../../../src/features/codelens/handlerIndex';
import { findTemplateFiles } from '../../../src/workbench/samTemplates';
import { HandlerMappings } from '../../../src/features/codelens/handlerMappings';
import type { MementoLike } from '../../../src/shared/memento';
import type { FunctionTarget } from '../../../src/shared/target';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const TEMPLATE = `Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders-api
      CodeUri: api/
      Handler: src/app.lambdaHandler
      Runtime: nodejs20.x
      Role: !GetAtt ApiRole.Arn
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: jobs.run.handler
      Runtime: python3.12
`;

describe('codelens/handlerIndex', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-index-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds templates where the Local Lambda looks: the folder and one level below', async () => {
    write(path.join(dir, 'template.yaml'), 'Resources: {}');
    write(path.join(dir, 'svc', 'template.yml'), 'Resources: {}');
    write(path.join(dir, 'a', 'b', 'template.yaml'), 'Resources: {}');
    write(path.join(dir, 'node_modules', 'x', 'template.yaml'), 'Resources: {}');
    write(path.join(dir, '.aws-sam', 'build', 'template.yaml'), 'Resources: {}');
    assert.deepEqual(await findTemplateFiles(dir), [path.join(dir, 'template.yaml'), path.join(dir, 'svc', 'template.yml')]);
  });

  it('matches handler files to template functions, and nothing else', async () => {
    write(path.join(dir, 'template.yaml'), TEMPLATE);
    const index = new TemplateHandlerIndex();
    assert.deepEqual(await index.matchesFor(dir, path.join(dir, 'api', 'src', 'app.ts')), [
      { functionName: 'orders-api', exportName: 'lambdaHandler', language: 'node', templateFile: path.join(dir, 'template.yaml') },
    ]);
    assert.deepEqual((await index.matchesFor(dir, path.join(dir, 'worker', 'jobs', 'run.py'))).map((m) => [m.functionName, m.exportName]), [['Worker', 'handler']]);
    assert.deepEqual(await index.matchesFor(dir, path.join(dir, 'api', 'src', 'util.ts')), []);
    assert.deepEqual(await index.matchesFor(dir, path.join(dir, 'worker', 'jobs', 'run.js')), [], 'a Python function has no JavaScript handler');
    assert.deepEqual(await index.matchesFor(dir, path.join(os.tmpdir(), 'elsewhere', 'app.ts')), []);
  });

  it('offers lenses only for functions with handler files in a local folder, in Node.js or Python', async () => {
    write(path.join(dir, 'template.yaml'), `Globals:
  Function:
    Runtime: nodejs20.x
    Handler: index.handler
Resources:
  Folder: { Type: AWS::Serverless::Function, Properties: { CodeUri: fn/ } }
  Plain: { Type: AWS::Lambda::Function, Properties: { Code: ./plain, Handler: main.handler, Runtime: python3.12 } }
  Inline: { Type: AWS::Serverless::Function, Properties: { InlineCode: "exports.handler = () => 1" } }
  Image: { Type: AWS::Serverless::Function, Properties: { PackageType: Image } }
  FromS3: { Type: AWS::Serverless::Function, Properties: { CodeUri: s3://bucket/key.zip } }
  Java: { Type: AWS::Serverless::Function, Properties: { CodeUri: java/, Runtime: java21, Handler: a.B::handle } }
  NoRuntime: { Type: AWS::Lambda::Function, Properties: { Code: ./any, Handler: app.handler } }
`);
    const fns = await new TemplateHandlerIndex().functions(dir);
    assert.deepEqual(fns.map((f) => [f.logicalId, f.language, f.codeDir]), [
      ['Folder', 'node', path.join(dir, 'fn')],
      ['Plain', 'python', path.join(dir, 'plain')],
      ['NoRuntime', undefined, path.join(dir, 'any')],
    ]);
  });

  it('reports a template without Resources', async () => {
    write(path.join(dir, 'template.yaml'), 'Description: not a SAM template\n');
    const problems: string[] = [];
    assert.deepEqual(await new TemplateHandlerIndex((_file, message) => problems.push(message)).functions(dir), []);
    assert.deepEqual(problems, ['line 1: The template has no Resources section.']);
  });

  it('caches templates until invalidated', async () => {
    write(path.join(dir, 'template.yaml'), TEMPLATE);
    const index = new TemplateHandlerIndex();
    const file = path.join(dir, 'api', 'src', 'app.ts');
    assert.equal((await index.matchesFor(dir, file)).length, 1);
    write(path.join(dir, 'template.yaml'), TEMPLATE.replace('src/app.lambdaHandler', 'src/main.lambdaHandler'));
    assert.equal((await index.matchesFor(dir, file)).length, 1, 'still the cached template');
    index.invalidate(dir);
    assert.equal((await index.matchesFor(dir, file)).length, 0);
    assert.equal((await index.matchesFor(dir, path.join(dir, 'api', 'src', 'main.ts'))).length, 1);
  });

  it('reports a broken template and keeps the others', async () => {
    write(path.join(dir, 'template.yaml'), 'Resources:\n  - [broken\n');
    write(path.join(dir, 'svc', 'template.yaml'), TEMPLATE);
    const problems: string[] = [];
    const index = new TemplateHandlerIndex((file, message) => problems.push(`${path.relative(dir, file)}: ${message}`));
    assert.equal((await index.matchesFor(dir, path.join(dir, 'svc', 'worker', 'jobs', 'run.py'))).length, 1);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^template\.yaml: line \d+/);
  });
});

describe('codelens/handlerMappings', () => {
  class MapMemento implements MementoLike {
    private readonly values = new Map<string, unknown>();
    get<T>(key: string): T | undefined {
      return this.values.get(key) as T | undefined;
    }
    async update(key: string, value: unknown): Promise<void> {
      this.values.set(key, JSON.parse(JSON.stringify(value)));
    }
  }
  const target = (functionName: string): FunctionTarget => ({ connectionId: 'profile:dev', connectionLabel: 'dev', connectionKind: 'profile', region: 'eu-west-1', functionName });

  it('remembers a function per file and export, replaces it, forgets it, and announces changes', async () => {
    const memento = new MapMemento();
    const mappings = new HandlerMappings(memento);
    const changes: string[] = [];
    mappings.onDidChange((file) => changes.push(file));
    await mappings.set({ file: 'file:///a.ts', exportName: 'handler', target: target('one') });
    await mappings.set({ file: 'file:///a.ts', exportName: 'other', target: target('two') });
    await mappings.set({ file: 'file:///a.ts', exportName: 'handler', target: target('three') });
    assert.equal(mappings.get('file:///a.ts', 'handler')?.target.functionName, 'three');
    assert.equal(mappings.forFile('file:///a.ts').length, 2);
    assert.equal(new HandlerMappings(memento).get('file:///a.ts', 'other')?.target.functionName, 'two', 'kept in the store');
    assert.equal(await mappings.forget('file:///a.ts', 'handler'), 1);
    assert.equal(mappings.get('file:///a.ts', 'handler'), undefined);
    assert.equal(await mappings.forget('file:///a.ts'), 1);
    assert.equal(await mappings.forget('file:///a.ts'), 0);
    assert.deepEqual(changes, Array(5).fill('file:///a.ts'));
  });

  it('ignores damaged entries in the store', async () => {
    const memento = new MapMemento();
    await memento.update('lambdaWorkbench.handlerFunctions', [{ file: 'x', exportName: 'h', target: { functionName: '' } }, 'junk', { file: 'y', exportName: 'h', target: target('ok') }]);
    const mappings = new HandlerMappings(memento);
    assert.equal(mappings.get('x', 'h'), undefined);
    assert.equal(mappings.get('y', 'h')?.target.functionName, 'ok');
  });
});
