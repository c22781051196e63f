import { Match, Template } from 'aws-cdk-lib/assertions';
import { Cell, EdgeMode, Fleet, MultiTenantGateway, OriginAccess, OriginShield, TenantProps, Tenants } from '../../src';
import { errorOf } from '../errors';
import { build } from '../gateway-fixture';

const CELLS = ['default', 'eu', 'apac'];
const FLEET_CELLS = [Cell.withFleet('eu', { fleet: Fleet.autoScaling() }), Cell.withFleet('apac', { fleet: Fleet.autoScaling() })];

/** `count` tenants of one or two domains, their cells in turn (`default` left out, as a file would). */
function cellTenants(count: number, cells = CELLS): TenantProps[] {
  return Array.from({ length: count }, (_, i) => {
    const cell = cells[i % cells.length];
    const domainNames = i % 5 === 0 ? [`t-${i}.example.com`, `www.t-${i}.example.com`] : [`t-${i}.example.com`];
    return { id: `t-${i}`, domainNames, ...(cell === 'default' ? {} : { cell }) };
  });
}

/** The path, as nested-stack parameter names spell it, of a cell's load balancer and VPC origins. */
function originPathOf(cell: string): string {
  return cell === 'default' ? 'referencetoStackGatewayOrigin' : `referencetoStackGatewayCells${cell}Origin`;
}

function distributionOf(stack: MultiTenantGateway['shardStacks'][number]): any {
  const found = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'));
  expect(found).toHaveLength(1);
  return found[0].Properties.DistributionConfig;
}

describe('cells with sharded distributions', () => {
  test('three cells and 250 tenants: each shard serves one cell, and its distribution\'s origin is that cell\'s', () => {
    const list = cellTenants(250);
    const { gateway, stack } = build(list, { cells: FLEET_CELLS });
    const cellOf = new Map(list.map(t => [t.id, t.cell ?? 'default']));
    const shardCell = new Map<number, string>();
    for (const p of gateway.placements) {
      expect(shardCell.get(p.shard) ?? cellOf.get(p.tenantId)).toBe(cellOf.get(p.tenantId));
      shardCell.set(p.shard, cellOf.get(p.tenantId)!);
    }
    expect(new Set(shardCell.values())).toEqual(new Set(CELLS));
    expect(gateway.shardStacks.length).toBeGreaterThan(CELLS.length); // some cell spans two shards
    for (const shard of gateway.shardStacks) {
      const cell = shardCell.get(Number(shard.node.id.replace('Shard', '')))!;
      const [origin, ...others] = distributionOf(shard).Origins;
      expect(others).toEqual([]);
      expect(origin.DomainName.Ref).toMatch(new RegExp(`^${originPathOf(cell)}LoadBalancer[0-9A-F]{8}DNSName$`));
      expect(origin.VpcOriginConfig.VpcOriginId.Ref).toMatch(new RegExp(`^${originPathOf(cell)}VpcOrigin0[0-9A-F]{8}Id$`));
    }
    // A load balancer, target group and Auto Scaling group per cell; a VPC origin each (fewer than 50 shards a cell).
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 3);
    parent.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 3);
    parent.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 3);
    parent.resourceCountIs('AWS::CloudFront::VpcOrigin', 3);
    // Every listener carries the gateway's load balancer certificate.
    parent.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener',
      { Port: 443, Certificates: [{ CertificateArn: Match.stringLikeRegexp('certificate/origin') }] }, 3);
  });

  test('VPC origins are counted per cell\'s load balancer: a cell\'s distributions past 50 take a second one of that cell', () => {
    // 60 shards of the default cell, one of "eu" at shard 60 and one of "apac" at shard 61.
    const list = [
      ...Array.from({ length: 60 }, (_, i) => ({ id: `d-${i}`, domainNames: [`d-${i}.example.com`], shard: i })),
      { id: 'e', domainNames: ['e.example.com'], cell: 'eu', shard: 60 },
      { id: 'a', domainNames: ['a.example.com'], cell: 'apac', shard: 61 },
    ];
    const { stack } = build(list, { cells: FLEET_CELLS });
    // Default: blocks 0 and 1; eu and apac: blocks 0 and 1 each (a VPC origin serves distributions by index block).
    Template.fromStack(stack).resourceCountIs('AWS::CloudFront::VpcOrigin', 6);
    const message = errorOf(() => build(list, { cells: FLEET_CELLS, quotas: { vpcOriginsPerAccount: 5 } }));
    expect(message).toContain('`quotas.vpcOriginsPerAccount`');
    expect(message).toContain('VPC origins for the distributions of 3 cells, each cell\'s load balancer with its own');
  });

  test('a cell elsewhere is reached over HTTPS with the gateway\'s one secret header; the listeners of every cell require it', () => {
    const list = [{ id: 'a', domainNames: ['a.example.com'] }, { id: 'b', domainNames: ['b.example.com'], cell: 'us' },
      { id: 'c', domainNames: ['c.example.com'], cell: 'eu' }];
    const { gateway, stack } = build(list, {
      originAccess: OriginAccess.secretHeader(),
      cells: [Cell.fromHttpsOrigin('us', { domainName: 'origin.us.example.net' }), FLEET_CELLS[0]],
    });
    const [, us] = gateway.shardStacks;
    const origin = distributionOf(us).Origins[0];
    expect(origin.DomainName).toBe('origin.us.example.net');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', HTTPSPort: 443, OriginSSLProtocols: ['TLSv1.2'] });
    expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: expect.anything() }]);
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::SecretsManager::Secret', 1);
    parent.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
    parent.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [Match.anyValue()] } }],
    }, 2);
  });

  test('each cell the gateway makes has its load balancer and fleet alarms and graphs; the default cell\'s alarms keep their ids', () => {
    const { gateway, stack } = build(cellTenants(6), { cells: FLEET_CELLS });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    const ids = Object.keys(alarms);
    expect(ids.filter(id => /^GatewayObservabilityLoadBalancer5xxAlarm[0-9A-F]{8}$/.test(id))).toHaveLength(1);
    expect(ids.filter(id => id.startsWith('GatewayObservabilityCelleuLoadBalancer5xxAlarm'))).toHaveLength(1);
    expect(ids.filter(id => id.startsWith('GatewayObservabilityCellapacFleetAtMaxCapacityAlarm'))).toHaveLength(1);
    expect(Object.values(alarms).map((a: any) => a.Properties.AlarmDescription))
      .toEqual(expect.arrayContaining([expect.stringMatching(/^Cell "eu": Target group/), expect.stringMatching(/^Cell "apac": Targets: p99/)]));
    // Four alarms for each of the three load balancers (no CloudFront alarms outside us-east-1).
    expect(gateway.observability.alarms).toHaveLength(12);
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toMatch(/## Cell \W+eu\W+: load balancer and fleet/);
    expect(body).toContain('GatewayCellsapacFleetAutoScalingGroup');
  });

  test('the fleet of each cell reads the tenant config', () => {
    const { stack } = build(cellTenants(3), { cells: FLEET_CELLS });
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'ssm:GetParametersByPath' })] },
    }, 3);
  });
});

