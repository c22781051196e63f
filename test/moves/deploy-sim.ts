// A small model of CloudFront, CloudFormation and DNS for the deploy-model test: an account that
// enforces CloudFront's rules on domains, the gateway's synthesized templates reduced to what
// orders a deploy, and a deploy that applies them in a given order (or fails at a given step and
// rolls back), calling the real move handler through mocked SDK clients backed by the account.
//
// AWS's rules it enforces, and where they are written:
// - A domain is associated with at most one distribution or distribution tenant; adding it to a
//   second fails with CNAMEAlreadyExists ("Move an alternate domain name", CloudFront Developer
//   Guide, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html).
// - Every alternate domain name must be covered by the resource's certificate ("Requirements for
//   using alternate domain names", https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html).
// - UpdateDomainAssociation moves a domain to a target that exists and whose certificate covers it,
//   from a source in the same account ("Move the alternate domain name",
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move-options.html).
// - CloudFront routes a request by the most specific alias, whichever CloudFront name DNS
//   resolved: a domain is served while its DNS name leads to CloudFront and a resource holds it
//   with a covering certificate (same page: DNS may change after the move).
// - CloudFormation creates or updates each resource once per deploy, after what it DependsOn (a
//   nested stack as a whole); an update rollback undoes the updates in reverse order, then deletes
//   what the failed deploy created, in its cleanup ("Monitor stack progress" status codes:
//   UPDATE_ROLLBACK_IN_PROGRESS, UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS,
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html).
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient, GetDistributionCommand, GetDistributionConfigCommand, GetDistributionTenantCommand, ListDomainConflictsCommand,
  UpdateDistributionCommand, UpdateDistributionTenantCommand, UpdateDomainAssociationCommand,
} from '@aws-sdk/client-cloudfront';
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { certificateCovers } from '../../src/certificates/certificate-plan';
import { DomainMoveEvent, moveDomains } from '../../src/runtime/domain-move.lambda';

export const ACCOUNT = '123456789012';
export const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Stack/1';

/** One distribution or distribution tenant. */
interface Holder {
  readonly kind: 'distribution' | 'distribution-tenant';
  readonly certificate: readonly string[];
  readonly account: string;
  aliases: Set<string>;
  deployed: boolean;
}

/** The account: CloudFront's holders, the gateway's physical ids and the stack's status. */
export class Account {
  public readonly holders = new Map<string, Holder>();
  /** Template resource path (block/shard/resource logical ids) to physical id. */
  public readonly physical = new Map<string, string>();
  public stackStatus = 'UPDATE_IN_PROGRESS';
  /** Deploys never finish: a target stays in progress (a failed wait). */
  public stuck = false;
  private next = 1;

  public add(kind: Holder['kind'], aliases: string[], certificate: readonly string[], account = ACCOUNT, id?: string): string {
    const made = id ?? `${kind === 'distribution' ? 'E' : 'dt_'}${String(this.next++).padStart(12, '0')}`;
    this.holders.set(made, { kind, certificate: [...certificate], account, aliases: new Set(), deployed: true });
    this.setAliases(made, aliases);
    return made;
  }

  public ownerOf(domain: string): string | undefined {
    return [...this.holders].find(([, h]) => h.aliases.has(domain))?.[0];
  }

  /** A template's update of a holder's aliases (UpdateDistribution / UpdateDistributionTenant). */
  public setAliases(id: string, aliases: readonly string[]): void {
    const holder = this.holders.get(id)!;
    for (const alias of aliases) {
      const owner = this.ownerOf(alias);
      if (owner !== undefined && owner !== id) throw named('CNAMEAlreadyExists', `${alias} is associated with ${owner}`);
      if (!certificateCovers(holder.certificate, alias)) throw named('InvalidViewerCertificate', `${id}'s certificate does not cover ${alias}`);
    }
    holder.aliases = new Set(aliases);
    holder.deployed = !this.stuck;
  }

