// Reads jest's --json report and prints its summary lines as the closing lines CI reads; fails when any test failed, was skipped
// (an integration suite must fail, never skip, when its server is missing) or when nothing ran.
const fs = require('node:fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
const skipped = report.numPendingTests + report.numTodoTests;
// Jest's own summary shape, so that whatever reads the log recognises the runner and its counts.
const suites = report.numTotalTestSuites;
const failedSuites = report.numFailedTestSuites;
console.log(`Test Suites: ${failedSuites > 0 ? `${failedSuites} failed, ` : ''}${suites - failedSuites} passed, ${suites} total`);
console.log(
  `Tests:       ${failed > 0 ? `${failed} failed, ` : ''}${skipped > 0 ? `${skipped} skipped, ` : ''}${passed} passed, ${report.numTotalTests} total`,
);
if (failed > 0 || skipped > 0 || passed === 0 || !report.success) {
  console.error(skipped > 0 ? 'FAIL: skipped tests are not allowed in CI' : 'FAIL');
  process.exit(1);
}
