// Three projects so a developer can run one layer at a time; `npm test` runs all of them.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@app/(shared-kernel|contracts|credit|credit-domain|credit-application|platform|testing)$': '<rootDir>/libs/$1/src',
  '^@app/adapters/([a-z-]+)$': '<rootDir>/libs/adapters/$1/src',
  // The second entries (docs/architecture.md): the test contracts, tracing.
  '^@app/testing/contracts$': '<rootDir>/libs/testing/src/contracts',
  '^@app/platform/tracing$': '<rootDir>/libs/platform/src/tracing',
};
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts,test,bench}/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/apps/**/test/**/*.e2e-spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,scripts,test,bench}/**/*.int-spec.ts'],
      // Starts the servers whose URL is not set and stops them after, when this project runs (test/servers).
      globalSetup: '<rootDir>/test/servers/global-setup.ts',
      globalTeardown: '<rootDir>/test/servers/global-teardown.ts',
    },
  ],
};
