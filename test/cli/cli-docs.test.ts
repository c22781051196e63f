// docs/cli.md stays true: its onboarding commands run, in order, on the repository's sample file
// (examples/tenants.json), and the output it shows is what the CLI prints.
import * as fs from 'fs';
import * as path from 'path';
import { cliFolder } from './cli-harness';

const folder = cliFolder('tenants-cli-docs-');
const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'tenants.json');

/** The fenced blocks of a section, in order. */
function blocks(section: string): string[] {
  const start = DOC.indexOf(`\n## ${section}\n`);
  const end = DOC.indexOf('\n## ', start + 1);
  return [...DOC.slice(start, end < 0 ? undefined : end).matchAll(/```\w*\n([\s\S]*?)```/g)].map(m => m[1]);
}

/** The CLI's arguments on each `npx cdk-multi-tenant-gateway` line of a block, comments dropped. */
function commands(block: string): string[][] {
  return block.split('\n').filter(line => line.startsWith('npx cdk-multi-tenant-gateway '))
    .map(line => line.replace(/#.*$/, '').trim().split(/\s+/).slice(2));
}

test('the onboarding commands succeed on the sample file, and the output shown is the CLI\'s', () => {
  fs.copyFileSync(EXAMPLE, folder.file('tenants.json'));
  const [onboarding, shown] = blocks('Onboarding a tenant');
  const argvs = commands(onboarding);
  expect(argvs.map(a => a[0])).toEqual(['add', 'add', 'remove', 'validate', 'plan']);
  const outputs = argvs.map(argv => {
    const result = folder.run(...argv);
    expect({ argv, code: result.code, err: result.err }).toEqual({ argv, code: 0, err: '' });
    return result.out;
  });
  expect(outputs[1]).toBe(shown.trimEnd());
});

test('the plan shown is the sample file\'s', () => {
  fs.copyFileSync(EXAMPLE, folder.file('tenants.json'));
  const shown = blocks('Validate and plan in CI')[0].trimEnd().split('\n');
  const out = folder.run('plan').out.split('\n');
  expect(out.slice(0, 6)).toEqual(shown.slice(0, 6));
  for (const line of shown.slice(6).filter(l => l !== '...')) expect(out).toContain(line);
});

test('init writes the file shown', () => {
  const [command, written] = blocks('Starting a file');
  const [argv] = commands(command);
  expect(folder.run(...argv).code).toBe(0);
  expect(fs.readFileSync(folder.file('tenants.json'), 'utf8')).toBe(written);
});
