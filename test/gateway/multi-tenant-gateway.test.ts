import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Fleet, MultiTenantGateway, Tenants } from '../../src';
import { recordGroupOf } from '../../src/edge/record-groups';
import { errorOf } from '../errors';
import { ALB_CERT, build, EDGE_CERT, ENV, recordsOf, tenants } from '../gateway-fixture';

describe('sharding', () => {
  test.each([[1, 1], [100, 1], [101, 2], [250, 3]])('%i tenants give %i distributions, aliases as placed, records to their own shard', (count, shards) => {
    const { gateway } = build(tenants(count));
    expect(gateway.distributions).toHaveLength(shards);
    expect(gateway.shardStacks).toHaveLength(shards);

    gateway.shardStacks.forEach((shardStack, shard) => {
      const template = Template.fromStack(shardStack);
      const placed = gateway.placements.filter(p => p.shard === shard).flatMap(p => p.domainNames);
      const distributions = template.findResources('AWS::CloudFront::Distribution');
      const [distributionId] = Object.keys(distributions);
      expect(Object.keys(distributions)).toHaveLength(1);
      expect(distributions[distributionId].Properties.DistributionConfig.Aliases).toEqual(placed);

      const records = recordsOf(template);
      // One group per group the shard's domains hash to (empty groups are not made).
      template.resourceCountIs('AWS::Route53::RecordSetGroup', new Set(placed.map(recordGroupOf)).size);
      expect(records).toHaveLength(2 * placed.length);
      for (const record of records) {
        expect(placed).toContain(record.Name.replace(/\.$/, ''));
        expect(record.AliasTarget.DNSName).toEqual({ 'Fn::GetAtt': [distributionId, 'DomainName'] });
      }
      expect(records.filter(r => r.Type === 'A').map(r => r.Name).sort())
        .toEqual(records.filter(r => r.Type === 'AAAA').map(r => r.Name).sort());
    });
  });

  test('distributionOf and dnsTargetOf find a tenant\'s shard; an unknown tenant is an error', () => {
    const { stack, gateway } = build(tenants(150));
    expect(gateway.distributionOf('tenant-0')).toBe(gateway.distributions[0]);
    expect(gateway.distributionOf('tenant-120')).toBe(gateway.distributions[1]);
    expect(stack.resolve(gateway.dnsTargetOf('tenant-120'))).toEqual(stack.resolve(gateway.distributions[1].distributionDomainName));
    expect(() => gateway.distributionOf('nobody')).toThrow('No tenant "nobody" in this gateway (it has 150 tenants)');
  });

  test('unpinned tenants over more than one shard get a warning; pinned ones do not', () => {
    const unpinned = build(tenants(101)).stack;
    Annotations.fromStack(unpinned).hasWarning('/Stack/Gateway', Match.stringLikeRegexp('101 tenants are not pinned'));
    const pinned = build(tenants(101).map((t, i) => ({ ...t, shard: Math.floor(i / 100) }))).stack;
    expect(Annotations.fromStack(pinned).findWarning('*', Match.stringLikeRegexp('not pinned'))).toEqual([]);
  });
});

describe('edge', () => {
  test('Host is in every cache key, min TTL 180 s by default, and the viewer Host reaches the origin', () => {
    const { stack } = build(tenants(3));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFront::CachePolicy', 1);
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 180,
        DefaultTTL: 86400,
        MaxTTL: 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Host'] },
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: Match.objectLike({ HeadersConfig: { HeaderBehavior: 'allViewer' } }),
    });
  });

  test('cache options change TTLs and add cache-key headers beside Host', () => {
    const { stack } = build(tenants(1), {
      cache: { minTtl: Duration.seconds(60), defaultTtl: Duration.minutes(10), maxTtl: Duration.hours(1), headers: ['Accept-Language'] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 60,
        DefaultTTL: 600,
        MaxTTL: 3600,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Host', 'Accept-Language'] },
        }),
      }),
    });
  });

  test('every distribution: its aliases, the us-east-1 certificate, redirect to HTTPS, TLSv1.2_2021, HTTP/2 and 3, IPv6, compression', () => {
    const { gateway } = build(tenants(2));
    Template.fromStack(gateway.shardStacks[0]).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['tenant-0.example.com', 'tenant-1.example.com'],
        ViewerCertificate: { AcmCertificateArn: EDGE_CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          AllowedMethods: Match.arrayWith(['PUT', 'POST', 'DELETE']),
        }),
      }),
    });
  });

  test('the origin is the load balancer, HTTPS only on 443', () => {
    const { stack, gateway } = build(tenants(2));
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({ HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
    });
    const origins = Object.values(Template.fromStack(gateway.shardStacks[0]).findResources('AWS::CloudFront::Distribution'))
      .flatMap(d => d.Properties.DistributionConfig.Origins);
    expect(origins).toHaveLength(1);
    expect(origins[0].VpcOriginConfig).toBeDefined();
    expect(origins[0].CustomOriginConfig).toBeUndefined();
  });

  test('policies and VPC origins are shared up to their quotas: 101 distributions need 2 policies, 3 VPC origins', () => {
    const { stack, gateway } = build(tenants(101), { quotas: { domainsPerDistribution: 1 } });
    expect(gateway.distributions).toHaveLength(101);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFront::CachePolicy', 2);
    template.resourceCountIs('AWS::CloudFront::OriginRequestPolicy', 2);
    template.resourceCountIs('AWS::CloudFront::VpcOrigin', 3);
  });
});

