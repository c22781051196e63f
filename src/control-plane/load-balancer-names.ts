// The names the load balancer's certificates cover, as the control plane knows them. CloudFront
// forwards the viewer's Host to the load balancer over HTTPS and answers 502 unless the load
// balancer presents a certificate matching it (invariant 2), so a store tenant whose domain no
// name covers is refused by the CLI and failed by the reconciler instead of served 502. The gateway
// hands the names to the reconciler (an environment variable) and to the CLI (a stack output) when
// it knows them. Pure: shared by the gateway, the CLI and the reconciler; matching is the
// certificates' own (`certificateCovers`).
import { certificateCovers } from '../certificates/certificate-plan';

/** The reconciler's environment variable holding the names. */
export const LOAD_BALANCER_NAMES_VARIABLE = 'LOAD_BALANCER_NAMES';

/**
 * The longest encoded names the reconciler's environment takes: Lambda holds at most 4 KB of
 * environment variables in all ("Lambda quotas", AWS Lambda Developer Guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and the others (table,
 * queue, distribution, zone) take the rest.
 */
export const MAX_ENCODED_NAMES = 2_048;

/** Every problem with names given to the control plane. */
export function loadBalancerNamesProblems(names: readonly string[]): string[] {
  const problems = names.filter(name => name.trim() === '' || name.includes(',')).map(name =>
    `\`loadBalancerNames\` ${JSON.stringify(name)} must be a certificate name (a DNS name or a wildcard), without a comma`);
  const length = encodeLoadBalancerNames(names).length;
  if (length > MAX_ENCODED_NAMES) {
    problems.push(`\`loadBalancerNames\` come to ${length} characters, more than the ${MAX_ENCODED_NAMES} the reconciler's environment ` +
      'has room for (Lambda takes 4 KB of environment variables); leave them out (nothing is checked) or pass fewer, wider names');
  }
  return problems;
}

/** At most this many names are listed in a message; the rest are counted. */
const MAX_LISTED = 10;

/** The names as one value (an environment variable's, a stack output's): comma-separated, as a DNS name holds no comma. */
export function encodeLoadBalancerNames(names: readonly string[]): string {
  return names.join(',');
}

/** The names from such a value; undefined (unknown: nothing is checked) when the value is absent. */
export function decodeLoadBalancerNames(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').filter(name => name !== '');
}

/** The domains no name covers. */
export function uncoveredDomains(domains: readonly string[], names: readonly string[]): string[] {
  return domains.filter(domain => !certificateCovers(names, domain));
}

/** Why such domains are refused, and what to do instead, in the user's terms. */
export function notCoveredProblem(uncovered: readonly string[], names: readonly string[]): string {
  const listed = names.length === 0 ? 'none' : names.slice(0, MAX_LISTED).join(', ') +
    (names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : '');
  return `\`domainNames\` ${uncovered.map(d => `"${d}"`).join(', ')} ${uncovered.length === 1 ? 'is' : 'are'} not covered by the load balancer's ` +
    `certificates (names: ${listed}): CloudFront forwards the viewer's Host to the load balancer over HTTPS and viewers get 502 ` +
    'unless it presents a certificate matching that Host. Use a domain they cover (a direct subdomain of the zone, under its ' +
    'wildcard), or give the load balancer a certificate that covers it';
}
