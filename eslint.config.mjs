// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** Node's globals for plain JavaScript files (scripts, test fixtures). */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'AbortController', 'structuredClone'].map(
    (name) => [name, 'readonly'],
  ),
);

/**
 * The walls between the layers of src/: what each layer may import. For a
 * file that several entries match, the last one wins, so narrow entries follow broad ones.
 *  - may: where a relative import may land (repo paths). A trailing `/` means the folder and
 *    everything below it, `*` one path segment, `<feature>` the importing file's own feature.
 *  - mayNot: exceptions to `may`.
 *  - kinds: what else it may import: 'vscode', 'node' (built-ins, with or without `node:`), 'npm'.
 *  - hint: where the thing belongs instead; shown with every violation.
 * Static, dynamic (`import()`), type-only and re-export imports are all checked.
 */
const LAYERS = [
  {
    files: ['src/extension.ts', 'src/testApi.ts'],
    layer: 'the composition roots (src/extension.ts, src/testApi.ts)',
    may: ['src/extension', 'src/testApi', 'src/features/', 'src/workbench/', 'src/aws/', 'src/shared/'],
    mayNot: ['src/features/*/webview/'],
    kinds: ['vscode', 'node', 'npm'],
    hint: 'The Local Lambda runs as a process of its own (started by src/workbench/localLambda/) and webview code is bundled for the browser; the extension imports neither.',
  },
  {
    files: ['src/workbench/**/*.ts'],
    layer: 'src/workbench/ (what every feature stands on)',
    may: ['src/workbench/', 'src/aws/', 'src/shared/'],
    kinds: ['vscode', 'node', 'npm'],
    hint: 'It never imports a feature: move what it needs into src/workbench/ or src/shared/, or let the feature hand it over from its register.ts.',
  },
  {
    files: ['src/aws/**/*.ts'],
    layer: 'src/aws/ (the AWS SDK facades, free of VS Code)',
    may: ['src/aws/', 'src/shared/'],
    kinds: ['node', 'npm'],
    hint: 'Code that needs VS Code belongs in src/workbench/ or in the feature that uses it.',
  },
  {
    files: ['src/shared/**/*.ts'],
    layer: 'src/shared/ (pure code used by the extension, the webviews and the Local Lambda)',
    may: ['src/shared/'],
    kinds: ['npm'],
    hint: 'It also runs in the browser: code that needs Node or VS Code belongs in src/local/, src/aws/ or src/workbench/, and only its pure part here.',
  },
  {
    files: ['src/local/**/*.ts'],
    layer: 'src/local/ (the Local Lambda, a program of its own)',
    may: ['src/local/', 'src/shared/'],
    kinds: ['node', 'npm'],
    hint: 'It shares code with the extension only through src/shared/: move the pure part there.',
  },
  {
    files: ['src/features/**/*.ts'],
    layer: 'the host code of src/features/<feature>/',
    may: ['src/features/<feature>/', 'src/workbench/', 'src/aws/', 'src/shared/'],
    mayNot: ['src/features/*/webview/'],
    kinds: ['vscode', 'node', 'npm'],
    hint: "Features never import each other: move what two features need into src/workbench/ (VS Code side) or src/shared/ (pure); only the function panel's tab list (src/features/functionPanel/tabs.ts) joins features. Browser code is reached through the panel's protocol, not imported.",
  },
  {
    files: ['src/features/functionPanel/tabs.ts'],
    layer: "the function panel's tab list (src/features/functionPanel/tabs.ts)",
    may: ['src/features/', 'src/workbench/', 'src/aws/', 'src/shared/'],
    mayNot: ['src/features/*/webview/'],
    kinds: ['vscode', 'node', 'npm'],
    hint: "It joins the features' tab controllers; browser code is reached through the panel's protocol, not imported.",
  },
  {
    files: ['src/features/*/protocol.ts'],
    layer: 'src/features/<feature>/protocol.ts (bundled into the webview too)',
    may: ['src/shared/'],
    kinds: [],
    hint: 'What a protocol needs besides its own messages belongs in src/shared/.',
  },
  {
    files: ['src/webview/**/*.ts', 'src/features/*/webview/**/*.ts'],
    layer: 'webview code (it runs in the browser)',
    may: ['src/features/<feature>/webview/', 'src/features/<feature>/protocol', 'src/webview/', 'src/shared/'],
    kinds: ['npm'],
    hint: "It reaches the extension only through its feature's protocol.ts: ask the host with a protocol message, and move pure helpers into src/shared/ (browser helpers into src/webview/).",
  },
  {
    files: ['src/features/functionPanel/webview/tabs.ts'],
    layer: "the function panel's tab list (src/features/functionPanel/webview/tabs.ts)",
    may: ['src/features/*/webview/', 'src/features/*/protocol', 'src/webview/', 'src/shared/'],
    kinds: ['npm'],
    hint: "It joins the features' tab views; it reaches the extension only through the protocols.",
  },
];

