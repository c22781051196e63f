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
  /** The block each holder's shard lives in (its parent logical id). */
  blockOf(path: string): string;
}

/** Reads a synthesized gateway: every shard's CloudFront holders and the parent's resources. */
export function modelOf(stack: Stack, shardStacks: readonly NestedStack[]): GatewayModel {
  const holders: HolderSpec[] = [];
  const dns = new Map<string, string>();
  const blockOfShard = new Map<string, string>();
  for (const shard of shardStacks) {
    const block = Stack.of(shard.nestedStackResource!) as NestedStack;
    const blockId = stack.resolve(block.nestedStackResource!.logicalId) as string;
    const shardId = block.resolve(shard.nestedStackResource!.logicalId) as string;
    const resources = Template.fromStack(shard).toJSON().Resources as { [id: string]: any };
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
  return { holders, parent: Template.fromStack(stack).toJSON().Resources, blockOf: path => blockOfShard.get(path)!, dns };
}

/** The physical ids of the custom resources the handler answered with, by logical id. */
export type Answers = Map<string, string>;

/** Every certificate the gateway's holders present: its imported certificate, as the fixture's. */
export const GATEWAY_CERTIFICATE = ['*.example.com', 'example.com'];

/**
 * The steps of deploying `after` over `before` (already applied to `account`): each holder made or
 * whose aliases change, each move resource made or whose properties change, ordered as the parent
 * template's DependsOn orders their blocks and themselves (a holder waits for what its block
 * waits for; holders of one block may go in any order, more freedom than the templates give).
 */
export function stepsOf(account: Account, answers: Answers, before: GatewayModel | undefined, after: GatewayModel,
  certificateOf: (path: string) => readonly string[] = () => GATEWAY_CERTIFICATE): Step[] {
  const steps: (Step & { unit: string })[] = [];
  const old = new Map((before?.holders ?? []).map(h => [h.path, h]));
  for (const holder of after.holders) {
    const previous = old.get(holder.path);
    if (previous === undefined) {
      steps.push({
        id: holder.path,
        unit: after.blockOf(holder.path),
        after: [],
        created: true,
        forward: async () => { account.physical.set(holder.path, account.add(holder.kind, [...holder.aliases], certificateOf(holder.path))); },
        back: async () => { account.holders.delete(account.physical.get(holder.path)!); account.physical.delete(holder.path); },
      });
    } else if (JSON.stringify(previous.aliases) !== JSON.stringify(holder.aliases)) {
      const id = () => account.physical.get(holder.path)!;
      steps.push({
        id: holder.path,
        unit: after.blockOf(holder.path),
        after: [],
        created: false,
        forward: async () => account.setAliases(id(), holder.aliases),
        back: async () => account.setAliases(id(), previous.aliases),
      });
    }
  }
  for (const [id, resource] of Object.entries(after.parent)) {
    if (!resource.Type.startsWith('Custom::DomainMove')) continue;
    const previous = before?.parent[id];
    const properties = withoutToken(resource.Properties);
    if (previous !== undefined && JSON.stringify(withoutToken(previous.Properties)) === JSON.stringify(properties)) continue;
    const call = (event: Omit<DomainMoveEvent, 'StackId' | 'PhysicalResourceId'>) => moveDomains({
      ...event, StackId: STACK_ID, PhysicalResourceId: answers.get(id),
    }, {
      cloudFront: new CloudFrontClient({}),
      cloudFormation: new CloudFormationClient({}),
      account: ACCOUNT,
      sleep: async () => {},
      remainingMs: () => (account.stuck ? 0 : 900_000),
    }).then(answer => { answers.set(id, answer.PhysicalResourceId); });
    steps.push({
      id,
      unit: id,
      after: [],
      created: previous === undefined,
      forward: () => (previous === undefined ? call({ RequestType: 'Create', ResourceProperties: properties })
        : call({ RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: withoutToken(previous.Properties) })),
      back: () => (previous === undefined ? call({ RequestType: 'Delete', ResourceProperties: properties })
        : call({ RequestType: 'Update', ResourceProperties: withoutToken(previous.Properties), OldResourceProperties: properties })),
    });
  }
  const waitsFor = (unit: string) => dependenciesOf(after.parent, unit);
  return steps.map(step => ({ ...step, after: steps.filter(other => other !== step && waitsFor(step.unit).has(other.unit)).map(other => other.id) }));
}

/** Every parent resource `id` waits for, directly or not. */
function dependenciesOf(parent: GatewayModel['parent'], id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (at: string) => {
    for (const on of parent[at]?.DependsOn ?? []) {
      if (!seen.has(on)) {
        seen.add(on);
        visit(on);
      }
    }
  };
  visit(id);
  return seen;
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
 * Runs a deploy in `order`, failing at step `failAt` (none when past the end): the failed step
 * changes nothing, and is rolled back with the others, as CloudFormation rolls back a resource
 * whose update failed; the rollback undoes the updates in reverse order, then deletes what was
 * made. An undo CloudFront refuses stops the rollback (UPDATE_ROLLBACK_FAILED). `forward` checks
 * the state after every step of the deploy, `rollback` after every step of its rollback.
 */
export async function runDeploy(account: Account, order: readonly Step[], failAt: number,
  forward: (when: string) => void, rollback: (when: string) => void = forward): Promise<DeployEnd> {
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
      try {
        for (const u of undo.filter(s => !s.created)) {
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
