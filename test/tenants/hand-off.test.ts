// A template tenant handed to the control plane (`handOff`): the file's rules, what the gateway
// refuses, and what each stage leaves in the templates.
//
// The hand-off relies on CloudFormation keeping a resource whose DeletionPolicy is Retain when an
// update leaves it out of the template: the policy "also applies to stack update operations that
// lead to resources being deleted from stacks" ("DeletionPolicy attribute", CloudFormation Template
// Reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
// It is the policy of the template in force that counts, so "prepare" deploys it before "store"
// leaves the resource out; the placement guard refuses "store" when "prepare" was not deployed.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { EdgeMode, MultiTenantDistributionOptions, MultiTenantGatewayProps, TenantCertificate, TenantProps, Tenants } from '../../src';
import { addTenant } from '../../src/cli/commands';
import { moveTenant } from '../../src/cli/move';
import { formatRegistry, parseRegistry } from '../../src/cli/registry-file';
import { EdgeShape, MULTI_TENANT_DISTRIBUTION, SHARDED_DISTRIBUTIONS } from '../../src/edge/shape';
import { planGateway } from '../../src/gateway/plan';
import { placementRecordOf, refusal, skippedHandOffs, undeclaredMoves } from '../../src/moves/placement-record';
import { Quotas, resolveQuotas } from '../../src/quotas/quotas';
import { tenantProblems } from '../../src/tenants/tenants';
import { errorOf } from '../errors';
import { build as buildGateway, only, recordsOf } from '../gateway-fixture';

const MANAGED: MultiTenantDistributionOptions = { tenantCertificate: TenantCertificate.cloudFrontManaged(), controlPlane: {} };
const ACME: TenantProps = { id: 'acme', domainNames: ['acme.example.com', 'www.acme.example.com'], config: { plan: 'gold' } };
const BETA: TenantProps = { id: 'beta', domainNames: ['beta.example.com'], config: { plan: 'silver' } };

function build(list: TenantProps[], options: MultiTenantDistributionOptions = MANAGED, overrides: Partial<MultiTenantGatewayProps> = {}) {
  const built = buildGateway(list, { edge: EdgeMode.multiTenantDistribution(options), ...overrides });
  const shards = built.gateway.shardStacks.map(s => Template.fromStack(s));
  return { ...built, template: Template.fromStack(built.stack), shards };
}

/** The shard template's distribution tenants by name, with their attributes. */
function distributionTenants(shard: Template): Map<string, any> {
  return new Map(Object.values(shard.findResources('AWS::CloudFront::DistributionTenant')).map(r => [r.Properties.Name, r]));
}

function withHandOff(tenant: TenantProps, handOff: string | undefined): TenantProps {
  return { ...tenant, handOff };
}

/** The plan the gateway and the CLI share. */
function planOf(list: TenantProps[], edge: EdgeShape = MULTI_TENANT_DISTRIBUTION, quotas: Quotas = {}) {
  return planGateway({
    tenants: list,
    quotas: resolveQuotas(quotas).quotas,
    edge,
    shared: { vpcOrigins: true, responseHeadersPolicies: true, cachePoliciesPerBlock: 1, cacheBehaviors: 0 },
  });
}

describe('the tenants file', () => {
  test('"prepare" and "store" are taken; any other value is refused by name', () => {
    expect(tenantProblems([withHandOff(ACME, 'prepare'), withHandOff(BETA, 'store')])).toEqual([]);
    expect(tenantProblems([withHandOff(ACME, 'later')])).toEqual(['tenant "acme": `handOff` "later" must be one of "prepare", "store"']);
    expect(tenantProblems([{ ...ACME, handOff: true as unknown as string }]))
      .toEqual(['tenant "acme": `handOff` true must be one of "prepare", "store"']);
  });

  test('a tenant does one thing at a time: no `movedFrom` or `adoptFrom` beside it', () => {
    expect(tenantProblems([{ ...withHandOff(ACME, 'prepare'), movedFrom: { shard: 1 } }])).toEqual([
      'tenant "acme": `handOff` "prepare" and `movedFrom` are both given; a tenant does one thing at a time: finish its move and remove `movedFrom`, then hand it off',
    ]);
    expect(tenantProblems([{ ...withHandOff(ACME, 'store'), externalDns: true, adoptFrom: { distributionId: 'E2QWRUHEXAMPLE' } }])).toEqual([
      'tenant "acme": `handOff` "store" and `adoptFrom` are both given; a tenant does one thing at a time: finish its move and remove `adoptFrom`, then hand it off',
    ]);
  });

  test('Tenants.fromJson gives the rule in its one error, naming the file', () => {
    const text = JSON.stringify({ tenants: [{ id: 'acme', domainNames: ['acme.example.com'], handOff: 'Store' }] });
    expect(errorOf(() => Tenants.fromJson(text, 'tenants.json'))).toMatch(/tenants\.json[\s\S]*tenant "acme": `handOff` "Store" must be one of "prepare", "store"/);
  });
});

