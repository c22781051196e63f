import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient, GetDistributionCommand, GetDistributionConfigCommand, GetDistributionTenantCommand, ListDomainConflictsCommand,
  UpdateDistributionCommand, UpdateDomainAssociationCommand,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { DomainMoveEvent, DomainMoveProperties, MARGIN_MS, moveDomains, POLL_MS } from '../../src/runtime/domain-move.lambda';

const ACCOUNT = '111111111111';
const SOURCE = 'ESOURCE00001';
const TARGET = 'ETARGET00001';
const cloudFront = mockClient(CloudFrontClient);
const cloudFormation = mockClient(CloudFormationClient);

const props: DomainMoveProperties = {
  TenantId: 'acme',
  Domains: ['acme.example.com', 'www.acme.example.com'],
  TargetKind: 'distribution',
  TargetPath: ['arn:aws:cloudformation:us-east-1:111111111111:stack/Block0/1', 'Shard1', 'Distribution'],
  SourceLabel: 'shard 0\'s distribution',
  TargetLabel: 'shard 1\'s distribution',
};
const event = (over: Partial<DomainMoveEvent> = {}): DomainMoveEvent => ({
  RequestType: 'Create', StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/Block0/1', ResourceProperties: props, ...over,
});

/** Where each domain is, as CloudFront would answer; UpdateDomainAssociation moves it. */
let owner: Map<string, string>;
let status: string[];
let sleeps: number[];
let remaining: number;

function deps() {
  return {
    cloudFront: new CloudFrontClient({}),
    cloudFormation: new CloudFormationClient({}),
    account: ACCOUNT,
    sleep: async (ms: number) => { sleeps.push(ms); },
    remainingMs: () => remaining,
  };
}

function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
}

beforeEach(() => {
  cloudFront.reset();
  cloudFormation.reset();
  owner = new Map(props.Domains.map(d => [d, SOURCE]));
  status = ['Deployed'];
  sleeps = [];
  remaining = 900_000;
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Block0', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
  cloudFormation.on(DescribeStackResourceCommand, { LogicalResourceId: 'Shard1' })
    .resolves({ StackResourceDetail: { PhysicalResourceId: 'arn:shard1', LogicalResourceId: 'Shard1', ResourceType: 'AWS::CloudFormation::Stack', LastUpdatedTimestamp: new Date(), ResourceStatus: 'UPDATE_COMPLETE' } });
  cloudFormation.on(DescribeStackResourceCommand, { LogicalResourceId: 'Distribution' })
    .resolves({ StackResourceDetail: { PhysicalResourceId: TARGET, LogicalResourceId: 'Distribution', ResourceType: 'AWS::CloudFront::Distribution', LastUpdatedTimestamp: new Date(), ResourceStatus: 'UPDATE_COMPLETE' } });
  cloudFront.on(ListDomainConflictsCommand).callsFake(input => ({
    DomainConflicts: owner.has(input.Domain) ? [{ Domain: input.Domain, ResourceType: 'distribution', ResourceId: owner.get(input.Domain), AccountId: ACCOUNT }] : [],
  }));
  cloudFront.on(GetDistributionCommand).callsFake(() => ({ ETag: 'etag-1', Distribution: { Status: status.length > 1 ? status.shift() : status[0] } }));
  cloudFront.on(UpdateDomainAssociationCommand).callsFake(input => {
    owner.set(input.Domain, input.TargetResource.DistributionId);
    return { Domain: input.Domain, ResourceId: input.TargetResource.DistributionId, ETag: 'etag-2' };
  });
});

const moves = () => cloudFront.commandCalls(UpdateDomainAssociationCommand)
  .map(c => [c.args[0].input.Domain, c.args[0].input.TargetResource?.DistributionId]);

