// The templates of a declared move: what the move and its hand-backs are given and how
// CloudFormation orders them around the blocks of shards and inside the shards. The deploy-model
// test replays this order.
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EdgeMode, TenantProps, Tenants } from '../../src';
import { build } from '../gateway-fixture';
import { gatewayStack, WEB_ACL_ARN } from '../security-helpers';

const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
const mover = (shard: number, stage?: string): TenantProps => ({ id: 'acme', domainNames: ['acme.example.com'], shard, movedFrom: { shard: 0, stage } });

function parent(list: TenantProps[]) {
  const { stack } = build(list);
  return Template.fromStack(stack);
}

/** The template of each shard (Template.fromStack also refuses a template whose DependsOn make a cycle). */
function shardTemplates(list: TenantProps[], overrides = {}): Template[] {
  return build(list, overrides).gateway.shardStacks.map(shard => Template.fromStack(shard));
}

function logicalIdOf(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('a move between shards of one block', () => {
  const template = parent([stays, mover(1)]);
  const resources = template.toJSON().Resources;
  const move = logicalIdOf(template, 'Custom::DomainMove');
  const block = Object.keys(template.findResources('AWS::CloudFormation::Stack')).find(id => id.startsWith('GatewayBlock0'))!;

  test('the move is given the tenant, its domains, the target\'s and the source\'s paths through the stacks and both ends\' names', () => {
    template.hasResourceProperties('Custom::DomainMove', {
      TenantId: 'acme',
      Domains: ['acme.example.com'],
      TargetKind: 'distribution',
      TargetPath: [{ Ref: 'AWS::StackId' }, block, Match.stringLikeRegexp('^Shard1NestedStack'), 'Distribution'],
      SourceKind: 'distribution',
      SourcePath: [{ Ref: 'AWS::StackId' }, block, Match.stringLikeRegexp('^Shard0NestedStack'), 'Distribution'],
      SourceLabel: 'shard 0\'s distribution',
      TargetLabel: 'shard 1\'s distribution',
      Role: 'move',
    });
  });

  test('the block of both shards waits for the move, and the target\'s shard for the source\'s', () => {
    expect(resources[block].DependsOn).toContain(move);
    expect(resources[move].DependsOn ?? []).not.toContain(block);
    const { gateway } = build([stays, mover(1)]);
    const blockTemplate = Template.fromStack(Stack.of(gateway.shardStacks[0].nestedStackResource!)).toJSON().Resources;
    const [shard0, shard1] = ['Shard0', 'Shard1'].map(prefix => Object.keys(blockTemplate).find(id => id.startsWith(`${prefix}NestedStack`))!);
    expect(blockTemplate[shard1].DependsOn).toContain(shard0);
  });

  test('a hand-back in each shard waits for its distribution, and every other resource of the shard waits for the hand-back', () => {
    for (const [k, shard] of shardTemplates([stays, mover(1)]).entries()) {
      const handback = logicalIdOf(shard, 'Custom::DomainMoveHandback');
      shard.hasResourceProperties('Custom::DomainMoveHandback', {
        Role: 'handback',
        Stage: 'move',
        TenantId: 'acme',
        // The gateway's own stack, passed down as a parameter: both paths start there.
        TargetPath: [{ Ref: Match.stringLikeRegexp('StackId') }, block, Match.stringLikeRegexp('^Shard1NestedStack'), 'Distribution'],
        SourcePath: [{ Ref: Match.stringLikeRegexp('StackId') }, block, Match.stringLikeRegexp('^Shard0NestedStack'), 'Distribution'],
      });
      const all = shard.toJSON().Resources;
      expect(all[handback].DependsOn).toEqual(['Distribution']);
      const others = Object.keys(all).filter(id => id !== handback && id !== 'Distribution');
      expect(others.length).toBeGreaterThanOrEqual(k === 0 ? 2 : 1);
      for (const id of others) expect(all[id].DependsOn).toContain(handback);
    }
  });

  test('the handler runs on Node.js 22 with CloudFront\'s move actions on the account\'s distributions and the gateway\'s stacks only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Timeout: 900 });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(policy => policy.Properties.PolicyDocument.Statement);
    const moving = statements.find(s => [s.Action].flat().includes('cloudfront:UpdateDomainAssociation'));
    expect(moving.Resource).toHaveLength(2);
    expect(JSON.stringify(moving.Resource)).toContain(':distribution/*');
    expect(JSON.stringify(moving.Resource)).toContain(':distribution-tenant/*');
    const stacks = statements.find(s => [s.Action].flat().includes('cloudformation:DescribeStackResource'));
    expect(JSON.stringify(stacks.Resource)).toContain('stack/');
    expect(JSON.stringify(stacks.Resource)).toContain('AWS::StackName');
  });
});

