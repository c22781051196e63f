import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { prefixListProblems } from './cloudfront-prefix-list';
import { AttachedAccess, OriginAccessBinding } from './origin-access-binding';
import { acknowledgeCheckov, acknowledgeNag } from '../../private/nag';
import { PerBlock } from '../../private/per-block';
import type { SecretHeaderAccessOptions } from '../origin-access';

/** HTTPS on 443 only, TLS 1.2: how every distribution reaches the load balancer. */
const ORIGIN_TLS = {
  protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
  httpsPort: 443,
  originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
};

/** An internal load balancer reached through CloudFront VPC origins. */
export class VpcOriginAccess implements OriginAccessBinding {
  public readonly internetFacing = false;
  public readonly usesVpcOrigins = true;
  public readonly refusesByDefault = false;

  constructor(public readonly prefixListId?: string) {}

  public problems(scope: Construct): string[] {
    return prefixListProblems(scope, this.prefixListId);
  }

  public attach(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, perVpcOrigin: number, originShieldRegion?: string): AttachedAccess {
    const vpcOrigins = new PerBlock(perVpcOrigin, n => new cloudfront.VpcOrigin(scope, `VpcOrigin${n}`, {
      endpoint: cloudfront.VpcOriginEndpoint.applicationLoadBalancer(loadBalancer),
      ...ORIGIN_TLS,
    }));
    return {
      forwardConditions: [],
      get vpcOrigins() {
        return vpcOrigins.all;
      },
      originFor: distribution => origins.VpcOrigin.withVpcOrigin(vpcOrigins.for(distribution), {
        domainName: loadBalancer.loadBalancerDnsName,
        originShieldRegion,
      }),
      originTo: () => undefined,
    };
  }
}

const DEFAULT_HEADER = 'X-Origin-Verify';

/** An internet-facing load balancer that forwards only requests carrying CloudFront's secret header. */
export class SecretHeaderAccess implements OriginAccessBinding {
  public readonly internetFacing = true;
  public readonly usesVpcOrigins = false;
  public readonly refusesByDefault = true;
  public readonly prefixListId?: string;
  private readonly headerName: string;
  /** The one secret of every load balancer and origin the access reaches, made where it is first attached. */
  private secret?: secretsmanager.ISecret;

  constructor(private readonly options: SecretHeaderAccessOptions) {
    this.prefixListId = options.prefixListId;
    this.headerName = options.headerName ?? DEFAULT_HEADER;
  }

  public problems(scope: Construct): string[] {
    const problems = prefixListProblems(scope, this.prefixListId);
    if (!/^[A-Za-z0-9-]{1,40}$/.test(this.headerName)) {
      problems.push(`\`headerName\` must be 1 to 40 letters, digits or hyphens, got "${this.headerName}"`);
    }
    return problems;
  }

  public attach(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, _perVpcOrigin: number, originShieldRegion?: string): AttachedAccess {
    const secret = this.secret ?? this.options.secret ?? this.generatedSecret(scope);
    this.secret = secret;
    // `{{resolve:secretsmanager:...}}`: CloudFormation puts the value in at deploy time.
    const value = secret.secretValue.unsafeUnwrap();
    const customHeaders = { [this.headerName]: value };
    return {
      forwardConditions: [elbv2.ListenerCondition.httpHeader(this.headerName, [value])],
      vpcOrigins: [],
      secret,
      originFor: () => new origins.LoadBalancerV2Origin(loadBalancer, { ...ORIGIN_TLS, customHeaders, originShieldRegion }),
      originTo: (domainName, shieldRegion = originShieldRegion) =>
        new origins.HttpOrigin(domainName, { ...ORIGIN_TLS, customHeaders, originShieldRegion: shieldRegion }),
    };
  }

  private generatedSecret(scope: Construct): secretsmanager.ISecret {
    const keyReason = 'The AWS-managed key aws/secretsmanager encrypts it: the value also sits in the ' +
      'distribution and listener rule configuration, so a customer key would add cost without narrowing who can read it. ' +
      'Bring a secret under your own key with `secret`.';
    const secret = new secretsmanager.Secret(scope, 'OriginSecret', {
      description: `The ${this.headerName} header value CloudFront sends and the gateway load balancer requires`,
      // Letters and digits only: listener rule values treat * and ? as wildcards.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    acknowledgeNag(secret, [{
      id: 'AwsSolutions-SMG4',
      reason: 'CloudFormation reads the value into the distributions and the listener rule at deploy time; ' +
        'a rotation would lock CloudFront out until the next deployment, so rotation is a redeploy.',
    }, {
      id: 'NIST.800.53.R5-SecretsManagerRotationEnabled',
      reason: 'CloudFormation reads the value into the distributions and the listener rule at deploy time; ' +
        'a rotation would lock CloudFront out until the next deployment, so rotation is a redeploy.',
    }, {
      id: 'NIST.800.53.R5-SecretsManagerUsingKMSKey',
      reason: keyReason,
    }]);
    acknowledgeCheckov(secret, 'CKV_AWS_149', keyReason);
    return secret;
  }
}