describe('moving forward', () => {
  test('finds the target through the stacks, moves each domain from its owner with the target\'s ETag, and waits until it is deployed', async () => {
    // The two ETag reads see it in progress too; the wait then polls once more.
    status = ['InProgress', 'InProgress', 'InProgress', 'Deployed'];
    const response = await moveDomains(event(), deps());
    expect(moves()).toEqual([['acme.example.com', TARGET], ['www.acme.example.com', TARGET]]);
    expect(cloudFront.commandCalls(UpdateDomainAssociationCommand)[0].args[0].input.IfMatch).toBe('etag-1');
    expect(cloudFront.commandCalls(ListDomainConflictsCommand)[0].args[0].input.DomainControlValidationResource).toEqual({ DistributionId: TARGET });
    expect(response).toEqual({ PhysicalResourceId: `acme@distribution:${SOURCE}`, Data: { TargetId: TARGET, Moved: 'acme.example.com,www.acme.example.com' } });
    expect(sleeps.filter(ms => ms === POLL_MS).length).toBeGreaterThanOrEqual(1);
  });

  test('a retry finds the domains on the target already and moves nothing (idempotent)', async () => {
    props.Domains.forEach(d => owner.set(d, TARGET));
    const response = await moveDomains(event({ RequestType: 'Update', PhysicalResourceId: `acme@distribution:${SOURCE}`, OldResourceProperties: props }), deps());
    expect(moves()).toEqual([]);
    expect(response.PhysicalResourceId).toBe(`acme@distribution:${SOURCE}`);
  });

  test('throttled calls are retried with backoff, and a stale ETag is read again', async () => {
    cloudFront.on(ListDomainConflictsCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).callsFake(input => ({
      DomainConflicts: [{ Domain: input.Domain, ResourceType: 'distribution', ResourceId: owner.get(input.Domain), AccountId: ACCOUNT }],
    }));
    cloudFront.on(UpdateDomainAssociationCommand)
      .rejectsOnce(Object.assign(new Error('stale'), { name: 'PreconditionFailed' }))
      .callsFake(input => { owner.set(input.Domain, TARGET); return {}; });
    await moveDomains(event(), deps());
    expect(owner.get('acme.example.com')).toBe(TARGET);
    expect(sleeps.slice(0, 2)).toEqual([1000, 2000]);
    expect(cloudFront.commandCalls(UpdateDomainAssociationCommand)).toHaveLength(3);
  });

  test('a call throttled past every attempt fails, naming tenant, domain, source and target', async () => {
    cloudFront.on(UpdateDomainAssociationCommand).rejects(throttled());
    await expect(moveDomains(event(), deps())).rejects.toThrow(
      'tenant "acme", domain acme.example.com, from shard 0\'s distribution to shard 1\'s distribution: UpdateDomainAssociation failed: Throttling: Rate exceeded');
  });

  test('a failed wait moves every domain back to its source, then fails', async () => {
    status = ['InProgress'];
    remaining = MARGIN_MS;
    await expect(moveDomains(event(), deps())).rejects.toThrow(
      `tenant "acme", domain acme.example.com, www.acme.example.com, from shard 0's distribution to shard 1's distribution: ${TARGET} was still InProgress when the wait ran out`);
    expect(moves()).toEqual([['acme.example.com', TARGET], ['www.acme.example.com', TARGET], ['www.acme.example.com', SOURCE], ['acme.example.com', SOURCE]]);
    expect([...owner.values()]).toEqual([SOURCE, SOURCE]);
  });

  test('a target that does not exist yet is refused with the prepare stage named', async () => {
    cloudFormation.on(DescribeStackResourceCommand, { LogicalResourceId: 'Distribution' }).rejects(new Error('Resource Distribution does not exist for stack arn:shard1'));
    await expect(moveDomains(event(), deps())).rejects.toThrow('tenant "acme": shard 1\'s distribution does not exist yet (no Distribution in arn:shard1); ' +
      'a domain moves only to a target that exists. Deploy the move with `"stage": "prepare"` first');
    expect(moves()).toEqual([]);
  });

  test('a source in another account is refused: the wildcard method is named', async () => {
    cloudFront.on(ListDomainConflictsCommand).resolves({ DomainConflicts: [{ Domain: 'acme.example.com', ResourceType: 'distribution', ResourceId: 'E***', AccountId: '2222****2222' }] });
    await expect(moveDomains(event(), deps())).rejects.toThrow('in account 2222****2222, not this account; UpdateDomainAssociation cannot move it while that source is enabled');
  });

  test('an adoption whose domain is not on the declared source is refused', async () => {
    const adopt = { ...props, SourceId: 'EDECLARED001', SourceLabel: 'distribution EDECLARED001' };
    await expect(moveDomains(event({ ResourceProperties: adopt }), deps())).rejects.toThrow(
      `the domain is on ${SOURCE}, not on the declared source EDECLARED001; correct \`adoptFrom\``);
    expect(moves()).toEqual([]);
  });
});

