import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MultiTenantGatewayProps, OriginAccess } from '../../src';
import { gatewayStack, WEB_ACL_ARN } from '../security-helpers';

function templates(props: Partial<MultiTenantGatewayProps> = {}, tenants = 3) {
  const { stack, gateway } = gatewayStack(props, tenants);
  return { parent: Template.fromStack(stack), shards: gateway.shardStacks.map(s => Template.fromStack(s)), gateway };
}

/** The bucket policy statements of the bucket whose logical id starts with `prefix`. */
function bucketStatements(t: Template, prefix: string): any[] {
  const policies = t.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: Match.stringLikeRegexp(`^${prefix}`) } } });
  return Object.values(policies).flatMap(p => p.Properties.PolicyDocument.Statement);
}

const SSL_ONLY = expect.objectContaining({
  Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

describe('TLS everywhere', () => {
  const { parent, shards } = templates();

  test('the HTTPS listener uses a TLS 1.3 + 1.2 policy; port 80 only redirects', () => {
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
  });

  test('viewers get TLS 1.2 (2021 policy) at least and are redirected to HTTPS', () => {
    shards[0].hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });
});

describe('the app servers', () => {
  const { parent } = templates();

  test('require IMDSv2 and boot from an encrypted volume', () => {
    parent.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
  });

  test('have an SSM role and no SSH key or ingress', () => {
    parent.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonSSMManagedInstanceCore')])] }],
    });
    const data = Object.values(parent.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData;
    expect(data.KeyName).toBeUndefined();
    const ingress = Object.values(parent.findResources('AWS::EC2::SecurityGroupIngress')).map(r => r.Properties);
    expect(ingress.filter(p => p.FromPort === 22)).toEqual([]);
  });
});

describe('load balancer access logs', () => {
  test('are on by default, into an encrypted, TLS-only, private bucket', () => {
    const { parent, gateway } = templates();
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    parent.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
    });
    expect(bucketStatements(parent, 'GatewayLogBucket')).toContainEqual(SSL_ONLY);
    expect(gateway.logBucket).toBeDefined();
  });

  test('go to your bucket when you give one, and can be turned off', () => {
    const { stack } = gatewayStack({ loadBalancerAccessLogs: false, vpcFlowLogs: false, distributionLogging: false });
    const off = Template.fromStack(stack);
    off.resourceCountIs('AWS::S3::Bucket', 0);
    off.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.not(Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }])),
    });
  });

  test('the VPC the gateway makes writes flow logs to the log bucket, and hands out no public addresses', () => {
    const { parent } = templates();
    parent.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL' });
    const subnets = Object.values(parent.findResources('AWS::EC2::Subnet')).map(r => r.Properties.MapPublicIpOnLaunch);
    expect(subnets).toEqual([false, false, false, false]);
  });

  test('the VPC the gateway makes has its default security group closed, unless you opt out', () => {
    const { parent } = templates();
    parent.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    parent.hasResourceProperties('Custom::VpcRestrictDefaultSG', { DefaultSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayVpc'), 'DefaultSecurityGroup'] } });
    // aws-cdk-lib's function, on a current runtime, its checkov findings skipped on it alone.
    const [handler] = Object.entries(parent.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider')).map(([, resource]) => resource);
    expect(handler.Properties.Runtime).toBe('nodejs22.x');
    expect(handler.Metadata.checkov.skip.map((k: { id: string }) => k.id)).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']);
    templates({ restrictDefaultSecurityGroup: false }).parent.resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
  });

  test('one NAT gateway by default; one per zone on request; checked against the zones and a brought VPC', () => {
    templates().parent.resourceCountIs('AWS::EC2::NatGateway', 1);
    templates({ natGateways: 2 }).parent.resourceCountIs('AWS::EC2::NatGateway', 2);
    expect(() => gatewayStack({ natGateways: 3 }))
      .toThrow(/`natGateways` must be a whole number from 1 to 2 \(one per Availability Zone at most; the app servers need a way out\), got 3/);
    expect(() => gatewayStack({ natGateways: 0 })).toThrow(/`natGateways` must be a whole number from 1 to 2/);
    expect(() => gatewayStack(scope => ({ vpc: new ec2.Vpc(scope, 'Mine'), natGateways: 2 })))
      .toThrow(/`natGateways` shapes the VPC the gateway makes; leave it out when you bring `vpc`/);
  });

  test('deletion protection is on by default, and can be turned off explicitly', () => {
    templates().parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    // Relies on false: turned off explicitly.
    templates({ loadBalancerDeletionProtection: false }).parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
  });
});

describe('CloudFront standard logging', () => {
  test('can be turned off', () => {
    const { parent, shards, gateway } = templates({ distributionLogging: false });
    const [distribution] = Object.values(shards[0].findResources('AWS::CloudFront::Distribution'));
    expect(distribution.Properties.DistributionConfig.Logging).toBeUndefined();
    expect(gateway.distributionLogBucket).toBeUndefined();
    parent.resourceCountIs('AWS::S3::Bucket', 1); // the load balancer's and flow logs'
  });

  test('is on by default: each shard under its own prefix to a bucket with ACLs, encrypted and TLS-only', () => {
    const { parent, shards, gateway } = templates({}, 150);
    expect(gateway.distributionLogBucket).toBeDefined();
    parent.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
    expect(bucketStatements(parent, 'GatewayDistributionLogBucket')).toContainEqual(SSL_ONLY);
    shards.forEach((shard, i) => shard.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Logging: Match.objectLike({ Prefix: `distribution-${i}/`, Bucket: Match.anyValue() }) }),
    }));
  });

  test('off by default where CloudFront delivers no standard logs; asking for them there without a bucket elsewhere is an error', () => {
    const originAccess = OriginAccess.vpcOrigin({ prefixListId: 'pl-1234abcd' });
    const { gateway } = gatewayStack({ originAccess }, 3, 'eu-south-1');
    expect(gateway.distributionLogBucket).toBeUndefined();
    expect(() => gatewayStack({ originAccess, distributionLogging: true }, 3, 'eu-south-1'))
      .toThrow(/`distributionLogging`: CloudFront delivers no standard logs to S3 buckets in eu-south-1; give `distributionLogBucket`, a bucket in another region, or turn `distributionLogging` off/);
    const elsewhere = gatewayStack(scope => ({ originAccess, distributionLogging: true, distributionLogBucket: s3.Bucket.fromBucketName(scope, 'Mine', 'logs-in-eu-west-1') }), 3, 'eu-south-1');
    Template.fromStack(elsewhere.gateway.shardStacks[0]).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Logging: Match.objectLike({ Prefix: 'distribution-0/' }) }),
    });
  });

  test('a bucket of your own is used instead; turning it off with a bucket is an error', () => {
    const { stack, gateway } = gatewayStack(scope => ({ distributionLogBucket: s3.Bucket.fromBucketName(scope, 'Mine', 'my-cloudfront-logs') }));
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1); // the load balancer's; none made for CloudFront
    Template.fromStack(gateway.shardStacks[0]).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Logging: Match.objectLike({ Bucket: Match.anyValue(), Prefix: 'distribution-0/' }) }),
    });
    expect(() => gatewayStack(scope => ({ distributionLogging: false, distributionLogBucket: s3.Bucket.fromBucketName(scope, 'Mine', 'x-logs') })))
      .toThrow(/`distributionLogging` is false but `distributionLogBucket` is given; drop one of them/);
  });
});

