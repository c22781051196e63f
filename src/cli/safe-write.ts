// Writing the tenants file so that no reader ever sees part of it and no edit is lost.
//
// A write goes to a temporary file in the same folder, is flushed to disk, and is renamed over
// the file: a rename within one file system replaces the name in one step, so a reader (the
// gateway at synth time, `validate`, a second CLI) sees the old file or the new one, never a
// mix, and a process killed mid-write leaves the old file whole. When the file is a symbolic
// link, the link's target is written and the link stays a link.
//
// Two edits at once would each read the old file and the later rename would drop the earlier
// tenant, so `add` and `remove` hold a lock file, `<file>.lock` beside the (link-resolved) file,
// from reading the file to renaming the new one into place. The lock is created with O_EXCL,
// which fails when it exists, and holds the holder's pid, host and start time. A busy lock is
// retried with a growing, jittered delay for a bounded time. A lock is broken as stale when:
//   - its process is gone: same host and the pid no longer exists (the usual case, a run killed
//     by Ctrl-C, SIGKILL or a crash), or the pid is our own (a container restarted with the
//     same pid); this needs no waiting;
//   - it is older than `staleMs` (20 s), for what the pid cannot tell: a lock from another host
//     on a shared folder, an empty lock from a run killed between creating and filling it, or a
//     dead run's pid reused by another process. An edit holds the lock for tens of milliseconds
//     (about 0.2 s with 10,000 tenants), so 20 s is far beyond a live run; and it is shorter than
//     the 30 s a run waits, so a waiter outlasts a dead lock instead of failing. A run whose lock
//     was broken (it stalled for 20 s) notices before renaming and fails rather than overwrite
//     the newer edit.
// A stale lock is broken by renaming it aside (one atomic step, so two waiters cannot both break
// it) and deleting it only when it is still the lock judged stale; a fresh lock moved by mistake
// is linked back.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** How a lock is waited for. */
export interface LockOptions {
  /** What to call the file in messages, e.g. the `--file` argument. @default the path */
  readonly name?: string;
  /** How long to wait for another run's lock before giving up. @default 30 s */
  readonly waitMs?: number;
  /** A lock older than this is taken to be left by a run that is gone. @default 20 s */
  readonly staleMs?: number;
  /** Told once, after a second of waiting, why the run is waiting. */
  readonly onWait?: (message: string) => void;
  /** Told when a stale lock is broken, and why. */
  readonly onBreak?: (message: string) => void;
}

/** A lock the caller holds. */
export interface HeldLock {
  /** The lock file. */
  readonly path: string;
  /** The file the lock guards, with symbolic links resolved. */
  readonly target: string;
  /** Throws when another run has broken this lock as stale. */
  assertHeld(): void;
}

/** What to do just before the new file replaces the old one. */
export interface WriteOptions {
  /** Throws to abandon the write; the old file stays. */
  readonly beforeRename?: () => void;
}

export const DEFAULT_WAIT_MS = 30_000;
export const DEFAULT_STALE_MS = 20_000;

/**
 * The file a path names after following symbolic links, even a link to a file that does not
 * exist yet (then the link's target is where the file will be made).
 */
