// Where CloudFront offers Origin Shield, and which of those regions AWS recommends for an origin in
// each region: "Choosing the AWS Region for Origin Shield", Amazon CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/origin-shield.html#choose-origin-shield-region
// Data only; regions the guide does not list are left out (the gateway's region is used for them).

/** The regions where CloudFront offers Origin Shield (those with a regional edge cache). */
export const ORIGIN_SHIELD_REGIONS: readonly string[] = ['us-east-2', 'us-east-1', 'us-west-2', 'ap-south-1', 'ap-northeast-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'sa-east-1'];

/** For an origin in another region, the Origin Shield region the guide recommends. */
const NEAREST: Readonly<Record<string, string>> = {
  'us-west-1': 'us-west-2',
  'af-south-1': 'eu-west-1',
  'ap-east-1': 'ap-southeast-1',
  'ca-central-1': 'us-east-1',
  'eu-south-1': 'eu-central-1',
  'eu-west-3': 'eu-west-2',
  'eu-north-1': 'eu-west-2',
  'me-south-1': 'ap-south-1',
};

/** The Origin Shield region for an origin in `region`, or undefined when the guide does not say. */
export function nearestOriginShieldRegion(region: string | undefined): string | undefined {
  if (region === undefined) return undefined;
  return ORIGIN_SHIELD_REGIONS.includes(region) ? region : NEAREST[region];
}

const REGION_LABEL = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The region of an AWS endpoint's domain name, e.g. a load balancer's
 * `name-123.eu-west-3.elb.amazonaws.com`; undefined for any other name.
 */
export function regionOfAwsDomain(domainName: string): string | undefined {
  if (!/\.amazonaws\.com(\.cn)?$/.test(domainName)) return undefined;
  return domainName.split('.').find(label => REGION_LABEL.test(label));
}

/** What is wrong with an Origin Shield region named at `where`, if anything. */
export function originShieldRegionProblem(where: string, region: string): string | undefined {
  if (!REGION_LABEL.test(region)) return `${where} region "${region}" is not an AWS Region name such as "eu-west-1"`;
  if (ORIGIN_SHIELD_REGIONS.includes(region)) return undefined;
  const nearest = NEAREST[region];
  return `${where} region "${region}" has no Origin Shield (CloudFront offers it in ${ORIGIN_SHIELD_REGIONS.join(', ')})` +
    (nearest ? `; for an origin in ${region}, AWS recommends "${nearest}"` : '; choose the one nearest the origin');
}
