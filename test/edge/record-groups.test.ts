import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { groupDomains, MAX_RECORDS_PER_GROUP, recordGroupCount, recordGroupOf } from '../../src/edge/record-groups';
import { build, recordsOf, tenants } from '../gateway-fixture';

describe('record groups', () => {
  test('a full shard at the default quota is one group: one Route 53 change request instead of 200', () => {
    const { gateway } = build(tenants(100));
    const shard = Template.fromStack(gateway.shardStacks[0]);
    shard.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(Object.keys(shard.findResources('AWS::Route53::RecordSetGroup'))).toEqual(['Records0']);
    expect(recordsOf(shard)).toHaveLength(200);
  });

  test('a shard raised to 500 domains spreads them over four groups, none past one change request', () => {
    const { gateway } = build(tenants(500), { quotas: { domainsPerDistribution: 500 } });
    const shard = Template.fromStack(gateway.shardStacks[0]);
    const groups = Object.values(shard.findResources('AWS::Route53::RecordSetGroup'));
    expect(groups).toHaveLength(4);
    for (const group of groups) expect(group.Properties.RecordSets.length).toBeLessThanOrEqual(MAX_RECORDS_PER_GROUP);
    expect(recordsOf(shard)).toHaveLength(1_000);
  });

  test('the group count follows the quota, not the tenants', () => {
    expect(recordGroupCount(100, 2)).toBe(1);
    expect(recordGroupCount(100, 1)).toBe(1);
    expect(recordGroupCount(500, 2)).toBe(4);
    expect(recordGroupCount(1, 2)).toBe(1);
  });

  test('a domain keeps its group whatever is added or removed around it', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.domain(), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.nat(),
      (domains, groups, removedAt) => {
        const before = groupDomains(domains, groups);
        const removed = domains.filter((_, i) => i !== removedAt % domains.length);
        const after = groupDomains([...removed, 'appended.example.com'], groups);
        for (const domain of removed) {
          const g = recordGroupOf(domain, groups);
          expect(before[g]).toContain(domain);
          expect(after[g]).toContain(domain);
        }
      }));
  });
});
