import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cloudFrontPrefixListId } from './cloudfront-prefix-list';
import { AttachedAccess, OriginAccessBinding } from './origin-access-binding';
import { acknowledgeNag } from '../../private/nag';

/** Properties of the gateway's origin. */
export interface GatewayOriginProps {
  readonly vpc: ec2.IVpc;
  readonly certificates: acm.ICertificate[];
  readonly access: OriginAccessBinding;
  readonly distributionsPerVpcOrigin: number;
  /** Where the load balancer writes access logs; none when undefined. */
  readonly accessLogBucket?: s3.IBucket;
  readonly deletionProtection: boolean;
  /** The region of Origin Shield in front of the load balancer; none when undefined. */
  readonly originShieldRegion?: string;
}

/**
 * The HTTPS Application Load Balancer every distribution forwards to: 443 with the first
 * certificate as default and the rest by SNI (TLS 1.2 and 1.3 only), 80 redirecting to 443,
 * invalid header fields dropped, access logs on, and HTTPS admitted from CloudFront only.
 */
export class GatewayOrigin extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;
  /** What the origin access made: VPC origins or the secret, and the listener's forward conditions. */
  public readonly access: AttachedAccess;

  constructor(scope: Construct, id: string, props: GatewayOriginProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Gateway load balancer: HTTPS from CloudFront only',
      allowAllOutbound: false,
    });
    // VPC origins and internet origins alike: CloudFront connects from its origin-facing
    // addresses, which AWS publishes as a managed prefix list. One rule weighs 55 of the 60
    // rules a security group may hold, so it is the only ingress rule.
    this.securityGroup.addIngressRule(ec2.Peer.prefixList(cloudFrontPrefixListId(this, props.access.prefixListId)),
      ec2.Port.tcp(443), 'HTTPS from CloudFront origin-facing addresses');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: props.access.internetFacing,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
    });
    acknowledgeNag(this.loadBalancer, [{
      id: 'NIST.800.53.R5-ALBWAFEnabled',
      reason: 'The load balancer admits only CloudFront, so every request has passed the distributions first; ' +
        'a web ACL belongs there (`webAclId`), where it sees the viewer and is billed once.',
    }]);
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
      defaultAction: props.access.refusesByDefault
        ? elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' })
        : undefined,
    });
    if (sniCertificates.length > 0) {
      this.listener.addCertificates('Sni', sniCertificates);
    }
    const http = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    acknowledgeNag(http, [{
      id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      reason: 'Port 80 serves no content: it only redirects to HTTPS on 443, and the security group admits nothing on it.',
    }]);
    this.access = props.access.attach(this, this.loadBalancer, props.distributionsPerVpcOrigin, props.originShieldRegion);
  }

  /** A fresh origin for distribution n. */
  public originFor(distribution: number): cloudfront.IOrigin {
    return this.access.originFor(distribution);
  }
}
