import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as nag from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Cell, EdgeMode, Fleet, GatewayCertificates, MultiTenantGatewayProps, OriginAccess, Tenants } from '../../src';
import { acknowledgeNag, ACKNOWLEDGED_RULES_METADATA } from '../../src/private/nag';
import { gatewayStack, WEB_ACL_ARN } from '../security-helpers';

/**
 * cdk-nag 3 is a validation plugin (`Validations.of(app).addPlugins(...)`), cdk-nag 2 an aspect.
 * The full suite runs cdk-nag 2 on the minimum aws-cdk-lib; `test:newest-cdk` runs this file with
 * cdk-nag 3 on the newest. Neither major's API is in the other's types, hence the loose typing.
 */
const NAG_IS_PLUGIN = typeof (nag.AwsSolutionsChecks.prototype as unknown as { validate?: unknown }).validate === 'function';

interface ValidationReport {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly violations: Array<{ readonly ruleName: string; readonly violatingConstructs: Array<{ readonly constructPath: string }> }>;
  }>;
}

/** A cdk-nag pack: its checks and the name its rule ids start with. */
interface Pack {
  readonly checks: unknown;
  readonly name: string;
}
/** A gateway whose tenants are kept as data, with two cells, behind WAF. */
const CONTROL_PLANE: Partial<MultiTenantGatewayProps> = {
  edge: EdgeMode.multiTenantDistribution({ controlPlane: {} }),
  originAccess: OriginAccess.secretHeader(),
  cells: [Cell.fromHttpsOrigin('eu', { domainName: 'eu.origin.example.net' })],
  webAclId: WEB_ACL_ARN,
};
const AWS_SOLUTIONS: Pack = { checks: nag.AwsSolutionsChecks, name: 'AwsSolutions' };
const NIST_800_53_R5: Pack = { checks: nag.NIST80053R5Checks, name: 'NIST.800.53.R5' };

/**
 * Every unacknowledged error and warning as "path: rule". cdk-nag 2 reports a nested
 * stack's findings (each shard's distribution and records) in the parent stack's annotations,
 * under the shard's path; cdk-nag 3 reports the whole app in the validation report.
 */
function nagFindings(props: Partial<MultiTenantGatewayProps> | ((stack: cdk.Stack) => Partial<MultiTenantGatewayProps>),
  region = 'us-east-1', pack: Pack = AWS_SOLUTIONS): string[] {
  const { app, stack } = gatewayStack(props, 3, region);
  if (!NAG_IS_PLUGIN) {
    cdk.Aspects.of(app).add(new (pack.checks as unknown as new () => cdk.IAspect)());
    app.synth();
    const annotations = Annotations.fromStack(stack);
    return [
      ...annotations.findError('*', Match.stringLikeRegexp(`${pack.name}-.*`)),
      ...annotations.findWarning('*', Match.stringLikeRegexp(`${pack.name}-.*`)),
    ].map(m => `${m.id}: ${String(m.entry.data).split(':')[0]}`).sort();
  }
  const Checks = pack.checks as unknown as new (scope: IConstruct) => object;
  (cdk as any).Validations.of(app).addPlugins(new Checks(app));
  try {
    app.synth();
  } catch (e) {
    // Findings that are errors fail the synth; the report says which.
    if ((e as Error).name !== 'ValidationFailed') throw e;
  }
  const reportFile = path.join(app.outdir, 'validation-report.json');
  const report: ValidationReport = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  return report.pluginReports
    .filter(r => r.pluginName === pack.name)
    .flatMap(r => r.violations.flatMap(v => v.violatingConstructs.map(c => `/${c.constructPath}: ${v.ruleName}`)))
    .sort();
}

