// The control plane made by the gateway: bound to its multi-tenant distribution, connection group
// and zone, with the outputs the CLI reads, beside the template tenants.
import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { Cell, ControlPlaneOptions, EdgeMode, Fleet, MultiTenantDistributionOptions, OriginAccess, TenantProps } from '../../src';
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
  expect(findControlPlane(document, 'outputs')).toEqual({ stack: 'Stack', gateway: 'Gateway', table: 'the-table', queueUrl: 'https://sqs/the-queue', cells: [] });
});

test('its options reach the control plane: event bus, recheck delay, removal policy, prefix, pace', () => {
  const built = buildGateway(tenants(1), {
    edge: EdgeMode.multiTenantDistribution({
      controlPlane: { recheckAfter: Duration.minutes(5), removalPolicy: RemovalPolicy.DESTROY, tenantNamePrefix: 'cp-', cloudFrontCallsPerSecond: 20, route53CallsPerSecond: 2 },
    }),
  });
  const template = Template.fromStack(built.stack);
  template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300, RedrivePolicy: Match.anyValue() });
  template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ TENANT_NAME_PREFIX: 'cp-', CLOUDFRONT_PER_SECOND: '20', ROUTE53_PER_SECOND: '2' }) },
  });

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

test('the gateway\'s control plane sweeps for drift every 6 hours unless `sweepEvery` says otherwise', () => {
  build(tenants(1)).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)', Targets: [Match.objectLike({ Input: '{"sweep":{}}' })] });
  build(tenants(1), { sweepEvery: Duration.hours(24) }).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  build(tenants(1), { sweepEvery: Duration.seconds(0) }).template.resourceCountIs('AWS::Events::Rule', 0);
});

describe('with cells', () => {
  const withCells = (controlPlane: ControlPlaneOptions | undefined) => {
    const built = buildGateway([{ id: 'eu-template', domainNames: ['eu-template.example.com'], cell: 'eu' }], {
      edge: EdgeMode.multiTenantDistribution({ controlPlane }),
      originAccess: OriginAccess.secretHeader(),
      cells: [Cell.withFleet('eu', { fleet: Fleet.autoScaling() }), Cell.fromHttpsOrigin('us', { domainName: 'us.origin.example.net' })],
    });
    return { ...built, template: Template.fromStack(built.stack) };
  };

  test('the reconciler gets every cell\'s origin domain and the distribution\'s parameter; the CLI gets the cells\' names', () => {
    const { template, stack, gateway } = withCells({});
    const reconciler = stack.resolve((gateway.controlPlane!.reconciler.node.defaultChild as CfnResource).logicalId);
    const variables = template.toJSON().Resources[reconciler].Properties.Environment.Variables;
    expect(variables.ORIGIN_PARAMETER).toBe('originDomain');
    // The origin domains are deploy-time values: the eu cell's load balancer's DNS name, resolved into the JSON.
    const [, parts] = stack.resolve(variables.CELL_ORIGINS)['Fn::Join'];
    const text = parts.map((p: string | { 'Fn::GetAtt': string[] }) => (typeof p === 'string' ? p : `<${p['Fn::GetAtt'].join('.')}>`)).join('');
    expect(JSON.parse(text)).toEqual({ eu: expect.stringMatching(/^<GatewayCellseuOriginLoadBalancer\w+\.DNSName>$/), us: 'us.origin.example.net' });
    // The distribution's parameter is the one the reconciler sets.
    const distribution = only(template, 'AWS::CloudFront::Distribution').properties;
    expect(distribution.DistributionConfig.TenantConfig.ParameterDefinitions.map((p: { Name: string }) => p.Name)).toEqual(['originDomain']);
    template.hasOutput(controlPlaneOutputIds('Gateway').cells, { Value: 'eu,us' });
    expect(findControlPlane({ Stack: { GatewayControlPlaneTable: 't', GatewayControlPlaneQueueUrl: 'q', GatewayControlPlaneCells: 'eu,us' } }, 'outputs').cells)
      .toEqual(['eu', 'us']);
  });

  test('each cell\'s app servers may look store tenants up in the store (GetItem, nothing else); without a control plane, no such grant', () => {
    const { template } = withCells({});
    const table = only(template, 'AWS::DynamoDB::Table').id;
    const lookups = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(p => p.Properties.Description === 'Gateway app servers: look store tenants up by host');
    // The default cell's fleet and the eu cell's (the us cell is an origin of its own, with no fleet here).
    expect(lookups).toHaveLength(2);
    for (const policy of lookups) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [table, 'Arn'] } }]);
      expect(policy.Properties.Roles).toHaveLength(1);
    }
    expect(Object.values(withCells(undefined).template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(p => p.Properties.Description === 'Gateway app servers: look store tenants up by host')).toEqual([]);
  });

  test('more cells than the reconciler\'s environment holds are refused in the gateway\'s one list of problems; without a control plane they are not', () => {
    const cells = Array.from({ length: 12 }, (_, i) => Cell.fromHttpsOrigin(`cell-${i}`, { domainName: `cell-${i}.origin.example.net` }));
    const make = (controlPlane?: ControlPlaneOptions) => buildGateway(tenants(1), {
      edge: EdgeMode.multiTenantDistribution({ controlPlane }), originAccess: OriginAccess.secretHeader(), cells,
    });
    expect(errorOf(() => make({}))).toMatch(/MultiTenantGateway[\s\S]*- `cells` has 12 cells, more than the control plane's reconciler has room for/);
    expect(() => make(undefined)).not.toThrow();
  });
});
