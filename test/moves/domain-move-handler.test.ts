import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient, GetDistributionCommand, GetDistributionConfigCommand, ListDomainConflictsCommand, UpdateDistributionCommand,
  UpdateDomainAssociationCommand,
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

describe('the guard (made by the prepare deploy, after the source and the target)', () => {
  const guardProps = { ...props, Role: 'guard' };

  test('made while the source serves the domains, it records the source and moves nothing', async () => {
    const response = await moveDomains(event({ ResourceProperties: guardProps }), deps());
    expect(response.PhysicalResourceId).toBe(`acme@distribution:${SOURCE}`);
    expect(moves()).toEqual([]);
  });

  test('in a rollback of the move deploy it moves the domains back before the source and target roll back', async () => {
    props.Domains.forEach(d => owner.set(d, TARGET));
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Block0', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
    await moveDomains(event({
      RequestType: 'Update',
      PhysicalResourceId: `acme@distribution:${SOURCE}`,
      ResourceProperties: { ...guardProps, Stage: 'prepare' } as never,
      OldResourceProperties: guardProps,
    }), deps());
    expect(moves()).toEqual([['www.acme.example.com', SOURCE], ['acme.example.com', SOURCE]]);
  });

  test('updated forward (the move deploy itself) it changes nothing', async () => {
    await moveDomains(event({ RequestType: 'Update', PhysicalResourceId: `acme@distribution:${SOURCE}`, ResourceProperties: guardProps, OldResourceProperties: guardProps }), deps());
    expect(cloudFront.calls()).toHaveLength(0);
  });
});