describe('response headers', () => {
  test('every distribution gets the security headers policy: HSTS, nosniff, frame and referrer policies', () => {
    const { parent, shards, gateway } = templates({}, 150);
    parent.resourceCountIs('AWS::CloudFront::ResponseHeadersPolicy', 1);
    parent.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: Duration.days(730).toSeconds(), IncludeSubdomains: false }),
          ContentTypeOptions: Match.anyValue(),
          FrameOptions: Match.objectLike({ FrameOption: 'SAMEORIGIN' }),
          ReferrerPolicy: Match.objectLike({ ReferrerPolicy: 'strict-origin-when-cross-origin' }),
        }),
      }),
    });
    for (const shard of shards) {
      shard.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({ DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('ResponseHeaders') } }) }),
      });
    }
    expect(gateway.responseHeadersPolicies).toHaveLength(1);
  });

  test('a policy of your own replaces it', () => {
    const { parent, shards, gateway } = templates({ responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS });
    parent.resourceCountIs('AWS::CloudFront::ResponseHeadersPolicy', 0);
    shards[0].hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03' }) }),
    });
    expect(gateway.responseHeadersPolicies).toEqual([]);
  });

  test('a new policy every `distributionsPerResponseHeadersPolicy` distributions', () => {
    const { parent } = templates({ quotas: { distributionsPerResponseHeadersPolicy: 1 } }, 150);
    parent.resourceCountIs('AWS::CloudFront::ResponseHeadersPolicy', 2);
  });

  test('a policy of your own that would serve more distributions than the quota allows is an error', () => {
    const props = { responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS, quotas: { distributionsPerResponseHeadersPolicy: 1 } };
    expect(() => gatewayStack(props, 150))
      .toThrow(/`responseHeadersPolicy`, which every distribution shares, needs 2 but the CloudFront quota "Distributions associated with the same response headers policy" is 1/);
  });
});

describe('AWS WAF', () => {
  test('no web ACL unless given; when given, every distribution uses it', () => {
    expect(templates().shards[0].toJSON()).not.toHaveProperty('Resources.WebACLId');
    const { shards } = templates({ webAclId: WEB_ACL_ARN, originAccess: OriginAccess.secretHeader() }, 150);
    shards.forEach(shard => shard.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: WEB_ACL_ARN }),
    }));
  });

  test('an id that is not a CloudFront-scope WAFv2 web ACL ARN is an error', () => {
    expect(() => gatewayStack({ webAclId: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/1' }))
      .toThrow(/`webAclId` must be the ARN of a WAFv2 web ACL with CloudFront scope/);
  });
});

test('access logs in a stack without a region are a clear error, not a deep one', () => {
  expect(() => gatewayStack({}, 3, null)).toThrow(/load balancer access logs \(`loadBalancerAccessLogs`, on by default\) need the stack's region/);
});

test('a log retention that is not whole days is an error', () => {
  expect(() => gatewayStack({ logRetention: Duration.hours(5) })).toThrow(/`logRetention` must be a whole number of days, at least one, got 5 hours/);
});
