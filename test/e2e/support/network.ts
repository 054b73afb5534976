/**
 * Where a drill's servers live and how the test reaches them: on 127.0.0.1 (the kill drills), or
 * each in a network namespace of its own (the partition drills), joined by two bridges and a
 * trunk that the drill cuts.
 *
 * Namespaces: every name starts with a prefix unique to the run; a switch namespace holds two
 * bridges (side A, side B) and the trunk between them; each host namespace has one veth into
 * the switch and an address on 10.77.0.0/24, and no route anywhere else. A partition is the
 * trunk set down inside the switch namespace: the host's own links and firewall are never
 * touched. The test process stays outside: it reaches a server through a relay in the server's
 * namespace that forwards a Unix socket (the filesystem is shared, the network is not) to the
 * server's address, so the test keeps its view of every server while the servers are cut off
 * from each other.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pidAlive, signalGroup, sleep, waitFor } from './processes';

/** How the test process connects to a server: TCP on loopback, or a Unix socket. */
export type Endpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/** Options of a process started on a host of the network. */
export interface HostCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Run as this user (PostgreSQL refuses root); undefined for the test's own user. */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** The network a lab's servers run on. */
export interface DrillNetwork {
  /** What the drill's tables say about it. */
  readonly description: string;
  /** Addresses every server can be reached from, for pg_hba. */
  readonly cidr: string;
  /** The address servers on `host` listen on and their peers use. */
  address(host: string): string;
  /** The command line that runs `command` on `host` (inside its namespace, as `user`). */
  command(host: string, command: HostCommand): HostCommand;
  /** Makes `port` on `host` reachable by the test process (at `target`, by default the host's address). */
  expose(host: string, port: number, target?: string): Promise<Endpoint>;
  /** Stops everything the network started and removes what it created. */
  close(): Promise<void>;
}

/** Everything on 127.0.0.1, as the kill drills run. */
export class LoopbackNetwork implements DrillNetwork {
  public readonly description = 'every server on 127.0.0.1';
  public readonly cidr = '127.0.0.1/32';

  public address(): string {
    return '127.0.0.1';
  }

  public command(_host: string, command: HostCommand): HostCommand {
    return command;
  }

  public async expose(_host: string, port: number, target = '127.0.0.1'): Promise<Endpoint> {
    return { host: target, port };
  }

  public async close(): Promise<void> {
    // nothing was created
  }
}

const SUBNET = '10.77.0';
/** Relay inside a namespace: for each stdin line `<socket> <host> <port>`, forwards the socket to host:port. */
const RELAY = `
const net = require('net'), fs = require('fs');
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [socket, host, port] = line.trim().split(' ');
  try { fs.unlinkSync(socket); } catch {}
  net.createServer((client) => {
    const server = net.connect({ host, port: Number(port) });
    const end = () => { client.destroy(); server.destroy(); };
    for (const s of [client, server]) { s.on('error', end); s.on('close', end); }
    client.pipe(server);
    server.pipe(client);
  }).listen(socket, () => console.log('listening ' + socket));
});
process.stdin.on('end', () => process.exit(0));
`;

/**
 * Whether network namespaces can be made here. Under CI a failure throws (the run fails);
 * elsewhere the drill is skipped with a message saying why.
 */
export function namespacesAvailable(what: string): boolean {
  const reason = namespaceProblem();
  if (reason === undefined) return true;
  const message = `${what} needs network namespaces: ${reason}`;
  if (process.env.CI) throw new Error(message);
  // eslint-disable-next-line no-console
  console.warn(`skipped: ${message}`);
  return false;
}

function namespaceProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'it runs as root only (ip netns add needs CAP_SYS_ADMIN)';
  for (const tool of ['ip', 'nsenter']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing; run \`npm run servers\` (installs iproute2)`;
  }
  const probe = `hadr-probe-${randomBytes(4).toString('hex')}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `ip netns add failed: ${added.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

/** Options of {@link NamespaceNetwork.create}. */
export interface NamespaceNetworkOptions {
  /** One namespace each, in this order (addresses 10.77.0.10, .11, ...). */
  readonly hosts: readonly string[];
  /** Directory of the relays' sockets (and their log). */
  readonly dir: string;
}

/**
 * One namespace per host, every host's veth on side B of the switch until {@link split}
 * moves some to side A; the trunk joins the sides until {@link cut}.
 */
export class NamespaceNetwork implements DrillNetwork {
  /** Creates the namespaces, the switch and one relay per host; removes all of it if any step fails. */
  public static async create(options: NamespaceNetworkOptions): Promise<NamespaceNetwork> {
    const network = new NamespaceNetwork(options);
    try {
      network.setUp();
      for (const host of options.hosts) network.startRelay(host);
      return network;
    } catch (err) {
      await network.close();
      throw err;
    }
  }

  public readonly description: string;
  public readonly cidr = `${SUBNET}.0/24`;
  /** Unique to this run: every namespace name starts with it. */
  public readonly prefix = `hadr-${randomBytes(3).toString('hex')}`;
  private readonly hosts: readonly string[];
  private readonly dir: string;
  private readonly relays = new Map<string, ChildProcess>();
  private readonly namespaces: string[] = [];
  private readonly exitHook: () => void;
  private sideA = new Set<string>();

  private constructor(options: NamespaceNetworkOptions) {
    this.exitHook = () => this.removeNow();
    this.hosts = [...options.hosts];
    this.dir = options.dir;
    this.description = `each server in its own network namespace (${this.hosts.length} hosts on one 10.77.0.0/24 switch, a trunk between its two sides)`;
    process.on('exit', this.exitHook);
  }

  public address(host: string): string {
    const i = this.hosts.indexOf(host);
    if (i < 0) throw new Error(`no host ${host} in this network`);
    return `${SUBNET}.${10 + i}`;
  }

  /** The namespace of a host (for ip -n). */
  public namespace(host: string): string {
    this.address(host);
    return `${this.prefix}-${host}`;
  }

  public command(host: string, command: HostCommand): HostCommand {
    const user = command.user ? ['-S', String(command.user.uid), '-G', String(command.user.gid)] : [];
    return { command: 'nsenter', args: [`--net=/run/netns/${this.namespace(host)}`, ...user, '--', command.command, ...command.args] };
  }

  public async expose(host: string, port: number, target = this.address(host)): Promise<Endpoint> {
    const relay = this.relays.get(host);
    if (!relay?.stdin) throw new Error(`no relay on ${host}`);
    // The name PostgreSQL clients expect in a socket directory; Redis and HTTP clients take any path.
    const socket = path.join(this.dir, 'sockets', `.s.PGSQL.${port}`);
    relay.stdin.write(`${socket} ${target} ${port}\n`);
    await waitFor(`the relay to ${host}:${port}`, async () => fs.existsSync(socket), { timeoutMs: 10_000, intervalMs: 20 });
    return { path: socket };
  }

  /**
   * Puts `sideA` on side A of the switch and every other host on side B; the trunk still joins
   * them. Hosts move with a brief blip of their link, so do it before the writers start.
   */
  public async split(sideA: readonly string[]): Promise<void> {
    this.sideA = new Set(sideA);
    this.ip(this.hosts.map((host, i) => `-n ${this.switch} link set h${i} master ${this.sideA.has(host) ? 'brA' : 'brB'}`));
    await sleep(200);
  }

  /** Hosts on side A. */
  public get sideAHosts(): string[] {
    return this.hosts.filter((h) => this.sideA.has(h));
  }

  /** The partition: the trunk between the two sides goes down (silent drops both ways). */
  public cut(): void {
    this.ip([`-n ${this.switch} link set trA down`]);
  }

  /** The trunk comes back up. */
  public heal(): void {
    this.ip([`-n ${this.switch} link set trA up`]);
  }

  /** Stops the relays and every process still inside a namespace, then deletes the namespaces. */
  public async close(): Promise<void> {
    for (const relay of this.relays.values()) relay.stdin?.end();
    await sleep(100);
    this.removeNow();
    process.removeListener('exit', this.exitHook);
  }

  private get switch(): string {
    return `${this.prefix}-sw`;
  }

  private setUp(): void {
    fs.mkdirSync(path.join(this.dir, 'sockets'), { recursive: true });
    const sw = this.switch;
    this.namespaces.push(sw);
    const lines = [
      `netns add ${sw}`,
      `-n ${sw} link set lo up`,
      `-n ${sw} link add brA type bridge`,
      `-n ${sw} link add brB type bridge`,
      `-n ${sw} link add trA type veth peer name trB`,
      `-n ${sw} link set trA master brA`,
      `-n ${sw} link set trB master brB`,
      ...['brA', 'brB', 'trA', 'trB'].map((link) => `-n ${sw} link set ${link} up`),
    ];
    this.hosts.forEach((host, i) => {
      const ns = `${this.prefix}-${host}`;
      this.namespaces.push(ns);
      lines.push(
        `netns add ${ns}`,
        `-n ${ns} link set lo up`,
        `link add eth0 netns ${ns} type veth peer name h${i} netns ${sw}`,
        `-n ${ns} addr add ${this.address(host)}/24 dev eth0`,
        `-n ${ns} link set eth0 up`,
        `-n ${sw} link set h${i} master brB`,
        `-n ${sw} link set h${i} up`,
      );
    });
    this.ip(lines);
  }

  private startRelay(host: string): void {
    const log = fs.openSync(path.join(this.dir, 'relays.log'), 'a');
    const relay = spawn('nsenter', [`--net=/run/netns/${this.namespace(host)}`, '--', process.execPath, '-e', RELAY], {
      stdio: ['pipe', log, log], detached: true,
    });
    fs.closeSync(log);
    relay.on('error', () => undefined);
    this.relays.set(host, relay);
  }

  /** Runs ip commands, one per line, failing with the first error. */
  private ip(lines: readonly string[]): void {
    const script = lines.map((l) => `ip ${l}`).join(' && ');
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`ip failed (${result.status}): ${result.stderr.trim()}`);
  }

  /** Kills every process in the namespaces (relays included) and deletes them; safe to call twice. */
  private removeNow(): void {
    for (const relay of this.relays.values()) if (relay.pid && pidAlive(relay.pid)) signalGroup(relay.pid, 'SIGKILL');
    for (const ns of this.namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split(/\s+/).filter(Boolean) ?? [];
      for (const pid of pids) signalGroup(Number(pid), 'SIGKILL');
    }
    for (const ns of this.namespaces) spawnSync('ip', ['netns', 'del', ns]);
    this.namespaces.length = 0;
  }
}
