import { CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The AWS-managed prefix list of CloudFront's origin-facing addresses. */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * The id of `com.amazonaws.global.cloudfront.origin-facing` in each region. The id differs per
 * region and CloudFormation has no way to look a prefix list up by name, while
 * `PrefixList.fromLookup` needs AWS credentials at synth time; a fixed table keeps synthesis
 * offline and deterministic. The ids are stable (AWS-managed lists keep their id); a region
 * missing here takes `prefixListId`, found with
 * `aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`.
 */
export const CLOUDFRONT_PREFIX_LISTS: Readonly<Record<string, string>> = {
  'ap-northeast-1': 'pl-58a04531',
  'ap-northeast-2': 'pl-22a6434b',
  'ap-south-1': 'pl-9aa247f3',
  'ap-southeast-1': 'pl-31a34658',
  'ap-southeast-2': 'pl-b8a742d1',
  'ca-central-1': 'pl-38a64351',
  'eu-central-1': 'pl-a3a144ca',
  'eu-north-1': 'pl-fab65393',
  'eu-west-1': 'pl-4fa04526',
  'eu-west-2': 'pl-93a247fa',
  'eu-west-3': 'pl-75b1541c',
  'sa-east-1': 'pl-5da64334',
  'us-east-1': 'pl-3b927c52',
  'us-east-2': 'pl-b6a144df',
  'us-west-1': 'pl-4ea04527',
  'us-west-2': 'pl-82a045eb',
};

/** The problem with a stack region the table does not know, when no id was given. */
export function prefixListProblems(scope: Construct, given: string | undefined): string[] {
  if (given !== undefined) {
    return Token.isUnresolved(given) || /^pl-[0-9a-f]+$/.test(given) ? []
      : [`\`prefixListId\` must look like "pl-0123abcd", got "${given}"`];
  }
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region) || CLOUDFRONT_PREFIX_LISTS[region]) return [];
  return [`the id of the prefix list ${CLOUDFRONT_ORIGIN_FACING} in ${region} is not built in;` +
    ` pass it as \`prefixListId\` (aws ec2 describe-managed-prefix-lists --region ${region}` +
    ` --filters Name=prefix-list-name,Values=${CLOUDFRONT_ORIGIN_FACING})`];
}

/**
 * The origin-facing prefix list id for the stack's region: the given id, the table's entry, or,
 * for a stack whose region is only known at deploy time, a lookup in a template mapping.
 */
export function cloudFrontPrefixListId(scope: Construct, given?: string): string {
  if (given !== undefined) return given;
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region)) return CLOUDFRONT_PREFIX_LISTS[stack.region];
  const id = 'CloudFrontOriginFacingPrefixLists';
  const mapping = (stack.node.tryFindChild(id) as CfnMapping | undefined) ?? new CfnMapping(stack, id, {
    mapping: Object.fromEntries(Object.entries(CLOUDFRONT_PREFIX_LISTS).map(([r, pl]) => [r, { id: pl }])),
  });
  return mapping.findInMap(stack.region, 'id');
}
