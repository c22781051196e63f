import { Annotations, Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SharedPathsOriginBinding } from './shared-paths-binding';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';

const IMPORTED_POLICY_WARNING = '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac';

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
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: { ArnLike: { 'AWS:SourceArn': `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*` } },
    });
    if (!this.bucket.addToResourcePolicy(statement).statementAdded) {
      Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:shared-paths-bucket-policy',
        'The shared-paths bucket is imported, so its policy cannot be changed here: let CloudFront read it with a statement ' +
        'allowing the service principal cloudfront.amazonaws.com s3:GetObject on its objects, on condition ArnLike ' +
        'AWS:SourceArn arn:aws:cloudfront::<account>:distribution/* (the gateway\'s distributions are in that account).');
    }
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
