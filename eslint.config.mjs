// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's globals for plain JavaScript files (scripts, test fixtures). */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'AbortController', 'structuredClone'].map(
    (name) => [name, 'readonly'],
  ),
);

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
  {
    // These layers must stay free of VS Code so they can be tested and reused without it.
    files: ['src/aws/**/*.ts', 'src/shared/**/*.ts', 'src/local/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'This layer must not depend on VS Code.' }] }] },
  },
  {
    // Webview code runs in the browser: it may import webview code, the panels' protocol files and
    // browser packages, never extension code, VS Code or Node.
    files: ['src/webview/**/*.ts', 'src/features/*/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Webview code runs in the browser.' }],
          patterns: [
            { regex: '^node:', message: 'Webview code runs in the browser.' },
            { regex: '^(\\.\\./)+(aws|codelens|commands|events|extension|local|model|util|views)(/|$)', message: 'Webview code may import only webview code and protocol files.' },
            { regex: '^(\\.\\./)+panels/(?!.*/protocol$)', message: 'Webview code may import only the protocol files of panels.' },
          ],
        },
      ],
    },
  },
);
