// The deploy-time part of declared moves: per moving tenant, a move (before its target's and its
// source's templates change) and a hand-back in each of those shards (right after the shard's
// CloudFront resource), all custom resources of one provider.
//
// The order, and why (CloudFormation creates or updates each resource at most once per deploy, a
// nested stack is ordered as a whole, and a rollback undoes an update only after undoing what
// depends on it, as a deletion does: "Resource A is deleted before resource B", "DependsOn
// attribute", https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html;
// what the failed deploy created is deleted last, in its cleanup):
//
// - prepare deploy: the target is made or updated without the moving domains (its certificate
//   covers them); the source keeps serving them. The hand-backs are made, doing nothing.
// - move deploy: the move runs first, in the gateway's own stack, before every block of shards
//   (so before the target's and the source's updates): it finds the target's ID through the
//   stacks (a reference would order the target's update before it), moves each domain with
//   UpdateDomainAssociation and waits until the target is deployed. Then the target's update
//   lists the domains (already there) and the source's drops them (already released), one shard
//   after the other. Each hand-back, updated right after its shard's CloudFront resource and
//   before everything else of that shard, does nothing forward; in a rollback it is undone before
//   that resource and moves the domains back to the source, so the target's rollback (a template
//   without them) finds them gone and the source's (a template listing them) finds them home.
// - What no order can protect: a CloudFront resource rolled back before its hand-back ran, when its
//   own update fails, or something else of the deploy (another shard, the gateway's own resources)
//   fails while that update is in flight. Then the target's rollback drops the domains (the next
//   hand-back or the move's rollback gives them back to the source) and the source's is refused
//   while the target holds them (UPDATE_ROLLBACK_FAILED, still served). The deploy-model test pins
//   these cases.
// - DNS changes never: the records stay in the source shard's record groups, unchanged, as
//   CloudFront routes each request by its alias whichever distribution's name DNS resolved.
import { Aspects, Aws, CfnResource, CustomResource, Duration, IAspect, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeNag } from '../../private/nag';
import { newestNodeRuntime } from '../../private/node-runtime';
import { DomainMoveFunction } from '../../runtime/domain-move-function';
import { TenantMove } from '../move-plan';

/** The shards of the gateway, as the moves find them. */
export interface MovedShards {
  /** The shard's nested stack (inside its block), by index. */
  shardOf(index: number): NestedStack | undefined;
}

/** The gateway's moves: one provider; per moving tenant, a move and a hand-back in its target's and its source's shards. */
export class DomainMoves extends Construct {
  /** The function that moves the domains. */
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, moves: readonly TenantMove[], shards: MovedShards) {
    super(scope, id);
    this.handler = new DomainMoveFunction(this, 'Handler', {
      description: 'cdk-multi-tenant-gateway: moves tenant domains between distributions with UpdateDomainAssociation',
      runtime: newestNodeRuntime(),
      // A target takes minutes to deploy; the handler answers a minute before this, and the
      // provider framework retries nothing itself.
      timeout: Duration.minutes(15),
      memorySize: 256,
    });
    // CloudFront's move actions on the account's distributions and distribution tenants: the
    // targets are found at deploy time (a reference would order them first), so no narrower ARN
    // is known at synth. Updating a source's own configuration is how a rollback gives back a
    // domain that the target's rollback dropped.
    const cloudFrontArns = ['distribution/*', 'distribution-tenant/*'].map(resource =>
      `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:${resource}`);
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      actions: [
        'cloudfront:ListDomainConflicts', 'cloudfront:UpdateDomainAssociation', 'cloudfront:GetDistribution', 'cloudfront:GetDistributionTenant',
        'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution', 'cloudfront:UpdateDistributionTenant',
      ],
      resources: cloudFrontArns,
    }));
    // Only the gateway's own stacks (nested stacks are named after their parent).
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
      resources: [`arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${Aws.STACK_NAME}*/*`],
    }));
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.handler });
    acknowledgeMoves(this.handler, provider);

    const parentStackId = Stack.of(this).stackId;
    for (const move of moves) {
      const target = shards.shardOf(move.target.shard!);
      if (target === undefined) continue;
      const source = move.source.shard === undefined ? undefined : shards.shardOf(move.source.shard);
      const properties = {
        TenantId: move.tenantId,
        Domains: [...move.domainNames],
        TargetKind: move.target.resource,
        // From the gateway's own stack, which every shard's hand-back reaches as a parameter.
        TargetPath: [parentStackId, ...pathOf(target, holderOf(target, move.tenantId))],
        SourceKind: move.source.resource,
        SourcePath: source ? [parentStackId, ...pathOf(source, holderOf(source))] : undefined,
        SourceLabel: move.source.label,
        SourceId: move.source.id,
        TargetLabel: move.target.label,
      };
      const ends = [{ shard: target, holder: holderOf(target, move.tenantId) }, ...(source ? [{ shard: source, holder: holderOf(source) }] : [])];
      for (const { shard, holder } of ends) {
        const handback = new CustomResource(shard, `Handback ${move.tenantId}`, {
          serviceToken: provider.serviceToken,
          resourceType: 'Custom::DomainMoveHandback',
          properties: { ...properties, Role: 'handback', Stage: move.stage },
        });
        const resource = handback.node.defaultChild as CfnResource;
        resource.addDependency(holder);
        HandbacksFirst.of(shard).add(resource);
      }
      if (source) runOneAfterTheOther(target, source);
      if (move.stage !== 'move') continue;
      const domainMove = new CustomResource(this, `Move ${move.tenantId}`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::DomainMove',
        properties: { ...properties, Role: 'move' },
      });
      blockOf(target).node.addDependency(domainMove);
      if (source) blockOf(source).node.addDependency(domainMove);
    }
  }
}

