#!/usr/bin/env node
'use strict';
// Runs the bundled Local Lambda when built with webpack, else the tsc output.
const fs = require('node:fs');
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'local.js');
require(fs.existsSync(bundle) ? bundle : path.join(__dirname, '..', 'out', 'src', 'local', 'cli.js'));