describe('cells with a multi-tenant distribution', () => {
  const edge = EdgeMode.multiTenantDistribution();

  test('tenants route by the origin domain parameter: the default cell\'s is its default value, the others\' tenants set it', () => {
    const list = [{ id: 'a', domainNames: ['a.example.com'] }, { id: 'b', domainNames: ['b.example.com'], cell: 'eu' },
      { id: 'c', domainNames: ['c.example.com'], cell: 'us' }];
    const { stack, gateway } = build(list, {
      edge,
      originAccess: OriginAccess.secretHeader(),
      cells: [FLEET_CELLS[0], Cell.fromHttpsOrigin('us', { domainName: 'origin.us.example.net' })],
    });
    const config = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig as any;
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].DomainName).toBe('{{originDomain}}');
    expect(config.Origins[0].OriginCustomHeaders[0].HeaderName).toBe('X-Origin-Verify');
    expect(config.TenantConfig.ParameterDefinitions).toEqual([{
      Name: 'originDomain',
      Definition: { StringSchema: { Required: false, DefaultValue: { 'Fn::GetAtt': [expect.stringMatching(/^GatewayOriginLoadBalancer/), 'DNSName'] }, Comment: expect.any(String) } },
    }]);
    const tenants = Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::DistributionTenant');
    const byName = Object.fromEntries(Object.values(tenants).map((t: any) => [t.Properties.Name, t.Properties.Parameters]));
    expect(byName.a).toBeUndefined();
    expect(byName.b).toEqual([{ Name: 'originDomain', Value: { Ref: expect.stringMatching(/^referencetoStackGatewayCellseuOriginLoadBalancer/) } }]);
    expect(byName.c).toEqual([{ Name: 'originDomain', Value: 'origin.us.example.net' }]);
  });

  test('a gateway without cells has no parameter', () => {
    const { stack } = build([{ id: 'a', domainNames: ['a.example.com'] }], { edge, originAccess: OriginAccess.secretHeader() });
    const config = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig as any;
    expect(config.TenantConfig).toBeUndefined();
  });

  test('cells with VPC origins are refused: a VPC origin is bound by id, not by a domain parameter', () => {
    expect(errorOf(() => build(cellTenants(3), { edge, cells: FLEET_CELLS })))
      .toContain('`cells` with a multi-tenant distribution need `originAccess: OriginAccess.secretHeader()`');
  });
});