describe(`cdk-nag ${NAG_IS_PLUGIN ? '3' : '2'} AwsSolutions`, () => {
  test.each([
    ['VPC origins', OriginAccess.vpcOrigin()],
    ['secret header', OriginAccess.secretHeader()],
  ])('a gateway with WAF (%s) has no unsuppressed finding', (_, originAccess) => {
    expect(nagFindings({ originAccess, webAclId: WEB_ACL_ARN })).toEqual([]);
  });

  test.each([
    // Outside us-east-1 CloudFront's certificate comes from aws-cdk-lib's Lambda-backed custom resource.
    ['a multi-tenant distribution with certificates the gateway requests', {
      edge: EdgeMode.multiTenantDistribution(),
      certificates: GatewayCertificates.dnsValidated(),
      distributionCertificate: undefined,
      loadBalancerCertificates: undefined,
    }, 'eu-west-1'],
    ['tenant insights', { observability: { tenantInsights: true }, distributionLogging: true }, 'us-east-1'],
  ])('%s, with WAF, has no unsuppressed finding', (_, props, region) => {
    expect(nagFindings({ ...props, webAclId: WEB_ACL_ARN }, region)).toEqual([]);
  });

  test('an ECS Fargate fleet (image from ECR, a secret in its environment), with WAF, has no unsuppressed finding', () => {
    expect(nagFindings(stack => ({
      webAclId: WEB_ACL_ARN,
      fleet: Fleet.ecsFargate({
        image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'app'), 'v1'),
        secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'Db', 'db-password')) },
      }),
    }))).toEqual([]);
  });

  test('an ECS Fargate gateway with two cells (one of its own fleet, one elsewhere), with WAF, has no unsuppressed finding', () => {
    const image = (stack: cdk.Stack, id: string) => ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, id, 'app'), 'v1');
    expect(nagFindings(stack => ({
      webAclId: WEB_ACL_ARN,
      originAccess: OriginAccess.secretHeader(),
      fleet: Fleet.ecsFargate({ image: image(stack, 'Repo') }),
      cells: [
        Cell.withFleet('eu', { fleet: Fleet.ecsFargate({ image: image(stack, 'EuRepo') }) }),
        Cell.fromHttpsOrigin('us', { domainName: 'origin.us.example.net' }),
      ],
      tenants: Tenants.fromList([
        { id: 'a', domainNames: ['a.example.com'] },
        { id: 'b', domainNames: ['b.example.com'], cell: 'eu' },
        { id: 'c', domainNames: ['c.example.com'], cell: 'us' },
      ]),
    }))).toEqual([]);
  });

  test('a Lambda target fleet, with WAF, has no finding the gateway made', () => {
    const findings = nagFindings(stack => {
      const app = new lambda.Function(stack, 'App', {
        runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      });
      return { webAclId: WEB_ACL_ARN, fleet: Fleet.targets([new targets.LambdaTarget(app)], { grantee: app }) };
    });
    // Only the function the test made (its basic execution role): the gateway adds none.
    expect(findings.filter(f => !f.startsWith('/Test/App/'))).toEqual([]);
  });

  test('environment variables in an ECS fleet are reported (ECS2): the user chose plain text over `secrets`', () => {
    expect(nagFindings({
      webAclId: WEB_ACL_ARN,
      fleet: Fleet.ecsFargate({ image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'), environment: { MODE: 'production' } }),
    })).toEqual(['/Test/Gateway/Fleet/TaskDefinition/Resource: AwsSolutions-ECS2']);
  });

  test('with the defaults, only the opt-in a user decides (WAF) is reported, from inside the shard stack', () => {
    expect(nagFindings({})).toEqual([
      '/Test/Gateway/Block0/Shard0/Distribution/Resource: AwsSolutions-CFR2',
    ]);
  });

  test('a control plane (a second cell too), with WAF, has no unsuppressed finding', () => {
    expect(nagFindings(CONTROL_PLANE)).toEqual([]);
  });

  test('a multi-tenant distribution at defaults: only WAF', () => {
    expect(nagFindings({ edge: EdgeMode.multiTenantDistribution() })).toEqual([
      '/Test/Gateway/MultiTenantDistribution/Resource: AwsSolutions-CFR2',
    ]);
  });
});

describe(`cdk-nag ${NAG_IS_PLUGIN ? '3' : '2'} NIST 800-53 rev 5`, () => {
  test.each([
    ['defaults', {}],
    ['secret header', { originAccess: OriginAccess.secretHeader() }],
    ['multi-tenant distribution', { edge: EdgeMode.multiTenantDistribution() }],
    ['control plane', CONTROL_PLANE],
  ])('a gateway at %s has no unsuppressed finding', (_, props) => {
    expect(nagFindings(props, 'us-east-1', NIST_800_53_R5)).toEqual([]);
  });

  test('the opt-outs are reported: what the defaults close, a user who opens it sees', () => {
    expect(nagFindings({ loadBalancerDeletionProtection: false, restrictDefaultSecurityGroup: false }, 'us-east-1', NIST_800_53_R5)).toEqual([
      '/Test/Gateway/Origin/LoadBalancer/Resource: NIST.800.53.R5-ELBDeletionProtectionEnabled',
      '/Test/Gateway/Vpc/Resource: NIST.800.53.R5-VPCDefaultSecurityGroupClosed',
    ]);
  });
});