describe('origin and fleet', () => {
  test('HTTPS listener on 443 with the first certificate as default and the rest by SNI; 80 redirects', () => {
    const sni = 'arn:aws:acm:eu-west-1:123456789012:certificate/second';
    const { stack } = build(tenants(1), {
      loadBalancerCertificates: [
        acm.Certificate.fromCertificateArn(new Stack(), 'A', ALB_CERT),
        acm.Certificate.fromCertificateArn(new Stack(), 'B', sni),
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: ALB_CERT }],
      SslPolicy: Match.stringLikeRegexp('TLS13'),
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerCertificate', { Certificates: [{ CertificateArn: sni }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
  });

  test('one target group; the fleet scales on CPU and on requests per target, IMDSv2 and an encrypted root volume', () => {
    const { stack } = build(tenants(1), { fleet: Fleet.autoScaling({ minCapacity: 3, maxCapacity: 9, port: 8080, healthCheckPath: '/healthz' }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, Protocol: 'HTTP', HealthCheckPath: '/healthz' });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '9' });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 }),
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }) }),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
  });

  test('an existing Auto Scaling group is registered with the target group as it is', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const asg = new autoscaling.AutoScalingGroup(stack, 'Mine', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    const gateway = new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(tenants(1)),
      vpc,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
      fleet: Fleet.autoScaling({ autoScalingGroup: asg }),
    });
    expect(gateway.autoScalingGroup).toBe(asg);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { TargetGroupARNs: Match.anyValue() });
  });
});

describe('DNS', () => {
  test('a tenant with external DNS gets no record but is on a distribution with its aliases', () => {
    const { gateway } = build([
      { id: 'inside', domainNames: ['inside.example.com'] },
      { id: 'partner', domainNames: ['www.partner.org'], externalDns: true },
    ]);
    const template = Template.fromStack(gateway.shardStacks[0]);
    expect(recordsOf(template).map(r => `${r.Name} ${r.Type}`)).toEqual(['inside.example.com. A', 'inside.example.com. AAAA']);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['inside.example.com', 'www.partner.org'] }),
    });
    expect(gateway.distributionOf('partner')).toBe(gateway.distributions[0]);
  });
});

