// Performance and size budgets, shared by `npm run bench` (bench/) and the size check in `npm test`
// (scripts/check-size.js).
'use strict';

const KB = 1024;
const MB = 1024 * KB;

module.exports = {
  /** The packaged .vsix. */
  VSIX_MAX_BYTES: 1.5 * MB,
  /** dist/extension.js of a production build: everything loaded at activation. */
  MAIN_CHUNK_MAX_BYTES: 100 * KB,
  /** dist/extension.js of a development build (unminified, as `npm test` builds it). */
  DEV_MAIN_CHUNK_MAX_BYTES: 400 * KB,
  /** Files shipped as they are (media, webview font and stylesheets, manifest, README, CHANGELOG, LICENSE). */
  STATIC_ASSETS_MAX_BYTES: 400 * KB,
  /** Loading the bundle and running activate(), over an empty extension. */
  ACTIVATION_MAX_MS_OVER_EMPTY: 10,
  ACTIVATION_MAX_BYTES_OVER_EMPTY: 2 * MB,
  /** Expanding a region of 10,000 functions until the first page is shown. */
  TREE_FIRST_PAGE_MAX_MS: 300,
  /** Peer comparison (bench/compare.ts), same run, same handler: warm Invoke p50 against serverless-offline and the floor. */
  PEER_WARM_P50_MAX_RATIO: 0.9,
  FLOOR_WARM_P50_MAX_RATIO: 1.6,
  /** Requests answered per second at 8 and 32 clients against serverless-offline's, with no errors. */
  PEER_THROUGHPUT_MIN_RATIO: 1.5,
  /** What a function folder's 26,000-file node_modules may add to warm Invoke p99. */
  NODE_MODULES_P99_MAX_DELTA_MS: 2,
  /** `npm run local` until the ready line, on a built checkout. */
  LOCAL_READY_MAX_MS: 1500,
  /** Packages that must never be in the main chunk (they load on first use, from their own chunks). */
  LAZY_ONLY_PACKAGES: ['@aws-sdk', '@smithy', '@aws-crypto', 'ajv', 'yaml', 'smol-toml', 'fflate', '@vscode-elements', 'lit', '@lit'],
};
