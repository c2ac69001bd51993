#!/usr/bin/env node
'use strict';
// The Local Lambda program: runs the bundle dist/local.js, building it first when it is missing or
// older than its sources (see scripts/lib/local-bundle.js). `npm run local` runs this file.
let bundle;
try {
  ({ bundle } = require('../scripts/lib/local-bundle.js').ensureLocalBundle());
} catch (err) {
  process.stderr.write(`local-lambda: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
require(bundle);
