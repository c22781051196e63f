import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

/** How CloudFront reaches the load balancer, and how everything else is kept out. */
export class OriginAccess {
  /**
   * An internal load balancer in private subnets, reached through CloudFront VPC origins over
   * HTTPS on 443 (one VPC origin per `quotas.distributionsPerVpcOrigin` distributions). The load
   * balancer has no public address, so CloudFront is the only way in from the internet.
   */
  public static vpcOrigin(): OriginAccess {
    return new OriginAccess('vpc-origin');
  }

  /** @internal */
  public readonly _kind: string;

  private constructor(kind: string) {
    this._kind = kind;
  }
}

/** Properties of the gateway's origin. */
export interface GatewayOriginProps {
  readonly vpc: ec2.IVpc;
  readonly certificates: acm.ICertificate[];
  readonly access: OriginAccess;
  readonly distributionsPerVpcOrigin: number;
}

/**
 * The HTTPS Application Load Balancer every distribution forwards to: 443 with the first
 * certificate as default and the rest by SNI, 80 redirecting to 443, invalid header fields dropped.
 */
export class GatewayOrigin extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly vpcOrigins: cloudfront.VpcOrigin[] = [];

  constructor(scope: Construct, id: string, private readonly props: GatewayOriginProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Gateway load balancer: HTTPS from CloudFront VPC origins only',
      allowAllOutbound: false,
    });
    // VPC origin traffic arrives from CloudFront-managed interfaces inside the VPC.
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(443),
      'HTTPS from CloudFront VPC origins');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: false,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
    });
    const [defaultCertificate, ...sniCertificates] = props.certificates;
    this.listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [defaultCertificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
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
  }

  /** A fresh origin for a shard's distribution: its group's VPC origin, HTTPS on 443 only. */
  public originFor(shard: number): cloudfront.IOrigin {
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
}
