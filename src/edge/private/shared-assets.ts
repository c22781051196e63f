import { Annotations, Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SharedPathsOriginBinding } from './shared-paths-binding';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';

const IMPORTED_POLICY_WARNING = '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac';

const CLOUDFRONT = new iam.ServicePrincipal('cloudfront.amazonaws.com');

/**
 * The requests CloudFront signs for the gateway, by their `aws:SourceArn`: those of the account's
 * distributions, and of its distribution tenants. AWS documents the distribution's ARN as the
 * source of an OAC request ("Restrict access to an Amazon S3 origin") but does not say which ARN
 * a request made for a distribution tenant carries, so both are admitted.
 */
const CLOUDFRONT_SOURCES = [
  `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*`,
  `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution-tenant/*`,
];
const SOURCES_TEXT = 'arn:aws:cloudfront::<account>:distribution/* and arn:aws:cloudfront::<account>:distribution-tenant/*';

/**
 * The S3 bucket shared paths are served from: made or given, read through one Origin Access
 * Control that every distribution shares (an account holds 100).
 *
 * aws-cdk-lib's `S3BucketOrigin.withOriginAccessControl` would add a bucket policy statement per
 * distribution; with up to 500 distributions in nested stacks that outgrows a bucket policy's
 * 20 KB. So the origin is given a reference to the bucket (whose policy it leaves alone) and the
 * bucket gets one statement for the account's distributions, as aws-cdk-lib itself grants a KMS
 * key to them.
 */
export class SharedAssets extends Construct {
  public readonly bucket: s3.IBucket;
  private readonly reference: s3.IBucket;
  private readonly accessControl: cloudfront.S3OriginAccessControl;

  constructor(scope: Construct, id: string, binding: SharedPathsOriginBinding, private readonly originShieldRegion?: string) {
    super(scope, id);
    this.bucket = binding.given ?? this.makeBucket();
    this.accessControl = new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
      description: 'The multi-tenant gateway reads its shared-paths bucket',
    });
    this.reference = s3.Bucket.fromBucketAttributes(this, 'Reference', {
      bucketArn: this.bucket.bucketArn,
      bucketName: this.bucket.bucketName,
      bucketRegionalDomainName: this.bucket.bucketRegionalDomainName,
    });
    const statement = new iam.PolicyStatement({
      sid: 'MultiTenantGatewaySharedPaths',
      principals: [CLOUDFRONT],
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: { ArnLike: { 'AWS:SourceArn': CLOUDFRONT_SOURCES } },
    });
    if (!this.bucket.addToResourcePolicy(statement).statementAdded) {
      Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:shared-paths-bucket-policy',
        'The shared-paths bucket is imported, so its policy cannot be changed here: let CloudFront read it with a statement ' +
        'allowing the service principal cloudfront.amazonaws.com s3:GetObject on its objects, on condition ArnLike ' +
        `AWS:SourceArn ${SOURCES_TEXT} (the gateway's distributions and distribution tenants are in that account).`);
    }
    if (binding.given) grantKey(scope, binding.given);
    // The reference's policy is never meant to change; the statement above covers every distribution.
    Annotations.of(scope).acknowledgeWarning(IMPORTED_POLICY_WARNING, 'The gateway grants its distributions with one statement');
  }

  /** A fresh origin for a distribution. */
  public origin(): cloudfront.IOrigin {
    return origins.S3BucketOrigin.withOriginAccessControl(this.reference, {
      originAccessControl: this.accessControl,
      originShieldRegion: this.originShieldRegion,
    });
  }

  private makeBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const why = 'The bucket holds build output identical for every tenant, read only by CloudFront; its reads are the distributions\' requests.';
    acknowledgeNag(bucket, [{ id: 'AwsSolutions-S1', reason: why }]);
    acknowledgeCheckov(bucket, 'CKV_AWS_18', why);
    return bucket;
  }
}

/**
 * OAC reads objects encrypted with SSE-KMS only when the key policy lets CloudFront decrypt
 * ("Restrict access to an Amazon S3 origin", SSE-KMS): grant it on a key the app knows, and warn
 * where the key is not known or cannot be granted.
 */
function grantKey(scope: Construct, bucket: s3.IBucket): void {
  const key = bucket.encryptionKey;
  if (key) {
    const granted = key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'MultiTenantGatewaySharedPathsDecrypt',
      principals: [CLOUDFRONT],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { ArnLike: { 'AWS:SourceArn': CLOUDFRONT_SOURCES } },
    })).statementAdded;
    if (!granted) {
      Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:shared-paths-key-policy',
        'The shared-paths bucket\'s KMS key is imported, so its key policy cannot be changed here, and CloudFront answers 403 until it may ' +
        'decrypt: add a statement allowing the service principal cloudfront.amazonaws.com kms:Decrypt, on condition ArnLike ' +
        `AWS:SourceArn ${SOURCES_TEXT}.`);
    }
  } else if (usesAwsManagedKey(bucket)) {
    Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:shared-paths-key-policy',
      'The shared-paths bucket is encrypted with the AWS managed key aws/s3 (BucketEncryption.KMS_MANAGED), whose policy cannot let ' +
      'CloudFront decrypt: CloudFront answers 403 for every object. Use S3-managed encryption or a customer managed key (`encryptionKey`).');
  } else if (!(bucket instanceof s3.Bucket)) {
    Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:shared-paths-key-policy',
      'The shared-paths bucket is imported without its encryption key, so no key policy was granted. If its objects are encrypted ' +
      'with SSE-KMS, give the key (`encryptionKey` of Bucket.fromBucketAttributes) or let CloudFront decrypt in its key policy: ' +
      `the service principal cloudfront.amazonaws.com, kms:Decrypt, on condition ArnLike AWS:SourceArn ${SOURCES_TEXT}.`);
  }
}

/** A bucket of the app encrypted with SSE-KMS without a key of its own (the AWS managed aws/s3 key). */
function usesAwsManagedKey(bucket: s3.IBucket): boolean {
  if (!(bucket instanceof s3.Bucket)) return false;
  const encryption = (bucket.node.defaultChild as s3.CfnBucket).bucketEncryption as s3.CfnBucket.BucketEncryptionProperty | undefined;
  const rules = (encryption?.serverSideEncryptionConfiguration ?? []) as s3.CfnBucket.ServerSideEncryptionRuleProperty[];
  return rules.some(rule => {
    const byDefault = rule.serverSideEncryptionByDefault as s3.CfnBucket.ServerSideEncryptionByDefaultProperty | undefined;
    return byDefault?.sseAlgorithm.startsWith('aws:kms') === true && byDefault.kmsMasterKeyId === undefined;
  });
}