describe('rollback and delete', () => {
  test('during a rollback, an Update with the old properties moves the domains back to the source, before the source\'s own rollback', async () => {
    props.Domains.forEach(d => owner.set(d, TARGET));
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Block0', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
    await moveDomains(event({
      RequestType: 'Update',
      PhysicalResourceId: `acme@distribution:${SOURCE}`,
      OldResourceProperties: props,
      ResourceProperties: { ...props, Domains: [] },
    }), deps());
    expect(moves()).toEqual([['www.acme.example.com', SOURCE], ['acme.example.com', SOURCE]]);
  });

  test('a Delete during the rollback of a failed create moves back only what is on the target', async () => {
    owner.set('acme.example.com', TARGET);
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Block0', StackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', CreationTime: new Date() }] });
    await moveDomains(event({ RequestType: 'Delete', PhysicalResourceId: `acme@distribution:${SOURCE}` }), deps());
    expect(moves()).toEqual([['acme.example.com', SOURCE]]);
  });

  test('a domain the target\'s rollback left on no resource goes back into the source\'s own configuration', async () => {
    owner.delete('acme.example.com');
    owner.set('www.acme.example.com', SOURCE);
    cloudFront.on(GetDistributionConfigCommand).resolves({ ETag: 'cfg-1', DistributionConfig: { Aliases: { Quantity: 1, Items: ['www.acme.example.com'] } } as never });
    cloudFront.on(UpdateDistributionCommand).resolves({});
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Block0', StackStatus: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', CreationTime: new Date() }] });
    await moveDomains(event({ RequestType: 'Delete', PhysicalResourceId: `acme@distribution:${SOURCE}` }), deps());
    const update = cloudFront.commandCalls(UpdateDistributionCommand);
    expect(update).toHaveLength(1);
    expect(update[0].args[0].input).toMatchObject({ Id: SOURCE, IfMatch: 'cfg-1', DistributionConfig: { Aliases: { Quantity: 2, Items: ['www.acme.example.com', 'acme.example.com'] } } });
    expect(moves()).toEqual([]);
  });

  test('a Delete outside a rollback (the move is done and its declaration removed) calls nothing at CloudFront', async () => {
    props.Domains.forEach(d => owner.set(d, TARGET));
    await moveDomains(event({ RequestType: 'Delete', PhysicalResourceId: `acme@distribution:${SOURCE}` }), deps());
    expect(cloudFront.calls()).toHaveLength(0);
  });
});

