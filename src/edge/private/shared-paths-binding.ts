import * as s3 from 'aws-cdk-lib/aws-s3';

/** Where shared paths go: the app (no bucket), a bucket the gateway makes, or one given. */
export interface SharedPathsOriginBinding {
  readonly bucket: boolean;
  /** The bucket given; the gateway makes one when `bucket` and this is undefined. */
  readonly given?: s3.IBucket;
}
