// `npm run bench -- --cdk-lib <version>`: installs that aws-cdk-lib (and the constructs it asks
// for) into a scratch folder once, for the cases to load instead of the project's own copy
// (scripts/bench/use-cdk-lib.ts redirects them), and tells a case which one it loaded.
//
// The scratch folder is node_modules/.cache/bench-cdk-lib/<version>/: inside node_modules, so git,
// npm pack, tsc, eslint and jest all pass it by, and `npm ci` clears it with the rest.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Which aws-cdk-lib the cases load. */
export interface CdkLibChoice {
  /** The exact version, e.g. 2.194.0. */
  readonly version: string;
  /** The scratch folder to load it from; undefined for the project's own aws-cdk-lib. */
  readonly dir?: string;
}

/** The environment variable that tells a case where to load aws-cdk-lib from. */
export const CDK_LIB_DIR_ENV = 'BENCH_CDK_LIB_DIR';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npm(args: string[], cwd: string): string {
  // npm's own output goes to stderr, so that `--json` output on stdout stays clean.
  const r = spawnSync(NPM, args, {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: process.platform === 'win32',
  });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  return r.stdout;
}

function versionIn(dir: string, name: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Resolves `spec` (an exact version, a dist-tag such as `latest`, or a range) to a version and, unless
 * it is the project's own, installs it into the scratch folder if it is not there yet.
 */
export function prepareCdkLib(spec: string, root: string): CdkLibChoice {
  const own = versionIn(root, 'aws-cdk-lib');
  let version = spec;
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) {
    const found = JSON.parse(npm(['view', `aws-cdk-lib@${spec}`, 'version', '--json'], root)) as string | string[];
    version = Array.isArray(found) ? found[found.length - 1] : found;
    if (!version) throw new Error(`no aws-cdk-lib matches ${spec}`);
  }
  if (version === own) return { version };

  const dir = path.join(root, 'node_modules', '.cache', 'bench-cdk-lib', version);
  if (versionIn(dir, 'aws-cdk-lib') === version && versionIn(dir, 'constructs')) return { version, dir };

  // Install next to the final folder and rename, so that an interrupted install is never reused.
  process.stderr.write(`bench: installing aws-cdk-lib ${version} into ${path.relative(root, dir)}...\n`);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({
    name: 'bench-cdk-lib-scratch', private: true, description: 'aws-cdk-lib for npm run bench -- --cdk-lib; not part of the project',
  }, null, 2));
  const common = ['install', '--no-audit', '--no-fund', '--no-package-lock'];
  npm([...common, `aws-cdk-lib@${version}`], tmp);
  if (!versionIn(tmp, 'constructs')) {
    // npm 7 and later install peer dependencies; older ones leave constructs to us.
    const peers = JSON.parse(fs.readFileSync(path.join(tmp, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).peerDependencies ?? {};
    npm([...common, `aws-cdk-lib@${version}`, `constructs@${peers.constructs ?? '^10'}`], tmp);
  }
  if (versionIn(tmp, 'aws-cdk-lib') !== version) throw new Error(`installing aws-cdk-lib ${version} left ${versionIn(tmp, 'aws-cdk-lib')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return { version, dir };
}

/**
 * The aws-cdk-lib this process loaded, as it sees it, after checking that every module of aws-cdk-lib
 * and constructs came from one copy each, and from the scratch folder when one is in use.
 */
export function loadedCdkLib(): { version: string; constructsVersion: string } {
  const dir = process.env[CDK_LIB_DIR_ENV] || undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = (require('aws-cdk-lib/package.json') as { version: string }).version;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const constructsVersion = (require('constructs/package.json') as { version: string }).version;
  for (const name of ['aws-cdk-lib', 'constructs']) {
    const expected = path.dirname(require.resolve(`${name}/package.json`));
    const copies = new Set(Object.keys(require.cache).flatMap(file => {
      const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}${name}${path.sep}`);
      return at < 0 ? [] : [file.slice(0, at + `${path.sep}node_modules${path.sep}${name}`.length)];
    }));
    if (copies.size !== 1 || !copies.has(expected) || (dir !== undefined && !expected.startsWith(path.resolve(dir) + path.sep))) {
      throw new Error(`${name} was loaded from ${[...copies].join(' and ') || 'nowhere'}, expected only ${expected}`);
    }
  }
  return { version, constructsVersion };
}
