// Pure certificate logic: which names a certificate covers, and how DNS-validated certificates are
// cut from the placement plan. No CDK imports, so the CLI and the tests can use it without synthesizing.
import { quotaExceeded } from '../quotas/quotas';

/** ACM rejects a certificate whose primary domain name is longer than this. */
const MAX_PRIMARY_NAME_LENGTH = 64;

/**
 * True when a certificate name covers a domain, as ACM and TLS match them: the exact name, or a
 * wildcard that stands for exactly one leftmost label (`*.example.com` covers `a.example.com`,
 * but neither `example.com` nor `a.b.example.com`). Case-insensitive; trailing dots ignored.
 */
export function nameCovers(certificateName: string, domain: string): boolean {
  const name = normalize(certificateName);
  const host = normalize(domain);
  if (name === host) return true;
  if (!name.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** True when any of a certificate's names covers the domain. */
export function certificateCovers(certificateNames: readonly string[], domain: string): boolean {
  return certificateNames.some(name => nameCovers(name, domain));
}

/** What certificate planning needs to know about a placed tenant. */
export interface CertificateTenant {
  readonly tenantId: string;
  readonly domainNames: readonly string[];
  readonly shard: number;
}

/** One certificate to request. */
export interface PlannedCertificate {
  /** Stable key, used in the construct id: `wildcard`, or `shard-<n>` for a shard's own certificate. */
  readonly key: string;
  /** Every name, sorted; the first one ACM accepts as primary (≤ 64 characters) comes first. */
  readonly names: string[];
  /** The distribution shards it serves, ascending. */
  readonly shards: number[];
}

/** DNS-validated certificates for a placement plan. */
export interface CertificatePlan {
  /** The certificates: the wildcard one first (when any shard uses it), then by shard. */
  readonly certificates: PlannedCertificate[];
  /** The key of the certificate each shard's distribution presents. */
  readonly keyOfShard: ReadonlyMap<number, string>;
  readonly problems: string[];
}

/** The limits certificate planning works within. */
export interface CertificateLimits {
  readonly namesPerCertificate: number;
  readonly certificatesPerLoadBalancer: number;
}

/**
 * Cuts DNS-validated certificates along the distribution shards, because CloudFront takes one
 * certificate per distribution and it must cover every alias of that distribution. With
 * `oneCertificate` (one distribution for every shard) the plan must come to one certificate.
 *
 * A domain that is the zone's apex or a direct subdomain of it is covered by the pair
 * `*.<zone>` + `<zone>`; any deeper domain is named as it is. A shard whose domains all fall
 * under the pair shares the one `wildcard` certificate; any other shard gets a certificate of its
 * own (`shard-<n>`) with the pair (if it needs it) and its deeper domains. The same certificates
 * serve the load balancer, the first as its default and the rest by SNI.
 *
 * Stability: a certificate's names depend only on the domains placed on the shards it serves, so
 * it is re-issued only when those change. Placement is stable, hence appending tenants re-issues
 * at most the own certificates of the shards they land on (none when they fall under the
 * wildcard), and removing a tenant re-issues at most its shard's own certificate and those of
 * shards whose unpinned tenants move (none when every tenant is pinned, as the CLI writes them).
 */
export function planCertificates(zoneName: string, tenants: readonly CertificateTenant[], limits: CertificateLimits,
  oneCertificate = false): CertificatePlan {
  const zone = normalize(zoneName);
  const pair = [`*.${zone}`, zone];
  const problems: string[] = [];
  const namesOfShard = new Map<number, Set<string>>();

  for (const tenant of tenants) {
    const names = namesOfShard.get(tenant.shard) ?? new Set<string>();
    namesOfShard.set(tenant.shard, names);
    for (const raw of tenant.domainNames) {
      const domain = normalize(raw);
      if (certificateCovers(pair, domain)) {
        pair.forEach(n => names.add(n));
      } else if (domain.endsWith(`.${zone}`)) {
        names.add(domain);
      } else {
        problems.push(`tenant "${tenant.tenantId}": domain "${domain}" is outside the hosted zone "${zone}", so its certificate ` +
          'cannot be DNS-validated there; bring your own certificates (GatewayCertificates.fromCertificates) that cover it');
      }
    }
  }

  const certificates: PlannedCertificate[] = [];
  const keyOfShard = new Map<number, string>();
  let wildcard: { names: string[]; shards: number[] } | undefined;
  for (const shard of [...namesOfShard.keys()].sort((a, b) => a - b)) {
    const names = orderNames([...namesOfShard.get(shard)!]);
    if (names.length === 0) continue; // every domain of the shard was a problem
    if (names.length === pair.length && pair.every(n => names.includes(n))) {
      wildcard = wildcard ?? { names, shards: [] };
      wildcard.shards.push(shard);
      keyOfShard.set(shard, 'wildcard');
      continue;
    }
    const key = `shard-${shard}`;
    certificates.push({ key, names, shards: [shard] });
    keyOfShard.set(shard, key);
    if (names.length > limits.namesPerCertificate) {
      problems.push(quotaExceeded('namesPerCertificate', limits.namesPerCertificate, names.length,
        `Distribution shard ${shard} presents one certificate, which must name all its domains (wildcards cover only the zone's ` +
        'apex and its direct subdomains), so it') + ' Or give every tenant domain one label under the zone (one wildcard certificate covers them), ' +
        'or set `quotas.domainsPerDistribution` to at most `quotas.namesPerCertificate` before the first deployment ' +
        '(lowering it later moves unpinned tenants).');
    }
    if (names[0].length > MAX_PRIMARY_NAME_LENGTH) {
      problems.push(`the certificate of distribution shard ${shard} needs a primary name of at most ${MAX_PRIMARY_NAME_LENGTH} characters (ACM's limit), ` +
        'but every one of its names is longer; add a shorter domain to a tenant of that shard, or bring your own certificates');
    }
  }
  // One distribution whose tenants all live in a control plane's store still needs its one
  // certificate: the zone's wildcard, the one its first template tenant would keep.
  if (oneCertificate && tenants.length === 0) wildcard = { names: orderNames([...pair]), shards: [] };
  if (wildcard) certificates.unshift({ key: 'wildcard', names: wildcard.names, shards: wildcard.shards });
  if (oneCertificate && certificates.length > 0 && !(certificates.length === 1 && wildcard)) {
    // One distribution serves every shard and takes one certificate, which must keep covering
    // every shard as tenants are added: only the zone's wildcard does.
    return {
      certificates,
      keyOfShard,
      problems: [...problems, '`GatewayCertificates.dnsValidated()` with a multi-tenant distribution needs one certificate for the parent distribution, ' +
        `so every tenant domain must be the apex of "${zone}" or a direct subdomain of it (one wildcard certificate covers them); ` +
        'bring your own certificates, or use EdgeMode.shardedDistributions() (a certificate per distribution shard)'],
    };
  }

  if (certificates.length - 1 > limits.certificatesPerLoadBalancer) {
    problems.push(quotaExceeded('certificatesPerLoadBalancer', limits.certificatesPerLoadBalancer, certificates.length - 1,
      'The load balancer\'s SNI certificates (one per distribution shard whose domains are not all covered by the zone\'s wildcard, besides the default one)') +
      ' Or raise `quotas.namesPerCertificate` (ACM allows up to 100 on request) together with `quotas.domainsPerDistribution`, so fewer shards carry more names each.');
  }
  return { certificates, keyOfShard, problems };
}

/** Sorted, but the first name ACM accepts as primary goes first (wildcards sort before letters). */
function orderNames(names: string[]): string[] {
  const sorted = names.sort();
  const primary = sorted.findIndex(n => n.length <= MAX_PRIMARY_NAME_LENGTH);
  return primary <= 0 ? sorted : [sorted[primary], ...sorted.slice(0, primary), ...sorted.slice(primary + 1)];
}

function normalize(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}