describe('stages', () => {
  test('prepare: only the hand-backs, in their prepare stage; nothing moves', () => {
    parent([stays, mover(1, 'prepare')]).resourceCountIs('Custom::DomainMove', 0);
    for (const shard of shardTemplates([stays, mover(1, 'prepare')])) shard.hasResourceProperties('Custom::DomainMoveHandback', { Role: 'handback', Stage: 'prepare' });
  });

  test('a hand-back keeps its logical id from prepare to move, so the rollback of the move deploy updates it back to "prepare"', () => {
    const prepared = shardTemplates([stays, mover(1, 'prepare')]).map(shard => shard.findResources('Custom::DomainMoveHandback'));
    const moving = shardTemplates([stays, mover(1)]).map(shard => shard.findResources('Custom::DomainMoveHandback'));
    expect(prepared.map(Object.keys)).toEqual(moving.map(Object.keys));
  });

  test('a gateway without moves makes no move resources', () => {
    parent([stays]).resourceCountIs('Custom::DomainMove', 0);
    for (const shard of shardTemplates([stays])) shard.resourceCountIs('Custom::DomainMoveHandback', 0);
  });
});

describe('the order of the two shards', () => {
  const down: TenantProps = { id: 'acme', domainNames: ['acme.example.com'], shard: 0, movedFrom: { shard: 1 } };
  const blockOf = (overrides = {}) => {
    const { gateway } = build([{ id: 'stays', domainNames: ['stays.example.com'], shard: 1 }, down], overrides);
    const resources = Template.fromStack(Stack.of(gateway.shardStacks[0].nestedStackResource!)).toJSON().Resources;
    const [shard0, shard1] = ['Shard0', 'Shard1'].map(prefix => Object.keys(resources).find(id => id.startsWith(`${prefix}NestedStack`))!);
    return { resources, shard0, shard1 };
  };

  test('a move to a lower shard: the target\'s shard waits for the source\'s', () => {
    const { resources, shard0, shard1 } = blockOf();
    expect(resources[shard0].DependsOn).toContain(shard1);
    expect(resources[shard1].DependsOn ?? []).not.toContain(shard0);
  });

  test('when the waves already order them the other way, that order stays and no cycle is made', () => {
    // One CloudFront change at a time: each shard of the block waits for the one before it.
    const { resources, shard0, shard1 } = blockOf({ maxConcurrentEdgeChanges: 1 });
    expect(resources[shard1].DependsOn).toContain(shard0);
    expect(resources[shard0].DependsOn ?? []).not.toContain(shard1);
  });
});

describe('a move between blocks', () => {
  test('both blocks wait for the move, and the target\'s block for the source\'s', () => {
    const template = parent([stays, mover(60)]);
    const resources = template.toJSON().Resources;
    const move = logicalIdOf(template, 'Custom::DomainMove');
    const blocks = Object.keys(template.findResources('AWS::CloudFormation::Stack')).filter(id => /^GatewayBlock\d+NestedStack/.test(id));
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(resources[block].DependsOn).toContain(move);
    expect(resources[blocks.find(id => id.startsWith('GatewayBlock1'))!].DependsOn).toContain(blocks.find(id => id.startsWith('GatewayBlock0')));
  });
});

describe('an adoption into a multi-tenant distribution', () => {
  test('one hand-back, after the tenant\'s distribution tenant; the shard\'s other tenants and resources wait for it', () => {
    const adopting: TenantProps = { id: 'old', domainNames: ['old.example.com'], externalDns: true, adoptFrom: { distributionTenantId: 'dt_2x9GhoK0TZRsohWzv1b9It8JABC' } };
    const others = ['a', 'b', 'c'].map(id => ({ id, domainNames: [`${id}.example.com`] }));
    const [shard] = shardTemplates([...others, adopting], { edge: EdgeMode.multiTenantDistribution() });
    const handback = logicalIdOf(shard, 'Custom::DomainMoveHandback');
    shard.hasResourceProperties('Custom::DomainMoveHandback', { SourceId: 'dt_2x9GhoK0TZRsohWzv1b9It8JABC', SourceKind: 'distribution-tenant', TargetKind: 'distribution-tenant' });
    const all = shard.toJSON().Resources;
    expect(all[handback].DependsOn).toEqual(['Tenantold']);
    for (const id of Object.keys(all).filter(k => k !== handback && k !== 'Tenantold')) expect(all[id].DependsOn).toContain(handback);
  });
});

describe('cdk-nag 2 AwsSolutions', () => {
  test('a gateway with a move, with WAF, has no unacknowledged finding: each by-design one is acknowledged with its reason', () => {
    const { app, stack } = gatewayStack({ webAclId: WEB_ACL_ARN, tenants: Tenants.fromList([stays, mover(1)]) });
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    const annotations = Annotations.fromStack(stack);
    const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))];
    expect(findings.map(f => f.id)).toEqual([]);
  });
});
