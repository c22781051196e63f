import { Task } from 'projen';
import { AwsCdkConstructLibrary } from 'projen/lib/awscdk';

/**
 * What the integration tests (test/integ/integ.*.ts) run on. @aws-cdk/integ-tests-alpha is
 * published for some aws-cdk-lib releases only (none for the minimum the library builds with), so
 * these are the newest aws-cdk-lib it is published for and the integ-runner of that time, pinned
 * like projenrc/newest-cdk.ts's (`npm view @aws-cdk/integ-tests-alpha versions`, `npm view
 * @aws-cdk/integ-runner version`); bump them together and write the snapshots again
 * (`npx projen integ:update-snapshot`). Looked up 2026-12-04.
 */
export const INTEG = {
  'aws-cdk-lib': '2.245.0',
  'constructs': '10.8.1',
  '@aws-cdk/integ-tests-alpha': '2.245.0-alpha.0',
  '@aws-cdk/integ-runner': '2.197.10',
};

/** Where INTEG is installed at test time: gitignored, never packed. */
const INTEG_DIR = '.integ-cdk';

/**
 * Adds the integration-test tasks and returns `integ:snapshot`, the one without credentials that
 * the build runs: it synthesizes test/integ and compares it with the committed snapshots.
 * `integ:update-snapshot` writes them again; `integ:deploy` runs the tests in an AWS account
 * (docs/integration-tests.md).
 */
export function addIntegTests(project: AwsCdkConstructLibrary): Task {
  const env = {
    INTEG_AWS_CDK_LIB: INTEG['aws-cdk-lib'],
    INTEG_CONSTRUCTS: INTEG.constructs,
    INTEG_TESTS_ALPHA: INTEG['@aws-cdk/integ-tests-alpha'],
    INTEG_RUNNER: INTEG['@aws-cdk/integ-runner'],
    INTEG_DIR,
  };

  // The test apps import integ-tests-alpha, which only the scratch folder holds: they are
  // type-checked and linted by nothing else, and integ-runner runs them with ts-node.
  project.tsconfigDev.addExclude('test/integ/integ.*.ts');
  project.eslint?.addIgnorePattern('test/integ/integ.*.ts');
  project.gitignore.exclude(
    `/${INTEG_DIR}/`,
    // integ-runner's working folders, and the snapshots' bundled assertion handler (2 MB; the
    // snapshot check compares templates, which name its hash).
    'cdk-integ.out.*/',
    '/test/integ/*.snapshot/asset.*',
  );
  project.npmignore?.exclude(`/${INTEG_DIR}/`);
  project.package.file.addToArray('jest.modulePathIgnorePatterns', `<rootDir>/${INTEG_DIR}/`);
  project.jest?.addIgnorePattern(`/${INTEG_DIR}/`);
  project.jest?.addWatchIgnorePattern(`/${INTEG_DIR}/`);

  const snapshot = project.addTask('integ:snapshot', {
    description: 'Synthesize the integration tests (test/integ) and compare them with their committed snapshots, without AWS credentials',
    env,
    exec: 'bash test/integ/run.sh snapshot',
    receiveArgs: true,
  });
  project.addTask('integ:update-snapshot', {
    description: 'Write the integration tests\' snapshots again (commit them)',
    env,
    exec: 'bash test/integ/run.sh update-snapshot',
    receiveArgs: true,
  });
  project.addTask('integ:deploy', {
    description: 'Deploy the integration tests into the account of your credentials, assert, destroy (docs/integration-tests.md)',
    env,
    exec: 'bash test/integ/run.sh deploy',
    receiveArgs: true,
  });
  project.buildWorkflow?.addPostBuildSteps({ name: 'Compare the integration test snapshots', run: 'npx projen integ:snapshot' });
  return snapshot;
}
