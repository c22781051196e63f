import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TenantShard } from './tenant-shard';
import { DnsTargetsValue, dnsOutputId, dnsOutputPrefix, SHARDS_PER_OUTPUT } from '../dns-outputs';
import { EdgeShape } from '../shape';

/**
 * The shards' DNS targets as outputs of the gateway's stack (see dns-outputs.ts), so that
 * `cdk deploy --outputs-file` records them and the CLI's `dns` command can tell partners what to
 * point their names at. Outputs only: no resource is added, and no logical id changes.
 */
export function addDnsTargetOutputs(gateway: Construct, shards: readonly TenantShard[], shape: EdgeShape): void {
  const prefix = dnsOutputPrefix(gateway.node.path.slice(Stack.of(gateway).node.path.length + 1));
  const runs = new Map<string, TenantShard[]>();
  for (const shard of shards) {
    const id = dnsOutputId(prefix, shard.index);
    runs.set(id, [...(runs.get(id) ?? []), shard]);
  }
  for (const [id, run] of runs) {
    const value: DnsTargetsValue = {
      edge: shape.name,
      shards: Object.fromEntries(run.map(shard => [String(shard.index), shard.dnsTarget ?? null])),
    };
    const first = Math.floor(run[0].index / SHARDS_PER_OUTPUT) * SHARDS_PER_OUTPUT;
    const output = new CfnOutput(gateway, id.slice(prefix.length), {
      description: `cdk-multi-tenant-gateway: the DNS target of each of shards ${first} to ${first + SHARDS_PER_OUTPUT - 1}, ` +
        'read by `cdk-multi-tenant-gateway dns`',
      value: Stack.of(gateway).toJsonString(value),
    });
    // A documented id, without the hash CDK would add: the CLI finds the outputs by it.
    output.overrideLogicalId(id);
  }
}
