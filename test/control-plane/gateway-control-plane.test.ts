// The control plane made by the gateway: bound to its multi-tenant distribution, connection group
// and zone, with the outputs the CLI reads, beside the template tenants.
import { App, Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlPlaneOptions, EdgeMode, MultiTenantDistributionOptions, TenantProps } from '../../src';
import { controlPlaneOutputIds, findControlPlane } from '../../src/control-plane/outputs';
import { errorOf } from '../errors';
import { build as buildGateway, ENV, only, tenants } from '../gateway-fixture';

function build(list: TenantProps[], controlPlane: ControlPlaneOptions | 'none' = {}, options: MultiTenantDistributionOptions = {}) {
  const built = buildGateway(list, { edge: EdgeMode.multiTenantDistribution({ ...options, controlPlane: controlPlane === 'none' ? undefined : controlPlane }) });
  return { ...built, template: Template.fromStack(built.stack) };
}

test('the reconciler works on the gateway\'s distribution, connection group and zone, naming its tenants with the store prefix', () => {
  const { template, gateway } = build(tenants(2));
  expect(gateway.controlPlane).toBeDefined();
  const distribution = only(template, 'AWS::CloudFront::Distribution').id;
  const group = only(template, 'AWS::CloudFront::ConnectionGroup').id;
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        DISTRIBUTION_ID: { Ref: distribution },
        CONNECTION_GROUP_ID: { 'Fn::GetAtt': [group, 'Id'] },
        ROUTING_ENDPOINT: { 'Fn::GetAtt': [group, 'RoutingEndpoint'] },
        HOSTED_ZONE_ID: 'Z123',
        TENANT_NAME_PREFIX: 'store-',
      }),
    },
  });
});

test('the reconciler\'s role names that distribution and connection group, not every one', () => {
  const { template } = build(tenants(1));
  const distribution = only(template, 'AWS::CloudFront::Distribution').id;
  const group = only(template, 'AWS::CloudFront::ConnectionGroup').id;
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
  const cloudFront = statements.find(s => [s.Action].flat().includes('cloudfront:CreateDistributionTenant'));
  const resources = [cloudFront.Resource].flat().map((r: unknown) => JSON.stringify(r));
  expect(resources).toEqual([
    expect.stringMatching(new RegExp(`:distribution/".*"Ref":"${distribution}"`)),
    expect.stringContaining(':distribution-tenant/*'),
    expect.stringMatching(new RegExp(`:connection-group/".*"${group}","Id"`)),
  ]);
  expect(statements.filter(s => s.Resource === '*').map(s => s.Action)).toEqual(['cloudfront:ListDistributionTenants']);
});

test('the store\'s table name and the queue\'s URL are outputs of documented ids, which the CLI finds', () => {
  const { template } = build(tenants(1));
  const ids = controlPlaneOutputIds('Gateway');
  const table = only(template, 'AWS::DynamoDB::Table').id;
  const queue = Object.entries(template.findResources('AWS::SQS::Queue')).find(([, q]) => q.Properties.RedrivePolicy)![0];
  template.hasOutput(ids.table, { Value: { Ref: table } });
  template.hasOutput(ids.queueUrl, { Value: { Ref: queue } });
  const document = { Stack: { [ids.table]: 'the-table', [ids.queueUrl]: 'https://sqs/the-queue', GatewayDnsTargets0: '{}' } };
  expect(findControlPlane(document, 'outputs')).toEqual({ stack: 'Stack', gateway: 'Gateway', table: 'the-table', queueUrl: 'https://sqs/the-queue' });
});

test('its options reach the control plane: event bus, recheck delay, removal policy, prefix', () => {
  const built = buildGateway(tenants(1), { edge: EdgeMode.multiTenantDistribution({ controlPlane: { recheckAfter: Duration.minutes(5), removalPolicy: RemovalPolicy.DESTROY, tenantNamePrefix: 'cp-' } }) });
  const template = Template.fromStack(built.stack);
  template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300, RedrivePolicy: Match.anyValue() });
  template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TENANT_NAME_PREFIX: 'cp-' }) } });

  const app = new App();
  const bus = new events.EventBus(new Stack(app, 'Buses', { env: ENV }), 'Bus');
  const withBus = buildGateway(tenants(1), { edge: EdgeMode.multiTenantDistribution({ controlPlane: { eventBus: bus } }) }, app);
  Template.fromStack(withBus.stack).hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { 'Fn::ImportValue': Match.stringLikeRegexp('Bus') } }) },
  });
});

