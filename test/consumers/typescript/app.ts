// A TypeScript user's app: the published package (cdk-multi-tenant-gateway from npm), run by the
// aws-cdk CLI (`cdk synth`, see cdk.json) with the feature flags `cdk init app` writes and
// cdk-nag's AwsSolutionsChecks. The Python, Java and Go consumers build the same gateway.
//
// The stack has a concrete env; `availabilityZones` names the VPC's zones, so `cdk synth` looks
// nothing up and needs no credentials. `-c lookup-availability-zones=true` leaves it out, and
// then the CLI must look the zones up (test/consumers/run.sh shows both).
import { App, Aspects, CfnOutput, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiTenantGateway, Tenants } from 'cdk-multi-tenant-gateway';

const app = new App();
Aspects.of(app).add(new AwsSolutionsChecks());
const stack = new Stack(app, 'ConsumerGateway', { env: { account: '123456789012', region: 'us-east-1' } });

const gateway = new MultiTenantGateway(stack, 'Gateway', {
  tenants: Tenants.fromList(Array.from({ length: 150 }, (_, i) => ({ id: `tenant-${i}`, domainNames: [`tenant-${i}.example.com`] }))),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  }),
  distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
  loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000')],
  availabilityZones: app.node.tryGetContext('lookup-availability-zones') ? undefined : ['us-east-1a', 'us-east-1b'],
  webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  distributionLogging: true,
});

gateway.distributions.forEach((distribution, i) => {
  new CfnOutput(stack, `Distribution${i}`, { value: distribution.distributionDomainName });
});
