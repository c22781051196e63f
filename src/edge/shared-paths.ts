import * as s3 from 'aws-cdk-lib/aws-s3';
import { SharedPathsOriginBinding } from './private/shared-paths-binding';

/**
 * Where requests for `cache.sharedPaths` go. Whatever the choice, their cache key leaves `Host`
 * out, so a shared asset has one cache entry for every tenant.
 */
export abstract class SharedPathsOrigin {
  /** The app's load balancer, as for every other path (the default). */
  public static app(): SharedPathsOrigin {
    return new AppOrigin();
  }

  /**
   * A private S3 bucket the gateway makes (SSE-S3, TLS only, public access blocked, versioned,
   * retained on delete), read by CloudFront through Origin Access Control. Upload the static
   * build there, under the shared paths (e.g. `_next/static/...`); `sharedPathsBucket` names it.
   */
  public static newBucket(): SharedPathsOrigin {
    return new BucketOrigin();
  }

  /**
   * A bucket you bring, read by CloudFront through Origin Access Control. Its public access
   * should stay blocked. The gateway adds one statement to its bucket policy letting the
   * account's CloudFront distributions and distribution tenants read objects (both kinds of
   * `aws:SourceArn`, as AWS does not document which one a distribution tenant's request carries);
   * an imported bucket's policy cannot be changed, so the gateway then warns with the statement
   * to add yourself. A bucket encrypted with SSE-KMS needs a key policy that lets CloudFront
   * decrypt: the gateway grants it on the bucket's `encryptionKey` when the app has the key, and
   * warns when it does not (an imported bucket or key, or the AWS managed `aws/s3` key, which
   * CloudFront cannot use).
   */
  public static fromBucket(bucket: s3.IBucket): SharedPathsOrigin {
    return new BucketOrigin(bucket);
  }

  /** @internal */
  public abstract _bind(): SharedPathsOriginBinding;
}

class AppOrigin extends SharedPathsOrigin {
  public _bind(): SharedPathsOriginBinding {
    return { bucket: false };
  }
}

class BucketOrigin extends SharedPathsOrigin {
  constructor(private readonly bucket?: s3.IBucket) {
    super();
  }

  public _bind(): SharedPathsOriginBinding {
    return { bucket: true, given: this.bucket };
  }
}
