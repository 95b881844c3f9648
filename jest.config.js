/**
 * One jest run over every package and service (the README's `pnpm test`). ts-jest only transpiles
 * (isolatedModules, diagnostics off): type errors in sources and tests are `pnpm typecheck`'s job,
 * which .ci/run runs before the tests (one program for the repository instead of one per test
 * worker: about 30 s, against several times that for ts-jest diagnostics over the suite).
 */
const dirs = ['packages/platform', 'packages/db', 'packages/queue', 'packages/domain', 'packages/providers', 'packages/calls',
  'services/campaign-api', 'services/scheduler', 'services/dialer-worker', 'services/webhook-ingest', 'services/metrics-aggregator',
  'services/provider-sim', 'services/event-delivery', 'test/e2e', 'test/fault', 'test/deploy', 'test/browser', 'apps/dashboard'];

/**
 * Workspace packages resolve to their TypeScript sources, as in the root tsconfig's `paths` (tsx and
 * tsc read those): tests never need a prior `pnpm build` and never run a stale `dist/`.
 */
const sources = { '^@dialer/([a-z-]+)$': [`${__dirname}/packages/$1/src`, `${__dirname}/services/$1/src`] };

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
    moduleNameMapper: sources,
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
