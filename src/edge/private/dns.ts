import { CfnResource, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** Where a domain's alias record points. */
export interface AliasTarget {
  readonly dnsName: string;
  readonly hostedZoneId: string;
}

/** The resources holding each domain's records, by domain. */
export type RecordsByDomain = ReadonlyMap<string, CfnResource[]>;

/**
 * An A and an AAAA alias record for each domain. Plain L1 records, one construct each, named by
 * the domain: adding a domain never renames another's records, and ten thousand of them
 * synthesize at the cost of bare CloudFormation.
 */
export function addAliasRecords(scope: Construct, zone: route53.IHostedZone, domainNames: readonly string[], target: AliasTarget): RecordsByDomain {
  const records = new Map<string, CfnResource[]>();
  for (const domain of domainNames) {
    records.set(domain, ['A', 'AAAA'].map(type =>
      new route53.CfnRecordSet(scope, `${domain} ${type}`, {
        hostedZoneId: zone.hostedZoneId,
        name: `${domain}.`,
        type,
        aliasTarget: { dnsName: target.dnsName, hostedZoneId: target.hostedZoneId, evaluateTargetHealth: false },
      })));
  }
  return records;
}

/**
 * A CNAME record for each domain, pointing at `target` (a connection group's routing endpoint).
 * A CNAME cannot sit at a zone's apex; callers check that first.
 */
export function addCnameRecords(scope: Construct, zone: route53.IHostedZone, domainNames: readonly string[], target: string): RecordsByDomain {
  const records = new Map<string, CfnResource[]>();
  for (const domain of domainNames) {
    records.set(domain, [new route53.CfnRecordSet(scope, `${domain} CNAME`, {
      hostedZoneId: zone.hostedZoneId,
      name: `${domain}.`,
      type: 'CNAME',
      ttl: '300',
      resourceRecords: [target],
    })]);
  }
  return records;
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