  /** UpdateDomainAssociation. */
  public associate(domain: string, target: string): void {
    const holder = this.holders.get(target);
    if (holder === undefined) throw named('EntityNotFound', `no ${target}`);
    if (!certificateCovers(holder.certificate, domain)) throw named('InvalidArgument', `${target}'s certificate does not cover ${domain}`);
    const owner = this.ownerOf(domain);
    if (owner !== undefined && this.holders.get(owner)!.account !== holder.account) throw named('AccessDenied', 'source in another account');
    if (owner !== undefined) this.holders.get(owner)!.aliases.delete(domain);
    holder.aliases.add(domain);
    holder.deployed = !this.stuck;
  }

  /** A request for the domain reaches CloudFront by `dnsTarget` and finds a holder whose certificate covers it. */
  public served(domain: string, dnsTarget: string | undefined): boolean {
    const owner = this.ownerOf(domain);
    return dnsTarget !== undefined && this.holders.has(dnsTarget) && owner !== undefined
      && certificateCovers(this.holders.get(owner)!.certificate, domain);
  }
}

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** Backs the handler's SDK clients by the account `current()` returns. */
export function mockAws(current: () => Account) {
  const cloudFront = mockClient(CloudFrontClient);
  const cloudFormation = mockClient(CloudFormationClient);
  cloudFront.on(ListDomainConflictsCommand).callsFake(input => {
    const account = current();
    const owner = account.ownerOf(input.Domain);
    const holder = owner && account.holders.get(owner)!;
    return { DomainConflicts: holder ? [{ Domain: input.Domain, ResourceType: holder.kind, ResourceId: owner, AccountId: holder.account }] : [] };
  });
  cloudFront.on(UpdateDomainAssociationCommand).callsFake(input => {
    current().associate(input.Domain, input.TargetResource.DistributionId ?? input.TargetResource.DistributionTenantId);
    return {};
  });
  cloudFront.on(GetDistributionConfigCommand).callsFake(input => ({
    ETag: 'e', DistributionConfig: { Aliases: { Quantity: 0, Items: [...current().holders.get(input.Id)!.aliases] } },
  }));
  cloudFront.on(UpdateDistributionCommand).callsFake(input => {
    current().setAliases(input.Id, input.DistributionConfig.Aliases.Items);
    return {};
  });
  cloudFront.on(UpdateDistributionTenantCommand).callsFake(input => {
    current().setAliases(input.Id, input.Domains.map((d: { Domain: string }) => d.Domain));
    return {};
  });
  cloudFront.on(GetDistributionCommand).callsFake(input => ({ ETag: 'e', Distribution: { Status: current().holders.get(input.Id)!.deployed ? 'Deployed' : 'InProgress' } }));
  cloudFront.on(GetDistributionTenantCommand).callsFake(input => ({
    ETag: 'e', DistributionTenant: { Id: input.Identifier, Domains: [...current().holders.get(input.Identifier)!.aliases].map(Domain => ({ Domain })), Status: current().holders.get(input.Identifier)!.deployed ? 'Deployed' : 'InProgress' },
  }));
  cloudFormation.on(DescribeStacksCommand).callsFake(() => ({ Stacks: [{ StackName: 'Stack', StackStatus: current().stackStatus, CreationTime: new Date() }] }));
  cloudFormation.on(DescribeStackResourceCommand).callsFake(input => {
    const path = input.StackName === STACK_ID ? input.LogicalResourceId : `${input.StackName}/${input.LogicalResourceId}`;
    const id = path.split('/').length < 3 ? path : current().physical.get(path);
    if (id === undefined) throw new Error(`Resource ${input.LogicalResourceId} does not exist for stack ${input.StackName}`);
    return { StackResourceDetail: { PhysicalResourceId: id, LogicalResourceId: input.LogicalResourceId, ResourceType: 'x', LastUpdatedTimestamp: new Date(), ResourceStatus: 'x' } };
  });
  return { restore: () => { cloudFront.restore(); cloudFormation.restore(); } };
}

