// Mocha reporter: the usual spec output, plus a JSON summary written to $LW_MOCHA_SUMMARY_FILE
// so scripts/test.js can add up the counts without parsing text.
'use strict';

const fs = require('fs');
const path = require('path');
const Mocha = require('mocha/lib/mocha.cjs');

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = process.env.LW_MOCHA_SUMMARY_FILE;
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String((err && err.message) || err) }));
    runner.once('end', () => {
      if (!file) return;
      const { passes, failures: failed, pending, duration } = this.stats;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed, pending, durationMs: duration, failures }, null, 2) + '\n');
    });
  }
}

module.exports = SpecWithSummary;