test('template tenants keep their distribution tenants beside the control plane', () => {
  const { gateway } = build(tenants(3));
  const names = gateway.shardStacks.flatMap(s => Object.values(Template.fromStack(s).findResources('AWS::CloudFront::DistributionTenant')))
    .map(r => r.Properties.Name);
  expect(names).toEqual(['tenant-0', 'tenant-1', 'tenant-2']);
});

test('without the option there is no control plane', () => {
  const { template, gateway } = build(tenants(1), 'none');
  expect(gateway.controlPlane).toBeUndefined();
  template.resourceCountIs('AWS::DynamoDB::Table', 0);
  expect(Object.keys(template.findOutputs('*')).filter(k => k.includes('ControlPlane'))).toEqual([]);
});

describe('refusals, in the gateway\'s one list of problems', () => {
  test('a template tenant named like the store\'s tenants, a prefix CloudFront refuses, the default connection group', () => {
    const list: TenantProps[] = [
      { id: 'store-acme', domainNames: ['acme.example.com'], externalDns: true },
      { id: 'globex', domainNames: ['globex.example.com'], externalDns: true },
    ];
    const message = errorOf(() => build(list, { tenantNamePrefix: '-bad' }, { ownConnectionGroup: false }));
    expect(message).toMatch(/`controlPlane` needs `ownConnectionGroup` \(the default\)/);
    expect(message).toMatch(/`controlPlane.tenantNamePrefix` "-bad" must be up to 61 letters/);
    expect(errorOf(() => build(list))).toMatch(
      /tenant "store-acme": its distribution tenant "store-acme" is named like the control plane's \(`controlPlane.tenantNamePrefix` "store-"\), so a store tenant "acme" would take its name/);
  });

  test('an empty store prefix leaves the store every name, so every template tenant is refused; another prefix clears it', () => {
    const message = errorOf(() => build(tenants(2), { tenantNamePrefix: '' }));
    expect(message).toMatch(/tenant "tenant-0": its distribution tenant "tenant-0" is named like the control plane's/);
    expect(message).toMatch(/tenant "tenant-1": /);
    expect(() => build(tenants(2), { tenantNamePrefix: '' }, { tenantNamePrefix: 'tpl-' })).toThrow(/tenant "tenant-0"/);
    expect(() => build(tenants(2), { tenantNamePrefix: 'cp-' }, { tenantNamePrefix: 'tpl-' })).not.toThrow();
  });
});

test('with a control plane the template may have no tenants (they all live in the store); without one it may not', () => {
  const { template, gateway } = build([]);
  expect(gateway.shardStacks).toEqual([]);
  only(template, 'AWS::CloudFront::Distribution');
  only(template, 'AWS::DynamoDB::Table');
  expect(() => build([], 'none')).toThrow(/has no tenants; a gateway needs at least one/);
});

describe('cdk-nag 2 AwsSolutions', () => {
  test('a gateway with a control plane has no unacknowledged finding of the control plane: each by-design one is acknowledged with its reason', () => {
    const { app, stack, gateway } = buildGateway(tenants(1), { edge: EdgeMode.multiTenantDistribution({ controlPlane: {} }) });
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    const findings = [...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))];
    expect(findings.filter(f => f.id.startsWith(`/${gateway.controlPlane!.node.path}`)).map(f => `${f.id}: ${f.entry.data}`)).toEqual([]);
  });
});

test('the gateway\'s control plane sweeps for drift every 6 hours unless `sweepEvery` says otherwise', () => {
  build(tenants(1)).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)', Targets: [Match.objectLike({ Input: '{"sweep":{}}' })] });
  build(tenants(1), { sweepEvery: Duration.hours(24) }).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  build(tenants(1), { sweepEvery: Duration.seconds(0) }).template.resourceCountIs('AWS::Events::Rule', 0);
});