describe('acknowledgeNag', () => {
  function bucket() {
    const stack = new cdk.Stack(new cdk.App(), 'Stack');
    return new s3.Bucket(stack, 'Bucket');
  }
  const resourceOf = (construct: IConstruct) => construct.node.defaultChild as cdk.CfnResource;
  const acknowledged = (construct: IConstruct) =>
    resourceOf(construct).node.metadata.filter(m => m.type === ACKNOWLEDGED_RULES_METADATA).map(m => m.data);

  test('writes the template metadata cdk-nag 2 reads and the construct metadata cdk-nag 3 reads, on the resource', () => {
    const b = bucket();
    acknowledgeNag(b, [
      { id: 'AwsSolutions-S1', reason: 'It is the log bucket.' },
      { id: 'AwsSolutions-IAM5', reason: 'By design.', appliesTo: ['Resource::*', 'Action::s3:*'] },
    ]);
    expect(resourceOf(b).getMetadata('cdk_nag')).toEqual({
      rules_to_suppress: [
        { id: 'AwsSolutions-S1', reason: 'It is the log bucket.' },
        { id: 'AwsSolutions-IAM5', reason: 'By design.', applies_to: ['Resource::*', 'Action::s3:*'] },
      ],
    });
    expect(acknowledged(b)).toEqual([{
      'Annotation::AwsSolutions-S1': 'It is the log bucket.',
      'Annotation::AwsSolutions-IAM5[Resource::*]': 'By design.',
      'Annotation::AwsSolutions-IAM5[Action::s3:*]': 'By design.',
    }]);
    expect(b.node.metadata.filter(m => m.type === ACKNOWLEDGED_RULES_METADATA)).toEqual([]);
  });

  test('a second acknowledgement on a resource merges into its one entry of each', () => {
    const b = bucket();
    acknowledgeNag(b, [{ id: 'AwsSolutions-S1', reason: 'one' }]);
    acknowledgeNag(resourceOf(b), [{ id: 'AwsSolutions-S10', reason: 'two' }]);
    expect(resourceOf(b).getMetadata('cdk_nag').rules_to_suppress.map((r: { id: string }) => r.id)).toEqual(['AwsSolutions-S1', 'AwsSolutions-S10']);
    expect(acknowledged(b)).toEqual([{ 'Annotation::AwsSolutions-S1': 'one', 'Annotation::AwsSolutions-S10': 'two' }]);
  });

  test('refuses a construct without a CloudFormation resource', () => {
    const stack = new cdk.Stack(new cdk.App(), 'Stack');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/x');
    expect(() => acknowledgeNag(role, [{ id: 'AwsSolutions-IAM4', reason: 'x' }])).toThrow(/Stack\/Imported has no CloudFormation resource/);
  });

  // Validations exists from aws-cdk-lib 2.257: the newest one runs this in `test:newest-cdk`.
  const validations = (cdk as any).Validations;
  (validations?.prototype.acknowledge ? test : test.skip)('writes what aws-cdk-lib\'s Validations.of(resource).acknowledge() writes', () => {
    const ours = bucket();
    const theirs = bucket();
    const acknowledgements = [
      { id: 'AwsSolutions-S1', reason: 'It is the log bucket.' },
      { id: 'AwsSolutions-IAM4', reason: 'SSM.', appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'] },
    ];
    acknowledgeNag(ours, acknowledgements);
    for (const a of acknowledgements) {
      for (const id of a.appliesTo ? a.appliesTo.map(f => `${a.id}[${f}]`) : [a.id]) {
        validations.of(resourceOf(theirs)).acknowledge({ id, reason: a.reason });
      }
    }
    expect(acknowledged(ours)).toEqual([Object.assign({}, ...acknowledged(theirs))]);
  });
});
