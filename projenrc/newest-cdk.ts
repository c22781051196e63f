import { JsonFile, Task } from 'projen';
import { TypeScriptProject } from 'projen/lib/typescript';

/**
 * The newest releases the library is also tested against, beside the minimum aws-cdk-lib the
 * full suite runs on. Pinned rather than "latest", so a release upstream cannot turn a build red
 * on its own and a failure always names the versions it happened on; bump them (`npm view
 * aws-cdk-lib version`, `npm view constructs version`, `npm view cdk-nag version`) in a commit
 * of their own. Looked up 2026-11-29.
 */
export const NEWEST = {
  'aws-cdk-lib': '2.276.0',
  'constructs': '10.8.1',
  'cdk-nag': '3.0.2',
};

/** Where the newest versions are installed at test time: gitignored, never packed. */
export const NEWEST_DIR = '.newest-cdk';

/** The suites that run against the newest versions too. */
const NEWEST_SUITES = [
  'test/gateway/*.test.ts',
  // The gateway writes record groups as CloudFormation properties; this checks they match what
  // the newest CfnRecordSetGroup renders, key order included.
  'test/edge/record-groups.test.ts',
  'test/private/nag.test.ts',
  // The control plane's resources (event source scaling, queues, the reconciler's role) as the
  // newest library renders them, and cdk-nag 3's findings on them.
  'test/control-plane/tenant-control-plane.test.ts',
  'test/control-plane/gateway-control-plane.test.ts',
  // The hand-off's deletion and replace policies (RemovalPolicy, and the overrides that outlast a
  // DESTROY aspect) as the newest library writes them.
  'test/tenants/hand-off.test.ts',
  'test/private/node-runtime.test.ts',
  'test/cdk-version.test.ts',
];

/**
 * Adds `test:newest-cdk`: installs NEWEST into NEWEST_DIR, outside package.json, and runs
 * NEWEST_SUITES with jest mapping aws-cdk-lib, constructs and cdk-nag onto them, for the tests
 * and the library source under test alike.
 */
export function addNewestCdkTests(project: TypeScriptProject): Task {
  const jestConfig = new JsonFile(project, 'test/newest-cdk/jest.config.json', {
    obj: {
      rootDir: '../..',
      testMatch: NEWEST_SUITES.map(suite => `<rootDir>/${suite}`),
      // 50,000 tenants take minutes; their templates do not depend on the aws-cdk-lib version
      // beyond what the 10,000-tenant scale test already covers on the newest.
      testPathIgnorePatterns: ['/node_modules/', 'scale-50k'],
      moduleNameMapper: {
        '^(aws-cdk-lib|constructs|cdk-nag)$': `<rootDir>/${NEWEST_DIR}/node_modules/$1`,
        '^(aws-cdk-lib|constructs|cdk-nag)/(.*)$': `<rootDir>/${NEWEST_DIR}/node_modules/$1/$2`,
      },
      transform: {
        '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: project.tsconfigDev.fileName }],
      },
      clearMocks: true,
    },
  });

  // The full suite never looks into the scratch folder.
  project.package.file.addOverride('jest.modulePathIgnorePatterns', [`<rootDir>/${NEWEST_DIR}/`]);
  project.jest?.addIgnorePattern(`/${NEWEST_DIR}/`);
  project.jest?.addWatchIgnorePattern(`/${NEWEST_DIR}/`);
  project.gitignore.exclude(`/${NEWEST_DIR}/`);
  project.npmignore?.exclude(`/${NEWEST_DIR}/`);

  return project.addTask('test:newest-cdk', {
    description: `Run ${NEWEST_SUITES.join(', ')} against the newest aws-cdk-lib, constructs and cdk-nag (${NEWEST_DIR}/)`,
    env: {
      NEWEST_AWS_CDK_LIB: NEWEST['aws-cdk-lib'],
      NEWEST_CONSTRUCTS: NEWEST.constructs,
      NEWEST_CDK_NAG: NEWEST['cdk-nag'],
      NEWEST_DIR,
    },
    exec: `bash test/newest-cdk/run.sh --config ${jestConfig.path}`,
    receiveArgs: true,
  });
}
