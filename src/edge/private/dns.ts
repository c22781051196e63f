import { CfnResource, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** Where a domain's alias record points. */
export interface AliasTarget {
  readonly dnsName: string;
  readonly hostedZoneId: string;
}

/** The resource holding each domain's records, by domain. */
export type RecordsByDomain = ReadonlyMap<string, CfnResource>;

/**
 * An A and an AAAA alias record for each domain, in record groups: one
 * `AWS::Route53::RecordSetGroup` per group of the plan, which CloudFormation writes in one change
 * request, so a shard's first deploy makes one Route 53 request per group instead of two per domain.
 */
export function addAliasRecords(scope: Construct, zone: route53.IHostedZone, groups: readonly (readonly string[])[],
  target: AliasTarget): RecordsByDomain {
  const aliasTarget = { dnsName: target.dnsName, hostedZoneId: target.hostedZoneId, evaluateTargetHealth: false };
  return addGroups(scope, zone, groups, domain => ['A', 'AAAA'].map(type => ({ name: `${domain}.`, type, aliasTarget })));
}

/**
 * A CNAME record for each domain, pointing at `target` (a connection group's routing endpoint), in
 * record groups. A CNAME cannot sit at a zone's apex; callers check that first.
 */
export function addCnameRecords(scope: Construct, zone: route53.IHostedZone, groups: readonly (readonly string[])[],
  target: string): RecordsByDomain {
  return addGroups(scope, zone, groups, domain => [{ name: `${domain}.`, type: 'CNAME', ttl: '300', resourceRecords: [target] }]);
}

/**
 * One group per non-empty group of domains, with the logical id `Records<n>` whatever the
 * template holds: a group keeps its id as tenants come and go, and is never replaced (its hosted
 * zone is the only create-only property, and it never changes).
 */
function addGroups(scope: Construct, zone: route53.IHostedZone, groups: readonly (readonly string[])[],
  records: (domain: string) => route53.CfnRecordSetGroup.RecordSetProperty[]): RecordsByDomain {
  const byDomain = new Map<string, CfnResource>();
  groups.forEach((domains, g) => {
    if (domains.length === 0) return;
    const group = new route53.CfnRecordSetGroup(scope, `Records${g}`, {
      hostedZoneId: zone.hostedZoneId,
      recordSets: domains.flatMap(records),
    });
    group.overrideLogicalId(`Records${g}`);
    domains.forEach(domain => byDomain.set(domain, group));
  });
  return byDomain;
}

/** True when a domain is the zone's apex or inside it. */
export function isInZone(domain: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  return domain === zone || domain.endsWith(`.${zone}`);
}

/** The zone's name, lower-case without the trailing dot, when synth time knows it. */
export function knownZoneName(zone: route53.IHostedZone): string | undefined {
  let name: string | undefined;
  try {
    name = zone.zoneName;
  } catch {
    return undefined; // HostedZone.fromHostedZoneId has no name
  }
  return name === undefined || Token.isUnresolved(name) ? undefined : name.replace(/\.$/, '').toLowerCase();
}
