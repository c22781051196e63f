import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { DistributionSettings } from './edge-binding';

/**
 * What viewers get from every distribution, in both edge modes: HTTPS (HTTP redirects), HTTP/2
 * and HTTP/3, TLS 1.2 or later by SNI, every method (the app takes forms and API calls), GET and
 * HEAD cached, compression on; the shared policies, origin, web ACL and logs from `settings`.
 */
export function distributionProps(settings: DistributionSettings, comment: string): cloudfront.DistributionProps {
  return {
    comment,
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    sslSupportMethod: cloudfront.SSLMethod.SNI,
    webAclId: settings.webAclId,
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
  };
}
