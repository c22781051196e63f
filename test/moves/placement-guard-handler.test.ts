// The placement guard's handler against mocked S3 and CloudFormation clients, and its answer to
// CloudFormation: a PUT of a JSON body of at most 4096 bytes to the request's ResponseURL
// ("Custom resource response objects", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
// CloudFormation rolls back a custom resource whose update failed with another Update, the old and
// new properties swapped (aws-cdk-lib's provider framework says so; seen in
// https://github.com/cloudcomponents/cdk-constructs/issues/140): the guard tells it by the stack's status.
import { EventEmitter } from 'events';
import * as https from 'https';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { encodePlacement, PlacedTenant } from '../../src/moves/placement-record';
import {
  guardPlacement, handler, PlacementGuardEvent, putResponse, RESPONSE_LIMIT, responseBody,
} from '../../src/runtime/placement-guard.lambda';

// The answer goes out through https.request, which the tests replace.
jest.mock('https', () => ({ ...jest.requireActual('https'), request: jest.fn() }));

const s3 = mockClient(S3Client);
const cloudFormation = mockClient(CloudFormationClient);
const BUCKET = 'cdk-hnb659fds-assets-123456789012-eu-west-1';

const record = (...tenants: PlacedTenant[]) => encodePlacement({ version: 1, distributionTenants: false, tenants });
const stays: PlacedTenant = { id: 'stays', shard: 0, domains: ['stays.example.com'], pinned: true };
const acme = (shard: number, movedFrom?: number): PlacedTenant => ({
  id: 'acme', shard, domains: ['acme.example.com', 'www.acme.example.com'], pinned: true, ...(movedFrom !== undefined ? { movedFrom } : {}),
});

let objects: Map<string, string>;
let stackStatus: string;
let logs: string[];

function update(oldKey: string, newKey: string): PlacementGuardEvent {
  return {
    RequestType: 'Update',
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/signed?X-Amz-Signature=abc',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Stack/1',
    RequestId: 'request-1',
    LogicalResourceId: 'GatewayPlacementGuardFF16EFF9',
    PhysicalResourceId: 'GatewayPlacementGuardFF16EFF9',
    ResourceProperties: { Bucket: BUCKET, Key: newKey },
    OldResourceProperties: { Bucket: BUCKET, Key: oldKey },
  };
}
const deps = () => ({
  s3: new S3Client({}), cloudFormation: new CloudFormationClient({}), sleep: async () => {}, log: (m: string) => { logs.push(m); },
});
const named = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => {
  s3.reset();
  cloudFormation.reset();
  objects = new Map([
    ['before.json', record(stays, acme(0))],
    ['edited.json', record(stays, acme(1))],
    ['prepare.json', record(stays, acme(0, 0))],
    ['move.json', record(stays, acme(1, 0))],
  ]);
  stackStatus = 'UPDATE_IN_PROGRESS';
  logs = [];
  s3.on(GetObjectCommand).callsFake(input => {
    const text = objects.get(input.Key);
    if (text === undefined) throw named('NoSuchKey');
    return { Body: { transformToString: async () => text } };
  });
  cloudFormation.on(DescribeStacksCommand).callsFake(() => ({ Stacks: [{ StackName: 'Stack', StackStatus: stackStatus, CreationTime: new Date() }] }));
});

