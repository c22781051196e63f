// The placement guard's template: one custom resource in the gateway's own stack, given the
// placement record's asset, that every block of shards and every move waits for, so a deploy it
// refuses changes nothing else. CloudFormation creates or updates a resource only after what it
// DependsOn ("DependsOn attribute", https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html),
// a nested stack as a whole.
import * as fs from 'fs';
import * as path from 'path';
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EdgeMode, TenantProps, Tenants } from '../../src';
import { PlacementGuard } from '../../src/moves/private/placement-guard';
import { newestNodeRuntime } from '../../src/private/node-runtime';
import { build } from '../gateway-fixture';
import { gatewayStack } from '../security-helpers';

const stays: TenantProps = { id: 'stays', domainNames: ['stays.example.com'], shard: 0 };
const far: TenantProps = { id: 'far', domainNames: ['far.example.com'], shard: 60 };
const acme = (stage: string): TenantProps => ({ id: 'acme', domainNames: ['www.acme.example.com', 'acme.example.com'], shard: 1, movedFrom: { shard: 0, stage } });

function guardOf(template: Template): string {
  const ids = Object.keys(template.findResources('Custom::PlacementGuard'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('a sharded gateway of two blocks with a move', () => {
  const { app, stack, gateway } = build([stays, far, { id: 'free', domainNames: ['free.example.com'] }, acme('move')]);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources;
  const guard = guardOf(template);

  test('the guard is in the gateway\'s own stack, given the placement asset\'s bucket and key', () => {
    template.hasResourceProperties('Custom::PlacementGuard', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayPlacementGuardHandler'), 'Arn'] },
      Bucket: 'cdk-hnb659fds-assets-123456789012-eu-west-1',
      Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.json$'),
      ServiceTimeout: '300',
    });
  });

  test('every block and the move wait for the guard', () => {
    const blocks = Object.keys(template.findResources('AWS::CloudFormation::Stack')).filter(id => /^GatewayBlock\d+NestedStack/.test(id));
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(resources[block].DependsOn).toContain(guard);
    const move = Object.keys(template.findResources('Custom::DomainMove'))[0];
    expect(resources[move].DependsOn).toContain(guard);
    expect(resources[guard].DependsOn ?? []).toEqual([]);
  });

  test('the asset holds the placement record: each tenant\'s serving shard, its move\'s source, its pin; sorted and compact', () => {
    const asset = (gateway.node.findChild('PlacementGuard') as PlacementGuard).placement;
    const text = fs.readFileSync(path.join(app.synth().directory, asset.assetPath), 'utf8');
    expect(text).toBe(JSON.stringify({
      version: 1,
      distributionTenants: false,
      tenants: [
        { id: 'acme', shard: 1, domains: ['acme.example.com', 'www.acme.example.com'], movedFrom: 0, pinned: true },
        { id: 'far', shard: 60, domains: ['far.example.com'], pinned: true },
        { id: 'free', shard: 0, domains: ['free.example.com'] },
        { id: 'stays', shard: 0, domains: ['stays.example.com'], pinned: true },
      ],
    }));
    expect(resources[guard].Properties.Key).toBe(`${asset.assetHash}.json`);
  });

  test('its function runs on the newest Node.js aws-cdk-lib knows and may read only the assets bucket\'s objects and its own stack\'s status', () => {
    const handler = resources[guard].Properties.ServiceToken['Fn::GetAtt'][0];
    expect(resources[handler].Properties).toEqual(expect.objectContaining({ Runtime: newestNodeRuntime().name, Timeout: 60 }));
    // checkov's findings on a deploy-time function are acknowledged on it, each with its reason.
    expect(resources[handler].Metadata.checkov.skip.map((k: { id: string; comment: string }) => [k.id, k.comment.length > 40]))
      .toEqual([['CKV_AWS_115', true], ['CKV_AWS_116', true], ['CKV_AWS_117', true], ['CKV_AWS_173', true]]);
    const role = resources[handler].Properties.Role['Fn::GetAtt'][0];
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find(p => p.Properties.Roles.some((r: any) => r.Ref === role))!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*']] } },
      { Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
    ]);
  });
});

test('the same tenants in another order give the same key: the guard runs only when the placement changes', () => {
  const keyOf = (list: TenantProps[]) => Object.values(Template.fromStack(build(list).stack).findResources('Custom::PlacementGuard'))[0].Properties.Key;
  expect(keyOf([stays, far])).toBe(keyOf([far, stays]));
  expect(keyOf([stays, far])).not.toBe(keyOf([stays, { ...far, shard: 61 }]));
});

test('a multi-tenant distribution has the guard too, its record saying so', () => {
  const { app, stack, gateway } = build([stays], { edge: EdgeMode.multiTenantDistribution() });
  const template = Template.fromStack(stack);
  const guard = guardOf(template);
  const block = Object.keys(template.findResources('AWS::CloudFormation::Stack')).find(id => /^GatewayBlock0NestedStack/.test(id))!;
  expect(template.toJSON().Resources[block].DependsOn).toContain(guard);
  const asset = (gateway.node.findChild('PlacementGuard') as PlacementGuard).placement;
  expect(JSON.parse(fs.readFileSync(path.join(app.synth().directory, asset.assetPath), 'utf8')).distributionTenants).toBe(true);
});

describe('cdk-nag 2 AwsSolutions', () => {
  for (const region of ['eu-west-1', null]) {
    test(`the guard's findings are acknowledged, with its reasons (${region ?? 'environment-agnostic'})`, () => {
      const { app, stack } = gatewayStack({ tenants: Tenants.fromList([stays]), loadBalancerAccessLogs: region !== null }, 0, region);
      Aspects.of(app).add(new AwsSolutionsChecks());
      app.synth();
      const annotations = Annotations.fromStack(stack);
      const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))];
      expect(findings.map(f => f.id).filter(id => id.includes('PlacementGuard'))).toEqual([]);
    });
  }
});
