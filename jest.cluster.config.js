// The cluster suites (`npm run test:cluster`): fault tests and adapter tests against the cluster profile
// (scripts/services/cluster.sh), which the global setup brings up unless it runs already. One suite at a time: a
// suite stops and starts nodes that the others would be using. Not part of `npm test`, which stays on single nodes.
const { projects } = require('./jest.config');

const base = projects.find((p) => p.displayName === 'integration');

module.exports = {
  ...base,
  displayName: 'cluster',
  testMatch: ['<rootDir>/{apps,libs,scripts,test}/**/*.cluster-spec.ts'],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  maxWorkers: 1,
};
