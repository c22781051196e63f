// The AWS SDK v3 clients, loaded only by the commands that call AWS (`status`, `dns --stack-name`),
// so `validate`, `plan` and the edits start fast and work where no SDK is installed. The package
// does not depend on the SDK: a CI job that only validates should not install it, and a user who
// asks AWS has it one command away, which the error names.
import type * as CloudFormation from '@aws-sdk/client-cloudformation';
import type * as CloudFront from '@aws-sdk/client-cloudfront';

/** The packages this CLI's AWS commands need, as `npm install` takes them. */
export const SDK_PACKAGES = ['@aws-sdk/client-cloudfront', '@aws-sdk/client-cloudformation'];

/** Loads a module by name; tests pass one that fails as a missing package does. */
export type Importer = (name: string) => unknown;

// require, not import(): the package is CommonJS, and a require made here, when the command runs,
// is what keeps the SDK out of every other command.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeImport: Importer = name => require(name);

/** The CloudFront client module. */
export function loadCloudFront(command: string, importer: Importer = nodeImport): typeof CloudFront {
  return load(SDK_PACKAGES[0], command, importer) as typeof CloudFront;
}

/** The CloudFormation client module. */
export function loadCloudFormation(command: string, importer: Importer = nodeImport): typeof CloudFormation {
  return load(SDK_PACKAGES[1], command, importer) as typeof CloudFormation;
}

function load(name: string, command: string, importer: Importer): unknown {
  try {
    return importer(name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new Error(`\`${command}\` asks AWS with the AWS SDK for JavaScript v3, which is not installed here (${name} is missing; ` +
      'validate, plan and the edits need no SDK, so the package does not install it). Install the clients beside it:\n' +
      `  npm install --save-dev ${SDK_PACKAGES.join(' ')}`);
  }
}
