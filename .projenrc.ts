import { awscdk, javascript, TaskShell, TextFile } from 'projen';
import { ActionRefs } from 'projen/lib/github/actions.const';
import { addConsumerTests } from './projenrc/consumers';
import { addControlPlaneBench } from './projenrc/control-plane';
import { addIntegTests } from './projenrc/integ';
import { addMutationTesting } from './projenrc/mutation';
import { addNewestCdkTests } from './projenrc/newest-cdk';

// The lowest aws-cdk-lib with every API the library uses (CloudFront SaaS Manager L1s and
// VPC origins arrived by 2.194.0). Tests run against exactly this version.
const MIN_CDK_VERSION = '2.194.0';

// jsii 6 needs Node 20.16 or later (it supports 22 and 24, and prints an end-of-life banner on 20
// that changes nothing). Developers and CI use the Node 20 line.
const MIN_NODE_VERSION = '20.16.0';
const NODE_VERSION = '20';

// One TypeScript configuration for everything that is not the library itself: tests (ts-jest),
// eslint, and the examples and scripts that run from source with ts-node.
const DEV_TSCONFIG = 'tsconfig.dev.json';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-multi-tenant-gateway',
  description:
    'Serve hundreds to thousands of tenants, each on its own hostname, from one shared app: ' +
    'Route 53 records, sharded CloudFront distributions, an HTTPS ALB and an autoscaled fleet.',
  author: 'cdk-multi-tenant-gateway maintainers',
  authorAddress: 'maintainers@cdk-multi-tenant-gateway.dev',
  repositoryUrl: 'https://github.com/cdk-multi-tenant-gateway/cdk-multi-tenant-gateway.git',
  keywords: [
    'awscdk',
    'aws-cdk',
    'cdk',
    'cloudfront',
    'multi-tenant',
    'saas',
    'route53',
    'alb',
    'custom-domains',
  ],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // GitHub workflows: build (pull requests), release (every push to main: the version and the
  // changelog come from the conventional commits since the last release tag, then npm, PyPI,
  // Maven Central, the Go module repository and a GitHub release) and upgrade-main (a daily
  // pull request with dependency upgrades). The secrets they need are in CONTRIBUTING.md.
  github: true,
  release: true,
  // No merge bot: pull requests, upgrades included, are merged by a maintainer.
  githubOptions: { mergify: false },
  // After `npx projen build` (build workflow) and `npx projen release` (release workflow), the
  // checks test:all adds to the build (see the note above test:all).
  postBuildSteps: [
    { name: 'Setup Python', uses: ActionRefs.ACTIONS_SETUP_PYTHON, with: { 'python-version': '3.12' } },
    { name: 'Test on the newest aws-cdk-lib, constructs and cdk-nag', run: 'npx projen test:newest-cdk' },
    { name: 'Lint the synthesized templates', run: 'npx projen lint:templates' },
  ],

  cdkVersion: MIN_CDK_VERSION,
  cdkVersionPinning: false,
  jsiiVersion: '~6.0.0',
  minNodeVersion: MIN_NODE_VERSION,
  workflowNodeVersion: NODE_VERSION,
  // constructs 10.5 added `with()`, which makes aws-cdk-go 2.194's Go packages ambiguous (they
  // no longer compile); 10.4 is the newest release the minimum aws-cdk-lib builds with in Go.
  constructsVersion: '10.4.2',

  publishToPypi: {
    distName: 'cdk-multi-tenant-gateway',
    module: 'cdk_multi_tenant_gateway',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkmultitenantgateway',
    mavenGroupId: 'io.github.cdk-multi-tenant-gateway',
    mavenArtifactId: 'cdk-multi-tenant-gateway',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-multi-tenant-gateway/cdk-multi-tenant-gateway-go',
    packageName: 'cdkmultitenantgateway',
  },

  // cdk-nag 2.38 wants constructs 10.5, which the Go build of the minimum aws-cdk-lib cannot take.
  devDeps: [
    'fast-check@^4',
    'cdk-nag@~2.37.55',
    // Runtime code (custom-resource handlers, the CLI's AWS commands) is tested against mocked
    // SDK v3 clients; the Lambda runtime ships the clients, so the handlers' bundles leave them out.
    'aws-sdk-client-mock@^4',
    '@aws-sdk/client-cloudfront@^3',
    '@aws-sdk/client-route-53@^3',
    '@aws-sdk/client-cloudformation@^3',
    // The placement guard reads the deployed and the new placement from the assets bucket.
    '@aws-sdk/client-s3@^3',
    '@types/aws-lambda@^8',
    'esbuild@^0.28',
    // Mutation testing of the pure core (npm run mutation, not part of test:all).
    '@stryker-mutator/core@^10',
    '@stryker-mutator/jest-runner@^10',
  ],
  bin: { 'cdk-multi-tenant-gateway': 'lib/cli/main.js' },
  // '/node_modules' without a trailing slash also keeps out a node_modules that is a symbolic link.
  gitignore: ['/node_modules', '.venv/', 'cdk.out/', '*.tsbuildinfo', '__pycache__/', '.pytest_cache/', '.jsii.tabl.json'],
  jestOptions: {
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/python/'],
    },
  },

  tsconfigDevFile: DEV_TSCONFIG,
  tsconfigDev: {
    include: ['src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts'],
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'build-tools', 'examples', 'scripts'],
    tsconfigPath: `./${DEV_TSCONFIG}`,
    // Every linted file is in the dev configuration, so eslint needs no per-file project lookup.
    projectService: false,
  },
});
// Only the listed folders: projen's default `**/*.ts` would also take in lib/, dist/ and cdk.out/.
project.tsconfigDev.removeInclude('**/*.ts');
// The TypeScript consumer app imports the built package, as a user's app would; it has its own tsconfig.
project.tsconfigDev.addExclude('test/consumers/typescript/**');
new TextFile(project, '.nvmrc', { lines: [NODE_VERSION] });
// ts-jest only transpiles (isolatedModules), so type-check tests, examples and scripts first. Not
// with isolatedModules: jsii compiles src/index.ts, whose re-exports of interfaces it forbids.
project.testTask.prependExec(`tsc --noEmit -p ${DEV_TSCONFIG} --isolatedModules false`, {
  name: 'Type-check the tests, examples and scripts',
});

