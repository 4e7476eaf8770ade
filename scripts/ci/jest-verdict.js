// Reads jest's --json reports (one or more runs: `npm test`, then the cluster suites) and prints their combined summary
// lines as the closing lines CI reads; fails when any test failed, was skipped (an integration suite must fail, never
// skip, when its server is missing) or when nothing ran.
const fs = require('node:fs');

const reports = process.argv.slice(2).map((file) => JSON.parse(fs.readFileSync(file, 'utf8')));
const sum = (field) => reports.reduce((total, r) => total + r[field], 0);
const passed = sum('numPassedTests');
const failed = sum('numFailedTests') + sum('numRuntimeErrorTestSuites');
const skipped = sum('numPendingTests') + sum('numTodoTests');
// Jest's own summary shape, so that whatever reads the log recognises the runner and its counts.
const suites = sum('numTotalTestSuites');
const failedSuites = sum('numFailedTestSuites');
console.log(
  `Test Suites: ${failedSuites > 0 ? `${failedSuites} failed, ` : ''}${suites - failedSuites} passed, ${suites} total`,
);
console.log(
  `Tests:       ${failed > 0 ? `${failed} failed, ` : ''}${skipped > 0 ? `${skipped} skipped, ` : ''}` +
    `${passed} passed, ${sum('numTotalTests')} total`,
);
if (reports.length === 0 || failed > 0 || skipped > 0 || passed === 0 || !reports.every((r) => r.success)) {
  console.error(skipped > 0 ? 'FAIL: skipped tests are not allowed in CI' : 'FAIL');
  process.exit(1);
}
