// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { BuildStatsPlugin } = require('./scripts/lib/build-stats');

/**
 * Bundles:
 *  - extension: the VS Code extension host code. The AWS SDK is reached only through dynamic
 *    import(), so it lands in separate chunks that load on first use, not at activation.
 *  - local: the Local Lambda program (`node dist/local.js --dir …`).
 *  - nodeBootstrap: the Node.js runtime bootstrap the Local Lambda runs functions with.
 *    The Python runtime files (src/local/runtime/python/) are copied as they are to dist/python/.
 * Webview apps get their own browser-targeted configurations in `webviewConfigs` below.
 */

/**
 * @param {{ mode?: string }} argv
 * @returns {import('webpack').Configuration}
 */
function nodeConfig(argv, name, entry) {
  const production = argv.mode === 'production';
  return {
    name,
    target: 'node20',
    mode: production ? 'production' : 'development',
    entry,
    output: {
      path: path.join(__dirname, 'dist'),
      filename: '[name].js',
      chunkFilename: `${name}.[name].js`,
      library: { type: 'commonjs2' },
      devtoolModuleFilenameTemplate: '../[resource-path]',
      // Several configurations share dist/: each removes only its own stale files.
      clean: { keep: (/** @type {string} */ file) => !Object.keys(entry).some((entryName) => file.startsWith(`${entryName}.`) || file.startsWith(`${name}.`)) },
    },
    devtool: production ? 'hidden-source-map' : 'source-map',
    externals: { vscode: 'commonjs vscode' },
    // Keep Node's own values so paths next to the bundle (dist/) resolve at run time.
    node: { __dirname: false, __filename: false },
    resolve: {
      extensions: ['.ts', '.js'],
      // Dynamic import() of our own modules names the compiled file (`./x.js`); bundle the source.
      extensionAlias: { '.js': ['.ts', '.js'] },
      mainFields: ['main', 'module'],
      // jsonc-parser's "main" is a UMD build whose inner require() calls webpack cannot follow.
      alias: { 'jsonc-parser$': path.join(__dirname, 'node_modules', 'jsonc-parser', 'lib', 'esm', 'main.js') },
    },
    module: {
      // createRequire(path)(name) loads the user's packages (esbuild from their project, their handler) at run time; never bundle them.
      parser: { javascript: { createRequire: false } },
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          use: [{ loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { module: 'es2022', moduleResolution: 'bundler', sourceMap: true } } }],
        },
      ],
    },
    optimization: { minimize: production },
    performance: { hints: false },
    infrastructureLogging: { level: 'warn' },
  };
}

/** `{ name: file }` → webpack's entry form (`./file`). */
const entriesOf = (/** @type {Record<string, string>} */ files) => Object.fromEntries(Object.entries(files).map(([name, file]) => [name, `./${file}`]));

/** Webview apps: each feature's browser entry → dist/webview/<app>.js and <app>.css. */
const WEBVIEW_APPS = { function: 'src/features/functionPanel/webview/main.ts', logs: 'src/features/logs/webview/logGroupMain.ts' };

/**
 * Copies the codicon font and stylesheet (from @vscode/codicons) into dist/webview. They stay a
 * file of their own: vscode-elements finds the font through the stylesheet's link element.
 */
class CodiconAssetsPlugin {
  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    const { sources, Compilation } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('CodiconAssets', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'CodiconAssets', stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const codicons = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
        for (const file of ['codicon.css', 'codicon.ttf']) {
          compilation.emitAsset(file, new sources.RawSource(fs.readFileSync(path.join(codicons, file))));
          compilation.fileDependencies.add(path.join(codicons, file));
        }
      });
    });
  }
}

/**
 * Webview apps: one browser-targeted config, type-checked with the webview tsconfig (DOM, no
 * Node, a feature's protocol and src/shared only). Stylesheets are imported by the views that
 * use them and extracted into one <app>.css per app.
 * @returns {import('webpack').Configuration[]}
 */
function webviewConfigs(argv) {
  const production = argv.mode === 'production';
  const entries = entriesOf(WEBVIEW_APPS);
  const MiniCssExtractPlugin = require('mini-css-extract-plugin');
  return [
    {
      name: 'webview',
      target: 'web',
      mode: production ? 'production' : 'development',
      entry: entries,
      // Code a view loads later (the charts) is a chunk of its own: `auto` finds it next to the
      // app's script (the webview's resource URI), and the script tag gets the page's nonce.
      output: { path: path.join(__dirname, 'dist', 'webview'), filename: '[name].js', chunkFilename: '[name].chunk.js', publicPath: 'auto', clean: true },
      devtool: production ? false : 'source-map',
      resolve: { extensions: ['.ts', '.js'] },
      module: {
        rules: [
          {
            test: /\.ts$/,
            exclude: /node_modules/,
            // The webview tsconfig is composite (its file list is a wall, checked by `npm run lint`);
            // here it only type-checks and emits JavaScript, so no declarations or build info.
            use: [{ loader: 'ts-loader', options: { configFile: path.join(__dirname, 'src', 'webview', 'tsconfig.json'), onlyCompileBundledFiles: true, compilerOptions: { noEmit: false, composite: false, declaration: false } } }],
          },
          { test: /\.css$/, use: [MiniCssExtractPlugin.loader, { loader: 'css-loader', options: { url: false, import: false } }] },
        ],
      },
      plugins: [new MiniCssExtractPlugin({ filename: '[name].css' }), new CodiconAssetsPlugin()],
      optimization: {
        minimize: production,
        // A chunk loaded later holds all it needs (the charts chunk: our wrapper and uPlot), not a vendor chunk beside it.
        splitChunks: false,
        ...(production ? { minimizer: ['...', new (require('css-minimizer-webpack-plugin'))()] } : {}),
      },
      performance: { hints: false },
      infrastructureLogging: { level: 'warn' },
    },
  ];
}

/** Copies the Python runtime files (run by python, not bundled) to dist/python/. */
class PythonRuntimeFilesPlugin {
  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    const { sources, Compilation } = compiler.webpack;
    const from = path.join(__dirname, 'src', 'local', 'runtime', 'python');
    compiler.hooks.thisCompilation.tap('PythonRuntimeFiles', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'PythonRuntimeFiles', stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const rel of fs.readdirSync(from, { recursive: true }).map(String).filter((f) => f.endsWith('.py'))) {
          const file = path.join(from, rel);
          compilation.emitAsset(`python/${rel.split(path.sep).join('/')}`, new sources.RawSource(fs.readFileSync(file)));
          compilation.fileDependencies.add(file);
        }
      });
    });
  }
}

/** @param {unknown} _env @param {{ mode?: string }} argv */
module.exports = (_env, argv) => {
  const extension = nodeConfig(argv, 'extension', { extension: './src/extension.ts' });
  // dist/extension.stats.json: the modules of each emitted file, for the size check (scripts/check-size.js).
  extension.plugins = [new BuildStatsPlugin({ file: 'extension.stats.json' })];
  const configs = [extension];
  const programs = entriesOf({ local: 'src/local/cli.ts', nodeBootstrap: 'src/local/runtime/nodeBootstrap.ts' });
  configs.push({ ...nodeConfig(argv, 'local', programs), plugins: [new PythonRuntimeFilesPlugin()] });
  return [...configs, ...webviewConfigs(argv)];
};