/** What a template asks of one holder the gateway makes: its path and aliases. */
export interface HolderSpec {
  readonly path: string;
  readonly kind: Holder['kind'];
  readonly aliases: readonly string[];
}

/** A step of a deploy: CloudFormation creates, updates or deletes one thing. */
export interface Step {
  readonly id: string;
  /** Steps it waits for (DependsOn, nested stacks as wholes). */
  readonly after: readonly string[];
  /** It is created by this deploy (deleted in the rollback's cleanup), else updated. */
  readonly created: boolean;
  forward(): Promise<void>;
  back(): Promise<void>;
}

/** The gateway's synthesized templates, reduced to the holders they declare and the order of its moves. */
export interface GatewayModel {
  readonly holders: readonly HolderSpec[];
  /** Parent-stack resources by logical id: their type, properties and what they wait for. */
  readonly parent: { [id: string]: { Type: string; Properties?: any; DependsOn?: string[] } };
  /** Each domain's DNS: the holder path its record names (records stay where they are), or a foreign id. */
  readonly dns: ReadonlyMap<string, string>;
  /** Each block's template resources (its shards' nested stacks), by the block's logical id. */
  readonly blocks: ReadonlyMap<string, Resources>;
  /** Each shard's template resources, by "block/shard" logical ids, with its parameters resolved to what the parent passes. */
  readonly shards: ReadonlyMap<string, { readonly resources: Resources; readonly parameters: { readonly [name: string]: unknown } }>;
  /** The block each holder's shard lives in (its parent logical id). */
  blockOf(path: string): string;
}

/** A template's resources by logical id. */
export type Resources = { [id: string]: { Type: string; Properties?: any; DependsOn?: string[] } };

/** Reads a synthesized gateway: every shard's CloudFront holders and the parent's resources. */
export function modelOf(stack: Stack, shardStacks: readonly NestedStack[]): GatewayModel {
  const holders: HolderSpec[] = [];
  const dns = new Map<string, string>();
  const blockOfShard = new Map<string, string>();
  const parent = Template.fromStack(stack).toJSON().Resources as Resources;
  const blocks = new Map<string, Resources>();
  const shards = new Map<string, { resources: Resources; parameters: { [name: string]: unknown } }>();
  for (const shard of shardStacks) {
    const block = Stack.of(shard.nestedStackResource!) as NestedStack;
    const blockId = stack.resolve(block.nestedStackResource!.logicalId) as string;
    const shardId = block.resolve(shard.nestedStackResource!.logicalId) as string;
    const resources = Template.fromStack(shard).toJSON().Resources as { [id: string]: any };
    if (!blocks.has(blockId)) blocks.set(blockId, Template.fromStack(block).toJSON().Resources);
    // A shard's parameter is what its block passes, which may be the block's own parameter, passed by the parent.
    const fromBlock = blocks.get(blockId)![shardId].Properties.Parameters ?? {};
    const fromParent = parent[blockId].Properties.Parameters ?? {};
    const parameters = Object.fromEntries(Object.entries<any>(fromBlock).map(([name, value]) =>
      [name, typeof value?.Ref === 'string' && value.Ref in fromParent ? fromParent[value.Ref] : value]));
    shards.set(`${blockId}/${shardId}`, { resources, parameters });
    let distributionPath: string | undefined;
    for (const [id, resource] of Object.entries(resources)) {
      const path = `${blockId}/${shardId}/${id}`;
      if (resource.Type === 'AWS::CloudFront::Distribution') {
        holders.push({ path, kind: 'distribution', aliases: resource.Properties.DistributionConfig.Aliases ?? [] });
        distributionPath = path;
      } else if (resource.Type === 'AWS::CloudFront::DistributionTenant') {
        holders.push({ path, kind: 'distribution-tenant', aliases: resource.Properties.Domains });
      }
      blockOfShard.set(path, blockId);
    }
    // A record names its shard's distribution, or the connection group (which serves every tenant).
    for (const resource of Object.values(resources).filter(r => r.Type === 'AWS::Route53::RecordSetGroup')) {
      for (const record of resource.Properties.RecordSets) dns.set(record.Name.replace(/\.$/, ''), distributionPath ?? 'connection-group');
    }
  }
  return { holders, parent, blockOf: path => blockOfShard.get(path)!, dns, blocks, shards };
}

