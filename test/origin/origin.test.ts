import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OriginAccess } from '../../src';
import { gatewayStack } from '../security-helpers';

function templates(props: Parameters<typeof gatewayStack>[0], region?: string | null) {
  const { stack, gateway } = gatewayStack(props, 3, region);
  return { parent: Template.fromStack(stack), shard: Template.fromStack(gateway.shardStacks[0]), gateway };
}

describe('OriginAccess.vpcOrigin (default)', () => {
  const { parent, shard, gateway } = templates({});

  test('the load balancer is internal and admits HTTPS from CloudFront\'s origin-facing prefix list only', () => {
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const ingress = parent.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('GatewayOriginSecurityGroup'), 'GroupId'] } },
    });
    expect(Object.values(ingress).map(r => r.Properties)).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52',
    })]);
  });

  test('the distribution reaches it through a VPC origin over HTTPS 443 with TLS 1.2', () => {
    parent.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({ HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
    });
    shard.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Origins: [Match.objectLike({ VpcOriginConfig: Match.anyValue() })] }),
    });
    expect(gateway.originSecret).toBeUndefined();
  });

  test('the HTTPS listener forwards by default; no secret header is involved', () => {
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    parent.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    parent.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });
});

describe('OriginAccess.secretHeader', () => {
  const { parent, shard, gateway } = templates({ originAccess: OriginAccess.secretHeader() });

  test('the load balancer is internet-facing and admits only the CloudFront prefix list on 443, never 0.0.0.0/0 or ::/0', () => {
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    const inline = Object.values(parent.findResources('AWS::EC2::SecurityGroup')).flatMap(r => r.Properties.SecurityGroupIngress ?? []);
    const standalone = Object.values(parent.findResources('AWS::EC2::SecurityGroupIngress')).map(r => r.Properties);
    const open = [...inline, ...standalone].filter(p => p.CidrIp === '0.0.0.0/0' || p.CidrIpv6 === '::/0');
    expect(open).toEqual([]);
    parent.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' });
  });

  test('the listener answers 403 by default and forwards only requests carrying the secret header', () => {
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }],
    });
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Actions: [Match.objectLike({ Type: 'forward' })],
      Conditions: [{
        Field: 'http-header',
        HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['{{resolve:secretsmanager:'])] })] },
      }],
    });
  });

  test('CloudFront sends the header as a Secrets Manager dynamic reference, HTTPS-only on 443 with TLS 1.2', () => {
    shard.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({
          CustomOriginConfig: Match.objectLike({ HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
          OriginCustomHeaders: [{ HeaderName: 'X-Origin-Verify', HeaderValue: { 'Fn::Join': ['', Match.arrayWith(['{{resolve:secretsmanager:'])] } }],
        })],
      }),
    });
    parent.resourceCountIs('AWS::CloudFront::VpcOrigin', 0);
  });

  test('the secret is generated at deploy time: letters and digits only, never in the template', () => {
    parent.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
    expect(gateway.originSecret).toBeDefined();
  });

  test('a header name, a secret of your own and a prefix list id can be given', () => {
    const { stack } = gatewayStack(scope => ({
      originAccess: OriginAccess.secretHeader({
        headerName: 'X-From-Edge',
        secret: secretsmanager.Secret.fromSecretNameV2(scope, 'Mine', 'gateway/origin-secret'),
        prefixListId: 'pl-0123abcd',
      }),
    }));
    const t = { parent: Template.fromStack(stack) };
    t.parent.resourceCountIs('AWS::SecretsManager::Secret', 0);
    t.parent.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourcePrefixListId: 'pl-0123abcd' });
    t.parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [Match.objectLike({ HttpHeaderConfig: Match.objectLike({ HttpHeaderName: 'X-From-Edge' }) })],
    });
  });
});

describe('the CloudFront prefix list', () => {
  test('comes from the built-in table for the stack\'s region', () => {
    const { parent } = templates({}, 'eu-central-1');
    parent.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourcePrefixListId: 'pl-a3a144ca' });
  });

  test('a stack whose region is known only at deploy time looks it up in a template mapping', () => {
    const { parent } = templates({ loadBalancerAccessLogs: false }, null);
    parent.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourcePrefixListId: { 'Fn::FindInMap': ['CloudFrontOriginFacingPrefixLists', { Ref: 'AWS::Region' }, 'id'] },
    });
    expect(parent.toJSON().Mappings.CloudFrontOriginFacingPrefixLists['eu-west-1']).toEqual({ id: 'pl-4fa04526' });
  });

  test('a region the table lacks needs `prefixListId`, named in the error', () => {
    expect(() => gatewayStack({}, 3, 'ap-east-1')).toThrow(/prefix list com\.amazonaws\.global\.cloudfront\.origin-facing in ap-east-1 is not built in; pass it as `prefixListId`/);
    expect(() => gatewayStack({ originAccess: OriginAccess.vpcOrigin({ prefixListId: 'pl-14b2577d' }) }, 3, 'ap-east-1')).not.toThrow();
  });

  test('a malformed id or header name is an error', () => {
    expect(() => gatewayStack({ originAccess: OriginAccess.secretHeader({ prefixListId: 'sg-123', headerName: 'X Bad' }) }))
      .toThrow(/`prefixListId` must look like "pl-0123abcd", got "sg-123"[\s\S]*`headerName` must be 1 to 40 letters, digits or hyphens, got "X Bad"/);
  });
});
