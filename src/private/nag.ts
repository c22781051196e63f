// What the library accepts by design, recorded where the scanners users run will read it.
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag finding the library accepts by design, and why. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
  /** Finding ids within the rule (e.g. `Policy::arn:...`) it covers; all when undefined. */
  readonly appliesTo?: string[];
}

/**
 * The construct metadata cdk-nag 3 reads acknowledgements from: aws-cdk-lib's
 * `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, which the minimum aws-cdk-lib predates.
 */
export const ACKNOWLEDGED_RULES_METADATA = 'aws:cdk:acknowledged-rules';

/**
 * The prefix aws-cdk-lib's `Validations.of(x).acknowledge()` puts before the rule ids it records
 * (`annotation::` before 2.262.1); cdk-nag 3 takes a rule id with or without it.
 */
const ACKNOWLEDGED_RULE_PREFIX = 'Annotation::';

/**
 * Records on a construct's CloudFormation resource that a cdk-nag rule's finding is by design,
 * in the metadata both cdk-nag majors read, so users who run cdk-nag over a gateway see only
 * findings that are theirs to decide, and the library needs no dependency on cdk-nag:
 *
 * - cdk-nag 2 (an aspect): the template metadata `cdk_nag.rules_to_suppress`;
 * - cdk-nag 3 (a validation plugin): the construct metadata `aws:cdk:acknowledged-rules`, as
 *   aws-cdk-lib's `Validations.of(resource).acknowledge()` writes it: an object keyed by rule id,
 *   one key per finding of `appliesTo` (`AwsSolutions-IAM4[Policy::arn:...]`), valued by the
 *   reason. Written directly, as the minimum aws-cdk-lib has no `Validations`, and merged into
 *   the resource's entry when it already has one.
 *
 * cdk-nag 3 no longer takes a rule id for all its findings: an acknowledgement without
 * `appliesTo` covers rules that report no per-finding ids.
 */
export function acknowledgeNag(construct: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  const resource = cfnResourceOf(construct);
  const existing: unknown[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing, ...acknowledgements.map(a => ({
      id: a.id,
      reason: a.reason,
      ...(a.appliesTo ? { applies_to: a.appliesTo } : {}),
    }))],
  });

  const rules: Record<string, string> = {};
  for (const a of acknowledgements) {
    for (const ruleId of a.appliesTo ? a.appliesTo.map(finding => `${a.id}[${finding}]`) : [a.id]) {
      rules[`${ACKNOWLEDGED_RULE_PREFIX}${ruleId}`] = a.reason;
    }
  }
  const entry = resource.node.metadata.find(m => m.type === ACKNOWLEDGED_RULES_METADATA && typeof m.data === 'object');
  if (entry) {
    Object.assign(entry.data, rules);
  } else {
    resource.node.addMetadata(ACKNOWLEDGED_RULES_METADATA, rules);
  }
}

/**
 * Records on a construct's CloudFormation resource that a checkov check's failure is by design,
 * in the metadata checkov reads (`checkov.skip`), so the skip stays scoped to that resource.
 */
export function acknowledgeCheckov(construct: IConstruct, id: string, comment: string): void {
  const resource = cfnResourceOf(construct);
  const existing: unknown[] = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}

/** The construct itself when it is an L1, else its default child: where scanners read metadata. */
function cfnResourceOf(construct: IConstruct): CfnResource {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to acknowledge a finding on`);
  }
  return resource;
}
