// Mutation testing of the pure core: Stryker changes one thing in the code at a time (a
// condition, an operator, a constant) and runs the tests that cover it; a change no test notices
// is a behaviour no test pins. Run by hand (`npm run mutation`), not by test:all or CI: a full
// run takes tens of minutes. docs/mutation-testing.md has the scores and the survivors.
import { JsonFile, Task } from 'projen';
import { TypeScriptProject } from 'projen/lib/typescript';

/** The modules mutated: logic shared by the construct and the CLI, with no aws-cdk-lib in it. */
export const MUTATED = [
  'src/tenants/placement.ts',
  'src/quotas/quota-usage.ts',
  'src/edge/record-groups.ts',
  'src/tenants/tenants.ts',
  'src/tenants/json-text.ts',
  'src/cli/safe-write.ts',
  'src/moves/move-source.ts',
  'src/moves/move-plan.ts',
  'src/moves/move-shards.ts',
  'src/control-plane/reconcile.ts',
  'src/control-plane/observation.ts',
  'src/control-plane/pacing.ts',
  'src/control-plane/cell-origins.ts',
  'src/control-plane/adoption.ts',
  'src/moves/hand-off.ts',
];

/**
 * The suites that pin them: the pure, fast ones. Per-test coverage runs every test that reaches
 * a mutant, and a test that synthesizes a gateway, or plans ten thousand tenants, reaches all of
 * the core at seconds a run; those (and the CLI's process suites) test the same rules end to end.
 */
const SUITES = [
  'test/tenants/placement.test.ts',
  'test/tenants/tenants.test.ts',
  'test/tenants/validation-classes.test.ts',
  'test/tenants/json-text.test.ts',
  'test/tenants/edge-settings.test.ts',
  'test/edge/record-group-hash.test.ts',
  'test/deploy-rules/record-groups.test.ts',
  'test/quotas/quota-usage.test.ts',
  'test/cli/safe-write.test.ts',
  'test/moves/move-plan.test.ts',
  'test/control-plane/reconcile.test.ts',
  'test/control-plane/page-done.test.ts',
  'test/control-plane/observation.test.ts',
  // The control plane's construct: the environment's variable names the reconciler reads.
  'test/control-plane/tenant-control-plane.test.ts',
  'test/control-plane/pacing.test.ts',
  'test/control-plane/cell-origins.test.ts',
  // The reconciler's handler against mocked clients: what it reads (observation.ts) and its pace.
  'test/control-plane/reconciler-handler.test.ts',
  // The simulated account runs the reconciler against time and AWS's limits in about a second.
  'test/control-plane/sim/simulation.test.ts',
  // The hand-off's rules, and its templates (few mutants: hand-off.ts is small).
  'test/tenants/hand-off.test.ts',
];

/** The Node.js major Stryker runs on. */
const STRYKER_NODE = '22';

/** Where Stryker keeps what the last run found, so the next one re-tests only changed code and tests. */
const INCREMENTAL_FILE = '.stryker-incremental.json';

/** Adds `mutation` (Stryker 10, its jest runner, per-test coverage) and stryker.config.json. */
export function addMutationTesting(project: TypeScriptProject): Task {
  new JsonFile(project, 'stryker.config.json', {
    // Stryker warns of any key it does not know, projen's marker among them.
    marker: false,
    obj: {
      $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
      packageManager: 'npm',
      testRunner: 'jest',
      coverageAnalysis: 'perTest',
      mutate: MUTATED,
      // Message text is skipped by an ignorer (test/mutation/message-text.mjs): a string or
      // template with a space in it is words for people. Excluding StringLiteral mutants outright
      // (mutator.excludedMutations) would stop mutating patterns, keys and error codes too, and
      // `// Stryker disable` comments on every message would cover single lines of messages that
      // span several.
      plugins: ['@stryker-mutator/jest-runner', './test/mutation/message-text.mjs'],
      ignorers: ['message-text'],
      incremental: true,
      incrementalFile: INCREMENTAL_FILE,
      jest: {
        projectType: 'custom',
        config: {
          testMatch: SUITES.map(suite => `<rootDir>/${suite}`),
          // The project's own patterns leave out .stryker-tmp, where the sandbox is.
          testPathIgnorePatterns: ['/node_modules/'],
          modulePathIgnorePatterns: [],
          watchPathIgnorePatterns: [],
          testEnvironment: 'node',
          transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: project.tsconfigDev.fileName, diagnostics: false }] },
          collectCoverage: false,
        },
        enableFindRelatedTests: false,
      },
      reporters: ['clear-text', 'progress', 'html', 'json'],
      htmlReporter: { fileName: 'reports/mutation/mutation.html' },
      jsonReporter: { fileName: 'reports/mutation/mutation.json' },
      thresholds: { high: 95, low: 90, break: null },
      concurrency: 2,
      timeoutMS: 20_000,
      // The sandbox takes only what the suites read (not virtualenvs, packages or build output but
      // the functions' bundles, which the control plane's construct suite synthesizes).
      ignorePatterns: [
        '/*', '!/src/', '!/test/', '/test/consumers/', '/test/python/', '/test/integ/',
        '!/package.json', '!/tsconfig.dev.json', '!/tenants.schema.json', '!/examples/', '!/assets/',
      ],
      tempDirName: '.stryker-tmp',
      cleanTempDir: 'always',
    },
  });
  project.gitignore.exclude('/.stryker-tmp/', '/reports/mutation/', `/${INCREMENTAL_FILE}`);
  // Stryker's sandbox is a copy of the project: jest runs from the project itself must not see it.
  project.package.file.addToArray('jest.modulePathIgnorePatterns', '<rootDir>/.stryker-tmp/');
  project.jest?.addIgnorePattern('/.stryker-tmp/');
  project.jest?.addWatchIgnorePattern('/.stryker-tmp/');
  project.addPackageIgnore('/stryker.config.json');
  // Stryker 10 needs Node 22 or later, the library builds on Node 20: the run takes Node 22 from
  // the npm package `node` (fetched once, then cached by npx), without changing the project's Node.
  return project.addTask('mutation', {
    description: 'Mutation testing of the pure core (Stryker): `npm run mutation -- --mutate src/tenants/placement.ts` for one module',
    exec: `npx --yes --package=node@${STRYKER_NODE} -- node node_modules/@stryker-mutator/core/bin/stryker.js run`,
    receiveArgs: true,
  });
}
