// The deploy-time part of declared moves: per moving tenant, a move (before its target's and its
// source's templates change) and a guard (after them), both custom resources of one provider.
//
// The order, and why (CloudFormation creates or updates each resource at most once per deploy, a
// nested stack is ordered as a whole, and an update rollback undoes updates in reverse order and
// deletes what the failed deploy created only afterwards, in its cleanup):
//
// - prepare deploy: the target is made or updated without the moving domains (its certificate
//   covers them); the source keeps serving them. The guard is created after both blocks and
//   records where the domains are (the source).
// - move deploy: the move runs first, in the gateway's own stack, before every block of shards
//   (so before the target's and the source's updates): it finds the target's ID through the
//   stacks (a reference would order the target's update before it), moves each domain with
//   UpdateDomainAssociation and waits until the target is deployed. Then the target's update
//   lists the domains (already there) and the source's drops them (already released). The guard,
//   updated last, does nothing forward; in a rollback it is undone first and moves the domains
//   back to the source before the source's rollback lists them again (which CloudFront would
//   refuse while the target holds them).
// - DNS changes never: the records stay in the source shard's record groups, unchanged, as
//   CloudFront routes each request by its alias whichever distribution's name DNS resolved.
import { Aws, CfnResource, CustomResource, Duration, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../../private/nag';
import { DomainMoveFunction } from '../../runtime/domain-move-function';
import { TenantMove } from '../move-plan';

/** The shards of the gateway, as the moves find them. */
export interface MovedShards {
  /** The shard's nested stack (inside its block), by index. */
  shardOf(index: number): NestedStack | undefined;
}

/** The gateway's moves: one provider, a move and a guard per moving tenant. */
export class DomainMoves extends Construct {
  /** The function that moves the domains. */
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, moves: readonly TenantMove[], shards: MovedShards) {
    super(scope, id);
    this.handler = new DomainMoveFunction(this, 'Handler', {
      description: 'cdk-multi-tenant-gateway: moves tenant domains between distributions with UpdateDomainAssociation',
      runtime: lambda.Runtime.NODEJS_22_X,
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

    for (const move of moves) {
      const target = shards.shardOf(move.target.shard!);
      if (target === undefined) continue;
      const source = move.source.shard === undefined ? undefined : shards.shardOf(move.source.shard);
      const properties = {
        TenantId: move.tenantId,
        Domains: [...move.domainNames],
        TargetKind: move.target.resource,
        TargetPath: targetPath(target, move.tenantId),
        SourceLabel: move.source.label,
        SourceId: move.source.id,
        TargetLabel: move.target.label,
      };
      const guard = new CustomResource(this, `Guard ${move.tenantId}`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::DomainMoveGuard',
        properties: { ...properties, Role: 'guard', Stage: move.stage },
      });
      guard.node.addDependency(blockOf(target));
      if (source) guard.node.addDependency(blockOf(source));
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
    reason: 'aws-cdk-lib\'s provider framework picks its own runtime; the move\'s function runs on Node.js 22.',
  }]);
}

/** The shard's block: the nested stack in the gateway's own stack that holds it. */
function blockOf(shard: NestedStack): NestedStack {
  return Stack.of(shard.nestedStackResource!) as NestedStack;
}

/**
 * The gateway's stack, the block's and the shard's logical ids, then the logical id of the
 * resource the tenant's domains attach to: its distribution tenant, else the shard's distribution.
 */
function targetPath(shard: NestedStack, tenantId: string): string[] {
  const block = blockOf(shard);
  const tenant = shard.node.tryFindChild(`Tenant ${tenantId}`);
  const resource = tenant instanceof CfnResource ? tenant
    : shard.node.tryFindChild('Distribution')?.node.defaultChild as CfnResource;
  // Each as its template has it, overrides included (a shard's distribution is "Distribution").
  const logicalIdOf = (element: CfnResource) => Stack.of(element).resolve(element.logicalId) as string;
  return [Aws.STACK_ID, logicalIdOf(block.nestedStackResource!), logicalIdOf(shard.nestedStackResource!), logicalIdOf(resource)];
}
