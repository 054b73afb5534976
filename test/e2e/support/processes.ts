/**
 * Real servers for the drills: started on 127.0.0.1 only, every PID recorded, every wait
 * bounded, everything stopped by PID (process group) by the test that started it.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

/** Options for {@link ProcessGroup.start}. */
export interface StartOptions {
  /** Where stdout and stderr go. */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this user (uid/gid), e.g. postgres: PostgreSQL refuses to run as root. */
  readonly user?: { uid: number; gid: number };
}

/** Every process a test started, by name, so it can be killed and stopped by PID. */
export class ProcessGroup {
  private readonly procs = new Map<string, ChildProcess>();
  private readonly exitHook: () => void;

  constructor() {
    this.exitHook = () => this.killAllNow();
    process.on('exit', this.exitHook);
  }

  /** Starts `command` in its own process group so a stop reaches its children too. */
  public start(name: string, command: string, args: readonly string[], options: StartOptions): ChildProcess {
    if (this.procs.has(name) && this.isAlive(name)) throw new Error(`process ${name} is already running`);
    const out = fs.openSync(options.logFile, 'a');
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', out, out],
      detached: true,
      uid: options.user?.uid,
      gid: options.user?.gid,
    });
    fs.closeSync(out);
    child.on('error', () => undefined);
    this.procs.set(name, child);
    return child;
  }

  /** PID of a started process. */
  public pid(name: string): number {
    const pid = this.procs.get(name)?.pid;
    if (pid === undefined) throw new Error(`no process named ${name}`);
    return pid;
  }

  /** Names of the processes started so far. */
  public names(): string[] {
    return [...this.procs.keys()];
  }

  /** True while the process has not exited. */
  public isAlive(name: string): boolean {
    const child = this.procs.get(name);
    return child !== undefined && child.exitCode === null && child.signalCode === null && pidAlive(child.pid!);
  }

  /** Sends `signal` to the process group of `name` (SIGKILL by default: the drill's crash). */
  public signal(name: string, signal: NodeJS.Signals = 'SIGKILL'): void {
    signalGroup(this.pid(name), signal);
  }

  /** SIGTERM, up to `graceMs` to exit, then SIGKILL; resolves once the PID is gone. */
  public async stop(name: string, graceMs = 5_000): Promise<void> {
    const child = this.procs.get(name);
    if (!child?.pid) return;
    signalGroup(child.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (pidAlive(child.pid) && Date.now() < deadline) await sleep(50);
    signalGroup(child.pid, 'SIGKILL');
    await waitFor(`${name} (pid ${child.pid}) to exit`, async () => !pidAlive(child.pid!) || undefined, { timeoutMs: 5_000 });
    this.procs.delete(name);
  }

  /** Stops everything this group started, last started first. */
  public async stopAll(): Promise<void> {
    for (const name of [...this.procs.keys()].reverse()) await this.stop(name, 3_000);
    process.removeListener('exit', this.exitHook);
  }

  private killAllNow(): void {
    for (const child of this.procs.values()) if (child.pid) signalGroup(child.pid, 'SIGKILL');
  }
}

/** Sends a signal to a process group, and to the process itself in case it left the group. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

/** True while a process with this PID exists (and is not a zombie we already reaped). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(options.intervalMs ?? 100);
  }
  const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function tcpOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Absolute path of an executable on PATH or in the sbin folders, or undefined. */
export function findBinary(name: string, extraDirs: readonly string[] = []): string | undefined {
  for (const dir of [...extraDirs, ...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']) {
    const candidate = `${dir}/${name}`;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/**
 * Whether the drill's servers are here. Under CI a missing binary fails the run instead of
 * skipping it; on a workstation the drill is skipped with a message saying what to install.
 */
export function serversAvailable(what: string, binaries: readonly string[], extraDirs: readonly string[] = []): boolean {
  const missing = binaries.filter((b) => findBinary(b, extraDirs) === undefined);
  if (missing.length === 0) return true;
  const message = `${what} needs ${missing.join(', ')}; run \`npm run servers\` (installs the Debian packages)`;
  if (process.env.CI) throw new Error(message);
  // eslint-disable-next-line no-console
  console.warn(`skipped: ${message}`);
  return false;
}

/** uid/gid of a system user, e.g. postgres. */
export function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) throw new Error(`no system user ${name}`);
  return { uid, gid };
}

/**
 * The PID of the running postmaster of the PostgreSQL data directory `dataDir`, from its
 * postmaster.pid, added to `seen` so the drill can kill it at the end; undefined when none runs.
 */
export function postmasterPid(dataDir: string, seen: Set<number>): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
      seen.add(pid);
      return pid;
    }
  } catch {
    // not running
  }
  return undefined;
}
