// The control plane's stack outputs as data: the gateway writes the tenant store's table name and
// the reconciler queue's URL in its stack, and the CLI's store commands read them back (from
// CloudFormation with --stack-name). Ids follow the DNS-target outputs: `<gateway>ControlPlaneTable`
// and `<gateway>ControlPlaneQueueUrl`, `<gateway>` being the gateway's path in its stack,
// alphanumerics only; `<gateway>ControlPlaneLoadBalancerNames` (the names the load balancer's
// certificates cover, comma-separated) when the gateway knows them; `<gateway>ControlPlaneCells`
// (the cells besides "default", comma-separated) when it has cells. Pure: no aws-cdk-lib.
import { decodeCellNames } from './cell-origins';
import { decodeLoadBalancerNames } from './load-balancer-names';

/** The control plane's output ids. */
export interface ControlPlaneOutputIds {
  readonly table: string;
  readonly queueUrl: string;
  readonly loadBalancerNames: string;
  readonly cells: string;
}

/** The output ids of the gateway whose output id prefix is `prefix`. */
export function controlPlaneOutputIds(prefix: string): ControlPlaneOutputIds {
  return {
    table: `${prefix}ControlPlaneTable`,
    queueUrl: `${prefix}ControlPlaneQueueUrl`,
    loadBalancerNames: `${prefix}ControlPlaneLoadBalancerNames`,
    cells: `${prefix}ControlPlaneCells`,
  };
}

const TABLE_KEY = /^([A-Za-z0-9]*)ControlPlaneTable$/;

/** One gateway's control plane, as found in a stack's outputs. */
export interface ControlPlaneLocation {
  readonly stack: string;
  readonly gateway: string;
  readonly table: string;
  readonly queueUrl: string;
  /** The names the load balancer's certificates cover; undefined when the gateway did not know them. */
  readonly loadBalancerNames?: string[];
  /** The cells a store tenant may name besides "default" (none when the gateway has no cells). */
  readonly cells: string[];
}

/**
 * The control plane in an outputs document (stack → output id → value), narrowed by stack and
 * gateway when given. Throws, saying what was found, unless exactly one matches.
 */
export function findControlPlane(document: unknown, source: string, select: { stack?: string; gateway?: string } = {}): ControlPlaneLocation {
  const found: ControlPlaneLocation[] = [];
  for (const [stack, outputs] of Object.entries(isObject(document) ? document : {})) {
    if (!isObject(outputs)) continue;
    for (const [key, table] of Object.entries(outputs)) {
      const match = TABLE_KEY.exec(key);
      const queueUrl = match && outputs[controlPlaneOutputIds(match[1]).queueUrl];
      if (match && typeof table === 'string' && typeof queueUrl === 'string') {
        const ids = controlPlaneOutputIds(match[1]);
        const names = outputs[ids.loadBalancerNames];
        const loadBalancerNames = decodeLoadBalancerNames(typeof names === 'string' ? names : undefined);
        const cells = decodeCellNames(typeof outputs[ids.cells] === 'string' ? outputs[ids.cells] as string : undefined);
        found.push({ stack, gateway: match[1], table, queueUrl, cells, ...(loadBalancerNames === undefined ? {} : { loadBalancerNames }) });
      }
    }
  }
  const chosen = found.filter(f => (select.stack === undefined || f.stack === select.stack)
    && (select.gateway === undefined || f.gateway === select.gateway));
  if (chosen.length === 1) return chosen[0];
  if (found.length === 0) {
    throw new Error(`${source} has no control plane outputs (ControlPlaneTable, ControlPlaneQueueUrl): is the gateway deployed with ` +
      '`EdgeMode.multiTenantDistribution({ controlPlane: {} })`?');
  }
  const names = found.map(f => `--stack ${f.stack} --gateway ${f.gateway === '' ? '""' : f.gateway}`).join('; ');
  throw new Error(chosen.length === 0
    ? `${source} has no control plane for ${JSON.stringify(select)}; it has: ${names}`
    : `${source} has ${chosen.length} control planes; choose one with ${names}`);
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
