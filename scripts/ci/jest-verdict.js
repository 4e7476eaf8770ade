// Reads jest's --json report and prints the closing line CI reads; fails when any test failed, was skipped
// (an integration suite must fail, never skip, when its server is missing) or when nothing ran.
const fs = require('node:fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || skipped > 0 || passed === 0 || !report.success) {
  console.error(skipped > 0 ? 'FAIL: skipped tests are not allowed in CI' : 'FAIL');
  process.exit(1);
}