// Examples and scripts run from source with ts-node, type-checked like the tests (without
// isolatedModules, as above).
project.tsconfigDev.file.addOverride('ts-node', { compilerOptions: { isolatedModules: false } });
const tsNode = `ts-node --project ${DEV_TSCONFIG}`;

// The main job: synthesize the example gateway from examples/tenants.json and print what it built.
project.addTask('example', {
  description: 'Synthesize the example gateway from examples/tenants.json and print a summary',
  exec: `${tsNode} examples/typescript/app.ts`,
  receiveArgs: true,
});

// The two-cell example: tenants on the gateway's own fleet, a cell of its own fleet, and a cell elsewhere.
project.addTask('example:cells', {
  description: 'Synthesize the two-cell example gateway from examples/cells-tenants.json and print its shards per cell',
  exec: `${tsNode} examples/typescript/cells.ts`,
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Synthesize 100, 1,000 and 10,000 tenants and compare with bare L1 resources',
  exec: `${tsNode} scripts/bench.ts`,
  receiveArgs: true,
});

const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README snippet under jsii-rosetta (strict)',
  exec: 'jsii-rosetta extract --strict',
});

const python = project.addTask('test:python', {
  description: 'Install the built wheel in a fresh venv and run the Python consumer tests',
  exec: 'bash test/python/run.sh',
});

const templates = project.addTask('lint:templates', {
  description: 'Synthesize the examples and the fixture gateways, then run cfn-lint and checkov',
  exec: 'bash scripts/lint-templates.sh',
});

// Its command lists every file projen writes; it is filled in once all of them are known (below).
const generated = project.addTask('check:generated', {
  description: 'Fail when a generated file (API.md, package.json, ...) is not committed',
  shell: TaskShell.bash(),
});

// The gateway, scale, security and cdk-nag suites against the newest aws-cdk-lib and cdk-nag 3.
const newestCdk = addNewestCdkTests(project);
addMutationTesting(project);
addControlPlaneBench(project);

// After every compile: API.md, the README snippets, and from the second release on the API
// compared with the last release on npm (jsii-diff; list accepted breaking changes in
// .compatignore, by the keys it prints).
project.postCompileTask.spawn(rosetta);
project.postCompileTask.spawn(project.tasks.tryFind('compat')!, {
  condition: 'git tag --list "v*" | grep -q .',
});

// The build and release workflows run `build` (the release: between bump and unbump), then
// test:newest-cdk and lint:templates (postBuildSteps above): all of test:all but the Python
// consumer tests, as under CI the build packages for npm only and each other language is packaged
// in a job of its own. check:generated is their self-mutation check and `git diff` after unbump.
// Every test: build, jest + eslint, all four packages, then the consumers and template linters.
const all = project.addTask('test:all', {
  description: 'Build, unit-test, package all four targets and run every consumer and template check',
});
all.spawn(project.defaultTask!);
all.spawn(project.preCompileTask);
all.spawn(project.compileTask);
all.spawn(project.postCompileTask);
all.spawn(generated);
all.spawn(project.testTask);
all.spawn(newestCdk);
all.spawn(project.tasks.tryFind('package-all')!);
all.spawn(python);
all.spawn(templates);
for (const consumer of addConsumerTests(project)) all.spawn(consumer);
all.spawn(addIntegTests(project));

// jsii-pacmak writes the installed versions of aws-cdk-lib's own dependencies into the Go
// module's go.mod. Pin the one whose newest npm release has no Go module published at the same
// version to the version aws-cdk-lib asks for, so the Go package builds (`go mod tidy`).
project.package.addField('overrides', { '@aws-cdk/asset-awscli-v1': '2.2.229' });

project.addPackageIgnore('/examples/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/rosetta/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/.venv/');
project.addPackageIgnore('/.cfnlintrc.yaml');
project.addPackageIgnore('/checkov-skips.yaml');
project.addPackageIgnore('/.nvmrc');

// Every file projen writes, and API.md (jsii-docgen): changed or never committed, it fails the build.
const generatedFiles = ['API.md', ...project.files.map(file => file.path)].sort().join(' ');
generated.exec(`git diff --exit-code -- ${generatedFiles}`);
generated.exec(`untracked=$(git ls-files --others --exclude-standard -- ${generatedFiles}); ` +
  'if [ -n "$untracked" ]; then echo "generated but not committed:" $untracked; exit 1; fi');

project.synth();