describe('the verdict', () => {
  test('an edited pin without a declared move fails, naming the tenant, each domain, both shards and the fix', async () => {
    const verdict = await guardPlacement(update('before.json', 'edited.json'), deps());
    expect(verdict.status).toBe('FAILED');
    expect(verdict.reason).toContain('tenant "acme": "acme.example.com" shard 0 -> 1; tenant "acme": "www.acme.example.com" shard 0 -> 1');
    expect(verdict.reason).toContain('npx cdk-multi-tenant-gateway move acme --shard 1');
    expect(verdict.reason).not.toContain('stays');
  });

  test('a declared move succeeds at its prepare and its move deploy', async () => {
    expect(await guardPlacement(update('before.json', 'prepare.json'), deps())).toEqual(expect.objectContaining({ status: 'SUCCESS' }));
    expect(await guardPlacement(update('prepare.json', 'move.json'), deps())).toEqual(expect.objectContaining({ status: 'SUCCESS' }));
  });

  test('a hand-off to the control plane: "prepare" then "store" succeed; "store" before "prepare" was deployed fails, as it would delete the distribution tenant', async () => {
    const handing = (handOff: string): PlacedTenant => ({ ...acme(0), handOff });
    const multiTenant = (...tenants: PlacedTenant[]) => encodePlacement({ version: 1, distributionTenants: true, tenants });
    objects.set('template.json', multiTenant(stays, acme(0)));
    objects.set('hand-prepare.json', multiTenant(stays, handing('prepare')));
    objects.set('hand-store.json', multiTenant(stays, handing('store')));
    expect((await guardPlacement(update('template.json', 'hand-prepare.json'), deps())).status).toBe('SUCCESS');
    expect((await guardPlacement(update('hand-prepare.json', 'hand-store.json'), deps())).status).toBe('SUCCESS');
    const skipped = await guardPlacement(update('template.json', 'hand-store.json'), deps());
    expect(skipped.status).toBe('FAILED');
    expect(skipped.reason).toMatch(/^The placement guard refused this deploy \(nothing in it has changed\): tenant "acme": `handOff` "store" is deployed before "prepare" was/);
    expect(skipped.reason).not.toContain('stays');
  });

  test('the rollback of a declared move (and of the guard\'s own refusal) succeeds: the stack is rolling back', async () => {
    expect((await guardPlacement(update('move.json', 'prepare.json'), deps())).status).toBe('FAILED');
    s3.resetHistory();
    stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    expect((await guardPlacement(update('move.json', 'prepare.json'), deps())).status).toBe('SUCCESS');
    expect((await guardPlacement(update('edited.json', 'before.json'), deps())).status).toBe('SUCCESS');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('Create and Delete succeed without reading anything', async () => {
    for (const RequestType of ['Create', 'Delete'] as const) {
      const { OldResourceProperties, ...rest } = update('before.json', 'edited.json');
      void OldResourceProperties;
      expect((await guardPlacement({ ...rest, RequestType }, deps())).status).toBe('SUCCESS');
    }
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('a deployed record that is gone, or not a record, lets the deploy through, logged', async () => {
    const missing = await guardPlacement(update('deleted.json', 'edited.json'), deps());
    expect(missing).toEqual({ status: 'SUCCESS', reason: expect.stringContaining('deployed placement could not be read') });
    expect(logs.join('\n')).toContain(`s3://${BUCKET}/deleted.json could not be read: NoSuchKey`);
    objects.set('garbage.json', '{"version":7}');
    expect((await guardPlacement(update('garbage.json', 'edited.json'), deps())).status).toBe('SUCCESS');
    expect(logs.join('\n')).toContain('garbage.json is not a placement record');
  });

  test('throttled reads are retried', async () => {
    let calls = 0;
    s3.on(GetObjectCommand).callsFake(input => {
      if (calls++ < 2) throw named('Throttling');
      return { Body: { transformToString: async () => objects.get(input.Key)! } };
    });
    expect((await guardPlacement(update('before.json', 'edited.json'), deps())).status).toBe('FAILED');
    expect(calls).toBe(4);
  });
});

describe('the answer to CloudFormation', () => {
  let requests: { url: string; options: https.RequestOptions; body: string }[];
  beforeEach(() => {
    requests = [];
    jest.spyOn(console, 'log').mockImplementation(() => {});
    type Callback = (res: EventEmitter & { resume(): void }) => void;
    jest.mocked(https.request).mockImplementation(((url: string, options: https.RequestOptions, callback: Callback) => {
      const req = Object.assign(new EventEmitter(), {
        end: (body: string) => {
          requests.push({ url, options, body });
          const response = Object.assign(new EventEmitter(), { resume: () => {} });
          callback(response);
          response.emit('end');
        },
      });
      return req;
    }) as any);
  });
  afterEach(() => {
    jest.mocked(https.request).mockReset();
    jest.restoreAllMocks();
  });

  test('the refusal is PUT to the ResponseURL as FAILED, with the request\'s ids and the physical id kept', async () => {
    const event = update('before.json', 'edited.json');
    await handler(event);
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(event.ResponseURL);
    expect(requests[0].options.method).toBe('PUT');
    expect(JSON.parse(requests[0].body)).toEqual({
      Status: 'FAILED',
      Reason: expect.stringContaining('tenant "acme"'),
      PhysicalResourceId: event.PhysicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
  });

  test('an error the guard cannot tell from a rollback (the stack\'s status unreadable) answers SUCCESS: it never leaves the stack stuck', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(named('AccessDenied'));
    await handler(update('before.json', 'edited.json'));
    expect(JSON.parse(requests[0].body)).toEqual(expect.objectContaining({ Status: 'SUCCESS', Reason: expect.stringContaining('could not check') }));
  });

  test('a Create answers SUCCESS with the logical id as its physical id', async () => {
    const { PhysicalResourceId, OldResourceProperties, ...create } = update('before.json', 'edited.json');
    void PhysicalResourceId; void OldResourceProperties;
    await handler({ ...create, RequestType: 'Create' });
    expect(JSON.parse(requests[0].body)).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: create.LogicalResourceId }));
  });

  test('a refusal of 500 domains is cut to fit CloudFormation\'s 4096 bytes, saying where the rest is', () => {
    const many: PlacedTenant = { id: 'big', shard: 0, domains: Array.from({ length: 500 }, (_, i) => `d${i}.example.com`) };
    const reason = `tenant "big": ${many.domains.map(d => `"${d}" shard 0 -> 1`).join('; ')}`;
    const body = responseBody(update('a', 'b'), { status: 'FAILED', reason });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(RESPONSE_LIMIT);
    expect(JSON.parse(body).Reason).toMatch(/^tenant "big": "d0.example.com" shard 0 -> 1;.*the rest is in the guard function's log\)$/);
  });

  test('a failed PUT rejects', async () => {
    const failing = ((_url: string, _options: object, _callback: unknown) => {
      const req = Object.assign(new EventEmitter(), { end: () => req.emit('error', new Error('ECONNRESET')) });
      return req;
    }) as unknown as typeof https.request;
    await expect(putResponse('https://example.com/x', '{}', failing)).rejects.toThrow('ECONNRESET');
  });
});
