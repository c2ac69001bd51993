import * as assert from 'node:assert/strict';
import { fileLanguage, findHandlerDefinition, handlerFileCandidates, matchHandlerFile, parseHandler, runtimeLanguage } from '../../src/shared/handlers';

describe('model/handlers', () => {
  it('splits Node.js handler settings as the Node.js runtime does', () => {
    assert.deepEqual(parseHandler('index.handler', 'node'), { language: 'node', modulePath: 'index', exportName: 'handler' });
    assert.deepEqual(parseHandler('src/api/app.lambdaHandler', 'node'), { language: 'node', modulePath: 'src/api/app', exportName: 'lambdaHandler' });
    // The module ends at the first dot after the last slash; the rest is a property path.
    assert.deepEqual(parseHandler('lib/app.handlers.get', 'node'), { language: 'node', modulePath: 'lib/app', exportName: 'handlers' });
    assert.deepEqual(parseHandler('./dist.v2/index.main', 'node'), { language: 'node', modulePath: 'dist.v2/index', exportName: 'main' });
    for (const bad of ['index', 'index.', '.handler', 'a/.x', 'index.1bad']) assert.equal(parseHandler(bad, 'node'), undefined, bad);
  });

  it('splits Python handler settings at the last dot, module dots being folders', () => {
    assert.deepEqual(parseHandler('app.handler', 'python'), { language: 'python', modulePath: 'app', exportName: 'handler' });
    assert.deepEqual(parseHandler('pkg.api.app.lambda_handler', 'python'), { language: 'python', modulePath: 'pkg/api/app', exportName: 'lambda_handler' });
    assert.deepEqual(parseHandler('src/app.handler', 'python'), { language: 'python', modulePath: 'src/app', exportName: 'handler' });
    assert.equal(parseHandler('handler', 'python'), undefined);
  });

  it('knows the files a handler can live in', () => {
    assert.deepEqual(handlerFileCandidates({ language: 'python', modulePath: 'pkg/app', exportName: 'h' }), ['pkg/app.py', 'pkg/app/__init__.py']);
    const node = handlerFileCandidates({ language: 'node', modulePath: 'index', exportName: 'handler' });
    for (const f of ['index.js', 'index.mjs', 'index.cjs', 'index.ts']) assert.ok(node.includes(f), f);
  });

  it('matches a file to a handler only when it is the handler module', () => {
    assert.equal(matchHandlerFile('index.mjs', 'index.handler', 'node')?.exportName, 'handler');
    assert.equal(matchHandlerFile('src/app.ts', 'src/app.lambdaHandler', 'node')?.exportName, 'lambdaHandler');
    assert.equal(matchHandlerFile('src\\app.ts', 'src/app.lambdaHandler', 'node')?.exportName, 'lambdaHandler');
    assert.equal(matchHandlerFile('pkg/api/app.py', 'pkg.api.app.handler', 'python')?.exportName, 'handler');
    assert.equal(matchHandlerFile('helper.mjs', 'index.handler', 'node'), undefined);
    assert.equal(matchHandlerFile('sub/index.mjs', 'index.handler', 'node'), undefined);
    assert.equal(matchHandlerFile('index.py', 'index.handler', 'node'), undefined);
  });

  it('maps runtimes and file names to languages', () => {
    assert.equal(runtimeLanguage('nodejs20.x'), 'node');
    assert.equal(runtimeLanguage('python3.12'), 'python');
    assert.equal(runtimeLanguage('java21'), undefined);
    assert.equal(fileLanguage('/a/b/app.PY'), 'python');
    assert.equal(fileLanguage('x.tsx'), 'node');
    assert.equal(fileLanguage('README.md'), undefined);
  });

  describe('finds the exported handler in source', () => {
    const at = (text: string, name = 'handler', language: 'node' | 'python' = 'node') => findHandlerDefinition(text, name, language);

    it('ES module and CommonJS exports', () => {
      assert.deepEqual(at('// greet\nexport const handler = async (event) => {\n};'), { line: 1, character: 0 });
      assert.deepEqual(at('import x from "y";\n\nexport async function handler(event) {}'), { line: 2, character: 0 });
      assert.deepEqual(at('export function handler(event, context) {}'), { line: 0, character: 0 });
      assert.deepEqual(at('const a = 1;\nexports.handler = async () => a;'), { line: 1, character: 0 });
      assert.deepEqual(at('module.exports.handler = function () {}'), { line: 0, character: 0 });
      assert.deepEqual(at('  exports["handler"] = () => 1'), { line: 0, character: 2 });
      assert.deepEqual(at('export const handler: Handler<APIGatewayProxyEvent> = async () => ({})'), { line: 0, character: 0 });
      assert.deepEqual(at('export let lambdaHandler = middy(base)', 'lambdaHandler'), { line: 0, character: 0 });
    });

    it('export lists and module.exports objects point at the local definition', () => {
      assert.deepEqual(at('async function main(e) {}\n\nexport { main as handler };'), { line: 0, character: 0 });
      assert.deepEqual(at('const handler = async () => 1;\nexport { other, handler };'), { line: 0, character: 0 });
      assert.deepEqual(at('async function handler() {}\nmodule.exports = { handler };'), { line: 0, character: 0 });
      assert.deepEqual(at('const run = () => 1;\nmodule.exports = {\n  version: 2,\n  handler: run,\n};'), { line: 0, character: 0 });
      assert.deepEqual(at('x();\nmodule.exports = {\n  async handler(event) { return event; },\n};'), { line: 1, character: 0 });
    });

    it('ignores names that are not the handler, and non-exported or commented definitions', () => {
      assert.equal(at('export const handlerFactory = () => 1;'), undefined);
      assert.equal(at('const handler = () => 1;'), undefined);
      assert.equal(at('// export const handler = 1'), undefined);
      assert.equal(at('export const myhandler = 1'), undefined);
      assert.equal(at('module.exports = { other };'), undefined);
    });

    it('Python top-level functions and assignments only', () => {
      assert.deepEqual(at('import os\n\n\ndef handler(event, context):\n    return 1', 'handler', 'python'), { line: 3, character: 0 });
      assert.deepEqual(at('async def handler(event, context):\n    pass', 'handler', 'python'), { line: 0, character: 0 });
      assert.deepEqual(at('app = FastAPI()\nhandler = Mangum(app)', 'handler', 'python'), { line: 1, character: 0 });
      assert.deepEqual(at('def lambda_handler(event, context): pass', 'lambda_handler', 'python'), { line: 0, character: 0 });
      assert.equal(at('class A:\n    def handler(self, event, context):\n        pass', 'handler', 'python'), undefined);
      assert.equal(at('def handler_v2(event, context): pass', 'handler', 'python'), undefined);
      assert.equal(at('# def handler(event, context):', 'handler', 'python'), undefined);
      assert.equal(at('if handler == 1: pass', 'handler', 'python'), undefined);
    });
  });
});
