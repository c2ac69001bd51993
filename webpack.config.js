// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * Bundles:
 *  - extension: the VS Code extension host code. The AWS SDK is reached only through dynamic
 *    import(), so it lands in separate chunks that load on first use, not at activation.
 *  - local: the Local Lambda program (`node dist/local.js --dir …`).
 *  - node-bootstrap: the Node.js runtime bootstrap the Local Lambda runs functions with.
 * Webview apps get their own browser-targeted configurations in `webviewConfigs` below.
 */

/** @param {string} file */
const exists = (file) => fs.existsSync(path.join(__dirname, file));

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
    resolve: { extensions: ['.ts', '.js'], mainFields: ['main', 'module'] },
    module: {
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

/** Entries whose source may not exist yet are skipped with a warning (an error in production builds). */
function optionalEntries(argv, entries) {
  /** @type {Record<string, string>} */
  const present = {};
  for (const [name, file] of Object.entries(entries)) {
    if (exists(file)) present[name] = `./${file}`;
    else if (argv.mode === 'production') throw new Error(`webpack: ${file} is missing, cannot build ${name}`);
    else console.warn(`webpack: skipping entry "${name}" (${file} does not exist yet)`);
  }
  return present;
}

/**
 * Webview apps: one browser-targeted config per panel (src/webview/<app>/main.ts → dist/webview/<app>.js),
 * compiled with the webview tsconfig. Added here when the panels exist.
 * @returns {import('webpack').Configuration[]}
 */
function webviewConfigs(_argv) {
  return [];
}

/** @param {unknown} _env @param {{ mode?: string }} argv */
module.exports = (_env, argv) => {
  const configs = [nodeConfig(argv, 'extension', { extension: './src/extension.ts' })];
  const programs = optionalEntries(argv, { local: 'src/local/cli.ts', 'node-bootstrap': 'src/local/runtime/node-bootstrap.ts' });
  if (Object.keys(programs).length > 0) configs.push(nodeConfig(argv, 'local', programs));
  return [...configs, ...webviewConfigs(argv)];
};
