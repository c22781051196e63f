import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OriginAccessBinding } from './private/origin-access-binding';
import { SecretHeaderAccess, VpcOriginAccess } from './private/origin-access-variants';

/** Options for `OriginAccess.vpcOrigin`. */
export interface VpcOriginAccessOptions {
  /**
   * The id of the managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in the
   * stack's region; the load balancer admits HTTPS from it only.
   * @default - the id for the stack's region from a built-in table (regions it lacks need this)
   */
  readonly prefixListId?: string;
}

/** Options for `OriginAccess.secretHeader`. */
export interface SecretHeaderAccessOptions {
  /**
   * The request header CloudFront adds and the load balancer requires.
   * @default "X-Origin-Verify"
   */
  readonly headerName?: string;

  /**
   * A secret whose whole SecretString is the header value (at most 128 characters, no `*` or `?`).
   * @default - a 64-character secret generated in Secrets Manager at deploy time
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * The id of the managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in the
   * stack's region; the load balancer admits HTTPS from it only.
   * @default - the id for the stack's region from a built-in table (regions it lacks need this)
   */
  readonly prefixListId?: string;
}

/** How CloudFront reaches the load balancer, and how everything else is kept out. */
export abstract class OriginAccess {
  /**
   * An internal load balancer in private subnets, reached through CloudFront VPC origins over
   * HTTPS on 443 (one VPC origin per `quotas.distributionsPerVpcOrigin` distributions). The load
   * balancer has no public address, so CloudFront is the only way in from the internet; its
   * security group admits HTTPS from CloudFront's origin-facing prefix list only, as AWS
   * documents for VPC origins.
   */
  public static vpcOrigin(options: VpcOriginAccessOptions = {}): OriginAccess {
    return new VpcOrigin(options);
  }

  /**
   * An internet-facing load balancer in public subnets whose security group admits HTTPS from
   * CloudFront's origin-facing prefix list only. As any CloudFront distribution, anyone's, sends
   * from those addresses, CloudFront also adds a secret header, and the listener forwards only
   * requests that carry it (everything else gets a fixed 403).
   *
   * The secret lives in Secrets Manager; the templates hold only `{{resolve:secretsmanager:...}}`
   * dynamic references, which CloudFormation resolves at deploy time in the distribution's origin
   * header and the listener rule. The value is still readable, by design, to whoever can read the
   * distribution's or the listener rule's configuration. Rotating the secret takes effect at the
   * next deployment that updates both resources, so the generated secret has no rotation schedule.
   */
  public static secretHeader(options: SecretHeaderAccessOptions = {}): OriginAccess {
    return new SecretHeader(options);
  }

  /** @internal */
  public abstract _bind(): OriginAccessBinding;
}

class VpcOrigin extends OriginAccess {
  constructor(private readonly options: VpcOriginAccessOptions) {
    super();
  }

  public _bind(): OriginAccessBinding {
    return new VpcOriginAccess(this.options.prefixListId);
  }
}

class SecretHeader extends OriginAccess {
  constructor(private readonly options: SecretHeaderAccessOptions) {
    super();
  }

  public _bind(): OriginAccessBinding {
    return new SecretHeaderAccess(this.options);
  }
}
