// What a webpack build put in each emitted file, as webpack reports it: a webpack plugin writes
// it next to the bundles (dist/extension.stats.json), and the size check reads it back. Plain
// CommonJS, used by webpack.config.js and scripts/check-size.js; typed by build-stats.d.ts.
'use strict';

const fs = require('fs');
const path = require('path');

const FORMAT = 1;

/**
 * Writes `<output.path>/<file>` after every build of its configuration: the mode, the files of
 * each entrypoint (what loads first), and for every emitted .js file its size and the modules it
 * holds (modules webpack concatenated are listed one by one).
 */
class BuildStatsPlugin {
  /** @param {{ file: string }} options */
  constructor(options) {
    this.file = options.file;
  }

  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    compiler.hooks.done.tap('BuildStats', (stats) => {
      if (stats.hasErrors()) return;
      const json = stats.toJson({
        all: false, outputPath: true, assets: true, chunks: true, chunkModules: true, dependentModules: true, nestedModules: true, entrypoints: true,
        chunkModulesSpace: Infinity, nestedModulesSpace: Infinity, assetsSpace: Infinity,
        groupModulesByPath: false, groupModulesByType: false, groupModulesByExtension: false, groupModulesByAttributes: false,
        groupModulesByCacheStatus: false, groupModulesByLayer: false, groupAssetsByPath: false, groupAssetsByExtension: false,
        groupAssetsByChunk: false, groupAssetsByEmitStatus: false, groupAssetsByInfo: false,
      });
      const outputPath = json.outputPath || compiler.outputPath;
      fs.mkdirSync(outputPath, { recursive: true });
      fs.writeFileSync(path.join(outputPath, this.file), `${JSON.stringify(summarize(json, compiler.options.mode))}\n`);
    });
  }
}

/**
 * The stats file's content from webpack's stats JSON.
 * @param {import('webpack').StatsCompilation} json
 * @param {string | undefined} mode
 * @returns {import('./build-stats').BuildStats}
 */
function summarize(json, mode) {
  const sizes = new Map((json.assets || []).map((a) => [a.name, a.size]));
  /** @type {import('./build-stats').BuildStats['files']} */
  const files = {};
  for (const chunk of json.chunks || []) {
    const modules = [];
    /** @param {import('webpack').StatsModule} m */
    const add = (m) => {
      if (m.modules && m.modules.length) m.modules.forEach(add);
      else if (m.name) modules.push(m.name);
    };
    (chunk.modules || []).forEach(add);
    for (const file of chunk.files || []) {
      if (!file.endsWith('.js')) continue;
      const entry = (files[file] ??= { size: sizes.get(file) ?? 0, modules: [] });
      entry.modules.push(...modules);
    }
  }
  /** @type {Record<string, string[]>} */
  const entrypoints = {};
  for (const [name, entry] of Object.entries(json.entrypoints || {})) {
    entrypoints[name] = (entry.assets || []).map((a) => (typeof a === 'string' ? a : a.name)).filter((f) => f.endsWith('.js'));
  }
  return { format: FORMAT, mode: mode || 'production', entrypoints, files };
}

/**
 * Reads a stats file; throws with what to do when it is missing or from another format.
 * @param {string} file
 * @returns {import('./build-stats').BuildStats}
 */
function readBuildStats(file) {
  let stats;
  try {
    stats = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file} (${error instanceof Error ? error.message : error}): run webpack first (npm run build)`, { cause: error });
  }
  if (!stats || stats.format !== FORMAT || typeof stats.files !== 'object' || typeof stats.entrypoints !== 'object') {
    throw new Error(`${file} is not a build stats file this check understands: run webpack again (npm run build)`);
  }
  return stats;
}

/**
 * The npm package a module comes from, or undefined for the project's own modules and externals:
 * `../main/node_modules/@scope/name/x.js` → `@scope/name` (the innermost node_modules counts).
 * @param {string} moduleName
 */
function packageOf(moduleName) {
  const matches = [...moduleName.matchAll(/(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/\s]+)/g)];
  const last = matches[matches.length - 1];
  return last ? last[1].replace(/\\/g, '/') : undefined;
}

module.exports = { BuildStatsPlugin, summarize, readBuildStats, packageOf };
