// Imported first by scripts/bench/case.ts: when the bench runs with `--cdk-lib <version>`, makes
// every `require('aws-cdk-lib…')` and `require('constructs…')` — the case's, the gateway's src/
// and aws-cdk-lib's own — load from the scratch folder scripts/bench/cdk-lib.ts installed, not
// from the project's node_modules. NODE_PATH cannot do this: node_modules always comes first.
import * as path from 'path';
import { CDK_LIB_DIR_ENV } from './cdk-lib';

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;

const dir = process.env[CDK_LIB_DIR_ENV];
if (dir) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loader = require('module') as { _resolveFilename: Resolve };
  const resolve = loader._resolveFilename;
  const redirected = /^(aws-cdk-lib|constructs)(\/|$)/;
  loader._resolveFilename = function (request, parent, isMain, options) {
    return redirected.test(request)
      ? resolve.call(this, request, parent, isMain, { paths: [path.resolve(dir)] })
      : resolve.call(this, request, parent, isMain, options);
  };
}

