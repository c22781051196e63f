// A small gateway that deploys as it is: DNS-validated certificates, the fleet's placeholder app
// (every tenant domain answers with a page showing its Host), and a teardown that deletes it all.
// In an app of your own, import from 'cdk-multi-tenant-gateway' instead of the source.
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { Fleet, GatewayCertificates, MultiTenantGateway, TenantProps, Tenants } from '../../../src';

export interface DeployableGatewayStackProps extends StackProps {
  /** The id of the public hosted zone the tenant records go in. */
  readonly hostedZoneId: string;
  /** The zone's name; the tenants' domains are moved into it. */
  readonly zoneName: string;
  /** Two distinct zones of the stack's region, so synth needs no lookup. */
  readonly availabilityZones: string[];
  /** How many of tenants.json's tenants to serve, from the first. @default all */
  readonly tenantCount?: number;
}

/** The tenants of tenants.json, their `example.com` domains moved into `zoneName`. */
export function exampleTenants(zoneName: string, count?: number): TenantProps[] {
  const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'tenants.json'), 'utf8')) as { tenants: TenantProps[] };
  return file.tenants.slice(0, count).map(tenant => ({
    ...tenant,
    domainNames: tenant.domainNames.map(domain => domain.replace(/example\.com$/, zoneName)),
  }));
}

export class DeployableGatewayStack extends Stack {
  public readonly gateway: MultiTenantGateway;

  constructor(scope: Construct, id: string, props: DeployableGatewayStackProps) {
    super(scope, id, props);
    const tenants = exampleTenants(props.zoneName, props.tenantCount);
    this.gateway = new MultiTenantGateway(this, 'Gateway', {
      tenants: Tenants.fromList(tenants),
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.hostedZoneId,
        zoneName: props.zoneName,
      }),
      certificates: GatewayCertificates.dnsValidated(),
      availabilityZones: props.availabilityZones,
      // One small instance is enough to see every tenant answer.
      fleet: Fleet.autoScaling({ minCapacity: 1, maxCapacity: 2 }),
      // An example: `cdk destroy` deletes everything, logs included.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Annotations.of(this.gateway).acknowledgeWarning('cdk-multi-tenant-gateway:placeholder-app',
      'The example serves the placeholder app on purpose: each tenant domain shows its Host.');
    for (const tenant of tenants) {
      new CfnOutput(this, `Url${tenant.id}`, { value: `https://${tenant.domainNames[0]}/`, description: `Tenant ${tenant.id}` });
    }
  }
}
