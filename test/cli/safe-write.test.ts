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

/**
 * The fs and clock steps below are observed by replacing single functions for one test: they are
 * what a power cut, a full disk or another user would show, and no test can cause those.
 */
/** The fs module itself (the import above is a read-only copy of it), whose functions a test may replace. */
const nodeFs = jest.requireActual<typeof fs>('fs');

describe('what the steps do, observed', () => {
  afterEach(() => jest.restoreAllMocks());

  const isTemp = (p: unknown) => typeof p === 'string' && path.basename(p).endsWith('.tmp');
  const errno = (c: string) => Object.assign(new Error(`${c}: refused`), { code: c });

  test('a write flushes the temporary file before the rename, then flushes the folder, closing what it opened', () => {
    fs.writeFileSync(file(), 'old\n');
    const calls: string[] = [];
    const fds = new Map<number, string>();
    const open = fs.openSync;
    jest.spyOn(nodeFs, 'openSync').mockImplementation(((p: string, flags: string, mode?: number) => {
      const fd = open(p, flags, mode);
      fds.set(fd, isTemp(p) ? 'temp' : p === fs.realpathSync(dir) ? 'folder' : p);
      calls.push(`open ${fds.get(fd)}`);
      return fd;
    }) as typeof fs.openSync);
    const fsync = fs.fsyncSync;
    jest.spyOn(nodeFs, 'fsyncSync').mockImplementation(fd => { calls.push(`fsync ${fds.get(fd)}`); fsync(fd); });
    const close = fs.closeSync;
    jest.spyOn(nodeFs, 'closeSync').mockImplementation(fd => { calls.push(`close ${fds.get(fd)}`); close(fd); });
    const rename = fs.renameSync;
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((a, b) => { calls.push('rename'); rename(a, b); });

    writeFileAtomic(file(), 'new\n');
    expect(calls).toEqual(['open temp', 'fsync temp', 'close temp', 'rename', 'open folder', 'fsync folder', 'close folder']);
    expect(fs.readFileSync(file(), 'utf8')).toBe('new\n');
  });

  test('a new file\'s temporary file is created with mode 0o666 (the umask applies); an existing file\'s with its own bits', () => {
    const open = jest.spyOn(nodeFs, 'openSync');
    writeFileAtomic(file(), 'new\n');
    expect(open).toHaveBeenCalledWith(expect.stringMatching(/\.tmp$/), 'wx', 0o666);
    fs.chmodSync(file(), 0o640);
    writeFileAtomic(file(), 'newer\n');
    expect(open.mock.calls.filter(([p]) => String(p).endsWith('.tmp')).map(([, flags, mode]) => [flags, mode])).toEqual([['wx', 0o666], ['wx', 0o640]]);
  });

  test('the temporary file is named .<file>.<pid>.<8 hex digits>.tmp, the shape a later run removes as an orphan', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // 0.8 in hex: the random part is padded to 8 digits
    const open = jest.spyOn(nodeFs, 'openSync');
    writeFileAtomic(file(), 'new\n');
    expect(path.basename(open.mock.calls[0][0] as string)).toBe(`.tenants.json.${process.pid}.80000000.tmp`);
  });

  test.each(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF'])(
    'a folder that cannot be opened or flushed (%s: Windows, some file systems) does not fail the write', (c) => {
      const folder = fs.realpathSync(dir);
      const open = fs.openSync;
      jest.spyOn(nodeFs, 'openSync').mockImplementation(((p: string, ...rest: any[]) => {
        if (p === folder) throw errno(c);
        return (open as any)(p, ...rest);
      }) as typeof fs.openSync);
      writeFileAtomic(file(), 'new\n');
      expect(fs.readFileSync(file(), 'utf8')).toBe('new\n');
    });

  test('any other failure to flush the folder fails the write, after closing the folder', () => {
    const folder = fs.realpathSync(dir);
    const open = fs.openSync;
    let folderFd = -1;
    jest.spyOn(nodeFs, 'openSync').mockImplementation(((p: string, ...rest: any[]) => {
      const fd = (open as any)(p, ...rest);
      if (p === folder) folderFd = fd;
      return fd;
    }) as typeof fs.openSync);
    const fsync = fs.fsyncSync;
    jest.spyOn(nodeFs, 'fsyncSync').mockImplementation(fd => {
      if (fd === folderFd) throw errno('EIO');
      fsync(fd);
    });
    const close = jest.spyOn(nodeFs, 'closeSync');
    expect(() => writeFileAtomic(file(), 'new\n')).toThrow(/^EIO/);
    expect(close).toHaveBeenLastCalledWith(folderFd);
  });

  test('a short write is continued where it stopped: each call asks for the rest of the buffer', () => {
    const write = fs.writeSync;
    const asked: boolean[] = [];
    jest.spyOn(nodeFs, 'writeSync').mockImplementation(((fd: number, buffer: Buffer, offset: number, length: number) => {
      asked.push(offset + length === buffer.length);
      return (write as any)(fd, buffer, offset, Math.min(length, 3));
    }) as typeof fs.writeSync);
    writeFileAtomic(file(), 'a longer text, written three bytes at a time\n');
    expect(fs.readFileSync(file(), 'utf8')).toBe('a longer text, written three bytes at a time\n');
    expect(asked.length).toBeGreaterThan(10);
    expect(asked.every(Boolean)).toBe(true);
  });

  test('a stat or lstat of the file that fails other than "not found" (EACCES) refuses the write', () => {
    fs.writeFileSync(file(), 'old\n');
    const stat = fs.statSync;
    const statSpy = jest.spyOn(nodeFs, 'statSync').mockImplementation(((p: string, ...rest: any[]) => {
      if (p.endsWith('tenants.json')) throw errno('EACCES');
      return (stat as any)(p, ...rest);
    }) as typeof fs.statSync);
    expect(() => writeFileAtomic(file(), 'new\n')).toThrow(/^EACCES/);
    statSpy.mockRestore();
    jest.spyOn(nodeFs, 'lstatSync').mockImplementation(() => { throw errno('EACCES'); });
    expect(() => writeFileAtomic(file(), 'new\n')).toThrow(/^EACCES/);
    expect(fs.readFileSync(file(), 'utf8')).toBe('old\n');
    expect(listing()).toEqual(['tenants.json']);
  });

  test('a chain of 39 symbolic links is followed; 40 are refused', () => {
    fs.writeFileSync(path.join(dir, 'real.json'), 'old\n');
    const chain = (n: number) => {
      for (let i = 1; i <= n; i++) fs.symlinkSync(i === n ? 'real.json' : `l${i + 1}`, path.join(dir, `l${i}`));
    };
    chain(39);
    expect(resolveLinks(path.join(dir, 'l1'))).toBe(path.join(fs.realpathSync(dir), 'real.json'));
    for (let i = 1; i <= 39; i++) fs.unlinkSync(path.join(dir, `l${i}`));
    chain(40);
    expect(() => resolveLinks(path.join(dir, 'l1'))).toThrow(/too many levels of symbolic links/);
  });

  test('the lock file is closed once written, before the action runs', () => {
    const open = jest.spyOn(nodeFs, 'openSync');
    const close = jest.spyOn(nodeFs, 'closeSync');
    withFileLock(file(), () => {
      const lockFd = open.mock.results[0].value;
      expect(open.mock.calls[0][0]).toBe(`${file()}.lock`);
      expect(close).toHaveBeenCalledWith(lockFd);
    });
  });

  test('a lock gone between the failed create and the look at it is taken at the next try', () => {
    const open = fs.openSync;
    let first = true;
    const spy = jest.spyOn(nodeFs, 'openSync').mockImplementation(((p: string, ...rest: any[]) => {
      if (first && p.endsWith('.lock')) {
        first = false;
        throw errno('EEXIST');
      }
      return (open as any)(p, ...rest);
    }) as typeof fs.openSync);
    expect(withFileLock(file(), () => 'mine')).toBe('mine');
    expect(spy.mock.calls.filter(([p]) => String(p).endsWith('.lock'))).toHaveLength(2);
  });

  test('a folder that cannot be listed leaves orphans for later but does not stop the edit', () => {
    jest.spyOn(nodeFs, 'readdirSync').mockImplementation(() => { throw errno('EACCES'); });
    expect(withFileLock(file(), () => 'mine')).toBe('mine');
  });

  test('breaking a lock that cannot be renamed aside (EACCES) is an error, not a lock taken', () => {
    const lock = lockOf({ pid: deadPid(), host: os.hostname() });
    const judged = inspect(lock)!;
    jest.spyOn(nodeFs, 'renameSync').mockImplementation(() => { throw errno('EACCES'); });
    expect(() => breakStale(lock, judged)).toThrow(/^EACCES/);
    expect(fs.readFileSync(lock, 'utf8')).toBe(judged.text);
  });

  test('a lock renamed aside that vanishes before it is read is not the one judged: "changed"', () => {
    const lock = lockOf({ pid: deadPid(), host: os.hostname() });
    const judged = inspect(lock)!;
    const stat = fs.statSync;
    jest.spyOn(nodeFs, 'statSync').mockImplementation(((p: string, ...rest: any[]) => {
      if (p.includes('.lock.stale.')) throw errno('ENOENT');
      return (stat as any)(p, ...rest);
    }) as typeof fs.statSync);
    expect(breakStale(lock, judged)).toBe('changed');
  });

  /** Date.now and the sleep (Atomics.wait) on a clock the test moves. */
  function fakeClock(onSleep: (ms: number, now: number) => number) {
    let now = Date.now(); // the lock files' times are real
    const start = now;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    jest.spyOn(Atomics, 'wait').mockImplementation(((_a: unknown, _i: unknown, _v: unknown, ms: number) => {
      now = onSleep(ms, now);
      return 'timed-out';
    }) as typeof Atomics.wait);
    return { elapsed: () => now - start };
  }

  test('a busy lock is retried after 5, 10, 20 ... ms, at most 200 ms, times a jitter of 0.5 to 1.5, and the last wait ends at waitMs', () => {
    lockOf({ pid: process.ppid, host: os.hostname() });
    jest.spyOn(Math, 'random').mockReturnValue(0.25); // a jitter of 0.75
    const slept: number[] = [];
    const clock = fakeClock((ms, now) => { slept.push(ms); return now + ms; });
    expect(() => withFileLock(file(), () => 'never', { waitMs: 1000 })).toThrow(/^Cannot lock tenants file/);
    expect(slept).toEqual([3.75, 7.5, 15, 30, 60, 120, 150, 150, 150, 150, 150, 13.75]);
    expect(clock.elapsed()).toBe(1000);
  });

  test('the wait is told once, when it reaches a second; a caller without onWait waits the same', () => {
    lockOf({ pid: process.ppid, host: os.hostname() });
    const at = [999, 1000, 1500, 3000];
    let i = 0;
    let start = 0;
    const clock = fakeClock((_, now) => {
      if (i === 0) start = now;
      return start + at[i++];
    });
    const told: number[] = [];
    expect(() => withFileLock(file(), () => 'never', { waitMs: 3000, onWait: () => told.push(clock.elapsed()) }))
      .toThrow(/^Cannot lock tenants file/);
    expect(told).toEqual([1000]);
    i = 0;
    expect(() => withFileLock(file(), () => 'never', { waitMs: 3000 })).toThrow(/^Cannot lock tenants file/);
  });

  test('a lock exactly staleMs old is still live; a millisecond more and it is stale', () => {
    const lock = lockOf({ pid: process.ppid, host: os.hostname() });
    const mtime = 1_800_000_000; // whole seconds, so its mtimeMs is exact
    fs.utimesSync(lock, mtime, mtime);
    const now = jest.spyOn(Date, 'now').mockReturnValue(mtime * 1000 + 5000);
    expect(() => withFileLock(file(), () => 'mine', { waitMs: 0, staleMs: 5000 })).toThrow(/^Cannot lock tenants file/);
    now.mockReturnValue(mtime * 1000 + 5001);
    expect(withFileLock(file(), () => 'mine', { waitMs: 0, staleMs: 5000 })).toBe('mine');
  });

  describe('the test hook CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE stops the run at its stage, after saying so', () => {
    const saved = process.env.CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE;
    afterEach(() => {
      if (saved === undefined) delete process.env.CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE;
      else process.env.CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE = saved;
    });

    /** Runs `run` paused at `stage`; the pause throws instead of sleeping. What stderr and the folder held then. */
    function pausedAt(stage: string, run: () => unknown) {
      process.env.CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE = stage;
      const said: string[] = [];
      const write = fs.writeSync;
      jest.spyOn(nodeFs, 'writeSync').mockImplementation(((fd: number, ...rest: any[]) => {
        if (fd === 2) {
          said.push(String(rest[0]));
          return 0;
        }
        return (write as any)(fd, ...rest);
      }) as typeof fs.writeSync);
      let seen: Record<string, string> = {};
      jest.spyOn(Atomics, 'wait').mockImplementation(((_a: unknown, _i: unknown, _v: unknown, ms: number) => {
        seen = Object.fromEntries(listing().map(n => [n.endsWith('.tmp') ? 'temp' : n, fs.readFileSync(path.join(dir, n), 'utf8')]));
        throw new Error(`paused for ${ms} ms`);
      }) as typeof Atomics.wait);
      expect(run).toThrow('paused for 60000 ms');
      expect(said).toEqual([`paused: ${stage}\n`]);
      return seen;
    }

    beforeEach(() => fs.writeFileSync(file(), 'old\n'));

    test('locked: holding the lock, before the action', () => {
      const action = jest.fn();
      expect(pausedAt('locked', () => withFileLock(file(), action))).toMatchObject({ 'tenants.json': 'old\n', 'tenants.json.lock': expect.any(String) });
      expect(action).not.toHaveBeenCalled();
      expect(listing()).toEqual(['tenants.json']);
    });

    test('writing: half the text in the temporary file', () => {
      expect(pausedAt('writing', () => writeFileAtomic(file(), 'abcdef'))).toEqual({ 'tenants.json': 'old\n', 'temp': 'abc' });
      expect(listing()).toEqual(['tenants.json']);
    });

    test('written: the whole text in the temporary file, not yet renamed', () => {
      expect(pausedAt('written', () => writeFileAtomic(file(), 'abcdef'))).toEqual({ 'tenants.json': 'old\n', 'temp': 'abcdef' });
      expect(fs.readFileSync(file(), 'utf8')).toBe('old\n');
    });

    test('renamed: the new file in place', () => {
      expect(pausedAt('renamed', () => writeFileAtomic(file(), 'abcdef'))).toEqual({ 'tenants.json': 'abcdef' });
    });

    test('another stage, or none, does not stop a write', () => {
      process.env.CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE = 'elsewhere';
      const wait = jest.spyOn(Atomics, 'wait');
      writeFileAtomic(file(), 'new\n');
      withFileLock(file(), () => undefined);
      expect(wait).not.toHaveBeenCalled();
    });
  });
});
