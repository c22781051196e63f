// How CloudFront validates a distribution tenant's managed certificate over HTTP: the values of
// CloudFormation's `ValidationTokenHost`, which a tenant's `certificateValidation` names. Pure, so
// the CLI tells partners the same as the templates do.

/** CloudFront serves the token itself: the tenant's domains must already resolve to CloudFront. */
export const CLOUDFRONT_VALIDATION = 'cloudfront';
/** The partner's current server serves the token: the certificate is issued before traffic moves. */
export const SELF_HOSTED_VALIDATION = 'self-hosted';

/** The tenant fields that decide its certificate validation. */
export interface ValidatedTenant {
  readonly externalDns?: boolean;
  readonly certificateValidation?: string;
}

/**
 * A tenant's validation: the one it names, else "self-hosted" when the partner hosts its DNS
 * (the gateway cannot point its names at CloudFront before the first deploy, so CloudFront could
 * not answer its own token), else "cloudfront" (the gateway writes the records first).
 */
export function certificateValidationOf(tenant: ValidatedTenant): string {
  return tenant.certificateValidation ?? (tenant.externalDns ? SELF_HOSTED_VALIDATION : CLOUDFRONT_VALIDATION);
}