const NODE_BUILTINS = new Set(builtinModules);
const KIND_ALLOWED = { vscode: 'VS Code', node: 'Node built-ins', npm: 'npm packages' };
const KIND_FOUND = { vscode: 'VS Code', node: 'a Node built-in', npm: 'an npm package' };

/** 'vscode', 'node' or 'npm' for a bare module specifier. */
function moduleKind(/** @type {string} */ spec) {
  if (spec === 'vscode') return 'vscode';
  if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0])) return 'node';
  return 'npm';
}

/** A `may` entry as a regular expression over repo paths without extension, or undefined when it names the feature of a file that has none. */
function pathPattern(/** @type {string} */ entry, /** @type {string | undefined} */ feature) {
  if (entry.includes('<feature>')) {
    if (!feature) return undefined;
    entry = entry.replaceAll('<feature>', feature);
  }
  const folder = entry.endsWith('/');
  const body = (folder ? entry.slice(0, -1) : entry)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${body}${folder ? '(/|$)' : '$'}`);
}

/** A string literal's value, or undefined for a computed specifier (which cannot be checked). */
function literal(/** @type {any} */ node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each layer of src/ to the imports its wall allows.' },
    messages: { outside: "'{{spec}}' ({{found}}) is outside the wall of {{layer}}, which may import only {{allowed}}. {{hint}}" },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          may: { type: 'array', items: { type: 'string' } },
          mayNot: { type: 'array', items: { type: 'string' } },
          kinds: { type: 'array', items: { enum: ['vscode', 'node', 'npm'] } },
          hint: { type: 'string' },
        },
        required: ['layer', 'may', 'kinds', 'hint'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { layer, may, mayNot = [], kinds, hint } = context.options[0];
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const feature = /^src\/features\/([^/]+)\//.exec(file)?.[1];
    const allow = may.map((entry) => pathPattern(entry, feature)).filter(Boolean);
    const deny = mayNot.map((entry) => pathPattern(entry, feature)).filter(Boolean);
    const named = (/** @type {string[]} */ entries) => entries.filter((entry) => feature || !entry.includes('<feature>')).map((entry) => entry.replaceAll('<feature>', feature ?? ''));
    const allowed = [...named(may), ...kinds.map((kind) => KIND_ALLOWED[kind])].join(', ') + (mayNot.length ? ` (not ${named(mayNot).join(', ')})` : '');

    function check(/** @type {any} */ node, /** @type {string | undefined} */ spec) {
      if (spec === undefined) return;
      let found;
      let ok;
      if (spec.startsWith('.') || path.isAbsolute(spec)) {
        const target = path
          .relative(ROOT, path.resolve(path.dirname(context.filename), spec))
          .split(path.sep)
          .join('/')
          .replace(/(\.d)?\.[cm]?[jt]s$/, '');
        found = target;
        ok = allow.some((re) => re.test(target)) && !deny.some((re) => re.test(target));
      } else {
        const kind = moduleKind(spec);
        found = KIND_FOUND[kind];
        ok = kinds.includes(kind);
      }
      if (!ok) context.report({ node, messageId: 'outside', data: { spec, found, layer: layer.replaceAll('<feature>', feature ?? '<feature>'), allowed, hint } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, literal(node.source)),
      ExportNamedDeclaration: (node) => node.source && check(node.source, literal(node.source)),
      ExportAllDeclaration: (node) => check(node.source, literal(node.source)),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      // `import('x').T` in a type, and `import x = require('x')`.
      /** @param {any} node */
      TSImportType: (node) => check(node, literal(node.source ?? node.argument?.literal)),
      /** @param {any} node */
      TSExternalModuleReference: (node) => check(node.expression, literal(node.expression)),
      /** @param {any} node */
      'CallExpression[callee.type="Identifier"][callee.name="require"]': (node) => check(node.arguments[0], literal(node.arguments[0])),
    };
  },
};

/** The walls as config blocks: the rule, once per layer with that layer's allow-list. */
function layerBlocks() {
  return [
    { plugins: { layers: { rules: { 'allowed-imports': allowedImports } } } },
    ...LAYERS.map(({ files, ...wall }) => ({ files, rules: { 'layers/allowed-imports': ['error', wall] } })),
  ];
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', '.vscode-test/**', 'node_modules/**', 'test-results/**', '**/.local-lambda/**', '**/.aws-sam/**', 'test/fixtures/projects/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
  {
    // Test runners load plain-JS modules from paths computed at run time (scripts/lib, mocha's
    // CommonJS build, the host's `vscode`), which a static import cannot express.
    files: ['test/runners/**/*.ts', 'test/integration/index.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layerBlocks(),
);
