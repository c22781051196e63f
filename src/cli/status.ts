// The `status` command's logic, over interfaces: what CloudFront says about each domain of a
// tenant (which distribution or distribution tenant carries it, its certificate, whether the
// change is deployed) and where public DNS points it, against the gateway's DNS target for the
// tenant's shard. The AWS calls are in aws/cloudfront.ts, loaded only when `status` runs.
import { assess, fileProblems, planSettings, problemList, table, unknownTenant } from './commands';
import { asStackOutputs } from './outputs';
import { parseRegistry } from './registry-file';
import { findDnsTargets } from '../edge/dns-outputs';
import { Quotas } from '../quotas/quotas';

/** A standard distribution, as its summary in ListDistributions gives it. */
export interface DistributionInfo {
  readonly id: string;
  /** "Deployed" or "InProgress". */
  readonly status: string;
  readonly aliases: readonly string[];
  readonly certificateArn?: string;
}

/** A distribution tenant, as GetDistributionTenantByDomain gives it. */
export interface DistributionTenantInfo {
  readonly id: string;
  readonly name: string;
  readonly distributionId: string;
  /** "Deployed" or "InProgress". */
  readonly status: string;
  /** The domain's own status in the tenant: "active" or "inactive". */
  readonly domainStatus?: string;
  /** Its own certificate (a customization), when it has one. */
  readonly certificateArn?: string;
}

/** A resource that holds a domain, from ListDomainConflicts. */
export interface DomainHolder {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly accountId?: string;
}

/** What status asks CloudFront; aws/cloudfront.ts implements it with the SDK. */
export interface EdgeLookup {
  /** The standard distribution whose domain name (dxxxx.cloudfront.net) this is. */
  distributionByDomainName(domainName: string): Promise<DistributionInfo | undefined>;
  /** The resources that hold `domain`, asked on behalf of `distributionId` (which must be the caller's). */
  domainHolders(domain: string, distributionId: string): Promise<DomainHolder[]>;
  /** The distribution tenant that serves `domain`, if any. */
  tenantByDomain(domain: string): Promise<DistributionTenantInfo | undefined>;
  /** A CloudFront-managed certificate's status for a distribution tenant ("issued", "pending-validation", ...), if it has one. */
  managedCertificateStatus(tenantId: string): Promise<string | undefined>;
}