describe('the hand-back (in the target\'s and the source\'s shards, right after their CloudFront resource)', () => {
  const SHARD_SOURCE = 'ESHARDSRC001';
  const handback: DomainMoveProperties = {
    ...props,
    Role: 'handback',
    Stage: 'move',
    SourceKind: 'distribution',
    SourcePath: ['arn:aws:cloudformation:us-east-1:111111111111:stack/Block0/1', 'Shard0', 'Distribution'],
  };
  const physical: { [path: string]: string } = { 'Block0/1/Shard1': 'arn:shard1', 'arn:shard1/Distribution': TARGET, 'Block0/1/Shard0': 'arn:shard0', 'arn:shard0/Distribution': SHARD_SOURCE };
  const rollingBack = () => cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Shard0', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
  /** The rollback of the move deploy: an Update back to the prepare stage. */
  const backToPrepare = () => event({
    RequestType: 'Update', PhysicalResourceId: 'acme@handback', ResourceProperties: { ...handback, Stage: 'prepare' }, OldResourceProperties: handback,
  });

  beforeEach(() => {
    cloudFormation.on(DescribeStackResourceCommand).callsFake(input => {
      const id = physical[`${input.StackName.replace(/^.*:stack\//, '')}/${input.LogicalResourceId}`];
      if (id === undefined) throw new Error(`Resource ${input.LogicalResourceId} does not exist for stack ${input.StackName}`);
      return { StackResourceDetail: { PhysicalResourceId: id, LogicalResourceId: input.LogicalResourceId, ResourceType: 'x', LastUpdatedTimestamp: new Date(), ResourceStatus: 'x' } };
    });
    props.Domains.forEach(d => owner.set(d, TARGET));
  });

  test('made, and updated forward, it calls nothing at CloudFront and keeps its physical id', async () => {
    const made = await moveDomains(event({ ResourceProperties: { ...handback, Stage: 'prepare' } }), deps());
    expect(made.PhysicalResourceId).toBe('acme@handback');
    const updated = await moveDomains(event({
      RequestType: 'Update',
      PhysicalResourceId: 'acme@handback',
      ResourceProperties: handback,
      OldResourceProperties: { ...handback, Stage: 'prepare' },
    }), deps());
    expect(updated.PhysicalResourceId).toBe('acme@handback');
    expect(cloudFront.calls()).toHaveLength(0);
  });

  test('rolled back to the prepare stage, it finds the source through the stacks and moves each domain back from the target, then waits', async () => {
    rollingBack();
    status = ['InProgress', 'InProgress', 'InProgress', 'Deployed'];
    await moveDomains(backToPrepare(), deps());
    expect(moves()).toEqual([['www.acme.example.com', SHARD_SOURCE], ['acme.example.com', SHARD_SOURCE]]);
    const asked = cloudFront.commandCalls(ListDomainConflictsCommand)[0].args[0].input;
    expect(asked.DomainControlValidationResource).toEqual({ DistributionId: SHARD_SOURCE });
    expect(sleeps).toContain(POLL_MS);
  });

  test('an adoption\'s hand-back moves the domains back to the distribution tenant the tenants file names', async () => {
    rollingBack();
    const adopted = { ...handback, SourcePath: undefined, SourceId: 'dt_FOREIGN01', SourceKind: 'distribution-tenant' };
    cloudFront.on(GetDistributionTenantCommand).resolves({ ETag: 'dt-1', DistributionTenant: { Id: 'dt_FOREIGN01', Status: 'Deployed' } });
    await moveDomains(event({ RequestType: 'Update', PhysicalResourceId: 'acme@handback', ResourceProperties: { ...adopted, Stage: 'prepare' }, OldResourceProperties: adopted }), deps());
    expect(cloudFront.commandCalls(UpdateDomainAssociationCommand).map(c => c.args[0].input))
      .toEqual(['www.acme.example.com', 'acme.example.com'].map(Domain => ({ Domain, TargetResource: { DistributionTenantId: 'dt_FOREIGN01' }, IfMatch: 'dt-1' })));
  });

  test('a retried rollback finds the domains on the source already and moves nothing (idempotent)', async () => {
    rollingBack();
    props.Domains.forEach(d => owner.set(d, SHARD_SOURCE));
    await moveDomains(backToPrepare(), deps());
    expect(moves()).toEqual([]);
  });

  test('throttled calls and a stale ETag during the hand-back are retried', async () => {
    rollingBack();
    cloudFront.on(ListDomainConflictsCommand).rejectsOnce(throttled()).callsFake(input => ({
      DomainConflicts: [{ Domain: input.Domain, ResourceType: 'distribution', ResourceId: owner.get(input.Domain), AccountId: ACCOUNT }],
    }));
    cloudFront.on(UpdateDomainAssociationCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(Object.assign(new Error('stale'), { name: 'PreconditionFailed' }))
      .callsFake(input => { owner.set(input.Domain, SHARD_SOURCE); return {}; });
    await moveDomains(backToPrepare(), deps());
    expect([...owner.values()]).toEqual([SHARD_SOURCE, SHARD_SOURCE]);
    expect(cloudFront.commandCalls(UpdateDomainAssociationCommand)).toHaveLength(4);
    expect(sleeps.slice(0, 3)).toEqual([1000, 1000, 2000]);
  });

  test('a later deploy\'s rollback (back to the move stage) leaves a finished move alone', async () => {
    rollingBack();
    await moveDomains(event({
      RequestType: 'Update',
      PhysicalResourceId: 'acme@handback',
      ResourceProperties: handback,
      OldResourceProperties: { ...handback, Domains: ['acme.example.com'] },
    }), deps());
    expect(cloudFront.calls()).toHaveLength(0);
  });

  test('deleted, in a rollback\'s cleanup or after the move, it calls nothing at CloudFront', async () => {
    await moveDomains(event({ RequestType: 'Delete', PhysicalResourceId: 'acme@handback', ResourceProperties: handback }), deps());
    rollingBack();
    await moveDomains(event({ RequestType: 'Delete', PhysicalResourceId: 'acme@handback', ResourceProperties: handback }), deps());
    expect(cloudFront.calls()).toHaveLength(0);
  });
});
