import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { cloudFrontPrefixListId, prefixListProblems } from './private/cloudfront-prefix-list';
import { acknowledgeCheckov, acknowledgeNag } from '../private/nag';

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
export class OriginAccess {
  /**
   * An internal load balancer in private subnets, reached through CloudFront VPC origins over
   * HTTPS on 443 (one VPC origin per `quotas.distributionsPerVpcOrigin` distributions). The load
   * balancer has no public address, so CloudFront is the only way in from the internet; its
   * security group admits HTTPS from CloudFront's origin-facing prefix list only, as AWS
   * documents for VPC origins.
   */
  public static vpcOrigin(options: VpcOriginAccessOptions = {}): OriginAccess {
    return new OriginAccess('vpc-origin', { prefixListId: options.prefixListId });
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
    return new OriginAccess('secret-header', options);
  }

  /** @internal */
  public readonly _kind: 'vpc-origin' | 'secret-header';

  /** @internal */
  public readonly _options: SecretHeaderAccessOptions;

  private constructor(kind: 'vpc-origin' | 'secret-header', options: SecretHeaderAccessOptions) {
    this._kind = kind;
    this._options = options;
  }
}

/** The problems with origin access options. */
export function originAccessProblems(scope: Construct, access: OriginAccess): string[] {
  const problems = prefixListProblems(scope, access._options.prefixListId);
  const name = access._options.headerName;
  if (name !== undefined && !/^[A-Za-z0-9-]{1,40}$/.test(name)) {
    problems.push(`\`headerName\` must be 1 to 40 letters, digits or hyphens, got "${name}"`);
  }
  return problems;
}

/** Properties of the gateway's origin. */
export interface GatewayOriginProps {
  readonly vpc: ec2.IVpc;
  readonly certificates: acm.ICertificate[];
  readonly access: OriginAccess;
  readonly distributionsPerVpcOrigin: number;
  /** Where the load balancer writes access logs; none when undefined. */
  readonly accessLogBucket?: s3.IBucket;
  readonly deletionProtection: boolean;
}

const DEFAULT_HEADER = 'X-Origin-Verify';

/**
 * The HTTPS Application Load Balancer every distribution forwards to: 443 with the first
 * certificate as default and the rest by SNI (TLS 1.2 and 1.3 only), 80 redirecting to 443,
 * invalid header fields dropped, access logs on, and HTTPS admitted from CloudFront only.
 */
export class GatewayOrigin extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly vpcOrigins: cloudfront.VpcOrigin[] = [];
  /** The secret CloudFront sends to the load balancer (secret-header access only). */
  public readonly originSecret?: secretsmanager.ISecret;
  /** The listener conditions a request needs to reach the app (none: the default action forwards). */
  public readonly forwardConditions: elbv2.ListenerCondition[] = [];

  private readonly headerName: string;

  constructor(scope: Construct, id: string, private readonly props: GatewayOriginProps) {
    super(scope, id);
    const secretHeader = props.access._kind === 'secret-header';
    const options = props.access._options;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Gateway load balancer: HTTPS from CloudFront only',
      allowAllOutbound: false,
    });
    // VPC origins and internet origins alike: CloudFront connects from its origin-facing
    // addresses, which AWS publishes as a managed prefix list. One rule weighs 55 of the 60
    // rules a security group may hold, so it is the only ingress rule.
    this.securityGroup.addIngressRule(ec2.Peer.prefixList(cloudFrontPrefixListId(this, options.prefixListId)),
      ec2.Port.tcp(443), 'HTTPS from CloudFront origin-facing addresses');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: secretHeader,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
    });
    if (props.accessLogBucket) {
      this.loadBalancer.logAccessLogs(props.accessLogBucket, 'load-balancer');
    }

    const [defaultCertificate, ...sniCertificates] = props.certificates;
    this.listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [defaultCertificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
      // Secret-header access: only a rule that checks the header forwards; the rest is refused.
      defaultAction: secretHeader
        ? elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' })
        : undefined,
    });
    if (sniCertificates.length > 0) {
      this.listener.addCertificates('Sni', sniCertificates);
    }
    this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });

    this.headerName = options.headerName ?? DEFAULT_HEADER;
    if (secretHeader) {
      if (options.secret) {
        this.originSecret = options.secret;
      } else {
        const secret = new secretsmanager.Secret(this, 'OriginSecret', {
          description: `The ${this.headerName} header value CloudFront sends and the gateway load balancer requires`,
          // Letters and digits only: listener rule values treat * and ? as wildcards.
          generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        });
        acknowledgeNag(secret, [{
          id: 'AwsSolutions-SMG4',
          reason: 'CloudFormation reads the value into the distributions and the listener rule at deploy time; ' +
            'a rotation would lock CloudFront out until the next deployment, so rotation is a redeploy.',
        }]);
        acknowledgeCheckov(secret, 'CKV_AWS_149', 'The AWS-managed key aws/secretsmanager encrypts it: the value also sits in the ' +
          'distribution and listener rule configuration, so a customer key would add cost without narrowing who can read it. ' +
          'Bring a secret under your own key with `secret`.');
        this.originSecret = secret;
      }
      this.forwardConditions.push(elbv2.ListenerCondition.httpHeader(this.headerName, [this.secretReference()]));
    }
  }

  /** A fresh origin for a shard's distribution: HTTPS on 443 only, TLS 1.2. */
  public originFor(shard: number): cloudfront.IOrigin {
    if (this.originSecret) {
      return new origins.LoadBalancerV2Origin(this.loadBalancer, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        httpsPort: 443,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        customHeaders: { [this.headerName]: this.secretReference() },
      });
    }
    const index = Math.floor(shard / this.props.distributionsPerVpcOrigin);
    while (this.vpcOrigins.length <= index) {
      this.vpcOrigins.push(new cloudfront.VpcOrigin(this, `VpcOrigin${this.vpcOrigins.length}`, {
        endpoint: cloudfront.VpcOriginEndpoint.applicationLoadBalancer(this.loadBalancer),
        httpsPort: 443,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }));
    }
    return origins.VpcOrigin.withVpcOrigin(this.vpcOrigins[index], {
      domainName: this.loadBalancer.loadBalancerDnsName,
    });
  }

  /** `{{resolve:secretsmanager:...}}`: CloudFormation puts the value in at deploy time. */
  private secretReference(): string {
    return this.originSecret!.secretValue.unsafeUnwrap();
  }
}