/** The DNS lookups status makes, as node's `dns.promises` has them; tests stub them. */
export interface Resolver {
  resolveCname(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
}

/** One domain's state: each part is ok or not, with what was found. */
export interface DomainStatus {
  readonly tenant: string;
  readonly domain: string;
  readonly shard: number;
  /** The gateway's DNS target for the shard; undefined when no template knows it. */
  readonly target?: string;
  readonly association: Check;
  readonly certificate: Check;
  readonly deployed: Check;
  readonly dns: Check;
  /** Every check ok: viewers reach the gateway on this domain. */
  readonly ready: boolean;
}

/** A check's outcome and what it found, in words. */
export interface Check {
  readonly ok: boolean;
  readonly found: string;
}

/** What status reads: the tenants file, the gateway's outputs, and which tenant (all when undefined). */
export interface StatusRequest {
  readonly text: string;
  readonly source: string;
  readonly tenant?: string;
  readonly overrides: Quotas;
  /** The parsed outputs document (either kind) and what to call it. */
  readonly outputs: { readonly source: string; readonly document: unknown };
  readonly select: { readonly stack?: string; readonly gateway?: string };
}

/** Every domain's status, tenant by tenant in file order. */
export async function domainStatuses(request: StatusRequest, edge: EdgeLookup, resolver: Resolver): Promise<DomainStatus[]> {
  const file = parseRegistry(request.text, request.source);
  if (request.tenant !== undefined && !file.tenants.some(t => t.id === request.tenant)) {
    throw new Error(unknownTenant(request.source, request.tenant, file.tenants));
  }
  const settings = planSettings(file, request.overrides);
  const plan = assess(file.tenants, settings);
  const problems = fileProblems(file, plan);
  if (problems.length > 0) throw new Error(`${problemList(request.source, problems)}\nFix them (run \`validate\`) first.`);

  const { stack, gateway: gatewayId } = request.select;
  const found = findDnsTargets(asStackOutputs(request.outputs.document))
    .filter(g => (stack === undefined || g.stack === stack) && (gatewayId === undefined || g.gateway === gatewayId));
  if (found.length !== 1) {
    throw new Error(`${request.outputs.source}: ${found.length === 0 ? 'no gateway DNS targets (outputs named <gateway>DnsTargets<n>)'
      : `the outputs of ${found.length} gateways (${found.map(g => `${g.stack}/${g.gateway}`).join(', ')}); choose one with --stack or --gateway`}`);
  }
  const gateway = found[0];
  const multiTenant = settings.edge.distributionTenants;
  const statuses: DomainStatus[] = [];
  for (const [i, tenant] of file.tenants.entries()) {
    if (request.tenant !== undefined && tenant.id !== request.tenant) continue;
    const shard = plan.placements[i].shard;
    const target = gateway.shards.get(shard) ?? undefined;
    const notDeployed = !gateway.shards.has(shard);
    for (const domain of tenant.domainNames) {
      const edgeState = notDeployed
        ? { association: no(`shard ${shard} is not in the outputs of ${gateway.stack}/${gateway.gateway}: deploy first`), certificate: no('-'), deployed: no('shard not deployed') }
        : multiTenant ? await tenantState(edge, domain, tenant.id, file.settings?.tenantNamePrefix) : await distributionState(edge, domain, target);
      const dns = await dnsState(resolver, domain, target);
      const parts = { ...edgeState, dns };
      statuses.push({ tenant: tenant.id, domain, shard, target, ...parts, ready: Object.values(parts).every(c => c.ok) });
    }
  }
  return statuses;
}

/** The statuses as lines of text: one row per domain, then what is not ready. */
export function formatStatuses(statuses: readonly DomainStatus[]): string[] {
  const mark = (c: Check) => `${c.ok ? 'ok' : 'NO'}: ${c.found}`;
  const rows = statuses.map(s => [s.tenant, s.domain, mark(s.association), mark(s.certificate), mark(s.deployed), mark(s.dns)]);
  const ready = statuses.filter(s => s.ready).length;
  return [...table(['TENANT', 'DOMAIN', 'ASSOCIATION', 'CERTIFICATE', 'DEPLOYED', 'PUBLIC DNS'], rows), '',
    `${ready} of ${statuses.length} domains ready (associated with the gateway, certificate in place, deployed, public DNS pointing at it).`];
}

async function distributionState(edge: EdgeLookup, domain: string, target: string | undefined): Promise<Pick<DomainStatus, 'association' | 'certificate' | 'deployed'>> {
  const distribution = target === undefined ? undefined : await edge.distributionByDomainName(target);
  if (distribution === undefined) {
    return { association: no(`no distribution of this account has the domain name ${target}`), certificate: no('-'), deployed: no('-') };
  }
  const deployed = distribution.status === 'Deployed' ? yes(`distribution ${distribution.id} Deployed`) : no(`distribution ${distribution.id} ${distribution.status}`);
  if (distribution.aliases.includes(domain)) {
    // CloudFront accepts an alternate domain name only with a certificate that covers it.
    return { association: yes(`gateway distribution ${distribution.id}`), certificate: yes(`covers it (${distribution.certificateArn ?? 'CloudFront default'})`), deployed };
  }
  const holders = await edge.domainHolders(domain, distribution.id);
  const association = holders.length === 0 ? no('not associated with any distribution')
    : no(`held by ${holders.map(h => `${h.resourceType} ${h.resourceId}${h.accountId ? ` (account ${h.accountId})` : ''}`).join(', ')}`);
  return { association, certificate: no('not on the gateway distribution yet'), deployed };
}

/** The gateway names each distribution tenant its prefix and the tenant id: exactly, when the file records the prefix. */
export function isGatewayName(name: string, id: string, prefix: string | undefined): boolean {
  return prefix !== undefined ? name === `${prefix}${id}` : name.endsWith(id);
}

async function tenantState(edge: EdgeLookup, domain: string, tenantId: string, prefix: string | undefined):
Promise<Pick<DomainStatus, 'association' | 'certificate' | 'deployed'>> {
  const tenant = await edge.tenantByDomain(domain);
  if (tenant === undefined) return { association: no('no distribution tenant serves it'), certificate: no('-'), deployed: no('-') };
  const ours = isGatewayName(tenant.name, tenantId, prefix);
  const where = `distribution tenant ${tenant.name} (${tenant.id}) of ${tenant.distributionId}`;
  const association = ours && tenant.domainStatus !== 'inactive' ? yes(where)
    : no(ours ? `${where}, domain ${tenant.domainStatus}` : `held by ${where}, not the gateway's`);
  const deployed = tenant.status === 'Deployed' ? yes(`${tenant.id} Deployed`) : no(`${tenant.id} ${tenant.status}`);
  if (tenant.certificateArn !== undefined) return { association, certificate: yes(`its own: ${tenant.certificateArn}`), deployed };
  const managed = await edge.managedCertificateStatus(tenant.id);
  const certificate = managed === undefined ? yes('the distribution\'s') : managed === 'issued' ? yes('managed, issued') : no(`managed, ${managed}`);
  return { association, certificate, deployed };
}

async function dnsState(resolver: Resolver, domain: string, target: string | undefined): Promise<Check> {
  const cnames = (await quietly(resolver.resolveCname(domain))).map(bare);
  if (target !== undefined && cnames.includes(bare(target))) return yes(`CNAME ${bare(target)}`);
  if (cnames.length > 0) return no(`CNAME ${cnames.join(', ')}`);
  const addresses = await quietly(resolver.resolve4(domain));
  if (addresses.length === 0) return no('no A or CNAME record');
  if (target === undefined) return no(`A ${addresses.join(', ')} (the target is unknown: the account's default connection group)`);
  const targetAddresses = new Set(await quietly(resolver.resolve4(target)));
  // An alias, ANAME or flattened record at an apex answers with the target's addresses.
  return addresses.some(a => targetAddresses.has(a)) ? yes(`A ${addresses.join(', ')} (the target's)`) : no(`A ${addresses.join(', ')}, not the target's`);
}

/** A lookup's answers; none when the name has no such record or does not exist. */
async function quietly(lookup: Promise<string[]>): Promise<string[]> {
  try {
    return await lookup;
  } catch (e) {
    if (['ENODATA', 'ENOTFOUND'].includes((e as NodeJS.ErrnoException).code ?? '')) return [];
    throw e;
  }
}

function bare(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

function yes(found: string): Check {
  return { ok: true, found };
}

function no(found: string): Check {
  return { ok: false, found };
}