export function resolveLinks(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    current = path.join(realDirectory(path.dirname(current)), path.basename(current));
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch (e) {
      if (code(e) === 'ENOENT') return current;
      throw e;
    }
    if (!stat.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  throw new Error(`${file}: too many levels of symbolic links`);
}

/**
 * Replaces a file's contents in one step: writes a temporary file in the same folder, flushes it
 * to disk, renames it over the file (the link's target, for a symbolic link), then flushes the
 * folder so the rename itself survives a power cut. Keeps the file's permission bits.
 */
export function writeFileAtomic(file: string, text: string, options: WriteOptions = {}): void {
  const target = resolveLinks(file);
  const folder = path.dirname(target);
  const temp = path.join(folder, tempName(target));
  let mode: number | undefined;
  try {
    mode = fs.statSync(target).mode % 0o10000; // the permission bits
  } catch (e) {
    if (code(e) !== 'ENOENT') throw e;
  }

  let renamed = false;
  const fd = fs.openSync(temp, 'wx', mode ?? 0o666);
  try {
    try {
      // The umask may have narrowed the mode the file was created with.
      if (mode !== undefined) fs.fchmodSync(fd, mode);
      const bytes = Buffer.from(text, 'utf8');
      const half = Math.floor(bytes.length / 2);
      writeAll(fd, bytes.subarray(0, half));
      testPause('writing');
      writeAll(fd, bytes.subarray(half));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    testPause('written');
    options.beforeRename?.();
    fs.renameSync(temp, target);
    renamed = true;
  } finally {
    if (!renamed) removeQuietly(temp);
  }
  testPause('renamed');
  syncFolder(folder);
}

/**
 * Runs `action` holding the lock on `file` (see the top of this file), and releases it after,
 * however `action` ends. Throws when the lock stays busy for `waitMs`.
 */
export function withFileLock<T>(file: string, action: (lock: HeldLock) => T, options: LockOptions = {}): T {
  const target = resolveLinks(file);
  const lock = `${target}.lock`;
  const mine = acquire(lock, options.name ?? file, options);
  try {
    testPause('locked');
    removeOrphans(target);
    return action({
      path: lock,
      target,
      assertHeld: () => {
        if (readQuietly(lock) !== mine) {
          throw new Error(`The lock on ${options.name ?? file} was broken by another run while this one held it ` +
            `(it took longer than ${seconds(options.staleMs ?? DEFAULT_STALE_MS)}); nothing was written. Run the command again.`);
        }
      },
    });
  } finally {
    // Only our own lock: after a stall, the lock there may be another run's.
    if (readQuietly(lock) === mine) removeQuietly(lock);
  }
}

/** What a lock file says about its holder. */
export interface Holder {
  readonly text: string;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly pid?: number;
  readonly host?: string;
  readonly since?: string;
}

function acquire(lock: string, name: string, options: LockOptions): string {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const start = Date.now();
  const mine = JSON.stringify({
    pid: process.pid, host: os.hostname(), since: new Date(start).toISOString(), token: Math.random().toString(36).slice(2),
  }) + '\n';
  let told = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx');
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      return mine;
    } catch (e) {
      if (code(e) !== 'EEXIST') throw new Error(`Cannot lock tenants file ${name} (${lock}): ${(e as Error).message}`);
    }

    const holder = inspect(lock);
    if (holder === undefined) continue; // released just now
    const stale = staleReason(holder, staleMs);
    if (stale !== undefined) {
      if (breakStale(lock, holder) === 'removed') options.onBreak?.(`Removed a stale lock on ${name} (${lock}): ${stale}.`);
      continue;
    }

    const waited = Date.now() - start;
    if (waited >= waitMs) {
      throw new Error(`Cannot lock tenants file ${name}: ${describe(holder)} has held ${lock} for over ${seconds(waitMs)}. ` +
        `If no other add or remove is running, delete ${lock} and run the command again.`);
    }
    if (!told && waited >= 1000) {
      told = true;
      options.onWait?.(`Waiting for ${describe(holder)} to finish editing ${name} (lock ${lock})...`);
    }
    sleep(Math.min(waitMs - waited, Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

/** Why a lock is stale, or undefined when its holder may still be running. */
function staleReason(holder: Holder, staleMs: number): string | undefined {
  if (holder.pid !== undefined && holder.host === os.hostname()) {
    if (holder.pid === process.pid) return 'it has this process\'s id, so an earlier process with the same id left it';
    if (!isRunning(holder.pid)) return `its process ${holder.pid} is gone`;
  }
  const age = Date.now() - holder.mtimeMs;
  return age > staleMs ? `it is older than ${seconds(staleMs)}` : undefined;
}

/**
 * Removes a stale lock if it is still the one judged stale: 'removed', or 'changed' when another
 * run got there first. Renaming the lock aside first means only one run can take a given lock
 * file away; when that turns out to be a fresh lock (its holder released it and another run
 * took it since we looked), it is linked back where it was.
 */
export function breakStale(lock: string, judged: Holder): 'removed' | 'changed' {
  const aside = `${lock}.stale.${process.pid}.${randomHex()}`;
  try {
    fs.renameSync(lock, aside);
  } catch (e) {
    if (code(e) === 'ENOENT') return 'changed';
    throw e;
  }
  const moved = inspect(aside);
  if (moved !== undefined && moved.ino === judged.ino && moved.text === judged.text) {
    removeQuietly(aside);
    return 'removed';
  }
  try {
    fs.linkSync(aside, lock);
  } catch {
    // A newer lock is there already: the run we moved this one from finds out before it writes.
  }
  removeQuietly(aside);
  return 'changed';
}

/** The lock file's holder, or undefined when there is no lock. */
export function inspect(file: string): Holder | undefined {
  let text: string;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw e;
  }
  let fields: { pid?: unknown; host?: unknown; since?: unknown } = {};
  try {
    fields = JSON.parse(text);
  } catch {
    // Empty or cut short: its holder was killed while creating it, or is creating it now.
  }
  return {
    text,
    ino: stat.ino,
    mtimeMs: stat.mtimeMs,
    pid: Number.isInteger(fields?.pid) ? fields.pid as number : undefined,
    host: typeof fields?.host === 'string' ? fields.host : undefined,
    since: typeof fields?.since === 'string' ? fields.since : undefined,
  };
}

function describe(holder: Holder): string {
  if (holder.pid === undefined) return 'another run';
  const host = holder.host === undefined || holder.host === os.hostname() ? '' : ` on ${holder.host}`;
  return `another run (process ${holder.pid}${host}${holder.since === undefined ? '' : `, since ${holder.since}`})`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return code(e) !== 'ESRCH';
  }
}

/** `.tenants.json.<pid>.<random>.tmp`: hidden, and named for the file it replaces. */
function tempName(target: string): string {
  return `.${path.basename(target)}.${process.pid}.${randomHex()}.tmp`;
}

function randomHex(): string {
  return Math.random().toString(16).slice(2, 10).padEnd(8, '0');
}

/**
 * Deletes what runs killed mid-edit left: temporary files (only a lock holder writes them, and
 * the caller holds the lock, so every one there is an orphan) and stale locks renamed aside.
 */
function removeOrphans(target: string): void {
  const base = path.basename(target);
  const folder = path.dirname(target);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if ((name.startsWith(`.${base}.`) && /^\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(base.length + 2))) ||
      (name.startsWith(`${base}.lock.stale.`) && /^\d+\.[0-9a-f]{8}$/.test(name.slice(base.length + 12)))) {
      removeQuietly(path.join(folder, name));
    }
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length;) {
    done += fs.writeSync(fd, bytes, done, bytes.length - done);
  }
}

/** Flushes a folder's entries (the rename) to disk, where the platform can. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    // Windows cannot open a folder, and some file systems cannot flush one.
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF'].includes(code(e) ?? '')) throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function realDirectory(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
}

function readQuietly(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone, or never made.
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A test hook: with `CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE=<stage>` in the environment, the run
 * stops at that stage (locked, writing, written, renamed) for up to a minute, after saying so on
 * stderr, so a test can kill it there.
 */
function testPause(stage: 'locked' | 'writing' | 'written' | 'renamed'): void {
  if (process.env.CDK_MULTI_TENANT_GATEWAY_TEST_PAUSE !== stage) return;
  fs.writeSync(2, `paused: ${stage}\n`);
  sleep(60_000);
}
