// The gateway's stack outputs, from whichever place a user has them: `cdk deploy --outputs-file`
// (stack → output key → value) or `aws cloudformation describe-stacks` (`{ "Stacks": [{ "StackName",
// "Outputs": [{ "OutputKey", "OutputValue" }] }] }`), as a pipeline that deployed the stack leaves it.

/** Stack name → output key → value, as `cdk deploy --outputs-file` writes it. */
export type StackOutputs = { [stack: string]: { [key: string]: string } };

/** One stack of a DescribeStacks answer: the fields read here. */
export interface DescribedStack {
  readonly StackName?: string;
  readonly Outputs?: readonly { readonly OutputKey?: string; readonly OutputValue?: string }[];
}

/** An outputs document of either kind, as `cdk deploy --outputs-file` writes it. */
export function asStackOutputs(document: unknown): unknown {
  const stacks = (document as { Stacks?: unknown } | null)?.Stacks;
  return Array.isArray(stacks) ? describedOutputs(stacks as DescribedStack[]) : document;
}

/** DescribeStacks' stacks as stack → output key → value. */
export function describedOutputs(stacks: readonly DescribedStack[]): StackOutputs {
  const result: StackOutputs = {};
  for (const stack of stacks) {
    if (typeof stack?.StackName !== 'string') continue;
    const outputs: { [key: string]: string } = {};
    for (const output of stack.Outputs ?? []) {
      if (typeof output?.OutputKey === 'string' && typeof output.OutputValue === 'string') outputs[output.OutputKey] = output.OutputValue;
    }
    result[stack.StackName] = outputs;
  }
  return result;
}
