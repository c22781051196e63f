// The runtime of the gateway's own functions: the newest Node.js the app's aws-cdk-lib knows, so a
// newer aws-cdk-lib (which knows a newer Lambda runtime) moves them to it, and cdk-nag's
// "latest runtime" rule (AwsSolutions-L1) holds on every supported aws-cdk-lib. The handlers are
// bundled for Node.js 22, the oldest runtime this can pick (aws-cdk-lib 2.194.0, the minimum), and
// use only the AWS SDK v3 clients every Node.js runtime ships.
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The newest `nodejsNN.x` runtime in `lambda.Runtime.ALL`. */
export function newestNodeRuntime(): lambda.Runtime {
  const versionOf = (runtime: lambda.Runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1] ?? NaN);
  const node = lambda.Runtime.ALL.filter(runtime => runtime.family === lambda.RuntimeFamily.NODEJS && !Number.isNaN(versionOf(runtime)));
  return node.reduce((newest, runtime) => (versionOf(runtime) > versionOf(newest) ? runtime : newest));
}
