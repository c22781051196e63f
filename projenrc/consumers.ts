// Consumer tests: the built packages used the way users use them, each language through the real
// aws-cdk CLI with no AWS credentials (test/consumers/). Kept apart from .projenrc.ts so that file
// only wires them in.
import { awscdk, Task } from 'projen';

/** The aws-cdk CLI the consumer apps synthesize with; pinned, bumped on purpose. */
export const CDK_CLI_VERSION = '2.1148.1';

/**
 * Where jsii-pacmak's Maven build keeps its dependencies, reused by the Java consumer in the same
 * run. `package:java` empties it first, so every run starts from nothing, as a CI machine does.
 */
export const MAVEN_REPOSITORY = '.cache/maven-repository';

/**
 * Adds the aws-cdk CLI, the consumer tasks and the files they need; returns the tasks in the order
 * `test:all` runs them (after `package-all`, `test:python` and `lint:templates`).
 */
export function addConsumerTests(project: awscdk.AwsCdkConstructLibrary): Task[] {
  project.addDevDeps(`aws-cdk@${CDK_CLI_VERSION}`);

  // jsii-pacmak's default is a throw-away Maven repository inside its build directory; naming one
  // lets the Java consumer reuse the aws-cdk-lib jar and plugins pacmak has just downloaded
  // instead of fetching them again.
  const packageJava = project.tasks.tryFind('package:java')!;
  packageJava.reset(`rm -rf ${MAVEN_REPOSITORY}`);
  packageJava.exec(`jsii-pacmak -v --target java --maven-local-repository=${MAVEN_REPOSITORY}`);

  const typescript = project.addTask('test:typescript', {
    description: 'TypeScript consumer: the built npm package, cdk synth with the recommended feature flags and cdk-nag, then cfn-lint and checkov',
    exec: 'bash test/consumers/run.sh typescript',
  });
  const java = project.addTask('test:java', {
    description: 'Java consumer: the built Maven artifact, JUnit tests, then cdk synth through the CLI',
    exec: 'bash test/consumers/run.sh java',
  });
  const go = project.addTask('test:go', {
    description: 'Go consumer: the built Go module (replace directive), go test, then cdk synth through the CLI',
    exec: 'bash test/consumers/run.sh go',
  });

  project.gitignore.exclude('/test/consumers/java/target/');
  project.addPackageIgnore('/.cache/');
  // The TypeScript consumer compiles against the built package, which exists only once
  // `package:js` has run; ts-node type-checks it when the CLI runs it.
  project.eslint?.addIgnorePattern('test/consumers/typescript/');

  return [typescript, java, go];
}