describe('cell errors', () => {
  test('a tenant naming an unknown cell is refused, naming the tenant and the known cells', () => {
    const message = errorOf(() => build([{ id: 'a', domainNames: ['a.example.com'], cell: 'us' }], { cells: FLEET_CELLS }));
    expect(message).toContain('tenant "a": `cell` "us" is not one of the gateway\'s cells ("default", "eu", "apac")');
  });

  test('cell names: the rules, "default" reserved, unique; every problem at once', () => {
    const message = errorOf(() => build([{ id: 'a', domainNames: ['a.example.com'] }], {
      cells: [Cell.withFleet('EU', { fleet: Fleet.autoScaling() }), Cell.withFleet('default', { fleet: Fleet.autoScaling() }),
        Cell.withFleet('eu', { fleet: Fleet.autoScaling() }), Cell.withFleet('eu', { fleet: Fleet.autoScaling() })],
    }));
    expect(message).toContain('`cells[0]` name "EU" must be 1-32 lower-case letters, digits or hyphens');
    expect(message).toContain('`cells[1]` is named "default", the name of the gateway\'s own load balancer and `fleet`');
    expect(message).toContain('`cells[3]` is named "eu" as an earlier cell is; cell names must be unique');
    expect(errorOf(() => Tenants.fromList([{ id: 'a', domainNames: ['a.example.com'], cell: 'Eu!' }])))
      .toContain('tenant "a": `cell` "Eu!" must be 1-32 lower-case letters, digits or hyphens');
  });

  test('a cell elsewhere needs secret-header access, and a domain name; a fleet cell\'s fleet problems name the cell', () => {
    const message = errorOf(() => build([{ id: 'a', domainNames: ['a.example.com'] }], {
      cells: [Cell.fromHttpsOrigin('us', { domainName: 'https://origin.example.net' }),
        Cell.withFleet('eu', { fleet: Fleet.autoScaling({ minCapacity: 5, maxCapacity: 2 }) })],
    }));
    expect(message).toContain('cell "us" is an HTTPS origin elsewhere, which CloudFront reaches over the internet with the gateway\'s secret header');
    expect(message).toContain('cell "us": `domainName` "https://origin.example.net" must be a lower-case fully qualified domain name');
    expect(message).toMatch(/cell "eu": `fleet\.minCapacity`/);
  });

  test('the tenants file\'s settings.cells and the props\' cells must name the same cells', () => {
    const file = JSON.stringify({ settings: { cells: ['eu', 'us'] }, tenants: [{ id: 'a', domainNames: ['a.example.com'] }] });
    const message = errorOf(() => build([], { tenants: Tenants.fromJson(file, 'tenants.json'), cells: FLEET_CELLS }));
    expect(message).toContain('tenants.json says `settings.cells` ["eu","us"], but `cells` are ["eu","apac"]; make them name the same cells');
    expect(() => build([], { tenants: Tenants.fromJson(file.replace('"us"', '"apac"'), 'tenants.json'), cells: FLEET_CELLS })).not.toThrow();
    expect(errorOf(() => Tenants.fromJson(JSON.stringify({ settings: { cells: ['default', 'eu', 'eu'] }, tenants: [] }))))
      .toMatch(/`settings.cells`\[0\] "default" is the gateway's own[\s\S]*`settings.cells`\[2\] "eu" is listed twice/);
  });

  test('changing a pinned tenant\'s cell is refused with the declared move spelled out, unless it is alone on its shard', () => {
    const deployed = [{ id: 'a', domainNames: ['a.example.com'], shard: 0 }, { id: 'b', domainNames: ['b.example.com'], shard: 0 },
      { id: 'c', domainNames: ['c.example.com'], shard: 1, cell: 'eu' }];
    const message = errorOf(() => build([deployed[0], { ...deployed[1], cell: 'eu' }, deployed[2]], { cells: FLEET_CELLS }));
    expect(message).toContain('tenant "b": `shard` 0 holds tenant "a", declared before it, whose edge settings differ: ' +
      'cell=default ("a") vs cell=eu ("b")');
    expect(message).toContain('If a deployed tenant\'s cell changed, it must move to another distribution, one whose origin is its new cell');
    expect(message).toContain('without downtime: run `cdk-multi-tenant-gateway move b`, which pins it to a shard of its new cell and records `"movedFrom": { "shard": 0 }`');
    expect(message).not.toContain('add it back');
    // Alone on its shard: the shard's origin becomes the new cell's, nobody moves.
    const { gateway } = build([...deployed.slice(0, 2), { ...deployed[2], cell: 'apac' }], { cells: FLEET_CELLS });
    expect(gateway.placements.map(p => p.shard)).toEqual([0, 0, 1]);
    expect(distributionOf(gateway.shardStacks[1]).Origins[0].DomainName.Ref).toMatch(/^referencetoStackGatewayCellsapacOrigin/);
  });
});


// "Choosing the AWS Region for Origin Shield", Amazon CloudFront Developer Guide: Origin Shield is
// offered in the regions with a regional edge cache, and for an origin elsewhere AWS names the one
// to choose (eu-west-3 -> eu-west-2, ca-central-1 -> us-east-1, ...).
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/origin-shield.html#choose-origin-shield-region
describe('Origin Shield per cell', () => {
  const list: TenantProps[] = [
    { id: 'a', domainNames: ['a.example.com'] },
    { id: 'p', domainNames: ['p.example.com'], cell: 'paris' },
    { id: 'm', domainNames: ['m.example.com'], cell: 'mumbai' },
    { id: 'e', domainNames: ['e.example.com'], cell: 'eu' },
  ];
  const shieldOf = (gateway: MultiTenantGateway) => Object.fromEntries(gateway.placements.map(p => {
    const [origin] = distributionOf(gateway.shardStacks[p.shard]).Origins;
    return [p.tenantId, origin.OriginShield?.OriginShieldRegion];
  }));

  test('each cell gets the region AWS recommends for its origin, its own when it names one, else the gateway\'s', () => {
    const { gateway } = build(list, {
      originAccess: OriginAccess.secretHeader(),
      originShield: OriginShield.inRegion('eu-west-1'),
      cells: [
        Cell.fromHttpsOrigin('paris', { domainName: 'app-123.eu-west-3.elb.amazonaws.com' }),
        Cell.fromHttpsOrigin('mumbai', { domainName: 'origin.example.net', originShield: OriginShield.inRegion('ap-south-1') }),
        Cell.withFleet('eu', { fleet: Fleet.autoScaling() }),
      ],
    });
    expect(shieldOf(gateway)).toEqual({ a: 'eu-west-1', p: 'eu-west-2', m: 'ap-south-1', e: 'eu-west-1' });
  });

  test('a cell may have Origin Shield when the gateway has none', () => {
    const { gateway } = build(list.slice(0, 2), {
      originAccess: OriginAccess.secretHeader(),
      cells: [Cell.fromHttpsOrigin('paris', { domainName: 'app-123.eu-west-3.elb.amazonaws.com', originShield: OriginShield.inRegion('eu-west-2') })],
    });
    expect(shieldOf(gateway)).toEqual({ a: undefined, p: 'eu-west-2' });
  });

  test('a region without Origin Shield is refused, naming the one AWS recommends; so is a cell\'s own in a multi-tenant distribution', () => {
    const message = errorOf(() => build(list.slice(0, 2), {
      originAccess: OriginAccess.secretHeader(),
      originShield: OriginShield.inRegion('ca-central-1'),
      cells: [Cell.fromHttpsOrigin('paris', { domainName: 'app-123.eu-west-3.elb.amazonaws.com', originShield: OriginShield.inRegion('eu-north-1') })],
    }));
    expect(message).toContain('`originShield` region "ca-central-1" has no Origin Shield');
    expect(message).toContain('for an origin in ca-central-1, AWS recommends "us-east-1"');
    expect(message).toContain('cell "paris": `originShield` region "eu-north-1" has no Origin Shield');
    expect(message).toContain('AWS recommends "eu-west-2"');
    expect(errorOf(() => build(list.slice(0, 2), {
      edge: EdgeMode.multiTenantDistribution(),
      originAccess: OriginAccess.secretHeader(),
      cells: [Cell.fromHttpsOrigin('paris', { domainName: 'origin.example.net', originShield: OriginShield.inRegion('eu-west-2') })],
    }))).toContain('cell "paris": `originShield` needs sharded distributions');
  });
});
