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
 * Records on a construct's CloudFormation resource that a cdk-nag rule's finding is by design,
 * in the metadata cdk-nag reads (`cdk_nag.rules_to_suppress`): users who run cdk-nag over a
 * gateway see only findings that are theirs to decide, and the library needs no dependency on
 * cdk-nag.
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
