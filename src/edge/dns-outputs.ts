// The gateway's DNS-target outputs as data: the gateway writes them in its stack, and the CLI's
// `dns` command reads them back from `cdk deploy --outputs-file`. Pure: no aws-cdk-lib.
//
// `cdk deploy --outputs-file` writes only the outputs of top-level stacks, and a template holds at
// most 200 outputs, so the outputs go in the gateway's own stack, one per run of
// SHARDS_PER_OUTPUT shards (500 shards make 10), each a JSON object of shard → DNS target:
//   GatewayDnsTargets0 = {"edge":"shardedDistributions","shards":{"0":"d111.cloudfront.net",...}}
// A shard's output is fixed by its index, so the ids never change as shards are added. Fifty
// CloudFront names (about 40 characters each) keep a value near 2 KB, within the 4,096 bytes
// CloudFormation allows a parameter value (no output value limit is documented).

/** Shards per output. */
export const SHARDS_PER_OUTPUT = 50;

/** What one output holds. */
export interface DnsTargetsValue {
  /** The edge mode, as a tenants file's `settings.edge` names it. */
  readonly edge: string;
  /** Shard index → the name its tenant domains resolve to; null when not known to the template (the account's default connection group). */
  readonly shards: { [shard: string]: string | null };
}

const OUTPUT_KEY = /^([A-Za-z0-9]*)DnsTargets(\d+)$/;

/**
 * The output id prefix of a gateway: its path within its stack (its construct id when it sits
 * directly in the stack), alphanumerics only, as CloudFormation requires. The path keeps two
 * gateways of one id under different parents of a stack apart.
 */
export function dnsOutputPrefix(pathInStack: string): string {
  return pathInStack.replace(/[^A-Za-z0-9]/g, '');
}

/** The output id of the run of shards that `shard` belongs to: `<prefix>DnsTargets<n>`. */
export function dnsOutputId(prefix: string, shard: number): string {
  return `${prefix}DnsTargets${Math.floor(shard / SHARDS_PER_OUTPUT)}`;
}

/** One gateway's DNS targets, as found in an outputs file. */
export interface GatewayDnsTargets {
  readonly stack: string;
  /** The output id prefix: the gateway's path within its stack, alphanumerics only. */
  readonly gateway: string;
  readonly edge: string;
  /** Every shard found in the gateway's outputs. */
  readonly shards: ReadonlyMap<number, string | null>;
}

/**
 * Every gateway's DNS targets in a `cdk deploy --outputs-file` document (stack → output id →
 * value). Outputs whose id or value is not of this shape are someone else's and left alone.
 */
export function findDnsTargets(document: unknown): GatewayDnsTargets[] {
  if (!isObject(document)) return [];
  const found: GatewayDnsTargets[] = [];
  for (const [stack, outputs] of Object.entries(document)) {
    if (!isObject(outputs)) continue;
    const byGateway = new Map<string, { edge: string; shards: Map<number, string | null> }>();
    for (const [key, text] of Object.entries(outputs)) {
      const match = OUTPUT_KEY.exec(key);
      const value = match ? parseValue(text) : undefined;
      if (!match || !value) continue;
      const gateway = byGateway.get(match[1]) ?? { edge: value.edge, shards: new Map() };
      byGateway.set(match[1], gateway);
      for (const [shard, target] of Object.entries(value.shards)) gateway.shards.set(Number(shard), target);
    }
    byGateway.forEach((g, gateway) => found.push({ stack, gateway, edge: g.edge, shards: g.shards }));
  }
  return found;
}

function parseValue(text: unknown): DnsTargetsValue | undefined {
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.edge !== 'string' || !isObject(value.shards)) return undefined;
  const shards = Object.entries(value.shards);
  const valid = shards.every(([shard, target]) => /^\d+$/.test(shard) && (target === null || typeof target === 'string'));
  return valid ? { edge: value.edge, shards: value.shards as DnsTargetsValue['shards'] } : undefined;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
