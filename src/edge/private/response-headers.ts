import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

/**
 * The security headers every tenant's responses get, one policy per
 * `distributionsPerPolicy` distributions (an AWS quota), like the cache policies:
 * HSTS for two years, `X-Content-Type-Options: nosniff`, `X-Frame-Options: SAMEORIGIN`,
 * `Referrer-Policy: strict-origin-when-cross-origin` and `X-XSS-Protection: 0`
 * (the legacy filter is itself an attack surface; modern browsers ignore it).
 *
 * HSTS leaves out includeSubDomains and preload: the domains are the tenants', and a gateway
 * must not commit their other subdomains to HTTPS or to browser preload lists. A header the app
 * sets itself wins (override off), so a tenant page that must be framed can say so.
 */
export class SecurityHeadersPolicies extends Construct {
  /** The policies made so far, in order. */
  public readonly policies: cloudfront.ResponseHeadersPolicy[] = [];

  constructor(scope: Construct, id: string, private readonly distributionsPerPolicy: number) {
    super(scope, id);
  }

  /** The policy for a distribution shard. */
  public policyFor(shard: number): cloudfront.IResponseHeadersPolicy {
    const index = Math.floor(shard / this.distributionsPerPolicy);
    while (this.policies.length <= index) {
      this.policies.push(new cloudfront.ResponseHeadersPolicy(this, `Policy${this.policies.length}`, {
        comment: 'Gateway security headers: HSTS, nosniff, SAMEORIGIN frames, strict referrer',
        securityHeadersBehavior: {
          strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: false, override: false },
          contentTypeOptions: { override: false },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override: false },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
          xssProtection: { protection: false, override: false },
        },
      }));
    }
    return this.policies[index];
  }
}
