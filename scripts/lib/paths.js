// Paths shared by the setup, start and test scripts.
'use strict';

const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CODE_SERVER_DIR = path.join(ROOT, '.vscode-test', 'code-server');

module.exports = {
  ROOT,
  CODE_SERVER_DIR,
  CODE_SERVER_BIN: path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server'),
  CODE_SERVER_MARKER: path.join(CODE_SERVER_DIR, 'installed.json'),
  CHROMIUM: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  EXAMPLES: path.join(ROOT, 'examples'),
  RESULTS_DIR: path.join(ROOT, 'test-results'),
  SCREENSHOTS_DIR: path.join(ROOT, 'test-results', 'screenshots'),
};
