/** One jest run over every package and service (the README's `pnpm test`). */
const dirs = ['packages/platform', 'packages/db', 'packages/queue', 'packages/domain', 'packages/providers', 'packages/calls',
  'services/campaign-api', 'services/dialer-worker', 'services/webhook-ingest', 'services/metrics-aggregator',
  'services/provider-sim', 'test/e2e', 'test/fault', 'test/deploy', 'test/browser', 'apps/dashboard'];

module.exports = {
  maxWorkers: 2,
  testTimeout: 60_000,
  projects: dirs.map((dir) => ({
    displayName: dir,
    rootDir: `<rootDir>/${dir}`,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.jest.json', diagnostics: false }] },
    setupFiles: ['reflect-metadata'],
    // kubernetes-models ships ES modules only (exports: `import`): resolve those and compile them to CommonJS.
    ...(dir === 'test/deploy' && {
      resolver: '<rootDir>/esm-resolver.cjs',
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.jest.json', diagnostics: false }],
        '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true }, diagnostics: false }],
      },
      transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)/)'],
    }),
  })),
};
