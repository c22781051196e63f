// Gateways of one app that would serve the same domain: CloudFront attaches a domain to one
// distribution (or distribution tenant) across all of AWS, so the second would fail at deploy
// with CNAMEAlreadyExists, wherever either is deployed.
import { Construct, IConstruct } from 'constructs';
import { TenantProps } from '../../tenants/tenants';

/** The domains of each app's gateways, each with the path of the gateway that serves it. */
const domainsByApp = new WeakMap<IConstruct, Map<string, string>>();

/** How many domains a problem names before it counts the rest. */
const NAMED = 5;

/**
 * Claims the tenants' domains for `gateway` and returns the problems: domains another gateway of
 * the same app already serves, one problem per such gateway. A tenant that adopts its domains
 * (`adoptFrom`) takes them from where they are served by a declared move, so it neither claims
 * nor conflicts. Nothing is claimed when there are problems (a refused gateway serves nothing).
 */
export function claimDomains(gateway: Construct, tenants: readonly TenantProps[]): string[] {
  const root = gateway.node.root;
  const claims = domainsByApp.get(root) ?? new Map<string, string>();
  domainsByApp.set(root, claims);
  const domains = [...new Set(tenants.filter(tenant => tenant.adoptFrom === undefined).flatMap(tenant => tenant.domainNames))];
  const taken = new Map<string, string[]>();
  for (const domain of domains) {
    const other = claims.get(domain);
    if (other !== undefined) taken.set(other, [...(taken.get(other) ?? []), domain]);
  }
  if (taken.size === 0) {
    for (const domain of domains) claims.set(domain, gateway.node.path);
    return [];
  }
  return [...taken].map(([other, shared]) => {
    const named = shared.slice(0, NAMED).map(domain => `"${domain}"`).join(', ');
    const rest = shared.length > NAMED ? ` and ${shared.length - NAMED} more` : '';
    return `${shared.length === 1 ? 'tenant domain' : `${shared.length} tenant domains`} ${named}${rest} ` +
      `${shared.length === 1 ? 'is' : 'are'} also served by gateway "${other}" of this app; CloudFront attaches a domain to one ` +
      'distribution only, across all accounts (the second fails with CNAMEAlreadyExists): serve each domain from one gateway';
  });
}
