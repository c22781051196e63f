import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeCheckov, acknowledgeNag } from './nag';

/** Properties of a log bucket the gateway makes. */
export interface LogBucketProps {
  /** What writes here, for the description and the nag reason. */
  readonly purpose: string;
  /**
   * Let object writers own their objects, as CloudFront standard logging requires (it writes with
   * ACLs). Load balancer access logs and VPC flow logs need no ACLs.
   */
  readonly objectWriterAcls?: boolean;
  /** How long logs are kept. */
  readonly retention: Duration;
  /** Empty and delete the bucket with the stack (development), instead of keeping it. */
  readonly destroyOnRemoval?: boolean;
}

/**
 * A private bucket for logs: S3-managed encryption (the only kind load balancer access logs and
 * CloudFront standard logs can write to), TLS only, public access blocked, expiring old logs.
 */
export class LogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: props.objectWriterAcls ? s3.ObjectOwnership.BUCKET_OWNER_PREFERRED : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{
        expiration: props.retention,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      // Logs are evidence: keep them when the stack goes, unless it is asked for a development stack.
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: props.destroyOnRemoval,
    });
    const why = `This bucket holds ${props.purpose}; logging access to itself would loop, and to another bucket is the user's choice.`;
    acknowledgeNag(this.bucket, [
      { id: 'AwsSolutions-S1', reason: why },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: why },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason: 'Load balancer access logs and CloudFront standard logs (legacy) can only be written to buckets with S3-managed encryption (SSE-S3).',
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason: 'Replication needs a bucket in another region, which a construct in one regional stack cannot make; the logs are kept ' +
          'versioned and retained on delete, and replicating them is the account\'s archive choice.',
      },
    ]);
    acknowledgeCheckov(this.bucket, 'CKV_AWS_18', why);
  }
}
