// The placement guard's resources: the gateway's placement record as a file asset, and one custom
// resource, in the gateway's own stack, given the asset's bucket and key. Every block of shards and
// every move waits for it, so a deploy it refuses changes nothing else (see
// src/runtime/placement-guard.lambda.ts). The asset is content-addressed: its key, and so the
// guard's properties, change only when the placement does, and only then does the guard run.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Aws, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { newestNodeRuntime } from '../../private/node-runtime';
import { PlacementGuardFunction } from '../../runtime/placement-guard-function';
import { encodePlacement, PlacementRecord } from '../placement-record';

/** The guard: what other resources wait for. */
export class PlacementGuard extends Construct {
  /** The custom resource every block of shards and every move depends on. */
  public readonly resource: CustomResource;
  /** The function CloudFormation invokes for it. */
  public readonly handler: lambda.Function;
  /** The placement record's asset. */
  public readonly placement: Asset;

  constructor(scope: Construct, id: string, record: PlacementRecord) {
    super(scope, id);
    this.placement = new Asset(this, 'Placement', { path: writeRecord(encodePlacement(record)) });
    this.handler = new PlacementGuardFunction(this, 'Handler', {
      description: 'cdk-multi-tenant-gateway: refuses a deploy that would move a tenant domain between distributions without a declared move',
      runtime: newestNodeRuntime(),
      // Two S3 reads and a DescribeStacks; CloudFormation waits for the answer.
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    // The deployed record's key is known only at deploy time (it is the old properties'), so the
    // assets bucket's objects; the stack's status tells a rollback, which it never refuses.
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [this.placement.bucket.arnForObjects('*')],
    }));
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [Aws.STACK_ID],
    }));
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::PlacementGuard',
      properties: { Bucket: this.placement.s3BucketName, Key: this.placement.s3ObjectKey },
      // The handler answers within its minute; should it never answer (a crash), CloudFormation
      // gives up after this rather than its default hour.
      serviceTimeout: Duration.minutes(5),
    });
    acknowledgeGuard(this.handler, nagFinding(Stack.of(this).resolve(this.placement.bucket.arnForObjects('*'))));
  }
}

/**
 * Writes the record to a file named by its hash in a folder of the system's temporary one (the
 * asset copies it into the cloud assembly), once: the same placement gives the same file.
 */
function writeRecord(text: string): string {
  const folder = path.join(os.tmpdir(), 'cdk-multi-tenant-gateway-placement');
  const file = path.join(folder, `${crypto.createHash('sha256').update(text).digest('hex')}.json`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(folder, { recursive: true });
    // Written aside and renamed, so a synth running at the same time never reads half a file.
    const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  }
  return file;
}

/** The by-design findings of the guard's function. */
function acknowledgeGuard(handler: lambda.Function, objects: string): void {
  acknowledgeNag(handler.role!.node.defaultChild!, [{
    id: 'AwsSolutions-IAM4',
    reason: 'A deploy-time function writes only its logs: AWS\'s basic execution policy is exactly that.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  }]);
  acknowledgeNag(handler.role!.node.findChild('DefaultPolicy').node.defaultChild!, [{
    id: 'AwsSolutions-IAM5',
    reason: 'The guard reads the deployed placement record, whose key is known only at deploy time (the previous deploy\'s ' +
      'asset), so it may read the objects of the CDK assets bucket, and nothing else.',
    appliesTo: [`Resource::${objects}`],
  }]);
  const why = 'The placement guard runs only at deployment, called by CloudFormation, which reports its failures';
  acknowledgeNag(handler, [
    { id: 'NIST.800.53.R5-LambdaConcurrency', reason: `${why}: once per deploy that changes the placement, no concurrency to reserve.` },
    { id: 'NIST.800.53.R5-LambdaDLQ', reason: `${why}: no event is lost, so no dead-letter queue.` },
    { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: `${why}: it calls only the S3 and CloudFormation APIs, so it needs no VPC.` },
  ]);
  acknowledgeNag(handler.role!.node.findChild('DefaultPolicy').node.defaultChild!, [{
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'The guard function\'s own role holds its two statements; a managed policy would be one more resource to share nothing.',
  }]);
  acknowledgeCheckov(handler, 'CKV_AWS_115', `${why}; no concurrency to reserve.`);
  acknowledgeCheckov(handler, 'CKV_AWS_116', `${why}; no event is lost, so no dead-letter queue.`);
  acknowledgeCheckov(handler, 'CKV_AWS_117', `${why}; it calls only the S3 and CloudFormation APIs, so it needs no VPC.`);
  acknowledgeCheckov(handler, 'CKV_AWS_173', 'Its one environment variable, AWS_NODEJS_CONNECTION_REUSE_ENABLED=1, holds no secret; ' +
    'Lambda encrypts it at rest with its AWS managed key, and a customer managed key would be one more resource for nothing to hide.');
}

/** A resolved ARN as cdk-nag names it in a finding: references and substitutions as `<Name>`. */
function nagFinding(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{([^}]+)\}/g, '<$1>');
  const intrinsic = value as { 'Ref'?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::Sub'?: string };
  if (intrinsic.Ref !== undefined) return `<${intrinsic.Ref}>`;
  if (intrinsic['Fn::Sub'] !== undefined) return nagFinding(intrinsic['Fn::Sub']);
  const [separator, parts] = intrinsic['Fn::Join']!;
  return parts.map(nagFinding).join(separator);
}
