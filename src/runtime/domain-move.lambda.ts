// The deploy-time domain move: a custom resource handler (through the CDK provider framework,
// which answers CloudFormation) that moves each of a tenant's domains to its target distribution
// or distribution tenant with CloudFront's UpdateDomainAssociation, so the domain is served at
// every moment. AWS SDK v3 only (the Lambda runtime ships it); no aws-cdk-lib.
//
// AWS's rules it follows ("Move an alternate domain name", CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move-options.html):
// ListDomainConflicts, asked with the target as the domain-control-validation resource (which must
// carry a certificate covering the domain), names the current owner and its account; for an owner
// in the same account, UpdateDomainAssociation moves the domain, apex domains included.
import {
  CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient, DistributionResourceId, GetDistributionCommand, GetDistributionConfigCommand, GetDistributionTenantCommand,
  ListDomainConflictsCommand, UpdateDistributionCommand, UpdateDistributionTenantCommand, UpdateDomainAssociationCommand,
} from '@aws-sdk/client-cloudfront';
import { retrying } from './retrying';

/** What the custom resource is given (strings only: CloudFormation passes every property as one). */
export interface DomainMoveProperties {
  readonly TenantId: string;
  readonly Domains: string[];
  /** "distribution" or "distribution-tenant". */
  readonly TargetKind: string;
  /**
   * How to find the target without a CloudFormation reference (which would order the target's
   * update before the move): the stack ARN, then the logical id of each nested stack down to the
   * target resource's own.
   */
  readonly TargetPath: string[];
  /** How messages name the source ("shard 3's distribution", "distribution E2QWRUHEXAMPLE"). */
  readonly SourceLabel: string;
  /** The source's ID when the tenants file names it (an adoption); the domain must be found there. */
  readonly SourceId?: string;
  /** "distribution" or "distribution-tenant": what the source is. */
  readonly SourceKind?: string;
  /** The source's path through the stacks, as `TargetPath`, when it is a shard of the gateway. */
  readonly SourcePath?: string[];
  /** How messages name the target. */
  readonly TargetLabel: string;
  /**
   * "move" (the default): runs before the target's and the source's updates and moves the
   * domains. "handback": one in the target's shard and one in the source's, each updated right
   * after its shard's CloudFront resource; it does nothing forward, and in a rollback of the move
   * deploy (an Update back to the prepare stage) it moves the domains back to the source before
   * CloudFormation rolls that CloudFront resource back (a rollback undoes what depends on a
   * resource before the resource).
   */
  readonly Role?: string;
  /** A hand-back's stage: "prepare" or "move". */
  readonly Stage?: string;
}

/** The CloudFormation event, as the provider framework passes it on. */
export interface DomainMoveEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: DomainMoveProperties;
  readonly OldResourceProperties?: DomainMoveProperties;
}

/** What the handler answers: the physical id records where the domains came from, for a move back. */
export interface DomainMoveResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly TargetId: string; readonly Moved: string };
}

/** What the handler needs from its surroundings; tests pass their own. */
export interface MoveDependencies {
  readonly cloudFront: CloudFrontClient;
  readonly cloudFormation: CloudFormationClient;
  /** The account the handler runs in. */
  readonly account: string;
  sleep(ms: number): Promise<void>;
  /** Milliseconds left before the function must answer. */
  remainingMs(): number;
}

/** Polls for a deployed target every this many milliseconds. */
export const POLL_MS = 15_000;
/** Answers this long before the function's own timeout, so a failed wait is reported and undone. */
export const MARGIN_MS = 60_000;