/** The physical ids of the custom resources the handler answered with, by logical id. */
export type Answers = Map<string, string>;

/** Every certificate the gateway's holders present: its imported certificate, as the fixture's. */
export const GATEWAY_CERTIFICATE = ['*.example.com', 'example.com'];

/**
 * The steps of deploying `after` over `before` (already applied to `account`): each holder made or
 * whose aliases change, each move resource (in the parent or in a shard) made or whose properties
 * change, and every other resource of a shard made or changed (it changes nothing at CloudFront,
 * but it can fail). Ordered as the templates order them: the parent's DependsOn orders blocks and
 * its own resources, a block's orders its shards, and a shard's DependsOn and references order its
 * resources; what no template orders may go in any order.
 */
export function stepsOf(account: Account, answers: Answers, before: GatewayModel | undefined, after: GatewayModel,
  certificateOf: (path: string) => readonly string[] = () => GATEWAY_CERTIFICATE): Step[] {
  const steps: (Step & { units: string[] })[] = [];
  const old = new Map((before?.holders ?? []).map(h => [h.path, h]));
  for (const holder of after.holders) {
    const previous = old.get(holder.path);
    if (previous === undefined) {
      steps.push({
        id: holder.path,
        units: holder.path.split('/'),
        after: [],
        created: true,
        forward: async () => { account.physical.set(holder.path, account.add(holder.kind, [...holder.aliases], certificateOf(holder.path))); },
        back: async () => { account.holders.delete(account.physical.get(holder.path)!); account.physical.delete(holder.path); },
      });
    } else if (JSON.stringify(previous.aliases) !== JSON.stringify(holder.aliases)) {
      const id = () => account.physical.get(holder.path)!;
      steps.push({
        id: holder.path,
        units: holder.path.split('/'),
        after: [],
        created: false,
        forward: async () => account.setAliases(id(), holder.aliases),
        back: async () => account.setAliases(id(), previous.aliases),
      });
    }
  }
  const moveResource = (id: string, stackId: string, resource: Resources[string], previous: Resources[string] | undefined,
    resolve: (properties: any) => any): (Step & { units: string[] }) | undefined => {
    const properties = resolve(resource.Properties);
    const was = previous && resolve(previous.Properties);
    if (was !== undefined && JSON.stringify(was) === JSON.stringify(properties)) return undefined;
    const call = (event: Omit<DomainMoveEvent, 'StackId' | 'PhysicalResourceId'>) => moveDomains({
      ...event, StackId: stackId, PhysicalResourceId: answers.get(id),
    }, {
      cloudFront: new CloudFrontClient({}),
      cloudFormation: new CloudFormationClient({}),
      account: ACCOUNT,
      sleep: async () => {},
      remainingMs: () => (account.stuck ? 0 : 900_000),
    }).then(answer => { answers.set(id, answer.PhysicalResourceId); });
    return {
      id,
      units: id.split('/'),
      after: [],
      created: was === undefined,
      forward: () => (was === undefined ? call({ RequestType: 'Create', ResourceProperties: properties })
        : call({ RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: was })),
      back: () => (was === undefined ? call({ RequestType: 'Delete', ResourceProperties: properties })
        : call({ RequestType: 'Update', ResourceProperties: was, OldResourceProperties: properties })),
    };
  };
  for (const [id, resource] of Object.entries(after.parent)) {
    if (!resource.Type.startsWith('Custom::DomainMove')) continue;
    const step = moveResource(id, STACK_ID, resource, before?.parent[id], withoutToken);
    if (step) steps.push(step);
  }
  for (const [shardPath, shard] of after.shards) {
    const previousShard = before?.shards.get(shardPath);
    for (const [id, resource] of Object.entries(shard.resources)) {
      const path = `${shardPath}/${id}`;
      const previous = previousShard?.resources[id];
      if (resource.Type === 'Custom::DomainMoveHandback') {
        const step = moveResource(path, `${STACK_ID}/${shardPath}`, resource, previous, properties => withoutToken(resolveParameters(properties, shard.parameters)));
        if (step) steps.push(step);
      } else if (!resource.Type.startsWith('AWS::CloudFront::Distribution') && JSON.stringify(previous?.Properties) !== JSON.stringify(resource.Properties)) {
        // Records, the tenant-config parameter, alarms, log deliveries: nothing at CloudFront, but each can fail.
        steps.push({ id: path, units: path.split('/'), after: [], created: previous === undefined, forward: async () => {}, back: async () => {} });
      }
    }
  }
  // The template that orders two units at `level` under `prefix`: the parent's, a block's, a shard's.
  const templateAt = (prefix: readonly string[]): Resources =>
    (prefix.length === 0 ? after.parent : prefix.length === 1 ? after.blocks.get(prefix[0])! : after.shards.get(prefix.join('/'))!.resources);
  const waits = (step: { units: string[] }, other: { units: string[] }): boolean => {
    let level = 0;
    while (step.units[level] === other.units[level]) level++;
    if (level >= step.units.length || level >= other.units.length) return false;
    return waitsIn(templateAt(step.units.slice(0, level)), step.units[level]).has(other.units[level]);
  };
  return steps.map(({ units, ...step }) => ({
    ...step, after: steps.filter(other => other.id !== step.id && waits({ units }, other)).map(other => other.id),
  }));
}

