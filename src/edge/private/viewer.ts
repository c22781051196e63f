import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { DistributionSettings } from './edge-binding';
import { TenantEdgeSettings, webAclIdOf } from '../../tenants/edge-settings';

/**
 * What viewers get from every distribution, in both edge modes: HTTPS (HTTP redirects), HTTP/2
 * and HTTP/3, TLS 1.2 or later by SNI, every method (the app takes forms and API calls), GET and
 * HEAD cached, compression on; the shared policies, origin, web ACL and logs from `settings`.
 * The path behaviours (shared paths first) come before the default one, with the same viewer
 * rules and response headers. `edge`, when given, is the distribution's own edge settings: its
 * web ACL (over the gateway's) and geo restriction.
 */
export function distributionProps(settings: DistributionSettings, comment: string, edge?: TenantEdgeSettings): cloudfront.DistributionProps {
  const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
  for (const path of settings.pathBehaviors) {
    additionalBehaviors[path.pathPattern] = {
      origin: path.origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: path.allowedMethods,
      cachedMethods: path.cachedMethods,
      compress: true,
      cachePolicy: path.cachePolicy,
      originRequestPolicy: path.originRequestPolicy,
      responseHeadersPolicy: settings.responseHeadersPolicy,
    };
  }
  return {
    comment,
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    sslSupportMethod: cloudfront.SSLMethod.SNI,
    webAclId: edge ? webAclIdOf(edge, settings.webAclId) : settings.webAclId,
    geoRestriction: geoRestrictionOf(edge),
    logBucket: settings.logBucket,
    defaultBehavior: {
      origin: settings.origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      compress: true,
      cachePolicy: settings.cachePolicy,
      originRequestPolicy: settings.originRequestPolicy,
      responseHeadersPolicy: settings.responseHeadersPolicy,
    },
    additionalBehaviors: settings.pathBehaviors.length > 0 ? additionalBehaviors : undefined,
  };
}

/** A distribution's geo restriction from its tenants' `geoRestriction`; none when they have none. */
function geoRestrictionOf(edge: TenantEdgeSettings | undefined): cloudfront.GeoRestriction | undefined {
  const geo = edge?.geoRestriction;
  if (geo?.allow) return cloudfront.GeoRestriction.allowlist(...[...geo.allow].sort());
  if (geo?.deny) return cloudfront.GeoRestriction.denylist(...[...geo.deny].sort());
  return undefined;
}
