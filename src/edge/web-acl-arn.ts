// The one rule for a web ACL's ARN, shared by the gateway's `webAclId` and a tenant's `webAcl`.
// Pure, so the CLI checks a tenants file without loading aws-cdk-lib.

/** A WAFv2 web ACL with CloudFront scope: global, so always in us-east-1. */
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/;

/** The shape a web ACL ARN must have, for messages. */
export const WEB_ACL_ARN_SHAPE = 'the ARN of a WAFv2 web ACL with CloudFront scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)';

/** True for the ARN of a WAFv2 web ACL that a CloudFront distribution can use. */
export function isWebAclArn(value: string): boolean {
  return WEB_ACL_ARN.test(value);
}
