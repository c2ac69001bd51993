import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the folder above this file holding the extension's package.json. */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === 'lambda-workbench') return dir;
  }
  throw new Error('repository root not found');
}

/* eslint-disable @typescript-eslint/no-require-imports */
const sizeCheck: typeof import('../../scripts/check-size.js') = require(path.join(repoRoot(), 'scripts', 'check-size.js'));
const packaging: typeof import('../../scripts/package.js') = require(path.join(repoRoot(), 'scripts', 'package.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

/** The shape webpack gives a development bundle: a module table keyed by module id. */
const devBundle = (...ids: string[]) => ids.map((id) => `/***/ "${id}":\n/***/ ((module) => {\nmodule.exports = 1;\n/***/ }),\n`).join('\n');

describe('size budget check', () => {
  it('finds the AWS SDK and other load-on-first-use packages in the activation chunk', () => {
    const text = devBundle(
      './src/extension.ts',
      './node_modules/@aws-sdk/client-lambda/dist-cjs/index.js',
      './node_modules/@smithy/core/dist-es/index.js',
      './node_modules/ajv/dist/ajv.js',
      './node_modules/jsonc-parser/lib/esm/main.js',
    );
    assert.deepEqual(sizeCheck.lazyOnlyPackagesIn(text), ['@aws-sdk/client-lambda', '@smithy/core', 'ajv']);
  });

  it('does not mistake a lazy chunk reference for a bundled module', () => {
    const text = `${devBundle('./src/extension.ts', './src/aws/clients.ts')}
const sdk = __webpack_require__.e("vendors").then(__webpack_require__.bind(__webpack_require__, "./node_modules/@aws-sdk/client-lambda/dist-cjs/index.js"));`;
    assert.deepEqual(sizeCheck.lazyOnlyPackagesIn(text), []);
    assert.deepEqual(sizeCheck.bundledModules(text), ['./src/extension.ts', './src/aws/clients.ts']);
  });

  it('lets the VSIX hold only bundles, webview assets, icons and the manifest files', () => {
    const allowed = (entry: string) => packaging.unexpectedEntries([{ name: entry, size: 1 }]).length === 0;
    for (const entry of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt',
      'extension/dist/extension.js', 'extension/dist/extension.747.js', 'extension/dist/local.js',
      'extension/dist/webview/function.js', 'extension/dist/webview/codicon.ttf', 'extension/media/icon.png', 'extension.vsixmanifest']) {
      assert.ok(allowed(entry), `${entry} should be allowed`);
    }
    for (const entry of ['extension/dist/extension.js.map', 'extension/src/extension.ts', 'extension/node_modules/yaml/dist/index.js',
      'extension/out/src/extension.js', 'extension/media/webview/function/frame.css', 'extension/examples/template.yaml', 'extension/.local-lambda/credentials.json']) {
      assert.ok(!allowed(entry), `${entry} should be refused`);
    }
  });
});
