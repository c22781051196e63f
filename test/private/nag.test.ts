import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiTenantGatewayProps, OriginAccess } from '../../src';
import { gatewayStack, WEB_ACL_ARN } from '../security-helpers';

/**
 * Every unsuppressed AwsSolutions error and warning as "path: rule". A nested stack is no cloud
 * assembly artifact of its own: the findings on its resources (each shard's distribution and
 * records) are reported in the parent stack's, under the shard's path.
 */
function nagFindings(props: Partial<MultiTenantGatewayProps>): string[] {
  const { app, stack } = gatewayStack(props, 3);
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map(m => `${m.id}: ${String(m.entry.data).split(':')[0]}`).sort();
}

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['VPC origins', OriginAccess.vpcOrigin()],
    ['secret header', OriginAccess.secretHeader()],
  ])('a gateway with WAF and CloudFront logging on (%s) has no unsuppressed finding', (_, originAccess) => {
    expect(nagFindings({ originAccess, webAclId: WEB_ACL_ARN, distributionLogging: true })).toEqual([]);
  });

  test('with the defaults, only the opt-ins a user decides (WAF, CloudFront logs) are reported, from inside the shard stack', () => {
    expect(nagFindings({})).toEqual([
      '/Test/Gateway/Shard0/Distribution/Resource: AwsSolutions-CFR2',
      '/Test/Gateway/Shard0/Distribution/Resource: AwsSolutions-CFR3',
    ]);
  });
});
