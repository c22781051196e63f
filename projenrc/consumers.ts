// Consumer tests: the built packages used the way users use them, each language through the real
// aws-cdk CLI with no AWS credentials (test/consumers/). Kept apart from .projenrc.ts so that file
// only wires them in.
import { awscdk, Task } from 'projen';

/** The aws-cdk CLI the consumer apps synthesize with; pinned, bumped on purpose. */
export const CDK_CLI_VERSION = '2.1148.1';

/**
 * Adds the aws-cdk CLI, the consumer tasks and the files they need; returns the tasks in the order
 * `test:all` runs them (after `package-all`, `test:python` and `lint:templates`).
 */
export function addConsumerTests(project: awscdk.AwsCdkConstructLibrary): Task[] {
  project.addDevDeps(`aws-cdk@${CDK_CLI_VERSION}`);

  const typescript = project.addTask('test:typescript', {
    description: 'TypeScript consumer: the built npm package, cdk synth with the recommended feature flags and cdk-nag, then cfn-lint and checkov',
    exec: 'bash test/consumers/run.sh typescript',
  });
  project.addPackageIgnore('/lint-acknowledgements.yaml');
  // The TypeScript consumer compiles against the built package, which exists only once
  // `package:js` has run; ts-node type-checks it when the CLI runs it.
  project.eslint?.addIgnorePattern('test/consumers/typescript/');

  return [typescript];
}
