// Gateways of one app that would publish under the same SSM path: their parameters would collide
// at deploy (or, one path under the other, each fleet would read the other's tenants).
import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

interface Claim {
  readonly path: string;
  /** The stack's account and region; undefined where the stack leaves them to the deploy. */
  readonly account?: string;
  readonly region?: string;
  readonly gateway: string;
}

/** The claims of each app, by its root construct; apps that are gone are forgotten with it. */
const claimsByApp = new WeakMap<IConstruct, Claim[]>();

/**
 * Claims `path` for `gateway` and returns the problems with it: another gateway of the same app,
 * in the same environment (or in an environment-agnostic stack, which may deploy anywhere), that
 * publishes under the same path or one nested in it. The path is claimed only when it is free.
 */
export function claimTenantConfigPath(gateway: Construct, path: string): string[] {
  const root = gateway.node.root;
  const claims = claimsByApp.get(root) ?? [];
  claimsByApp.set(root, claims);
  const stack = Stack.of(gateway);
  const known = (value: string) => Token.isUnresolved(value) ? undefined : value;
  const mine: Claim = { path, account: known(stack.account), region: known(stack.region), gateway: gateway.node.path };
  const problems = claims
    .filter(other => sameEnvironment(other, mine) && overlaps(other.path, path))
    .map(other => `\`tenantConfigPath\` "${path}" ${other.path === path ? 'is also' : 'overlaps'} the path of gateway "${other.gateway}" ` +
      `("${other.path}") in the same account and region; give each gateway its own \`tenantConfigPath\` (SSM parameter names are ` +
      'unique, and a fleet reads everything under its path; the default, /<stack name>/<gateway id>/tenants, repeats for two ' +
      'gateways of one id in one stack)');
  if (problems.length === 0) claims.push(mine); // a refused gateway claims nothing
  return problems;
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Account and region each equal, or unknown on either side (an agnostic stack can deploy where the other does). */
function sameEnvironment(a: Claim, b: Claim): boolean {
  const same = (x?: string, y?: string) => x === undefined || y === undefined || x === y;
  return same(a.account, b.account) && same(a.region, b.region);
}