describe('what the gateway refuses', () => {
  test('sharded distributions: no distribution tenant to hand off (the CLI\'s plan says the same)', () => {
    const message = errorOf(() => buildGateway([withHandOff(ACME, 'prepare')]));
    const rule = 'tenant "acme": `handOff` "prepare" hands the tenant\'s distribution tenant to the control plane, which needs a multi-tenant ' +
      'distribution with a control plane (EdgeMode.multiTenantDistribution({ controlPlane }), `settings.edge` "multiTenantDistribution"); ' +
      'with sharded distributions the tenant has none: remove `handOff`';
    expect(message).toContain(rule);
    expect(planOf([withHandOff(ACME, 'prepare')], SHARDED_DISTRIBUTIONS).problems).toContain(rule);
    expect(planOf([withHandOff(ACME, 'prepare')]).problems).toEqual([]);
  });

  test('a multi-tenant distribution without a control plane: nothing would adopt the tenant', () => {
    const message = errorOf(() => build([withHandOff(ACME, 'prepare')], { tenantCertificate: TenantCertificate.cloudFrontManaged() }));
    expect(message).toContain('tenant "acme": `handOff` "prepare" hands the tenant to the gateway\'s control plane, which it does not have: ' +
      'give EdgeMode.multiTenantDistribution a `controlPlane`, or remove `handOff`');
    expect(message).not.toMatch(/cloudFrontManaged\(\)`: the control plane/);
  });

  test('tenant certificates other than CloudFront-managed ones: the control plane adopts the certificate as it is', () => {
    for (const tenantCertificate of [TenantCertificate.fromParent(), undefined]) {
      const message = errorOf(() => build([withHandOff(ACME, 'store')], { controlPlane: {}, tenantCertificate }));
      expect(message).toContain('tenant "acme": `handOff` "store" needs `tenantCertificate: TenantCertificate.cloudFrontManaged()`: the control ' +
        'plane keeps its tenants on CloudFront-managed certificates and adopts the distribution tenant\'s certificate as it is');
      expect(message).not.toMatch(/does not have/);
    }
  });

  test('every problem in the one error: both tenants, both rules', () => {
    const message = errorOf(() => build([withHandOff(ACME, 'prepare'), withHandOff(BETA, 'store')], {}));
    for (const id of ['acme', 'beta']) {
      expect(message).toMatch(new RegExp(`tenant "${id}": \`handOff\` "\\w+" hands the tenant to the gateway's control plane`));
      expect(message).toMatch(new RegExp(`tenant "${id}": \`handOff\` "\\w+" needs \`tenantCertificate`));
    }
  });

  test('only a tenant handing off is held to them: its neighbours without `handOff` are named in no problem', () => {
    const message = errorOf(() => build([withHandOff(ACME, 'prepare'), BETA], {}));
    expect(message).toContain('tenant "acme"');
    expect(message).not.toContain('tenant "beta"');
  });
});

