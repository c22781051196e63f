// The templates of a declared move: what the move and its guard are given and how CloudFormation
// orders them around the blocks of shards. The deploy-model test replays this order.
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TenantProps, Tenants } from '../../src';
import { build } from '../gateway-fixture';
import { gatewayStack, WEB_ACL_ARN } from '../security-helpers';

const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
const mover = (shard: number, stage?: string): TenantProps => ({ id: 'acme', domainNames: ['acme.example.com'], shard, movedFrom: { shard: 0, stage } });

function parent(list: TenantProps[]) {
  const { stack } = build(list);
  return Template.fromStack(stack);
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
  const guard = logicalIdOf(template, 'Custom::DomainMoveGuard');
  const block = Object.keys(template.findResources('AWS::CloudFormation::Stack')).find(id => id.startsWith('GatewayBlock0'))!;

  test('the move is given the tenant, its domains, the target\'s path through the stacks and both ends\' names', () => {
    template.hasResourceProperties('Custom::DomainMove', {
      TenantId: 'acme',
      Domains: ['acme.example.com'],
      TargetKind: 'distribution',
      TargetPath: [{ Ref: 'AWS::StackId' }, block, Match.stringLikeRegexp('^Shard1NestedStack'), 'Distribution'],
      SourceLabel: 'shard 0\'s distribution',
      TargetLabel: 'shard 1\'s distribution',
      Role: 'move',
    });
  });

  test('the block of both shards waits for the move; the guard waits for the block', () => {
    expect(resources[block].DependsOn).toContain(move);
    expect(resources[guard].DependsOn).toContain(block);
    expect(resources[move].DependsOn ?? []).not.toContain(block);
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
  test('prepare: only the guard, after the blocks; nothing moves', () => {
    const template = parent([stays, mover(1, 'prepare')]);
    template.resourceCountIs('Custom::DomainMove', 0);
    template.hasResourceProperties('Custom::DomainMoveGuard', { Role: 'guard', Stage: 'prepare' });
  });

  test('the guard\'s properties change from prepare to move, so a rollback of the move deploy updates it first', () => {
    const prepared = parent([stays, mover(1, 'prepare')]).findResources('Custom::DomainMoveGuard');
    const moving = parent([stays, mover(1)]).findResources('Custom::DomainMoveGuard');
    expect(Object.keys(prepared)).toEqual(Object.keys(moving));
    expect(Object.values(prepared)[0].Properties.Stage).toBe('prepare');
    expect(Object.values(moving)[0].Properties.Stage).toBe('move');
  });

  test('a gateway without moves makes no move resources', () => {
    const template = parent([stays]);
    template.resourceCountIs('Custom::DomainMove', 0);
    template.resourceCountIs('Custom::DomainMoveGuard', 0);
  });
});

describe('a move between blocks', () => {
  test('both blocks wait for the move and the guard waits for both', () => {
    const template = parent([stays, mover(60)]);
    const resources = template.toJSON().Resources;
    const move = logicalIdOf(template, 'Custom::DomainMove');
    const guard = logicalIdOf(template, 'Custom::DomainMoveGuard');
    const blocks = Object.keys(template.findResources('AWS::CloudFormation::Stack')).filter(id => /^GatewayBlock\d+NestedStack/.test(id));
    expect(blocks).toHaveLength(2);
    for (const block of blocks) {
      expect(resources[block].DependsOn).toContain(move);
      expect(resources[guard].DependsOn).toContain(block);
    }
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
