// The placement guard: a custom resource handler that CloudFormation invokes directly (it answers
// by a PUT to the request's ResponseURL, so no provider framework and no second function). Its
// properties are the bucket and key of the gateway's placement record (an asset, so the guard runs
// only when the placement changes); every block of shards and every move waits for it. On Update
// it reads the deployed record (the old key) and the new one, and fails the deploy, before anything
// else changes, when a domain would change CloudFront resource without a declared move
// (placement-record.ts says which). It never fails anything else: Create, Delete, a rollback and a
// record it cannot read succeed, logged, so it cannot leave the stack stuck.
// AWS SDK v3 only (the Lambda runtime ships it); no aws-cdk-lib.
//
// CloudFormation's custom resource protocol: the response is a JSON PUT to the presigned
// ResponseURL, at most 4096 bytes ("Custom resource response objects",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html); an
// Update carries the deployed properties as OldResourceProperties ("Update request for
// CloudFormation custom resources",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html).
import * as https from 'https';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { retrying } from './retrying';
import { decodePlacement, PlacementRecord, refusal, skippedHandOffs, undeclaredMoves } from '../moves/placement-record';

/** What the custom resource is given. */
export interface PlacementGuardProperties {
  readonly Bucket: string;
  readonly Key: string;
}

/** The CloudFormation request. */
export interface PlacementGuardEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: PlacementGuardProperties;
  readonly OldResourceProperties?: PlacementGuardProperties;
}

/** The guard's verdict. */
export interface Verdict {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason: string;
}

/** What the guard needs from its surroundings; tests pass their own. */
export interface GuardDependencies {
  readonly s3: S3Client;
  readonly cloudFormation: CloudFormationClient;
  sleep(ms: number): Promise<void>;
  log(message: string): void;
}

/** CloudFormation reads at most this many bytes of a response. */
export const RESPONSE_LIMIT = 4096;

/** The Lambda entry point: the verdict, answered to CloudFormation whatever happens. */
export async function handler(event: PlacementGuardEvent): Promise<void> {
  const deps: GuardDependencies = {
    s3: new S3Client({}),
    cloudFormation: new CloudFormationClient({}),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    log: message => console.log(message),
  };
  let verdict: Verdict;
  try {
    verdict = await guardPlacement(event, deps);
  } catch (e) {
    // Not a refusal: the guard cannot tell, and must never leave the stack stuck.
    verdict = { status: 'SUCCESS', reason: `the guard could not check the placement: ${(e as Error).message}` };
  }
  deps.log(`${event.RequestType}: ${verdict.status}. ${verdict.reason}`);
  await putResponse(event.ResponseURL, responseBody(event, verdict));
}

/** The verdict on a request: FAILED only for an Update that re-homes a domain without a declared move, or hands a tenant to the store before "prepare". */
export async function guardPlacement(event: PlacementGuardEvent, deps: GuardDependencies): Promise<Verdict> {
  if (event.RequestType !== 'Update' || event.OldResourceProperties === undefined) {
    return { status: 'SUCCESS', reason: `${event.RequestType}: nothing was deployed before to compare with.` };
  }
  // A rollback puts back the placement that was deployed (the reverse of a declared move, or of
  // this guard's own refusal): never refused, or the rollback itself would fail.
  if (await rollingBack(event.StackId, deps)) return { status: 'SUCCESS', reason: 'the stack is rolling back to the deployed placement.' };
  const before = await readRecord(event.OldResourceProperties, deps);
  const after = await readRecord(event.ResourceProperties, deps);
  if (before === undefined || after === undefined) {
    return { status: 'SUCCESS', reason: `the ${before === undefined ? 'deployed' : 'new'} placement could not be read; nothing to compare.` };
  }
  const moves = undeclaredMoves(before, after);
  const skipped = skippedHandOffs(before, after);
  if (moves.length === 0 && skipped.length === 0) return { status: 'SUCCESS', reason: 'every domain stays where it is, or moves as declared.' };
  return { status: 'FAILED', reason: refusal(moves, skipped) };
}

/** The stack is undoing an update (its status says so). */
async function rollingBack(stackId: string, deps: GuardDependencies): Promise<boolean> {
  const answer = await retrying(() => deps.cloudFormation.send(new DescribeStacksCommand({ StackName: stackId })), deps);
  return /ROLLBACK/.test(answer.Stacks?.[0]?.StackStatus ?? '');
}

/** The record at the properties' object; undefined (logged) when it is missing or not a record. */
async function readRecord(props: PlacementGuardProperties, deps: GuardDependencies): Promise<PlacementRecord | undefined> {
  try {
    const object = await retrying(() => deps.s3.send(new GetObjectCommand({ Bucket: props.Bucket, Key: props.Key })), deps);
    const record = decodePlacement(await object.Body!.transformToString());
    if (record === undefined) deps.log(`s3://${props.Bucket}/${props.Key} is not a placement record this guard reads`);
    return record;
  } catch (e) {
    deps.log(`s3://${props.Bucket}/${props.Key} could not be read: ${(e as Error).name}: ${(e as Error).message}`);
    return undefined;
  }
}

/** The response CloudFormation reads, the reason shortened to fit its 4096 bytes (the log has it whole). */
export function responseBody(event: PlacementGuardEvent, verdict: Verdict): string {
  const body = (reason: string) => JSON.stringify({
    Status: verdict.status,
    Reason: reason,
    PhysicalResourceId: event.PhysicalResourceId ?? event.LogicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const fits = (text: string) => Buffer.byteLength(text) <= RESPONSE_LIMIT;
  if (fits(body(verdict.reason))) return body(verdict.reason);
  const more = ' ... (the rest is in the guard function\'s log)';
  let reason = verdict.reason;
  while (!fits(body(reason + more))) reason = reason.slice(0, Math.floor(reason.length * 0.9));
  return body(reason + more);
}

/** PUTs `body` to the presigned `url`, as CloudFormation asks; `request` is https.request unless a test gives another. */
export function putResponse(url: string, body: string, request: typeof https.request = https.request): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'PUT',
      // The presigned URL is signed for an empty content type.
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, response => {
      response.resume();
      response.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}
