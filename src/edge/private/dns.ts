import { CfnResource, IResolvable, Token, Tokenization } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** A CloudFormation intrinsic function, written into the template as it stands: `{ 'Fn::GetAtt': [...] }`. */
export type Intrinsic = Readonly<Record<string, unknown>>;

/** Where a domain's alias record points. */
export interface AliasTarget {
  /**
   * A string (literal or token), or an intrinsic naming a resource of the records' own template by
   * its logical id: a shard's up to 200 records then resolve plain data, not a token each, in every
   * pass of synthesis.
   */
  readonly dnsName: string | Intrinsic;
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
  const dnsName = typeof target.dnsName === 'string' ? asToken(target.dnsName) : target.dnsName;
  const aliasTarget = { DNSName: dnsName, EvaluateTargetHealth: false, HostedZoneId: asToken(target.hostedZoneId) };
  return addGroups(scope, zone, groups, domain => ['A', 'AAAA'].map(type => ({ AliasTarget: aliasTarget, Name: `${domain}.`, Type: type })));
}

/**
 * A CNAME record for each domain, pointing at `target` (a connection group's routing endpoint), in
 * record groups. A CNAME cannot sit at a zone's apex; callers check that first.
 */
export function addCnameRecords(scope: Construct, zone: route53.IHostedZone, groups: readonly (readonly string[])[],
  target: string): RecordsByDomain {
  const resourceRecords = [asToken(target)];
  return addGroups(scope, zone, groups, domain => [{ Name: `${domain}.`, ResourceRecords: resourceRecords, TTL: '300', Type: 'CNAME' }]);
}

/** A record set as CloudFormation writes it, with its properties in the order CDK renders them. */
type RecordSet = Record<string, unknown>;

/**
 * One group per non-empty group of domains, with the logical id `Records<n>` whatever the
 * template holds: a group keeps its id as tenants come and go, and is never replaced (its hosted
 * zone is the only create-only property, and it never changes).
 *
 * The groups are written as CloudFormation properties (the template `CfnRecordSetGroup` renders,
 * byte for byte) rather than through `CfnRecordSetGroup`, whose type checks and conversion of each
 * of a shard's up to 200 records run in every pass of synthesis: a fifth of it at 10,000 tenants on
 * recent aws-cdk-lib, most of it on 2.194.0. The records are the gateway's own, built from domains
 * already validated.
 */
function addGroups(scope: Construct, zone: route53.IHostedZone, groups: readonly (readonly string[])[],
  records: (domain: string) => RecordSet[]): RecordsByDomain {
  const byDomain = new Map<string, CfnResource>();
  groups.forEach((domains, g) => {
    if (domains.length === 0) return;
    const group = new CfnResource(scope, `Records${g}`, {
      type: route53.CfnRecordSetGroup.CFN_RESOURCE_TYPE_NAME,
      properties: { HostedZoneId: zone.hostedZoneId, RecordSets: domains.flatMap(records) },
    });
    group.overrideLogicalId(`Records${g}`);
    domains.forEach(domain => byDomain.set(domain, group));
  });
  return byDomain;
}

/**
 * A string that is one token, as that token: every record of a group shares it, and resolving a
 * token directly skips parsing the string again for each record.
 */
function asToken(value: string): string | IResolvable {
  const fragments = Tokenization.reverseString(value);
  return fragments.length === 1 && fragments.firstToken !== undefined ? fragments.firstToken : value;
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
