import { Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';

/** The certificate's region when synth time can know it. */
export function certificateRegion(certificate: acm.ICertificate): string | undefined {
  const arn = certificate.certificateArn;
  const region = Token.isUnresolved(arn) ? certificate.env.region : arn.split(':')[3];
  return region === undefined || Token.isUnresolved(region) || region === '' ? undefined : region;
}
