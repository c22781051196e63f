// The two-cell example: tenants of examples/cells-tenants.json on three origins. The gateway's own
// ECS Fargate service is the default cell; "premium" tenants get a load balancer and a Fargate
// service of their own; "eu" tenants reach a load balancer deployed elsewhere, with the gateway's
// secret header. Run it with `npm run example:cells`; it synthesizes into examples/typescript/cdk.out.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Cell, Fleet, MultiTenantGateway, OriginAccess, Tenants } from '../../src';

const app = new App({ outdir: path.join(__dirname, 'cdk.out') });
const stack = new Stack(app, 'CellsExampleGateway', { env: { account: '123456789012', region: 'us-east-1' } });
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable');

const gateway = new MultiTenantGateway(stack, 'Gateway', {
  tenants: Tenants.fromFile(path.join(__dirname, '..', 'cells-tenants.json')),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  }),
  distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
  loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000')],
  // A cell elsewhere is reached over the internet, so every origin checks the secret header.
  originAccess: OriginAccess.secretHeader(),
  fleet: Fleet.ecsFargate({ image }),
  cells: [
    Cell.withFleet('premium', { fleet: Fleet.ecsFargate({ image, minTasks: 4, maxTasks: 20 }) }),
    Cell.fromHttpsOrigin('eu', { domainName: 'origin-eu.example.net' }),
  ],
});

const assembly = app.synth();
const tenants = Tenants.fromFile(path.join(__dirname, '..', 'cells-tenants.json')).list;
const cellOf = new Map(tenants.map(t => [t.id, t.cell ?? 'default']));
const byShard = new Map<number, string[]>();
for (const p of gateway.placements) byShard.set(p.shard, [...(byShard.get(p.shard) ?? []), p.tenantId]);
console.log(`Synthesized ${tenants.length} tenants into ${gateway.distributions.length} distributions, one cell each:`);
for (const [shard, ids] of [...byShard].sort(([a], [b]) => a - b)) {
  console.log(`  shard ${shard}: cell "${cellOf.get(ids[0])}", tenants ${ids.join(', ')}`);
}
console.log(`Written to ${path.relative(process.cwd(), assembly.directory)}`);
