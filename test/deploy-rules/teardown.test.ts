// Teardown: with the default removal policy a gateway keeps what it must (logs, the protected load
// balancer); with RemovalPolicy.DESTROY, `cdk destroy` deletes all of it in one go.
//
// Sources:
// - A load balancer with deletion protection cannot be deleted until it is turned off ("Deletion
//   protection", Application Load Balancers, Elastic Load Balancing User Guide,
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection):
//   CloudFormation deletes the shards, then fails on the load balancer, leaving the stack half deleted.
// - A resource with DeletionPolicy Retain outlives its stack ("DeletionPolicy attribute", AWS
//   CloudFormation User Guide,
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
// - S3 deletes only an empty bucket, every object version and delete marker gone ("DeleteBucket",
//   Amazon S3 API Reference, https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html),
//   so a versioned log bucket deleted with its stack needs emptying first.
import * as fs from 'fs';
import * as path from 'path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { EdgeMode, MultiTenantGatewayProps } from '../../src';
import { errorOf } from '../errors';
import { build, tenants } from '../gateway-fixture';

/** Every resource of the gateway's assembly, nested templates included. */
function resources(overrides: Partial<MultiTenantGatewayProps>): { id: string; Type: string; DeletionPolicy?: string; Properties?: any }[] {
  const { app } = build(tenants(3), overrides);
  const dir = app.synth().directory;
  return fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).flatMap(f =>
    Object.entries<any>(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).Resources ?? {}).map(([id, r]) => ({ id, ...r })));
}

const protection = (all: ReturnType<typeof resources>) => all.filter(r => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')
  .map(r => r.Properties.LoadBalancerAttributes.find((a: any) => a.Key === 'deletion_protection.enabled')?.Value);
const buckets = (all: ReturnType<typeof resources>) => all.filter(r => r.Type === 'AWS::S3::Bucket');

describe('teardown', () => {
  test('by default the load balancer is protected from deletion and the log buckets are kept', () => {
    const all = resources({});
    expect(protection(all)).toEqual(['true']);
    expect(buckets(all).length).toBeGreaterThan(0);
    expect(buckets(all).map(b => b.DeletionPolicy)).toEqual(buckets(all).map(() => 'Retain'));
  });

  test.each([
    ['sharded distributions', undefined],
    ['multi-tenant distribution', EdgeMode.multiTenantDistribution()],
  ])('RemovalPolicy.DESTROY (%s): nothing protected, nothing retained, the log buckets emptied before they go', (_, edge) => {
    const all = resources({ removalPolicy: RemovalPolicy.DESTROY, edge });
    expect(protection(all)).toEqual(['false']);
    expect(all.filter(r => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete').map(r => `${r.id} ${r.DeletionPolicy}`)).toEqual([]);
    const emptied = all.filter(r => r.Type === 'Custom::S3AutoDeleteObjects').map(r => JSON.stringify(r.Properties.BucketName));
    expect(buckets(all).map(b => JSON.stringify({ Ref: b.id })).sort()).toEqual(emptied.sort());
  });

  test('RemovalPolicy.DESTROY with the load balancer protected is refused: the destroy would stop half way', () => {
    expect(errorOf(() => build(tenants(3), { removalPolicy: RemovalPolicy.DESTROY, loadBalancerDeletionProtection: true })))
      .toMatch(/`removalPolicy` RemovalPolicy.DESTROY deletes everything with the stack, but `loadBalancerDeletionProtection` true would stop `cdk destroy`/);
  });
});
