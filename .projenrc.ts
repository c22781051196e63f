import { awscdk, javascript } from 'projen';
import { TypescriptConfig, TypescriptConfigExtends } from 'projen/lib/javascript';
import { addConsumerTests } from './projenrc/consumers';

// The lowest aws-cdk-lib with every API the library uses (CloudFront SaaS Manager L1s and
// VPC origins arrived by 2.194.0). Tests run against exactly this version.
const MIN_CDK_VERSION = '2.194.0';

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
  github: false,

  cdkVersion: MIN_CDK_VERSION,
  cdkVersionPinning: false,
  jsiiVersion: '~6.0.0',
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
  devDeps: ['fast-check@^4', 'cdk-nag@~2.37.55'],
  bin: { 'cdk-multi-tenant-gateway': 'lib/cli/main.js' },
  gitignore: ['.venv/', 'cdk.out/', '*.tsbuildinfo', '__pycache__/', '.pytest_cache/', '.jsii.tabl.json'],
  jestOptions: {
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/python/'],
    },
  },
});

// Examples and scripts run from source with ts-node, type-checked like the tests.
const scriptsTsconfig = new TypescriptConfig(project, {
  fileName: 'tsconfig.scripts.json',
  extends: TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  compilerOptions: { rootDir: '.', noEmit: true },
  include: ['examples/**/*.ts', 'scripts/**/*.ts', 'src/**/*.ts'],
});
const tsNode = `ts-node --project ${scriptsTsconfig.fileName}`;

// The main job: synthesize the example gateway from examples/tenants.json and print what it built.
project.addTask('example', {
  description: 'Synthesize the example gateway from examples/tenants.json and print a summary',
  exec: `${tsNode} examples/typescript/app.ts`,
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
  description: 'Synthesize the examples and a 150-tenant gateway, then run cfn-lint and checkov',
  exec: 'bash scripts/lint-templates.sh',
});

const generated = project.addTask('check:generated', {
  description: 'Fail when a generated file (API.md, package.json, ...) is not committed',
  exec: 'git diff --exit-code -- API.md package.json .projen .gitignore .npmignore tsconfig.scripts.json',
});

// Every test: build, jest + eslint, all four packages, then the consumers and template linters.
const all = project.addTask('test:all', {
  description: 'Build, unit-test, package all four targets and run every consumer and template check',
});
all.spawn(project.defaultTask!);
all.spawn(project.preCompileTask);
all.spawn(project.compileTask);
all.spawn(project.postCompileTask);
all.spawn(generated);
all.spawn(rosetta);
all.spawn(project.testTask);
all.spawn(project.tasks.tryFind('package-all')!);
all.spawn(python);
all.spawn(templates);
for (const consumer of addConsumerTests(project)) all.spawn(consumer);

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

project.synth();