/** Every resource `id` waits for in its template, directly or not: its DependsOn and what it refers to. */
function waitsIn(resources: Resources, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (at: string) => {
    const refs: string[] = [];
    JSON.stringify(resources[at]?.Properties ?? {}, (key, value) => {
      if (key === 'Ref' && typeof value === 'string') refs.push(value);
      if (key === 'Fn::GetAtt') refs.push(Array.isArray(value) ? value[0] : String(value).split('.')[0]);
      return value;
    });
    for (const on of [...resources[at]?.DependsOn ?? [], ...refs]) {
      if (on in resources && !seen.has(on)) {
        seen.add(on);
        visit(on);
      }
    }
  };
  visit(id);
  return seen;
}

/** A shard resource's properties with each of the shard's parameters replaced by what the parent passes. */
function resolveParameters(properties: any, parameters: { readonly [name: string]: unknown }): any {
  return JSON.parse(JSON.stringify(properties, (_, value) =>
    (value && typeof value === 'object' && typeof value.Ref === 'string' && value.Ref in parameters ? parameters[value.Ref] : value)));
}

/** The handler's properties as CloudFormation passes them (the provider's token left out, the stack's id resolved). */
function withoutToken(properties: any): any {
  const { ServiceToken, ...rest } = properties;
  void ServiceToken;
  return JSON.parse(JSON.stringify(rest).replace(/\{"Ref":"AWS::StackId"\}/g, JSON.stringify(STACK_ID)));
}

/** Every order CloudFormation may run the steps in (their linear extensions). */
export function ordersOf(steps: readonly Step[]): Step[][] {
  if (steps.length === 0) return [[]];
  return steps.filter(s => s.after.every(a => !steps.some(o => o.id === a)))
    .flatMap(first => ordersOf(steps.filter(s => s !== first)).map(rest => [first, ...rest]));
}

/** How a replayed deploy ended. */
export type DeployEnd = 'complete' | 'rolled back' | 'rollback failed';