describe('validation', () => {
  test('every problem is listed in one error, before any resource is made', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const message = errorOf(() => new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList([
        { id: 'outside', domainNames: ['shop.other.org'] },
        { id: 'pinned', domainNames: ['p.example.com'], shard: 0 },
        { id: 'pinned-too', domainNames: ['q.example.com'], shard: 0 },
      ]),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', 'arn:aws:acm:eu-west-1:123456789012:certificate/wrong'),
      loadBalancerCertificates: [],
      cache: { minTtl: Duration.hours(2), defaultTtl: Duration.hours(1) },
      fleet: Fleet.autoScaling({ minCapacity: 5, maxCapacity: 2 }),
      quotas: { domainsPerDistribution: 2, recordsPerHostedZone: 0 },
    }));
    expect(message).toMatch(/^MultiTenantGateway "Stack\/Gateway" has 7 problems:/);
    expect(message).toContain('`quotas.recordsPerHostedZone` must be a positive whole number, got 0');
    expect(message).toContain('`cache.minTtl` (7200 s) must not exceed `cache.defaultTtl` (3600 s)');
    expect(message).toContain('`fleet.minCapacity` (5) must not exceed `fleet.maxCapacity` (2)');
    expect(message).toContain('tenant "outside": `domainNames[0]` "shop.other.org" is outside the hosted zone "example.com"');
    expect(message).toContain('`distributionCertificate` is in eu-west-1; CloudFront only uses certificates in us-east-1');
    expect(message).toContain('`loadBalancerCertificates` is empty');
    expect(message).toContain('tenant "pinned-too": `shard` 0 already holds 2 domains');
    expect(stack.node.tryFindChild('Gateway')?.node.children ?? []).toEqual([]);
  });

  test('records per hosted zone count A and AAAA', () => {
    expect(errorOf(() => build(tenants(6), { quotas: { recordsPerHostedZone: 10 } })))
      .toContain('An A and an AAAA record for each of 6 tenant domains needs 12 but the Route 53 quota "Records per hosted zone" is 10');
  });

  test('policy and VPC origin quotas are checked against the shards needed', () => {
    const message = errorOf(() => build(tenants(5), {
      quotas: {
        domainsPerDistribution: 1,
        distributionsPerCachePolicy: 2,
        cachePoliciesPerAccount: 2,
        distributionsPerVpcOrigin: 1,
        vpcOriginsPerAccount: 4,
      },
    }));
    expect(message).toContain('Cache policies for distributions 0 to 4 needs 3 but the CloudFront quota "Cache policies per AWS account" is 2');
    expect(message).toContain('VPC origins for distributions 0 to 4 needs 5 but the CloudFront quota "VPC origins per AWS account" is 4');
  });

  test('a gateway needs tenants', () => {
    expect(errorOf(() => build([]))).toContain('tenant list has no tenants; a gateway needs at least one');
  });

  test('fleet options for a group the gateway makes cannot be mixed with your own group', () => {
    const stack = new Stack();
    const asg = new autoscaling.AutoScalingGroup(stack, 'Mine', {
      vpc: new ec2.Vpc(stack, 'Vpc'), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(errorOf(() => build(tenants(1), { fleet: Fleet.autoScaling({ autoScalingGroup: asg, minCapacity: 4 }) })))
      .toContain('`fleet.minCapacity` shapes an Auto Scaling group the gateway makes, but `fleet.autoScalingGroup` brings your own');
  });

  test('Host listed as an extra cache-key header is refused', () => {
    expect(errorOf(() => build(tenants(1), { cache: { headers: ['host'] } })))
      .toContain('`cache.headers` lists "host"; Host is always in the cache key');
  });

  test('a hosted zone imported by id alone cannot be checked: warning, not error', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(tenants(1)),
      hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z123'),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Gateway', Match.stringLikeRegexp('hosted zone\'s name is not known'));
  });
});

describe('network', () => {
  test('availabilityZones spares the zone lookup and must name two zones of the stack\'s region', () => {
    const { app, stack } = build(tenants(1), { availabilityZones: ['eu-west-1a', 'eu-west-1c'] });
    const zones = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map(r => r.Properties.AvailabilityZone);
    expect(new Set(zones)).toEqual(new Set(['eu-west-1a', 'eu-west-1c']));
    expect(app.synth().manifest.missing).toBeUndefined();
    // The stack answers with its own zones again (a lookup) once the VPC is made.
    expect(stack.availabilityZones).toEqual(['dummy1a', 'dummy1b', 'dummy1c']);
    // Without them, the stack's zones are looked up: context the CLI must fetch with credentials.
    expect(build(tenants(1)).app.synth().manifest.missing?.map(m => m.provider)).toEqual(['availability-zones']);

    expect(errorOf(() => build(tenants(1), { availabilityZones: ['eu-west-1a'] })))
      .toContain('`availabilityZones` must name at least two zones (a load balancer spans two), got ["eu-west-1a"]');
    expect(errorOf(() => build(tenants(1), { availabilityZones: ['eu-west-1a', 'us-east-1b'] })))
      .toContain('`availabilityZones` must be zones of the stack\'s region eu-west-1 (such as "eu-west-1a"), got ["us-east-1b"]');
  });

  test('VPC origins need an internet gateway in a VPC you bring; an imported VPC is warned about', () => {
    const app = new App();
    const stack = new Stack(app, 'Isolated', { env: ENV });
    const isolated = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'Only', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(errorOf(() => new MultiTenantGateway(stack, 'Gateway', {
      tenants: Tenants.fromList(tenants(1)),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
      distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT),
      loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'AlbCert', ALB_CERT)],
      vpc: isolated,
    }))).toContain('`vpc` has no internet gateway, which CloudFront VPC origins need');

    const { stack: withImported } = build(tenants(1), {
      vpc: ec2.Vpc.fromVpcAttributes(new Stack(new App(), 'Elsewhere', { env: ENV }), 'Imported', {
        vpcId: 'vpc-1234',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetIds: ['subnet-1', 'subnet-2'],
        privateSubnetIds: ['subnet-3', 'subnet-4'],
      }),
    });
    expect(Annotations.fromStack(withImported).findWarning('*', Match.stringLikeRegexp('could not be checked for what CloudFront VPC origins need'))).toHaveLength(1);
  });
});
