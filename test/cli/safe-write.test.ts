import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { breakStale, DEFAULT_STALE_MS, inspect, resolveLinks, withFileLock, writeFileAtomic } from '../../src/cli/safe-write';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenants-safe-write-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name = 'tenants.json') => path.join(dir, name);
const listing = (folder = dir) => fs.readdirSync(folder).sort();

/** A lock file as another run would leave it. */
function lockOf(holder: { pid?: number; host?: string } | string, ageMs = 0, target = file()): string {
  const lock = `${target}.lock`;
  fs.writeFileSync(lock, typeof holder === 'string' ? holder : JSON.stringify({ ...holder, since: new Date().toISOString() }));
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(lock, then, then);
  }
  return lock;
}

/** The id of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('writeFileAtomic', () => {
  test('replaces the file, keeps its permission bits, and leaves nothing beside it', () => {
    fs.writeFileSync(file(), 'old\n');
    fs.chmodSync(file(), 0o640);
    writeFileAtomic(file(), 'new\n');
    expect(fs.readFileSync(file(), 'utf8')).toBe('new\n');
    expect(fs.statSync(file()).mode % 0o1000).toBe(0o640);
    expect(listing()).toEqual(['tenants.json']);
  });

  test('keeps permission bits the umask would narrow', () => {
    fs.writeFileSync(file(), 'old\n');
    fs.chmodSync(file(), 0o666);
    const umask = process.umask(0o022);
    try {
      writeFileAtomic(file(), 'new\n');
    } finally {
      process.umask(umask);
    }
    expect(fs.statSync(file()).mode % 0o1000).toBe(0o666);
  });

  test('creates a missing file', () => {
    writeFileAtomic(file(), 'new\n');
    expect(fs.readFileSync(file(), 'utf8')).toBe('new\n');
    expect(listing()).toEqual(['tenants.json']);
  });

  test('writes through a symbolic link to its target; the link stays a link', () => {
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.writeFileSync(path.join(dir, 'shared', 'real.json'), 'old\n');
    fs.symlinkSync(path.join('shared', 'real.json'), path.join(dir, 'middle.json'));
    fs.symlinkSync('middle.json', file());

    expect(resolveLinks(file())).toBe(path.join(fs.realpathSync(dir), 'shared', 'real.json'));
    writeFileAtomic(file(), 'new\n');
    expect(fs.lstatSync(file()).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(dir, 'middle.json')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'shared', 'real.json'), 'utf8')).toBe('new\n');
    expect(listing(path.join(dir, 'shared'))).toEqual(['real.json']);
  });

  test('a link to a file not made yet makes the target', () => {
    fs.symlinkSync('later.json', file());
    writeFileAtomic(file(), 'new\n');
    expect(fs.lstatSync(file()).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'later.json'), 'utf8')).toBe('new\n');
  });

  test('a link loop is an error, not a hang', () => {
    fs.symlinkSync('b.json', path.join(dir, 'a.json'));
    fs.symlinkSync('a.json', path.join(dir, 'b.json'));
    expect(() => writeFileAtomic(path.join(dir, 'a.json'), 'x')).toThrow(/too many levels of symbolic links/);
  });

  test('a failure before the rename leaves the old file and no temporary file', () => {
    fs.writeFileSync(file(), 'old\n');
    expect(() => writeFileAtomic(file(), 'new\n', { beforeRename: () => { throw new Error('stop'); } })).toThrow('stop');
    expect(fs.readFileSync(file(), 'utf8')).toBe('old\n');
    expect(listing()).toEqual(['tenants.json']);
  });
});

describe('withFileLock', () => {
  test('holds a lock file naming its pid, host and time while the action runs, and removes it after', () => {
    const seen = withFileLock(file(), lock => {
      expect(lock.path).toBe(`${resolveLinks(file())}.lock`);
      return JSON.parse(fs.readFileSync(lock.path, 'utf8'));
    });
    expect(seen).toMatchObject({ pid: process.pid, host: os.hostname(), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(listing()).toEqual([]);
    expect(() => withFileLock(file(), () => { throw new Error('edit failed'); })).toThrow('edit failed');
    expect(listing()).toEqual([]);
  });

  test('the lock of a symbolic link is beside its target', () => {
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.symlinkSync(path.join('shared', 'tenants.json'), file());
    withFileLock(file(), lock => expect(listing(path.join(dir, 'shared'))).toEqual([path.basename(lock.path)]));
    expect(listing(path.join(dir, 'shared'))).toEqual([]);
  });

  test('waits for a live holder, says why after a second, and gives up after waitMs', () => {
    const lock = lockOf({ pid: process.ppid, host: os.hostname() });
    const told: string[] = [];
    const start = Date.now();
    expect(() => withFileLock(file(), () => 'never', { name: 'tenants.json', waitMs: 1300, onWait: m => told.push(m) }))
      .toThrow(new RegExp(`^Cannot lock tenants file tenants\\.json: another run \\(process ${process.ppid}, since .*\\) has held .*tenants\\.json\\.lock ` +
        'for over 1\\.3 s\\. If no other add or remove is running, delete .*tenants\\.json\\.lock and run the command again\\.$'));
    expect(Date.now() - start).toBeGreaterThanOrEqual(1300);
    expect(told).toEqual([expect.stringMatching(new RegExp(`^Waiting for another run \\(process ${process.ppid}, since .*\\) to finish editing tenants\\.json`))]);
    expect(fs.existsSync(lock)).toBe(true);
  });

  test('takes the lock as soon as another process releases it', async () => {
    const lock = `${file()}.lock`;
    // Another process holds the lock for half a second.
    const holder = spawn(process.execPath, ['-e', `
      const fs = require('fs');
      fs.writeFileSync(${JSON.stringify(lock)}, JSON.stringify({ pid: process.pid, host: require('os').hostname() }), { flag: 'wx' });
      setTimeout(() => fs.unlinkSync(${JSON.stringify(lock)}), 500);`]);
    const exited = new Promise(resolve => holder.on('exit', resolve));
    while (!fs.existsSync(lock)) await new Promise(resolve => setTimeout(resolve, 10));

    const start = Date.now();
    const broken: string[] = [];
    expect(withFileLock(file(), () => 'mine', { onBreak: m => broken.push(m) })).toBe('mine');
    expect(Date.now() - start).toBeGreaterThan(100);
    expect(broken).toEqual([]);
    await exited;
  });

  test('breaks a lock at once when its process is gone', () => {
    const pid = deadPid();
    lockOf({ pid, host: os.hostname() });
    const broken: string[] = [];
    const start = Date.now();
    expect(withFileLock(file(), () => 'mine', { name: 'tenants.json', onBreak: m => broken.push(m) })).toBe('mine');
    expect(Date.now() - start).toBeLessThan(1000);
    expect(broken).toEqual([expect.stringMatching(new RegExp(`^Removed a stale lock on tenants\\.json \\(.*\\): its process ${pid} is gone\\.$`))]);
    expect(listing()).toEqual([]);
  });

  test('breaks a lock with this process\'s own pid: an earlier process with the same id left it', () => {
    lockOf({ pid: process.pid, host: os.hostname() });
    const broken: string[] = [];
    expect(withFileLock(file(), () => 'mine', { onBreak: m => broken.push(m) })).toBe('mine');
    expect(broken).toEqual([expect.stringMatching(/an earlier process with the same id left it/)]);
  });

  test.each([
    ['a live process', { pid: process.ppid, host: os.hostname() }],
    ['another host', { pid: 1, host: 'elsewhere' }],
    ['an empty lock', ''],
    ['garbage', '{"pid": '],
  ])('breaks a lock from %s once it is older than staleMs, and not before', (_, holder) => {
    lockOf(holder, 500);
    expect(() => withFileLock(file(), () => 'mine', { waitMs: 200, staleMs: 2000 })).toThrow(/^Cannot lock tenants file/);
    lockOf(holder, DEFAULT_STALE_MS + 1000);
    const broken: string[] = [];
    expect(withFileLock(file(), () => 'mine', { onBreak: m => broken.push(m) })).toBe('mine');
    expect(broken).toEqual([expect.stringMatching(/: it is older than 20 s\.$/)]);
  });

  test.each([
    ['a pid that is gone here', () => deadPid()],
    ['this process\'s own pid', () => process.pid],
  ])('a fresh lock from another host is live whatever %s says: pids of other hosts are not ours to judge', (_, pid) => {
    // Two machines editing one file on a shared folder: a pid is only meaningful on its host.
    const lock = lockOf({ pid: pid(), host: 'elsewhere' }, 500);
    const broken: string[] = [];
    expect(() => withFileLock(file(), () => 'mine', { name: 'tenants.json', waitMs: 300, staleMs: 5000, onBreak: m => broken.push(m) }))
      .toThrow(/^Cannot lock tenants file tenants\.json: another run \(process \d+ on elsewhere, since .*\) has held/);
    expect(broken).toEqual([]);
    expect(fs.existsSync(lock)).toBe(true);
  });

  test('a lock of another user\'s live process (kill answers EPERM) is live; one whose process is gone (ESRCH) is broken', () => {
    const pid = deadPid();
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    try {
      lockOf({ pid, host: os.hostname() }, 500);
      expect(() => withFileLock(file(), () => 'mine', { waitMs: 300, staleMs: 5000 })).toThrow(/^Cannot lock tenants file/);
      expect(kill).toHaveBeenCalledWith(pid, 0);
      kill.mockImplementation(() => {
        throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      });
      const broken: string[] = [];
      expect(withFileLock(file(), () => 'mine', { waitMs: 300, staleMs: 5000, onBreak: m => broken.push(m) })).toBe('mine');
      expect(broken).toEqual([expect.stringMatching(new RegExp(`its process ${pid} is gone\\.$`))]);
    } finally {
      kill.mockRestore();
    }
  });

  test('an error other than "the lock exists" is thrown at once, not waited on: a missing folder', () => {
    const missing = path.join(dir, 'no-such-folder', 'tenants.json');
    const start = Date.now();
    expect(() => withFileLock(missing, () => 'never', { name: 'tenants.json', waitMs: 5000 }))
      .toThrow(/^Cannot lock tenants file tenants\.json \(.*no-such-folder\/tenants\.json\.lock\): ENOENT/);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test('a lock path that cannot be read as a lock (a folder) is an error, not a wait', () => {
    fs.mkdirSync(`${file()}.lock`);
    expect(() => withFileLock(file(), () => 'never', { waitMs: 5000 })).toThrow(/EISDIR/);
  });

  test('callbacks are optional: a stale lock is broken and a live one waited for without them; the wait is told only after a second', () => {
    lockOf({ pid: deadPid(), host: os.hostname() });
    expect(withFileLock(file(), lock => {
      lock.assertHeld();
      return 'mine';
    })).toBe('mine');
    lockOf({ pid: process.ppid }, 0);
    const told: string[] = [];
    expect(() => withFileLock(file(), () => 'never', { name: 'tenants.json', waitMs: 300, onWait: m => told.push(m) }))
      .toThrow(new RegExp(`another run \\(process ${process.ppid}, since `));
    expect(told).toEqual([]);
  });

  test('breaking a lock takes away only the lock judged stale; a fresh one moved by mistake goes back', () => {
    const lock = lockOf({ pid: deadPid(), host: os.hostname() });
    const judged = inspect(lock)!;
    expect(breakStale(lock, judged)).toBe('removed');
    expect(listing()).toEqual([]);
    expect(breakStale(lock, judged)).toBe('changed');

    // Between the look and the break, the dead run's lock went and a live run took the lock.
    lockOf({ pid: deadPid(), host: os.hostname() });
    const looked = inspect(lock)!;
    fs.unlinkSync(lock);
    lockOf({ pid: process.ppid, host: os.hostname() });
    const fresh = fs.readFileSync(lock, 'utf8');
    expect(breakStale(lock, looked)).toBe('changed');
    expect(fs.readFileSync(lock, 'utf8')).toBe(fresh);
    expect(listing()).toEqual(['tenants.json.lock']);
  });

  test('a lock with the same text but another file (deleted and made again) is not the one judged stale: it goes back', () => {
    const lock = lockOf({ pid: deadPid(), host: os.hostname() });
    const judged = inspect(lock)!;
    // The judged file is kept alive under another name, so the new one cannot reuse its inode.
    fs.renameSync(lock, path.join(dir, 'kept'));
    fs.writeFileSync(lock, judged.text);
    expect(inspect(lock)!.ino).not.toBe(judged.ino);
    expect(breakStale(lock, judged)).toBe('changed');
    expect(fs.readFileSync(lock, 'utf8')).toBe(judged.text);
  });

  test('inspect reads only well-typed fields: a pid that is not a whole number, or a host that is not a string, is unknown', () => {
    const lock = `${file()}.lock`;
    fs.writeFileSync(lock, JSON.stringify({ pid: '123', host: 7, since: 5 }));
    expect(inspect(lock)).toMatchObject({ pid: undefined, host: undefined, since: undefined });
    fs.writeFileSync(lock, JSON.stringify({ pid: 1.5, host: 'h', since: '2026-01-01T00:00:00.000Z' }));
    expect(inspect(lock)).toMatchObject({ pid: undefined, host: 'h', since: '2026-01-01T00:00:00.000Z' });
    fs.writeFileSync(lock, 'null');
    expect(inspect(lock)).toMatchObject({ pid: undefined, host: undefined, since: undefined, text: 'null' });
    expect(inspect(path.join(dir, 'none.lock'))).toBeUndefined();
  });

  test('a lock whose pid is not a number is judged by its age alone, even when that process is gone here', () => {
    lockOf(JSON.stringify({ pid: String(deadPid()), host: os.hostname() }), 500);
    expect(() => withFileLock(file(), () => 'mine', { waitMs: 200, staleMs: 5000 })).toThrow(/^Cannot lock tenants file .*: another run has held/);
  });

  test('removes what killed runs left: temporary files and locks renamed aside, and only those', () => {
    const orphans = ['.tenants.json.123.0123abcd.tmp', '.tenants.json.4.ffffffff.tmp', 'tenants.json.lock.stale.123.0123abcd'];
    const others = ['.tenants.json.swp', 'tenants.json.123.0123abcd.tmp', '.other.json.123.0123abcd.tmp', '.tenants.json.x.0123abcd.tmp',
      'other.json.lock.stale.123.0123abcd', 'tenants.json.lock.stale.123',
      // Both ends of each pattern hold: a prefix before the pid, or a suffix after the random part, is someone else's file.
      '.tenants.json.x1.0123abcd.tmp', '.tenants.json.1.0123abcd.tmpx', 'tenants.json.lock.stale.x1.0123abcd', 'tenants.json.lock.stale.1.0123abcdx'];
    for (const name of [...orphans, ...others]) fs.writeFileSync(path.join(dir, name), '{');
    withFileLock(file(), () => undefined);
    expect(listing()).toEqual([...others].sort());
  });

  test('a run whose lock was broken meanwhile writes nothing, and leaves the new holder\'s lock', () => {
    fs.writeFileSync(file(), 'old\n');
    expect(() => withFileLock(file(), lock => {
      // Another run judged this one stale and took the lock.
      fs.writeFileSync(lock.path, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'theirs' }));
      writeFileAtomic(lock.target, 'new\n', { beforeRename: lock.assertHeld });
    }, { name: 'tenants.json' })).toThrow(/^The lock on tenants\.json was broken by another run while this one held it .* nothing was written/);
    expect(fs.readFileSync(file(), 'utf8')).toBe('old\n');
    expect(fs.readFileSync(`${file()}.lock`, 'utf8')).toMatch(/"token":"theirs"/);
    expect(listing()).toEqual(['tenants.json', 'tenants.json.lock']);
  });
});
