// The CLI's tests: a fresh temporary folder for each test, and the CLI run in it in-process.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AwsIo, main } from '../../src/cli/main';

/** What one run of the CLI printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A folder made before each test of the file and removed after it. */
export interface CliFolder {
  /** The current test's folder. */
  readonly dir: () => string;
  /** A file's path in the current test's folder. */
  readonly file: (name: string) => string;
  /** Runs a command that needs no AWS with the current test's folder as its working directory. */
  readonly run: (...argv: string[]) => CliRun;
  /** Runs any command, with `aws` standing in for the AWS SDK and the DNS resolver. */
  readonly runAsync: (aws: AwsIo | undefined, ...argv: string[]) => Promise<CliRun>;
}

/** Registers the hooks that give each test of the calling file a folder of its own. */
export function cliFolder(prefix: string): CliFolder {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    file: name => path.join(dir, name),
    run: (...argv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = main(argv, { cwd: dir, out: text => out.push(text), err: text => err.push(text) });
      if (typeof code !== 'number') throw new Error(`${argv[0]} ran asynchronously: use runAsync`);
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
    runAsync: async (aws, ...argv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, { cwd: dir, out: text => out.push(text), err: text => err.push(text), aws });
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
  };
}