/**
 * The orders a rollback may undo `undone` in: what waits for a step is undone before it, as a
 * deletion removes what depends on a resource first ("DependsOn attribute", CloudFormation
 * Template Reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html:
 * "Resource A is deleted before resource B"; AWS writes the order down for deletion, and the model
 * takes an update rollback to follow the same graph); steps no template orders may go in any
 * order, as CloudFormation works "in parallel to the extent possible" (same page). The reverse of
 * the order they ran in comes first.
 */
export function rollbackOrdersOf(undone: readonly Step[]): Step[][] {
  const dependents = (step: Step) => undone.filter(other => other.after.includes(step.id)).map(other => other.id);
  const reversed = [...undone].reverse().map(step => ({ ...step, after: dependents(step) }));
  return ordersOf(reversed).map(order => order.map(r => undone.find(u => u.id === r.id)!));
}

/** Which permitted rollback order a replayed deploy takes, and how many there were. */
export interface RollbackChoice {
  /** Its index in rollbackOrdersOf (0: the reverse of the order the steps ran in). */
  readonly pick: number;
  /** Told how many orders the rollback had. */
  count?(orders: number): void;
}

/**
 * Runs a deploy in `order`, failing at step `failAt` (none when past the end): the failed step
 * changes nothing, and is rolled back with the others, as CloudFormation rolls back a resource
 * whose update failed; the rollback undoes the updates (in the order `choice` picks, by default the
 * reverse of the deploy's), then deletes what was made. An undo CloudFront refuses stops the
 * rollback (UPDATE_ROLLBACK_FAILED). `forward` checks the state after every step of the deploy,
 * `rollback` after every step of its rollback.
 */
export async function runDeploy(account: Account, order: readonly Step[], failAt: number,
  forward: (when: string) => void, rollback: (when: string) => void = forward, choice: RollbackChoice = { pick: 0 }): Promise<DeployEnd> {
  forward('before the deploy');
  const done: Step[] = [];
  for (const [k, step] of order.entries()) {
    let failed = k === failAt;
    if (!failed) {
      try {
        await step.forward();
      } catch (e) {
        // The step itself failed (the handler answers FAILED after undoing what it did).
        failed = true;
        forward(`after ${step.id} failed: ${(e as Error).message}`);
      }
    }
    if (failed) {
      account.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
      const undo = [...done, ...(step.created ? [] : [step])].reverse();
      const orders = rollbackOrdersOf([...done, ...(step.created ? [] : [step])].filter(s => !s.created));
      choice.count?.(orders.length);
      try {
        for (const u of orders[Math.min(choice.pick, orders.length - 1)]) {
          await u.back();
          rollback(`after rolling back ${u.id} (failure at ${step.id})`);
        }
        account.stackStatus = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
        for (const u of undo.filter(s => s.created)) {
          await u.back();
          rollback(`after deleting ${u.id} in the cleanup (failure at ${step.id})`);
        }
      } catch {
        account.stackStatus = 'UPDATE_ROLLBACK_FAILED';
        return 'rollback failed';
      }
      account.stackStatus = 'UPDATE_ROLLBACK_COMPLETE';
      return 'rolled back';
    }
    done.push(step);
    forward(`after ${step.id}`);
  }
  account.stackStatus = 'UPDATE_COMPLETE';
  return 'complete';
}

/** A deep copy of the account and the answers, to replay one deploy from the same start. */
export function snapshot(account: Account, answers: Answers): { account: Account; answers: Answers } {
  const copy = new Account();
  for (const [id, h] of account.holders) copy.holders.set(id, { ...h, aliases: new Set(h.aliases) });
  for (const [path, id] of account.physical) copy.physical.set(path, id);
  (copy as any).next = (account as any).next;
  copy.stackStatus = account.stackStatus;
  copy.stuck = account.stuck;
  return { account: copy, answers: new Map(answers) };
}