describe('"prepare"', () => {
  const before = build([ACME, BETA]);
  const prepared = build([withHandOff(ACME, 'prepare'), BETA]);

  test('the distribution tenant keeps the same properties and gets DeletionPolicy and UpdateReplacePolicy Retain', () => {
    const was = distributionTenants(before.shards[0]).get('acme');
    const now = distributionTenants(prepared.shards[0]).get('acme');
    expect(was.DeletionPolicy).toBeUndefined();
    expect(now).toEqual({ ...was, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    // The other tenant's is left as it was.
    expect(distributionTenants(prepared.shards[0]).get('beta')).toEqual(distributionTenants(before.shards[0]).get('beta'));
  });

  test('nothing else in the shard changes, so CloudFormation makes no call to CloudFront for it', () => {
    const json = (t: Template) => JSON.stringify(t.toJSON(), (key, value) => (key === 'DeletionPolicy' || key === 'UpdateReplacePolicy' ? undefined : value));
    expect(json(prepared.shards[0])).toEqual(json(before.shards[0]));
  });

  test('a development gateway (removalPolicy DESTROY, which makes every resource Delete) still keeps it', () => {
    const { shards } = build([withHandOff(ACME, 'prepare'), BETA], MANAGED, { removalPolicy: RemovalPolicy.DESTROY });
    expect(distributionTenants(shards[0]).get('acme')).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
    expect(distributionTenants(shards[0]).get('beta')).toEqual(expect.objectContaining({ DeletionPolicy: 'Delete' }));
  });
});

describe('"store"', () => {
  const prepared = build([withHandOff(ACME, 'prepare'), BETA]);
  const stored = build([withHandOff(ACME, 'store'), BETA]);

  test('no distribution tenant for the tenant; the others keep theirs as they were', () => {
    const tenants = distributionTenants(stored.shards[0]);
    expect([...tenants.keys()]).toEqual(['beta']);
    expect(tenants.get('beta')).toEqual(distributionTenants(prepared.shards[0]).get('beta'));
  });

  // A group updated without them would delete them, and resolvers cache the missing name for the
  // zone SOA's minimum TTL ("NS and SOA records that Amazon Route 53 creates for a public hosted zone",
  // Route 53 Developer Guide, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html).
  test('its CNAMEs stay in the shard\'s record groups, the same records to the routing endpoint', () => {
    const records = recordsOf(stored.shards[0]);
    expect(records.map(r => r.Name).sort()).toEqual(['acme.example.com.', 'beta.example.com.', 'www.acme.example.com.']);
    expect(stored.shards[0].findResources('AWS::Route53::RecordSetGroup')).toEqual(prepared.shards[0].findResources('AWS::Route53::RecordSetGroup'));
    // The records' value is the connection group's routing endpoint, as dnsTargetOf says for the tenant.
    const group = only(stored.template, 'AWS::CloudFront::ConnectionGroup').id;
    expect(stored.stack.resolve(stored.gateway.dnsTargetOf('acme'))).toEqual({ 'Fn::GetAtt': [group, 'RoutingEndpoint'] });
    expect(stored.gateway.placements.find(p => p.tenantId === 'acme')).toEqual(expect.objectContaining({ shard: 0 }));
  });

  test('its config leaves the shard\'s parameter (the store holds it); the other tenants\' stays', () => {
    const config = (t: Template) => JSON.parse(only(t, 'AWS::SSM::Parameter').properties.Value);
    expect(Object.keys(config(prepared.shards[0])).sort()).toEqual(['acme.example.com', 'beta.example.com', 'www.acme.example.com']);
    expect(config(stored.shards[0])).toEqual({ 'beta.example.com': { tenantId: 'beta', config: { plan: 'silver' } } });
  });

  test('a shard whose only tenant is handed off keeps its records and an empty config', () => {
    const { shards } = build([withHandOff(ACME, 'store')]);
    expect(shards[0].findResources('AWS::CloudFront::DistributionTenant')).toEqual({});
    expect(recordsOf(shards[0]).map(r => r.Name).sort()).toEqual(['acme.example.com.', 'www.acme.example.com.']);
    expect(only(shards[0], 'AWS::SSM::Parameter').properties.Value).toBe('{}');
  });
});

describe('the placement guard', () => {
  const record = (list: TenantProps[]) => {
    const plan = planOf(list);
    return placementRecordOf({
      placements: plan.placements,
      moves: plan.moves,
      distributionTenants: true,
      handOffs: Object.fromEntries(list.filter(t => t.handOff !== undefined).map(t => [t.id, t.handOff!])),
    });
  };

  test('accepts each stage in order: no domain changes shard or tenant', () => {
    const stages = [record([ACME, BETA]), record([withHandOff(ACME, 'prepare'), BETA]), record([withHandOff(ACME, 'store'), BETA])];
    for (const [before, after] of [[stages[0], stages[1]], [stages[1], stages[2]], [stages[2], stages[2]]]) {
      expect(undeclaredMoves(before, after)).toEqual([]);
      expect(skippedHandOffs(before, after)).toEqual([]);
    }
    expect(stages[1].tenants.find(t => t.id === 'acme')).toEqual(expect.objectContaining({ handOff: 'prepare' }));
  });

  test('refuses "store" before "prepare" was deployed, saying why and what to do', () => {
    const skipped = skippedHandOffs(record([ACME, BETA]), record([withHandOff(ACME, 'store'), BETA]));
    expect(skipped).toEqual(['acme']);
    expect(refusal([], skipped)).toBe('The placement guard refused this deploy (nothing in it has changed): tenant "acme": `handOff` "store" is ' +
      'deployed before "prepare" was, so its distribution tenant would leave the template under the DeletionPolicy in force (Delete) and ' +
      'CloudFormation would delete it, taking its domains offline. To fix: set `"handOff": "prepare"`, deploy, then set "store" and deploy again.');
    // A tenant new to the gateway had no distribution tenant to lose.
    expect(skippedHandOffs(record([BETA]), record([withHandOff(ACME, 'store'), BETA]))).toEqual([]);
  });

  test('with an undeclared move in the same deploy, the refusal names both', () => {
    const before = record([ACME, { ...BETA, shard: 0 }]);
    const after = record([withHandOff(ACME, 'store'), { ...BETA, shard: 1 }]);
    const message = refusal(undeclaredMoves(before, after), skippedHandOffs(before, after));
    expect(message).toContain('tenant "beta": "beta.example.com" shard 0 -> 1');
    expect(message).toContain('. Also: tenant "acme": `handOff` "store" is deployed before "prepare" was');
  });
});

describe('the CLI', () => {
  const text = formatRegistry({
    schema: undefined, tenants: [withHandOff({ ...ACME, shard: 0 }, 'store')], extra: { settings: { edge: 'multiTenantDistribution' } }, bare: false,
  });

  test('an edit of the file keeps a tenant\'s `handOff`', () => {
    const added = addTenant(text, 'tenants.json', { id: 'new', domainNames: ['new.example.com'] }, {});
    expect(parseRegistry(added.text, 'tenants.json').tenants.map(t => t.handOff)).toEqual(['store', undefined]);
  });

  test('`move` refuses a handed-off tenant: it is the control plane\'s, and a distribution tenant never changes shard', () => {
    expect(() => moveTenant(text, 'tenants.json', { id: 'acme', shard: 1 }, {})).toThrow(/Cannot move tenant "acme"/);
  });
});

describe('properties', () => {
  const tenantsArb = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }).chain(ids => fc.tuple(
    fc.constant(ids),
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: ids.length, maxLength: ids.length }),
    fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length }),
  ));

  test('going from "prepare" to "store" never changes a placement or a record group\'s records', () => {
    fc.assert(fc.property(tenantsArb, fc.func(fc.boolean()), ([ids, sizes, external], handsOff) => {
      const list = ids.map((id, i): TenantProps => ({
        id: `t${id}`, domainNames: Array.from({ length: sizes[i] }, (_, d) => `d${d}.t${id}.example.com`), externalDns: external[i] || undefined,
      }));
      // Small shards, so that the tenants spread over several.
      const stage = (handOff?: string) => planOf(list.map((t, i) => (handsOff(i) ? withHandOff(t, handOff) : t)),
        MULTI_TENANT_DISTRIBUTION, { domainsPerDistribution: 4 });
      const [none, prepare, store] = [stage(), stage('prepare'), stage('store')];
      expect(store.problems).toEqual([]);
      for (const plan of [prepare, store]) {
        expect(plan.placements).toEqual(none.placements);
        expect(plan.shards.map(s => s.recordGroups)).toEqual(none.shards.map(s => s.recordGroups));
      }
      // Only the handed-off tenants' hosts leave the config.
      const hosts = (plan: typeof store) => plan.shards.flatMap(s => s.tenantConfig.flatMap(part => Object.keys(JSON.parse(part))));
      expect(hosts(store).sort()).toEqual(list.filter((_, i) => !handsOff(i)).flatMap(t => t.domainNames).sort());
    }));
  });
});
