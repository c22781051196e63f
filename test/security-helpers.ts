// Shared by the security, origin, fleet and nag tests: a small gateway in a stack of its own.
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MultiTenantGateway, MultiTenantGatewayProps, Tenants } from '../src';

export const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

export interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly gateway: MultiTenantGateway;
}

/**
 * A gateway of `tenants` single-domain tenants; `props` override the defaults. A `null` region
 * makes an environment-agnostic stack.
 */
export function gatewayStack(props: Partial<MultiTenantGatewayProps> | ((stack: Stack) => Partial<MultiTenantGatewayProps>) = {},
  tenants = 3, region: string | null = 'us-east-1'): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Test', region === null ? {} : { env: { account: '123456789012', region } });
  const overrides = typeof props === 'function' ? props(stack) : props;
  const gateway = new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromJson(JSON.stringify(
      Array.from({ length: tenants }, (_, i) => ({ id: `t${i}`, domainNames: [`t${i}.example.com`], shard: Math.floor(i / 100) })))),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate',
      'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate',
      `arn:aws:acm:${region ?? 'us-east-1'}:123456789012:certificate/66666666-7777-8888-9999-000000000000`)],
    ...overrides,
  });
  return { app, stack, gateway };
}
