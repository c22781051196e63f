// The gateway's functions run on the newest Node.js runtime the loaded aws-cdk-lib knows, so that
// cdk-nag's AwsSolutions-L1 (the family's latest version in lambda.Runtime.ALL) holds on the
// minimum aws-cdk-lib and on the newest alike.
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { newestNodeRuntime } from '../../src/private/node-runtime';

test('is the highest nodejsNN.x in lambda.Runtime.ALL, Node.js 22 or later', () => {
  const versions = lambda.Runtime.ALL.map(r => /^nodejs(\d+)\.x$/.exec(r.name)?.[1]).filter((v): v is string => v !== undefined).map(Number);
  const runtime = newestNodeRuntime();
  expect(runtime.family).toBe(lambda.RuntimeFamily.NODEJS);
  expect(runtime.name).toBe(`nodejs${Math.max(...versions)}.x`);
  expect(Number(/^nodejs(\d+)\.x$/.exec(runtime.name)![1])).toBeGreaterThanOrEqual(22);
});
