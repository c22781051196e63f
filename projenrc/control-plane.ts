// The control plane's benchmark: the reconciler against a simulated account at 1,000, 100,000 and
// 1,000,000 tenants (docs/control-plane.md has the figures). Run by hand, not by test:all: the
// largest size takes minutes.
import { Task } from 'projen';
import { TypeScriptProject } from 'projen/lib/typescript';

/** Adds `bench:control-plane`, and the SDK clients the reconciler's handler is tested with. */
export function addControlPlaneBench(project: TypeScriptProject): Task {
  // The store (DynamoDB), the pages (SQS, which the CLI's `sync` sends) and the events (EventBridge).
  project.addDevDeps('@aws-sdk/client-dynamodb@^3', '@aws-sdk/client-eventbridge@^3', '@aws-sdk/client-sqs@^3');
  return project.addTask('bench:control-plane', {
    description: 'Import 1,000 / 100,000 / 1,000,000 tenants into a simulated account: time, API calls, cost, memory (`-- 100000` for one size)',
    exec: 'ts-node --project tsconfig.dev.json scripts/bench/control-plane.ts',
    receiveArgs: true,
  });
}
