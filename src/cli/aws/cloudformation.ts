// A stack's outputs from CloudFormation itself (DescribeStacks), for a stack a pipeline deployed.
import { loadCloudFormation } from './sdk';
import { describedOutputs, StackOutputs } from '../outputs';

/** Where to ask: the region (else the SDK's default chain: AWS_REGION, the profile's region). */
export interface AwsTarget {
  readonly region?: string;
}

/** The outputs of one stack, as `cdk deploy --outputs-file` writes them; throws naming the stack when it is not there. */
export async function describeStackOutputs(stackName: string, command: string, target: AwsTarget = {}): Promise<StackOutputs> {
  const sdk = loadCloudFormation(command);
  const client = new sdk.CloudFormationClient({ region: target.region });
  try {
    const answer = await client.send(new sdk.DescribeStacksCommand({ StackName: stackName }));
    return describedOutputs(answer.Stacks ?? []);
  } catch (e) {
    throw new Error(`Cannot read the outputs of stack "${stackName}" from CloudFormation: ${(e as Error).message}` +
      (/does not exist/.test((e as Error).message) ? ' (check the name and the region, --region)' : ''));
  } finally {
    client.destroy();
  }
}