/** The Lambda entry point. */
export async function handler(event: DomainMoveEvent,
  context: { invokedFunctionArn: string; getRemainingTimeInMillis(): number }): Promise<DomainMoveResponse> {
  return moveDomains(event, {
    cloudFront: new CloudFrontClient({ maxAttempts: 5 }),
    cloudFormation: new CloudFormationClient({ maxAttempts: 5 }),
    account: context.invokedFunctionArn.split(':')[4],
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
}

/**
 * Create or Update: every domain on the target, or already there (a retry). Delete: nothing, as
 * the move is done and its declaration removed. During a rollback (the stack's status says so):
 * the domains go back to the source they came from, before the source's own rollback puts them
 * back in its template.
 */
export async function moveDomains(event: DomainMoveEvent, deps: MoveDependencies): Promise<DomainMoveResponse> {
  const props = event.ResourceProperties;
  const rollingBack = await stackRollingBack(event.StackId, deps);
  if (props.Role === 'handback') return handBack(event, rollingBack, deps);
  if (event.RequestType === 'Delete' && !rollingBack) {
    return { PhysicalResourceId: event.PhysicalResourceId!, Data: { TargetId: '', Moved: '' } };
  }
  if (rollingBack && event.RequestType !== 'Create') {
    // Update with the old properties, or Delete of a resource whose creation failed: the domains
    // this resource moved go back to where they came from.
    const moved = event.RequestType === 'Update' ? event.OldResourceProperties ?? props : props;
    await moveBack(moved, decodeResource(event.PhysicalResourceId?.split('@')[1]), deps);
    return { PhysicalResourceId: event.PhysicalResourceId!, Data: { TargetId: '', Moved: '' } };
  }
  return moveForward(props, event.PhysicalResourceId, deps);
}

/**
 * A hand-back: nothing forward. Rolled back to the prepare stage (the move deploy failed after its
 * shard's CloudFront resource took its new template, or the hand-back's own update failed), it
 * moves the domains from the target back to the source, found through the stacks or named by the
 * tenants file. A later deploy's rollback (back to the move stage) leaves a finished move alone.
 */
async function handBack(event: DomainMoveEvent, rollingBack: boolean, deps: MoveDependencies): Promise<DomainMoveResponse> {
  const props = event.ResourceProperties;
  if (event.RequestType === 'Update' && rollingBack && props.Stage === 'prepare') {
    const moved = event.OldResourceProperties ?? props;
    const sourceId = moved.SourceId ?? (moved.SourcePath && await findResource(moved.SourcePath, moved, moved.SourceLabel, deps));
    await moveBack(moved, sourceId ? resourceId(moved.SourceKind ?? 'distribution', sourceId) : undefined, deps);
  }
  return { PhysicalResourceId: event.PhysicalResourceId ?? `${props.TenantId}@handback`, Data: { TargetId: '', Moved: '' } };
}

async function moveForward(props: DomainMoveProperties, previousId: string | undefined, deps: MoveDependencies): Promise<DomainMoveResponse> {
  const targetId = await findTarget(props, deps);
  const target = resourceId(props.TargetKind, targetId);
  const moved: { domain: string; from: DistributionResourceId }[] = [];
  for (const domain of props.Domains) {
    const owner = await ownerOf(domain, target, props, deps);
    if (owner === undefined || idOf(owner) === targetId) continue;
    if (props.SourceId !== undefined && idOf(owner) !== props.SourceId) {
      throw new Error(`${describe(props, domain)}: the domain is on ${idOf(owner)}, not on the declared source ${props.SourceId}; ` +
        'correct `adoptFrom` in the tenants file');
    }
    await associate(domain, target, deps, describe(props, domain));
    moved.push({ domain, from: owner });
  }
  if (moved.length > 0) {
    try {
      await waitUntilDeployed(target, props, deps);
    } catch (e) {
      // The wait failed: put every domain back where it was, so the stack's rollback finds the
      // source as its template says, then fail.
      for (const m of [...moved].reverse()) await associate(m.domain, m.from, deps, `${describe(props, m.domain)} (moving back after the failed wait)`);
      throw e;
    }
  }
  const sources = [...new Set(moved.map(m => encodeResource(m.from)))];
  if (sources.length > 1) {
    throw new Error(`${describe(props, props.Domains.join(', '))}: the domains were on ${sources.join(' and ')}; ` +
      'a move takes one source at a time: split the tenant\'s move');
  }
  const physicalId = sources.length === 1 ? `${props.TenantId}@${sources[0]}` : previousId ?? `${props.TenantId}@none`;
  return { PhysicalResourceId: physicalId, Data: { TargetId: targetId, Moved: moved.map(m => m.domain).join(',') } };
}

async function moveBack(props: DomainMoveProperties, source: DistributionResourceId | undefined, deps: MoveDependencies): Promise<void> {
  if (source === undefined) return; // nothing was moved
  const targetId = await findTarget(props, deps).catch(() => undefined);
  let movedBack = false;
  for (const domain of [...props.Domains].reverse()) {
    const owner = await ownerOf(domain, source, props, deps);
    if (owner === undefined) {
      // The target's own rollback dropped it (its previous template did not list it): the source
      // takes it back in its configuration, as its template, rolled back, lists it.
      await readd(domain, source, deps, `${describe(props, domain)} (adding it back to ${props.SourceLabel} on rollback)`);
      movedBack = true;
      continue;
    }
    // Only what is on the target goes back: a domain elsewhere was never moved by this resource.
    if (targetId === undefined || idOf(owner) !== targetId) continue;
    await associate(domain, source, deps, `${describe(props, domain)} (moving back to ${props.SourceLabel} on rollback)`);
    movedBack = true;
  }
  if (movedBack) await waitUntilDeployed(source, props, deps);
}

/** The target's physical id, read from the stacks (the target must exist: it was made by an earlier deploy). */
function findTarget(props: DomainMoveProperties, deps: MoveDependencies): Promise<string> {
  return findResource(props.TargetPath, props, props.TargetLabel, deps);
}

/** The physical id at the end of `path`: a stack, then the logical id of each nested stack down to the resource's own. */
async function findResource(path: readonly string[], props: DomainMoveProperties, label: string, deps: MoveDependencies): Promise<string> {
  const [stack, ...logicalIds] = path;
  let current = stack;
  for (const logicalId of logicalIds) {
    let physical: string | undefined;
    try {
      const found = await retrying(() => deps.cloudFormation.send(
        new DescribeStackResourceCommand({ StackName: current, LogicalResourceId: logicalId })), deps);
      physical = found.StackResourceDetail?.PhysicalResourceId;
    } catch (e) {
      if (!/does not exist/.test((e as Error).message)) throw e;
    }
    if (!physical) {
      throw new Error(`tenant "${props.TenantId}": ${label} does not exist yet (no ${logicalId} in ${current}); a domain moves ` +
        'only to a target that exists. Deploy the move with `"stage": "prepare"` first, then with "move"');
    }
    current = physical;
  }
  return current;
}

/** The resource the domain is associated with now, asked on behalf of `target` (which carries a certificate covering it). */
async function ownerOf(domain: string, target: DistributionResourceId, props: DomainMoveProperties,
  deps: MoveDependencies): Promise<DistributionResourceId | undefined> {
  const result = await retrying(() =>
    deps.cloudFront.send(new ListDomainConflictsCommand({ Domain: domain, DomainControlValidationResource: target })), deps);
  const conflict = (result.DomainConflicts ?? []).find(c => c.Domain === domain) ?? result.DomainConflicts?.[0];
  if (conflict === undefined) return undefined;
  if (conflict.AccountId !== deps.account) {
    throw new Error(`${describe(props, domain)}: the domain is on ${conflict.ResourceType} ${conflict.ResourceId} in account ${conflict.AccountId}, ` +
      'not this account; UpdateDomainAssociation cannot move it while that source is enabled. Use CloudFront\'s wildcard method (see "Moving tenants")');
  }
  return resourceId(conflict.ResourceType!, conflict.ResourceId!);
}

/** UpdateDomainAssociation with the target's current ETag; a stale ETag or a throttle is retried. */
async function associate(domain: string, target: DistributionResourceId, deps: MoveDependencies, what: string): Promise<void> {
  try {
    await retrying(async () => {
      const etag = (await stateOf(target, deps)).etag;
      return deps.cloudFront.send(new UpdateDomainAssociationCommand({ Domain: domain, TargetResource: target, IfMatch: etag }));
    }, deps, ['PreconditionFailed']);
  } catch (e) {
    throw new Error(`${what}: UpdateDomainAssociation failed: ${(e as Error).name}: ${(e as Error).message}`);
  }
}

/** Adds a domain no resource holds back to the source's own configuration (UpdateDistribution, UpdateDistributionTenant). */
async function readd(domain: string, source: DistributionResourceId, deps: MoveDependencies, what: string): Promise<void> {
  try {
    await retrying(async () => {
      if (source.DistributionId !== undefined) {
        const got = await deps.cloudFront.send(new GetDistributionConfigCommand({ Id: source.DistributionId }));
        const config = got.DistributionConfig!;
        const items = [...(config.Aliases?.Items ?? []).filter(a => a !== domain), domain];
        return deps.cloudFront.send(new UpdateDistributionCommand({
          Id: source.DistributionId, IfMatch: got.ETag, DistributionConfig: { ...config, Aliases: { Quantity: items.length, Items: items } },
        }));
      }
      const got = await deps.cloudFront.send(new GetDistributionTenantCommand({ Identifier: source.DistributionTenantId }));
      const tenant = got.DistributionTenant!;
      const domains = [...(tenant.Domains ?? []).map(d => d.Domain!).filter(d => d !== domain), domain];
      return deps.cloudFront.send(new UpdateDistributionTenantCommand({
        Id: tenant.Id,
        IfMatch: got.ETag,
        DistributionId: tenant.DistributionId,
        Domains: domains.map(d => ({ Domain: d })),
        Customizations: tenant.Customizations,
        Parameters: tenant.Parameters,
        ConnectionGroupId: tenant.ConnectionGroupId,
        Enabled: tenant.Enabled,
      }));
    }, deps, ['PreconditionFailed']);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
  }
}

async function waitUntilDeployed(target: DistributionResourceId, props: DomainMoveProperties, deps: MoveDependencies): Promise<void> {
  for (;;) {
    const { status } = await stateOf(target, deps);
    if (status === 'Deployed') return;
    if (deps.remainingMs() < MARGIN_MS + POLL_MS) {
      throw new Error(`${describe(props, props.Domains.join(', '))}: ${idOf(target)} was still ${status} when the wait ran out`);
    }
    await deps.sleep(POLL_MS);
  }
}

async function stateOf(resource: DistributionResourceId, deps: MoveDependencies): Promise<{ etag?: string; status?: string }> {
  if (resource.DistributionId !== undefined) {
    const got = await retrying(() => deps.cloudFront.send(new GetDistributionCommand({ Id: resource.DistributionId })), deps);
    return { etag: got.ETag, status: got.Distribution?.Status };
  }
  const got = await retrying(() => deps.cloudFront.send(new GetDistributionTenantCommand({ Identifier: resource.DistributionTenantId })), deps);
  return { etag: got.ETag, status: got.DistributionTenant?.Status };
}

async function stackRollingBack(stackId: string, deps: MoveDependencies): Promise<boolean> {
  const stacks = await retrying(() => deps.cloudFormation.send(new DescribeStacksCommand({ StackName: stackId })), deps);
  return /ROLLBACK/.test(stacks.Stacks?.[0]?.StackStatus ?? '');
}

function describe(props: DomainMoveProperties, domain: string): string {
  return `tenant "${props.TenantId}", domain ${domain}, from ${props.SourceLabel} to ${props.TargetLabel}`;
}

function resourceId(kind: string, id: string): DistributionResourceId {
  return kind === 'distribution-tenant' ? { DistributionTenantId: id } : { DistributionId: id };
}

function idOf(resource: DistributionResourceId): string {
  return resource.DistributionId ?? resource.DistributionTenantId!;
}

function encodeResource(resource: DistributionResourceId): string {
  return resource.DistributionId !== undefined ? `distribution:${resource.DistributionId}` : `distribution-tenant:${resource.DistributionTenantId}`;
}

function decodeResource(text: string | undefined): DistributionResourceId | undefined {
  const at = text?.indexOf(':') ?? -1;
  if (text === undefined || at < 0) return undefined;
  return resourceId(text.slice(0, at), text.slice(at + 1));
}
