import { IConstruct } from 'constructs';

/** aws-cdk-lib's context key that turns off creation stack traces (older releases record none and ignore it). */
const DISABLE_CREATION_STACK_TRACES = 'aws:cdk:disable-creation-stack-traces';

/**
 * Turns off aws-cdk-lib's creation stack traces under `scope` unless the app sets the context
 * itself (`false` keeps them). Recent aws-cdk-lib releases capture and render a stack trace for
 * every CloudFormation element and stack they create (through the source maps when the app runs
 * under ts-node). The gateway makes about 15 elements per shard, every one from its own code, so
 * their traces would all point into this library; at 10,000 tenants they took 0.5 s of a 7 s
 * synthesis and two thirds of the cloud assembly's metadata. CDK's debug mode (`cdk synth
 * --debug`, `CDK_DEBUG=true`) records them regardless.
 *
 * Context can only be set before a construct has children: call this first in the constructor.
 */
export function skipCreationTraces(scope: IConstruct): void {
  if (scope.node.tryGetContext(DISABLE_CREATION_STACK_TRACES) === undefined) {
    scope.node.setContext(DISABLE_CREATION_STACK_TRACES, true);
  }
}
