import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { formatRegistry, SCHEMA_PATH } from '../../src/cli/registry-file';
import { Tenants } from '../../src/tenants/tenants';

// The CLI as separate processes, run as the entry-point test runs it: parallel runs on one file,
// and runs killed with SIGKILL at each step of an edit. Each process starts TypeScript, so on a
// busy two-core machine these take a minute or more.
jest.setTimeout(300_000);

const root = path.join(__dirname, '..', '..');
const PAUSE = 'CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenants-cli-processes-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, 'tenants.json');

interface Run {
  readonly child: ChildProcess;
  /** Resolves when the process has ended. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  /** Resolves when the process has written `text` to stderr. */
  stderrShows(text: string): Promise<void>;
}

function cli(args: string[], env: { [name: string]: string } = {}): Run {
  const child = spawn(process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), path.join(root, 'src', 'cli', 'main.ts'), ...args],
    { cwd: dir, env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.json'), ...env } });
  let out = '';
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', chunk => out += chunk);
  child.stderr!.on('data', chunk => {
    err += chunk;
    waiters.filter(w => err.includes(w.text)).forEach(w => w.resolve());
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(resolve =>
    child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return {
    child,
    done,
    stderrShows: text => new Promise<void>((resolve, reject) => {
      if (err.includes(text)) return resolve();
      waiters.push({ text, resolve });
      void done.then(() => reject(new Error(`the process ended without printing ${JSON.stringify(text)}; stderr: ${err}`)));
    }),
  };
}

function ids(text: string): string[] {
  return Tenants.fromJson(text, 'tenants.json').list.map(t => t.id);
}

function initial(...tenantIds: string[]): string {
  const tenants = tenantIds.map(id => ({ id, domainNames: [`${id}.example.com`], shard: 0 }));
  const text = formatRegistry({ schema: SCHEMA_PATH, tenants, extra: {}, bare: false });
  fs.writeFileSync(file(), text);
  return text;
}

test('20 parallel adds to one file: all succeed, all 20 are in it, and every read sees a whole file', async () => {
  fs.writeFileSync(file(), '{\n  "tenants": []\n}\n');
  const runs = Array.from({ length: 20 }, (_, i) => cli(['add', `t${i}`, `t${i}.example.com`]));

  // Read the file as the gateway would while the runs go on: never empty, never part of one.
  let reads = 0;
  let finished = false;
  const reader = (async () => {
    while (!finished) {
      ids(fs.readFileSync(file(), 'utf8'));
      reads++;
      await new Promise(resolve => setTimeout(resolve, 5));
    }
  })();
  const results = await Promise.all(runs.map(r => r.done));
  finished = true;
  await reader;

  results.forEach((result, i) => {
    expect({ i, code: result.code, out: result.out }).toEqual({ i, code: 0, out: expect.stringMatching(`^Added tenant "t${i}"`) });
  });
  expect(ids(fs.readFileSync(file(), 'utf8')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
  expect(reads).toBeGreaterThan(0);
  expect(fs.readdirSync(dir)).toEqual(['tenants.json']);
});

describe('a run killed with SIGKILL', () => {
  test.each([
    ['locked', 'holding the lock, before reading', false],
    ['writing', 'half way through writing the new file', false],
    ['written', 'after writing the new file, before the rename', false],
    ['renamed', 'after the rename, still holding the lock', true],
  ])('at "%s" (%s) leaves a whole file, and the next run is not blocked', async (stage, _, replaced) => {
    const old = initial('a');
    const run = cli(['add', 'b', 'b.example.com'], { [PAUSE]: stage });
    await run.stderrShows(`paused: ${stage}`);
    run.child.kill('SIGKILL');
    expect(await run.done).toMatchObject({ signal: 'SIGKILL', out: '' });

    const text = fs.readFileSync(file(), 'utf8');
    if (replaced) expect(ids(text)).toEqual(['a', 'b']);
    else expect(text).toBe(old);
    // The dead run's lock is there, and its temporary file once it began writing.
    const left = fs.readdirSync(dir).sort();
    expect(left).toContain('tenants.json.lock');
    expect(left.some(name => /^\.tenants\.json\.\d+\.[0-9a-f]{8}\.tmp$/.test(name))).toBe(stage === 'writing' || stage === 'written');

    const out: string[] = [];
    const err: string[] = [];
    expect(main(['add', 'c', 'c.example.com'], { cwd: dir, out: t => out.push(t), err: t => err.push(t) })).toBe(0);
    expect(err).toEqual([expect.stringMatching(`^Removed a stale lock on tenants\\.json \\(.*\\): its process ${run.child.pid} is gone\\.$`)]);
    expect(ids(fs.readFileSync(file(), 'utf8'))).toEqual(replaced ? ['a', 'b', 'c'] : ['a', 'c']);
    expect(fs.readdirSync(dir)).toEqual(['tenants.json']);
  });

  test('while another run waits for its lock: the waiter takes over once it is gone', async () => {
    initial('a');
    const holder = cli(['add', 'b', 'b.example.com'], { [PAUSE]: 'locked' });
    await holder.stderrShows('paused: locked');
    const waiter = cli(['add', 'c', 'c.example.com']);
    await waiter.stderrShows('Waiting for another run');
    // Meanwhile a reader sees the old file, whole.
    expect(ids(fs.readFileSync(file(), 'utf8'))).toEqual(['a']);
    holder.child.kill('SIGKILL');

    const result = await waiter.done;
    expect(result.code).toBe(0);
    expect(result.err).toMatch(new RegExp(`Removed a stale lock on tenants\\.json .*: its process ${holder.child.pid} is gone\\.`));
    expect(ids(fs.readFileSync(file(), 'utf8'))).toEqual(['a', 'c']);
    expect(fs.readdirSync(dir)).toEqual(['tenants.json']);
  });
});
