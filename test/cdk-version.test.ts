// Which aws-cdk-lib, constructs and cdk-nag the library under test runs on: the versions npm
// installed from package.json in the full suite (aws-cdk-lib exactly the minimum the library
// supports), the newest releases in `test:newest-cdk`, which installs them into a scratch folder,
// maps the modules onto it and passes the versions it installed in NEWEST_* variables.
import * as fs from 'fs';
import * as path from 'path';
import * as nag from 'cdk-nag';
import { gatewayStack } from './security-helpers';

const RTTI = Symbol.for('jsii.rtti');
const ROOT = path.join(__dirname, '..');

/** The jsii type information every class of a jsii package carries: its name and its package's version. */
function rtti(type: unknown): { fqn: string; version: string } | undefined {
  return (type as { [RTTI]?: { fqn: string; version: string } } | undefined)?.[RTTI];
}

/** The version of the first class named `fqn` on the prototype chain of `obj`. */
function versionOf(obj: object, fqn: string): string | undefined {
  for (let proto = Object.getPrototypeOf(obj); proto; proto = Object.getPrototypeOf(proto)) {
    const info = rtti(proto.constructor);
    if (info?.fqn === fqn) return info.version;
  }
  return undefined;
}

function installed(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

const newest = process.env.NEWEST_AWS_CDK_LIB !== undefined;
const expected = newest
  ? { 'aws-cdk-lib': process.env.NEWEST_AWS_CDK_LIB, 'constructs': process.env.NEWEST_CONSTRUCTS, 'cdk-nag': process.env.NEWEST_CDK_NAG }
  : { 'aws-cdk-lib': installed('aws-cdk-lib'), 'constructs': installed('constructs'), 'cdk-nag': installed('cdk-nag') };

test(`the library under test runs on aws-cdk-lib ${expected['aws-cdk-lib']}, constructs ${expected.constructs} and cdk-nag ${expected['cdk-nag']}`, () => {
  const { gateway } = gatewayStack({}, 3);
  // The classes of what the library's own code made, so they come from the aws-cdk-lib it resolves.
  const distribution = gateway.node.findAll().find(c => rtti(c.constructor)?.fqn === 'aws-cdk-lib.aws_cloudfront.CfnDistribution');
  const actual = {
    'aws-cdk-lib': distribution && rtti(distribution.constructor)?.version,
    'constructs': versionOf(gateway, 'constructs.Construct'),
    'cdk-nag': rtti(nag.AwsSolutionsChecks)?.version,
  };
  console.log(`The library under test runs on ${Object.entries(actual).map(([name, version]) => `${name} ${version}`).join(', ')}`);
  expect(actual).toEqual(expected);
});

(newest ? test.skip : test)('the full suite runs on exactly the minimum aws-cdk-lib, the devDependency', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(installed('aws-cdk-lib')).toBe(pkg.devDependencies['aws-cdk-lib']);
  expect(pkg.peerDependencies['aws-cdk-lib']).toBe(`^${pkg.devDependencies['aws-cdk-lib']}`);
});
