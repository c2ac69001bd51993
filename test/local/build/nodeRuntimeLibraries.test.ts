import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBuildProperties } from '../../../src/local/build/nodeBuild';
import { providesAwsSdk, scanRuntimeImports, type ScanCache } from '../../../src/local/build/nodeRuntimeLibraries';
import { tempDir } from './helpers';

describe('runtime-provided libraries', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('lw-scan-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the @aws-sdk and @smithy packages a function imports, however it imports them', () => {
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'app.mjs'), [
      "import { S3Client } from '@aws-sdk/client-s3';",
      'import { marshall } from "@aws-sdk/util-dynamodb";',
      "export * from '@aws-sdk/lib-dynamodb';",
      "const lazy = () => import('@aws-sdk/client-sqs');",
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'lib', 'util.js'), "const { fromUtf8 } = require('@smithy/util-utf8/dist-cjs/index.js');\nrequire('./other');\n");
    fs.writeFileSync(path.join(dir, 'lib', 'types.d.ts'), "import type { Foo } from '@aws-sdk/types-only-in-declarations';\n");
    fs.writeFileSync(path.join(dir, 'node_modules', 'dep', 'index.js'), "require('@aws-sdk/client-in-a-dependency');\n");
    assert.deepStrictEqual(scanRuntimeImports(dir), [
      '@aws-sdk/client-s3', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb', '@smithy/util-utf8',
    ]);
  });

  it('reads again only the files that changed', () => {
    const file = path.join(dir, 'index.js');
    fs.writeFileSync(file, "require('@aws-sdk/client-sns');\n");
    const cache: ScanCache = new Map();
    assert.deepStrictEqual(scanRuntimeImports(dir, { cache }), ['@aws-sdk/client-sns']);
    assert.deepStrictEqual(scanRuntimeImports(dir, { cache }), ['@aws-sdk/client-sns']);
    fs.writeFileSync(file, "require('@aws-sdk/client-sns');\nrequire('@aws-sdk/client-ses');\n");
    assert.deepStrictEqual(scanRuntimeImports(dir, { cache }), ['@aws-sdk/client-ses', '@aws-sdk/client-sns']);
  });

  it('stops after a bounded number of files', () => {
    for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(dir, `f${String(i).padStart(2, '0')}.js`), `require('@aws-sdk/client-n${i}');\n`);
    assert.ok(scanRuntimeImports(dir, { maxFiles: 10 }).length <= 10);
  });

  it('applies to nodejs18.x and later only', () => {
    assert.deepStrictEqual(['nodejs16.x', 'nodejs18.x', 'nodejs20.x', 'nodejs24.x', 'python3.12'].map(providesAwsSdk), [false, true, true, true, false]);
  });
});

describe('SAM esbuild BuildProperties', () => {
  it('reads lists given as YAML lists or comma-separated strings, and Format in any case', () => {
    const { esbuild, props } = readBuildProperties({
      BuildMethod: 'esbuild',
      BuildProperties: {
        Format: 'ESM', Minify: 'false', Target: 'es2022', EntryPoints: ['src/a.ts', 'src/b.ts'], External: '@aws-sdk/*, pg-native',
        MainFields: 'module,main', Loader: ['.png=file', '.txt=text'], OutExtension: ['.js=.mjs'], Sourcemap: true,
      },
    });
    assert.strictEqual(esbuild, true);
    assert.deepStrictEqual(props.format, 'esm');
    assert.strictEqual(props.minify, false);
    assert.deepStrictEqual(props.target, ['es2022']);
    assert.deepStrictEqual(props.entryPoints, ['src/a.ts', 'src/b.ts']);
    assert.deepStrictEqual(props.external, ['@aws-sdk/*', 'pg-native']);
    assert.deepStrictEqual(props.mainFields, ['module', 'main']);
    assert.deepStrictEqual(props.loader, { '.png': 'file', '.txt': 'text' });
    assert.deepStrictEqual(props.outExtension, { '.js': '.mjs' });
    assert.strictEqual(props.sourcemap, true);
  });

  it('treats a missing or other BuildMethod as no esbuild build', () => {
    assert.strictEqual(readBuildProperties(undefined).esbuild, false);
    assert.strictEqual(readBuildProperties({ BuildMethod: 'makefile' }).esbuild, false);
  });
});