/**
 * Makes every other resource of a shard wait for its hand-backs, so that nothing of the shard that
 * can fail runs while its CloudFront resource's update has no hand-back yet. At synthesis (an
 * aspect), as observability adds alarms and log deliveries to a shard after the moves are made.
 * What a hand-back itself waits for (its CloudFront resource, and what that waits for) is left
 * alone, as is every hand-back: ordering those would make a cycle.
 */
class HandbacksFirst implements IAspect {
  public static of(shard: NestedStack): HandbacksFirst {
    let found = HANDBACKS.get(shard);
    if (found === undefined) {
      found = new HandbacksFirst();
      HANDBACKS.set(shard, found);
      Aspects.of(shard).add(found);
    }
    return found;
  }

  private readonly handbacks: CfnResource[] = [];
  private before?: Set<CfnResource>;

  public add(handback: CfnResource): void {
    this.handbacks.push(handback);
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || Stack.of(node) !== Stack.of(this.handbacks[0])) return;
    // Computed once, before any of these dependencies is added.
    this.before = this.before ?? dependencyClosure(this.handbacks);
    if (this.before.has(node) || node.cfnResourceType === 'Custom::DomainMoveHandback') return;
    for (const handback of this.handbacks) node.addDependency(handback);
  }
}

const HANDBACKS = new WeakMap<NestedStack, HandbacksFirst>();

/** Every resource `from` waits for, directly or not, through DependsOn (in a shard, no resource refers to another before its hand-back). */
function dependencyClosure(from: readonly CfnResource[]): Set<CfnResource> {
  const seen = new Set<CfnResource>();
  const visit = (resource: CfnResource) => {
    for (const on of resource.obtainDependencies()) {
      if (on instanceof CfnResource && !seen.has(on)) {
        seen.add(on);
        visit(on);
      }
    }
  };
  from.forEach(visit);
  return seen;
}

/**
 * Orders the target's shard after the source's (between blocks, the target's block after the
 * source's), so neither's CloudFront update is in flight while the other shard fails, and a failed
 * target update is followed in the rollback by the source's hand-back, which gives the domains
 * back at once. When the waves or lanes already order them the other way, that order stays (adding
 * this one would make a cycle): one after the other is what counts.
 */
function runOneAfterTheOther(target: NestedStack, source: NestedStack): void {
  const [first, then] = blockOf(target) === blockOf(source) ? [source, target] : [blockOf(source), blockOf(target)];
  if (!waitsFor(first, then)) then.node.addDependency(first);
}

/** `from` waits for `on`, directly or not, through the construct dependencies the gateway adds between shards and blocks. */
function waitsFor(from: IConstruct, on: IConstruct, seen = new Set<IConstruct>()): boolean {
  return from.node.dependencies.some(d => d === on || (!seen.has(d) && seen.add(d) && waitsFor(d, on, seen)));
}

/** The by-design cdk-nag findings of the move's function and of aws-cdk-lib's provider framework. */
function acknowledgeMoves(handler: lambda.Function, provider: cr.Provider): void {
  const basicRole = {
    id: 'AwsSolutions-IAM4',
    reason: 'A deploy-time function writes only its logs: AWS\'s basic execution policy is exactly that.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  };
  acknowledgeNag(handler.role!.node.defaultChild!, [basicRole]);
  acknowledgeNag(handler.role!.node.findChild('DefaultPolicy').node.defaultChild!, [{
    id: 'AwsSolutions-IAM5',
    reason: 'The move\'s targets are found at deploy time (a reference would order their update before the move) and its sources may be ' +
      'any distribution of the account (an adoption); the stacks are the gateway\'s own, nested stacks named after it.',
    appliesTo: [
      'Resource::arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/*',
      'Resource::arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution-tenant/*',
      'Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<AWS::StackName>*/*',
    ],
  }]);
  const framework = provider.node.findChild('framework-onEvent') as lambda.Function;
  acknowledgeNag(framework.role!.node.defaultChild!, [basicRole]);
  acknowledgeNag(framework.role!.node.findChild('DefaultPolicy').node.defaultChild!, [{
    id: 'AwsSolutions-IAM5',
    reason: 'aws-cdk-lib\'s provider framework invokes the move\'s function, any of its versions.',
    appliesTo: [`Resource::<${Stack.of(handler).getLogicalId(handler.node.defaultChild as CfnResource)}.Arn>:*`],
  }]);
  acknowledgeNag(framework, [{
    id: 'AwsSolutions-L1',
    reason: 'aws-cdk-lib\'s provider framework picks its own runtime; the move\'s function runs on the newest Node.js runtime aws-cdk-lib knows.',
  }]);
}

/** The shard's block: the nested stack in the gateway's own stack that holds it. */
function blockOf(shard: NestedStack): NestedStack {
  return Stack.of(shard.nestedStackResource!) as NestedStack;
}

/** The resource a shard holds the tenant's domains on: its distribution tenant, else the shard's distribution. */
function holderOf(shard: NestedStack, tenantId?: string): CfnResource {
  const tenant = tenantId === undefined ? undefined : shard.node.tryFindChild(`Tenant ${tenantId}`);
  return tenant instanceof CfnResource ? tenant : shard.node.tryFindChild('Distribution')?.node.defaultChild as CfnResource;
}

/** The logical ids of the block, the shard and the resource, each as its template has it (overrides included). */
function pathOf(shard: NestedStack, resource: CfnResource): string[] {
  const logicalIdOf = (element: CfnResource) => Stack.of(element).resolve(element.logicalId) as string;
  return [logicalIdOf(blockOf(shard).nestedStackResource!), logicalIdOf(shard.nestedStackResource!), logicalIdOf(resource)];
}
