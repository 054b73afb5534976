/**
 * The Patroni failover drill: etcd, three Patroni members, HAProxy and PgBouncer on 127.0.0.1
 * (or each in a network namespace, for the partition drill), all from the configs lib/core
 * renders; acknowledged writes streamed through HAProxy and through PgBouncer while the leader
 * is killed (kill -9 of Patroni and PostgreSQL, anchored to its HA loop) or switched over.
 * RTO = the largest gap between consecutive acknowledged writes; RPO = acknowledged writes
 * missing on the new primary. The lab here is what the other Patroni drills build on.
 *
 * Set PATRONI_DRILL_KEEP_LOGS=<dir> to keep every server's log after the temp dir is removed.
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { Drill, largestGapMs, MeasuredRow, median, roundSeconds } from './support/drill-results';
import { DrillNetwork, Endpoint, LoopbackNetwork, NamespaceNetwork } from './support/network';
import { freePorts, pidAlive, postmasterPid, ProcessGroup, signalGroup, sleep, StartOptions, userIds, waitFor } from './support/processes';
import { patroniEnvironment, PatroniConfigSpec, renderPatroniConfig } from '../../lib/core/postgres/patroni-config';
import { estimateFailover, PatroniTiming, PatroniTimingProfile } from '../../lib/core/postgres/patroni-timing';
import { renderPgbouncerIni } from '../../lib/core/postgres/pgbouncer-config';
import { patroniListeners, renderHaproxyConfig } from '../../lib/core/traffic/haproxy-config';
import { seconds } from '../../lib/core/units';

/** Binaries the drill starts (PostgreSQL's are found in its versioned bin directory). */
export const PATRONI_DRILL_BINARIES = ['patroni', 'etcd', 'haproxy', 'pgbouncer', 'pg_ctl', 'initdb', 'pg_rewind'] as const;

/** Directory of PostgreSQL's server binaries (Debian keeps them out of PATH), newest version first. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : '/usr/lib/postgresql/15/bin';
}

/** A profile by name: `default`, `fast`, or `ttl=T,loop_wait=L,retry_timeout=R` for exploring. */
export function profileByName(name: string): PatroniTimingProfile {
  if (name === 'default') return PatroniTiming.default();
  if (name === 'fast') return PatroniTiming.fast();
  if (name === 'responsive') return PatroniTiming.responsive();
  const match = /^ttl=(\d+),loop_wait=(\d+),retry_timeout=(\d+)$/.exec(name);
  if (!match) throw new Error(`unknown profile ${name}: use default, responsive, fast or ttl=T,loop_wait=L,retry_timeout=R`);
  return PatroniTiming.custom({
    name,
    ttl: seconds(Number(match[1])),
    loopWait: seconds(Number(match[2])),
    retryTimeout: seconds(Number(match[3])),
  });
}

/** One member as Patroni's `GET /cluster` reports it. */
export interface ClusterMember {
  readonly name: string;
  readonly role: string;
  readonly state: string;
  readonly timeline?: number;
  readonly lag?: number | string;
}

/** Which path a writer's connections take. */
export type WritePath = 'haproxy' | 'pgbouncer';

/** An acknowledged write: the id the primary confirmed, when the confirmation arrived, and the port of the server that gave it. */
export interface Ack {
  readonly id: number;
  readonly atMs: number;
  /** `inet_server_port()` of the server that committed it (ports are unique in a lab). */
  readonly server: number;
}

/** Options for {@link PatroniLab}. */
export interface PatroniLabOptions {
  /** Timings (and HAProxy checks) under test. */
  readonly profile: PatroniTimingProfile;
  /** Synchronous mode. @default true */
  readonly synchronous?: boolean;
  /**
   * Every server on 127.0.0.1, or each in a network namespace of its own, so a drill can cut
   * the network between them.
   * @default 'loopback'
   */
  readonly network?: 'loopback' | 'namespaces';
  /** HAProxies routing on Patroni's checks, each on its own host. @default ['haproxy'] */
  readonly proxies?: readonly string[];
  /** PgBouncer in front of the first HAProxy. @default true */
  readonly pgbouncer?: boolean;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

interface MemberPorts {
  readonly name: string;
  /** The address it listens on and announces. */
  readonly host: string;
  readonly pgPort: number;
  readonly apiPort: number;
  readonly dir: string;
}

/** Ports of one HAProxy: writes, reads and its stats page. */
interface ProxyPorts {
  readonly primary: number;
  readonly replicas: number;
  readonly stats: number;
}

const MEMBERS = 3;
const DRILL_USER = 'drill';
const DRILL_TABLE = 'drill_writes';
/** Ids of writes through PgBouncer start here, so the two writers never collide. */
const PGBOUNCER_ID_BASE = 1_000_000_000;
/** Ids a drill reserves for its own writes (probes) start here. */
const RESERVED_ID_BASE = 2_000_000_000;

/**
 * A bounded writer: inserts one row per transaction, records every acknowledged id with its
 * time, reconnects after any error, and never counts a failed write.
 */
export class Writer {
  public readonly acks: Ack[] = [];
  public errors = 0;
  private running = false;
  private loop?: Promise<void>;
  private client?: Client;

  constructor(
    private readonly connect: () => Client,
    private nextId: number,
    private readonly via: WritePath,
  ) {}

  /** Starts writing until {@link stop}. */
  public start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the write in flight and closes the connection. */
  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Acknowledgement times in ms. */
  public ackTimes(): number[] {
    return this.acks.map((a) => a.atMs);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const id = this.nextId++;
      try {
        if (!this.client) this.client = await this.open();
        const res = await this.client.query<{ port: number }>(`INSERT INTO ${DRILL_TABLE} (id, via) VALUES ($1, $2) RETURNING inet_server_port() AS port`, [id, this.via]);
        this.acks.push({ id, atMs: Date.now(), server: Number(res.rows[0]?.port) });
      } catch {
        this.errors++;
        await this.close();
        await sleep(20);
      }
    }
    await this.close();
  }

  private async open(): Promise<Client> {
    const client = this.connect();
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  private async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await Promise.race([client.end().catch(() => undefined), sleep(1000)]);
  }
}

/**
 * Everything one drill needs, started on 127.0.0.1 (or one namespace per server) with free
 * ports under a temp dir, every process recorded by PID (PostgreSQL's postmasters too) and
 * stopped by {@link down}.
 */
export class PatroniLab {
  public readonly profile: PatroniTimingProfile;
  public readonly synchronous: boolean;
  /** Hosts of the HAProxies. */
  public readonly proxies: readonly string[];
  private readonly log: (line: string) => void;
  private readonly procs = new ProcessGroup();
  private readonly postmasters = new Set<number>();
  private dir = '';
  private members: MemberPorts[] = [];
  private ports = { etcdClient: 0, etcdPeer: 0, pgbouncer: 0 };
  private readonly proxyPorts = new Map<string, ProxyPorts>();
  private readonly endpoints = new Map<number, Endpoint>();
  private networkInUse: DrillNetwork = new LoopbackNetwork();
  private readonly passwords = {
    superuser: randomBytes(18).toString('hex'),
    replication: randomBytes(18).toString('hex'),
    rewind: randomBytes(18).toString('hex'),
    drill: randomBytes(18).toString('hex'),
  };
  private readonly user = process.getuid?.() === 0 ? userIds('postgres') : undefined;
  private nextHaproxyId = 1;
  private nextPgbouncerId = PGBOUNCER_ID_BASE;
  private nextReservedId = RESERVED_ID_BASE;
  private readonly exitHook: () => void;

  private readonly options: PatroniLabOptions;

  constructor(options: PatroniLabOptions) {
    this.profile = options.profile;
    this.synchronous = options.synchronous ?? true;
    this.proxies = options.proxies ?? ['haproxy'];
    this.options = options;
    this.log = options.log ?? (() => undefined);
    this.exitHook = () => this.killPostmastersNow();
    process.on('exit', this.exitHook);
  }

  /** Longest wait for anything that follows from the timings (a failover, a rejoin). */
  public get failoverBoundMs(): number {
    return (estimateFailover(this.profile).maxSeconds + 30) * 1000;
  }

  /** The network the servers run on. */
  public get network(): DrillNetwork {
    return this.networkInUse;
  }

  /** Starts etcd, three Patroni members, the HAProxies and PgBouncer, and waits until all are healthy. */
  public async up(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-drill-'));
    this.own(this.dir);
    const pgbouncer = this.options.pgbouncer ?? true;
    const hosts = ['etcd', ...Array.from({ length: MEMBERS }, (_, i) => `pg${i}`), ...this.proxies, ...(pgbouncer ? ['pgbouncer'] : [])];
    if (this.options.network === 'namespaces') {
      const socketsDir = path.join(this.dir, 'net');
      fs.mkdirSync(socketsDir);
      this.networkInUse = await NamespaceNetwork.create({ hosts, dir: socketsDir });
    }
    const ports = await freePorts(3 + 2 * MEMBERS + 3 * this.proxies.length);
    this.ports = { etcdClient: ports[0], etcdPeer: ports[1], pgbouncer: ports[2] };
    this.members = Array.from({ length: MEMBERS }, (_, i) => ({
      name: `pg${i}`, host: this.network.address(`pg${i}`), pgPort: ports[3 + 2 * i], apiPort: ports[4 + 2 * i], dir: path.join(this.dir, `pg${i}`),
    }));
    this.proxies.forEach((proxy, i) => {
      const base = 3 + 2 * MEMBERS + 3 * i;
      this.proxyPorts.set(proxy, { primary: ports[base], replicas: ports[base + 1], stats: ports[base + 2] });
    });
    await this.exposeAll(pgbouncer);
    const started = Date.now();
    await this.startEtcd();
    for (const m of this.members) this.writePatroniConfig(m);
    for (const m of this.members) this.startPatroni(m);
    for (const proxy of this.proxies) await this.startHaproxy(proxy);
    const { leader } = await this.waitHealthy(120_000);
    await this.prepareDatabase(leader);
    if (pgbouncer) await this.startPgbouncer();
    this.log(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s (profile ${this.profile.name}, leader ${leader}, ${this.network.description})`);
  }

  /** Every port the test talks to, reachable from here (through relays when the servers are in namespaces). */
  private async exposeAll(pgbouncer: boolean): Promise<void> {
    const expose = async (host: string, port: number, target?: string) => this.endpoints.set(port, await this.network.expose(host, port, target));
    await expose('etcd', this.ports.etcdClient);
    for (const m of this.members) {
      await expose(m.name, m.pgPort);
      await expose(m.name, m.apiPort);
    }
    for (const [proxy, ports] of this.proxyPorts) {
      await expose(proxy, ports.primary);
      await expose(proxy, ports.stats, '127.0.0.1');
    }
    if (pgbouncer) await expose('pgbouncer', this.ports.pgbouncer);
  }

  /** Where the test connects to `port`. */
  private endpoint(port: number): Endpoint {
    const endpoint = this.endpoints.get(port);
    if (!endpoint) throw new Error(`port ${port} is not exposed`);
    return endpoint;
  }

  /** Host and port for a pg client: TCP, or a relay's socket directory. */
  private pgTarget(port: number): { host: string; port: number } {
    const endpoint = this.endpoint(port);
    return 'path' in endpoint ? { host: path.dirname(endpoint.path), port } : endpoint;
  }

  /** A bounded HTTP request to a server of the lab. */
  public request(method: string, port: number, urlPath: string, body: string | undefined, timeoutMs: number): Promise<HttpResult> {
    return httpRequest(method, this.endpoint(port), urlPath, body, timeoutMs);
  }

  /** Starts a process on a host of the lab's network, in the lab's process group. */
  private start(name: string, host: string, command: string, args: readonly string[], options: StartOptions): void {
    const onHost = this.network.command(host, { command, args, user: options.user });
    const inNamespace = onHost.command !== command;
    this.procs.start(name, onHost.command, onHost.args, { ...options, user: inNamespace ? undefined : options.user });
  }

  /** Stops everything by PID, PostgreSQL included, and removes the temp dir. */
  public async down(): Promise<void> {
    try {
      await this.procs.stopAll();
    } finally {
      await this.killPostmasters();
      await this.network.close();
      process.removeListener('exit', this.exitHook);
      if (this.dir) {
        this.keepLogs();
        fs.rmSync(this.dir, { recursive: true, force: true });
      }
    }
  }

  /** Member names. */
  public memberNames(): string[] {
    return this.members.map((m) => m.name);
  }

  /** The cluster as the first answering member reports it. */
  public async cluster(): Promise<ClusterMember[]> {
    for (const m of this.members) {
      try {
        const body = await this.request('GET', m.apiPort, '/cluster', undefined, 1500);
        if (body.status === 200) return (JSON.parse(body.text) as { members: ClusterMember[] }).members;
      } catch {
        // try the next member
      }
    }
    throw new Error('no Patroni member answers GET /cluster');
  }

  /** Servers of an HAProxy listener that are UP. */
  public async haproxyUp(listener: 'primary' | 'replicas', proxy = this.proxies[0]): Promise<string[]> {
    const res = await this.request('GET', this.proxyPorts.get(proxy)!.stats, '/stats;csv', undefined, 1500);
    const rows = res.text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(','));
    return rows.filter((r) => r[0] === listener && r[1] !== 'FRONTEND' && r[1] !== 'BACKEND' && r[17] === 'UP').map((r) => r[1]);
  }

  /**
   * Waits until there is one running leader, every member runs and streams, the synchronous
   * standby is chosen (about one loop_wait after streaming starts), and HAProxy routes to the
   * leader alone (it marks every server UP at start).
   */
  public async waitHealthy(timeoutMs = this.failoverBoundMs + 60_000): Promise<{ leader: string; syncStandby?: string }> {
    return waitFor('a healthy cluster behind HAProxy', async () => {
      const members = await this.cluster();
      const leader = members.find((m) => m.role === 'leader' && m.state === 'running');
      if (!leader || members.length !== MEMBERS) return undefined;
      const replicas = members.filter((m) => m !== leader);
      if (!replicas.every((m) => ['running', 'streaming'].includes(m.state) && (m.lag === 0 || m.lag === '0'))) return undefined;
      const sync = members.find((m) => m.role === 'sync_standby');
      if (this.synchronous && !sync) return undefined;
      for (const proxy of this.proxies) {
        const up = await this.haproxyUp('primary', proxy);
        if (up.length !== 1 || up[0] !== leader.name) return undefined;
      }
      return { leader: leader.name, syncStandby: sync?.name };
    }, { timeoutMs, intervalMs: 250 });
  }

  /** The cluster as one member reports it (a member on the side of a partition the test asks about). */
  public async clusterFrom(name: string): Promise<ClusterMember[]> {
    const body = await this.request('GET', this.member(name).apiPort, '/cluster', undefined, 1500);
    if (body.status !== 200) throw new Error(`${name} answers GET /cluster with ${body.status}`);
    return (JSON.parse(body.text) as { members: ClusterMember[] }).members;
  }

  /** The PostgreSQL port of a member: what `inet_server_port()` answers there (ports are unique in a lab). */
  public memberPort(name: string): number {
    return this.member(name).pgPort;
  }

  /** A range of 10,000,000 ids no writer of this lab uses, for a drill's own writes. */
  public reserveIds(): number {
    const first = this.nextReservedId;
    this.nextReservedId += 10_000_000;
    return first;
  }

  /** Name of the current leader. */
  public async leader(): Promise<string> {
    const leader = (await this.cluster()).find((m) => m.role === 'leader');
    if (!leader) throw new Error('no leader');
    return leader.name;
  }

  /**
   * The crash: SIGKILL to the leader's Patroni, its postmaster (pid from postmaster.pid) and
   * the postmaster's process group and children, all at once.
   */
  public async killLeader(): Promise<{ killed: string; atMs: number }> {
    const killed = await this.leader();
    const member = this.member(killed);
    const postmaster = this.postmasterPid(member);
    const targets = postmaster ? [postmaster, ...childPids(postmaster)] : [];
    const postmasterGroup = postmaster ? processGroupOf(postmaster) : undefined;
    const atMs = Date.now();
    this.procs.signal(`patroni-${killed}`, 'SIGKILL');
    if (postmasterGroup) signalGroup(postmasterGroup, 'SIGKILL');
    for (const pid of targets) signalGroup(pid, 'SIGKILL');
    await waitFor(`${killed}'s processes to die`, async () => targets.every((p) => !pidAlive(p)) && !this.procs.isAlive(`patroni-${killed}`), { timeoutMs: 10_000, intervalMs: 20 });
    this.log(`killed ${killed} (patroni pid ${this.procs.pid(`patroni-${killed}`)}, postmaster ${postmaster ?? 'none'})`);
    return { killed, atMs };
  }

  /** Waits for a leader other than `old` that runs and is the one server HAProxy routes writes to. */
  public async waitForNewLeader(old: string): Promise<string> {
    return waitFor(`a new leader after ${old}`, async () => {
      const leader = (await this.cluster()).find((m) => m.role === 'leader' && m.state === 'running' && m.name !== old);
      return leader?.name;
    }, { timeoutMs: this.failoverBoundMs, intervalMs: 100 });
  }

  /** Starts the member's Patroni again (after a kill): it must rejoin as a replica. */
  public restartMember(name: string): void {
    this.startPatroni(this.member(name));
  }

  /** Role and state of one member. */
  public async memberState(name: string): Promise<ClusterMember | undefined> {
    return (await this.cluster()).find((m) => m.name === name);
  }

  /** Planned switchover to the synchronous standby through Patroni's REST API. */
  public async switchover(): Promise<{ from: string; to: string; atMs: number }> {
    const { leader, syncStandby } = await this.waitHealthy();
    const candidate = syncStandby ?? this.memberNames().find((n) => n !== leader)!;
    const atMs = Date.now();
    const res = await this.request('POST', this.member(leader).apiPort, '/switchover', JSON.stringify({ leader, candidate }), this.failoverBoundMs);
    if (res.status !== 200) throw new Error(`switchover ${leader} -> ${candidate} refused: ${res.status} ${res.text}`);
    this.log(`switchover ${leader} -> ${candidate}: ${res.text.trim()}`);
    return { from: leader, to: candidate, atMs };
  }

  /** A writer through an HAProxy's primary port (the first HAProxy unless named) or through PgBouncer. */
  public writer(via: WritePath, proxy = this.proxies[0]): Writer {
    const port = via === 'haproxy' ? this.proxyPorts.get(proxy)!.primary : this.ports.pgbouncer;
    // A query may wait through the whole failover in PgBouncer; bounded all the same.
    const queryTimeout = via === 'pgbouncer' ? this.failoverBoundMs : 5_000;
    const connect = () => new Client({
      ...this.pgTarget(port), user: DRILL_USER, password: this.passwords.drill, database: 'postgres',
      connectionTimeoutMillis: 3_000, query_timeout: queryTimeout, keepAlive: true,
    });
    const first = via === 'haproxy' ? this.nextHaproxyId : this.nextPgbouncerId;
    if (via === 'haproxy') this.nextHaproxyId += 10_000_000;
    else this.nextPgbouncerId += 10_000_000;
    return new Writer(connect, first, via);
  }

  /**
   * Resolves with the time (Date.now()) the leader's next HA loop ended: the first new log line
   * "no action. I am (<leader>), the leader with the lock", which Patroni writes right after
   * renewing its key. The log is polled every 10 ms, so the anchor is late by at most that.
   */
  public async waitForLeaderLoop(leader: string): Promise<number> {
    const file = path.join(this.dir, `patroni-${leader}.log`);
    const from = fs.statSync(file).size;
    const marker = `I am (${leader}), the leader with the lock`;
    return waitFor(`${leader}'s next HA loop`, async () => {
      const size = fs.statSync(file).size;
      if (size <= from) return undefined;
      const fd = fs.openSync(file, 'r');
      try {
        const buffer = Buffer.alloc(size - from);
        fs.readSync(fd, buffer, 0, buffer.length, from);
        return buffer.toString('utf8').includes(marker) ? Date.now() : undefined;
      } finally {
        fs.closeSync(fd);
      }
    }, { timeoutMs: (this.profile.loopWaitSeconds + this.profile.retryTimeoutSeconds) * 2_000 + 5_000, intervalMs: 10 });
  }

  /** Whether the running cluster is in synchronous mode (`GET /config`) with a synchronous standby in place. */
  public async synchronousNow(): Promise<boolean> {
    const leader = this.member(await this.leader());
    const config = JSON.parse((await this.request('GET', leader.apiPort, '/config', undefined, 2_000)).text) as { synchronous_mode?: boolean };
    return config.synchronous_mode === true && (await this.cluster()).some((m) => m.role === 'sync_standby');
  }

  /** Versions of the servers that run, as they report them. */
  public async versions(): Promise<Record<string, string>> {
    const leader = this.member(await this.leader());
    const patroni = JSON.parse((await this.request('GET', leader.apiPort, '/patroni', undefined, 2_000)).text) as { patroni: { version: string } };
    const etcd = JSON.parse((await this.request('GET', this.ports.etcdClient, '/version', undefined, 2_000)).text) as { etcdserver: string };
    const client = this.superuserClient(leader.pgPort);
    await client.connect();
    let postgres: string;
    try {
      postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    } finally {
      await client.end();
    }
    const binary = (command: string, args: string[], pattern: RegExp) => {
      const out = spawnSync(command, args, { encoding: 'utf8' });
      return pattern.exec(`${out.stdout}${out.stderr}`)?.[1] ?? 'unknown';
    };
    return {
      patroni: patroni.patroni.version,
      postgresql: postgres.split(' ')[0],
      etcd: etcd.etcdserver,
      haproxy: binary('haproxy', ['-v'], /version (\S+)/),
      ...(this.options.pgbouncer ?? true ? { pgbouncer: binary('pgbouncer', ['-V'], /PgBouncer (\S+)/) } : {}),
    };
  }

  /** Acknowledged ids that the current leader does not have. */
  public async missingOnLeader(ids: readonly number[]): Promise<number[]> {
    const leader = this.member(await this.leader());
    const client = this.superuserClient(leader.pgPort);
    await client.connect();
    try {
      const res = await client.query<{ id: string }>(
        `SELECT x AS id FROM unnest($1::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM ${DRILL_TABLE} w WHERE w.id = x)`, [ids]);
      return res.rows.map((r) => Number(r.id));
    } finally {
      await client.end();
    }
  }

  /**
   * Competing load for a soak: `cpu` busy loops (as many as cores saturate the machine) and,
   * with `io`, a loop of 64 MiB fsync'd writes that slows etcd's and PostgreSQL's fsyncs.
   */
  public startLoad(cpu: number, io: boolean): void {
    for (let i = 0; i < cpu; i++) {
      this.procs.start(`cpu-hog-${i}`, 'sh', ['-c', 'while :; do :; done'], { logFile: path.join(this.dir, 'load.log') });
    }
    if (io) {
      const file = path.join(this.dir, 'io-hog.bin');
      this.procs.start('io-hog', 'sh', ['-c', `while :; do dd if=/dev/zero of=${file} bs=1M count=64 conv=fsync 2>/dev/null; done`],
        { logFile: path.join(this.dir, 'load.log') });
    }
  }

  /** Freezes etcd (SIGSTOP) for `ms`, as a slow disk or a stuck API server would, then resumes it. */
  public async stallDcs(ms: number): Promise<void> {
    this.procs.signal('etcd', 'SIGSTOP');
    try {
      await sleep(ms);
    } finally {
      this.procs.signal('etcd', 'SIGCONT');
    }
  }

  /** Freezes one member's Patroni (SIGSTOP) for `ms` while its PostgreSQL keeps running, then resumes it. */
  public async stallPatroni(name: string, ms: number): Promise<void> {
    this.procs.signal(`patroni-${name}`, 'SIGSTOP');
    try {
      await sleep(ms);
    } finally {
      this.procs.signal(`patroni-${name}`, 'SIGCONT');
    }
  }

  /** Log lines of every Patroni member that match `pattern` (e.g. demotions, lost leader locks). */
  public patroniLogLines(pattern: RegExp): string[] {
    return this.members.flatMap((m) => this.tail(`patroni-${m.name}`, Number.MAX_SAFE_INTEGER).split('\n').filter((l) => pattern.test(l)));
  }

  /** Last lines of a process's log, for failure messages. */
  public tail(name: string, lines = 30): string {
    try {
      return fs.readFileSync(path.join(this.dir, `${name}.log`), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  // -------------------------------------------------------------------------------------------

  /** Copies the logs to $PATRONI_DRILL_KEEP_LOGS (when set) before the temp dir goes. */
  private keepLogs(): void {
    const target = process.env.PATRONI_DRILL_KEEP_LOGS;
    if (!target) return;
    const into = path.join(target, path.basename(this.dir));
    fs.mkdirSync(into, { recursive: true });
    for (const file of fs.readdirSync(this.dir).filter((f) => f.endsWith('.log'))) fs.copyFileSync(path.join(this.dir, file), path.join(into, file));
    this.log(`logs kept in ${into}`);
  }

  private member(name: string): MemberPorts {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  private own(target: string): void {
    if (this.user) fs.chownSync(target, this.user.uid, this.user.gid);
  }

  private async startEtcd(): Promise<void> {
    const dataDir = path.join(this.dir, 'etcd');
    const address = this.network.address('etcd');
    const peer = `http://${address}:${this.ports.etcdPeer}`;
    const client = `http://${address}:${this.ports.etcdClient}`;
    this.start('etcd', 'etcd', 'etcd', [
      '--name', 'e0', '--data-dir', dataDir,
      '--listen-client-urls', client, '--advertise-client-urls', client,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `e0=${peer}`, '--initial-cluster-state', 'new',
    ], { logFile: path.join(this.dir, 'etcd.log') });
    await waitFor('etcd health', async () => {
      const res = await this.request('GET', this.ports.etcdClient, '/health', undefined, 1000);
      return res.status === 200 && res.text.includes('true');
    }, { timeoutMs: 20_000, intervalMs: 100 });
  }

  /** The spec every member is rendered from: the same function the PatroniCluster ConfigMap uses. */
  private patroniSpec(m: MemberPorts): PatroniConfigSpec {
    return {
      path: `drill/${m.name}`,
      scope: 'drill',
      name: m.name,
      members: MEMBERS,
      dcs: { kind: 'etcd3', hosts: [`${this.network.address('etcd')}:${this.ports.etcdClient}`] },
      restApi: { listenAddress: m.host, port: m.apiPort, connectAddress: m.host },
      timing: this.profile,
      synchronousMode: this.synchronous,
      parameters: { shared_buffers: '32MB', max_wal_size: '256MB', max_connections: 100 },
      postgresql: {
        listenAddress: m.host,
        port: m.pgPort,
        connectAddress: m.host,
        dataDir: path.join(m.dir, 'data'),
        binDir: postgresBinDir(),
        pgpass: path.join(m.dir, 'pgpass'),
        parameters: { unix_socket_directories: m.dir },
        clientCidrs: [this.network.cidr],
      },
    };
  }

  private writePatroniConfig(m: MemberPorts): void {
    fs.mkdirSync(m.dir, { mode: 0o700 });
    this.own(m.dir);
    const file = path.join(m.dir, 'patroni.yml');
    fs.writeFileSync(file, renderPatroniConfig(this.patroniSpec(m)), { mode: 0o600 });
    this.own(file);
  }

  private patroniEnv(m: MemberPorts): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { HOME: m.dir, PGHOST: m.dir };
    // Exactly the variables the config left to the environment: here only the passwords.
    for (const need of patroniEnvironment(this.patroniSpec(m))) {
      const value = {
        PATRONI_SUPERUSER_PASSWORD: this.passwords.superuser,
        PATRONI_REPLICATION_PASSWORD: this.passwords.replication,
        PATRONI_REWIND_PASSWORD: this.passwords.rewind,
      }[need.name];
      if (value === undefined) throw new Error(`the drill does not provide ${need.name}`);
      env[need.name] = value;
    }
    return env;
  }

  private startPatroni(m: MemberPorts): void {
    this.start(`patroni-${m.name}`, m.name, 'patroni', [path.join(m.dir, 'patroni.yml')], {
      logFile: path.join(this.dir, `patroni-${m.name}.log`),
      cwd: m.dir,
      env: this.patroniEnv(m),
      user: this.user,
    });
  }

  private async startHaproxy(proxy: string): Promise<void> {
    const ports = this.proxyPorts.get(proxy)!;
    const cfg = path.join(this.dir, `${proxy}.cfg`);
    fs.writeFileSync(cfg, renderHaproxyConfig({
      path: `drill/${proxy}`,
      listeners: patroniListeners({
        members: this.members.map((m) => ({ name: m.name, host: m.host, port: m.pgPort, apiPort: m.apiPort })),
        primaryPort: ports.primary,
        replicaPort: ports.replicas,
        bindAddress: this.network.address(proxy),
        checks: this.profile.haproxyCheck,
      }),
      stats: { port: ports.stats, bindAddress: '127.0.0.1', uri: '/stats' },
    }));
    this.start(proxy, proxy, 'haproxy', ['-db', '-f', cfg], { logFile: path.join(this.dir, `${proxy}.log`) });
    await waitFor(`${proxy} stats`, async () => (await this.haproxyUp('primary', proxy)) !== undefined, { timeoutMs: 10_000 });
  }

  /** Table for the writers and a non-superuser role for them (its SCRAM secret goes to PgBouncer). */
  private async prepareDatabase(leader: string): Promise<void> {
    const client = this.superuserClient(this.member(leader).pgPort);
    await client.connect();
    try {
      await client.query(`CREATE TABLE ${DRILL_TABLE} (id bigint PRIMARY KEY, via text NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`CREATE ROLE ${DRILL_USER} LOGIN PASSWORD ${client.escapeLiteral(this.passwords.drill)}`);
      await client.query(`GRANT SELECT, INSERT ON ${DRILL_TABLE} TO ${DRILL_USER}`);
    } finally {
      await client.end();
    }
  }

  private async startPgbouncer(): Promise<void> {
    const leader = this.member(await this.leader());
    const client = this.superuserClient(leader.pgPort);
    await client.connect();
    let secret: string;
    try {
      secret = (await client.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [DRILL_USER])).rows[0].rolpassword;
    } finally {
      await client.end();
    }
    const dir = path.join(this.dir, 'pgbouncer');
    fs.mkdirSync(dir, { mode: 0o700 });
    this.own(dir);
    const userlist = path.join(dir, 'userlist.txt');
    fs.writeFileSync(userlist, `"${DRILL_USER}" "${secret}"\n`, { mode: 0o600 });
    this.own(userlist);
    const ini = path.join(dir, 'pgbouncer.ini');
    fs.writeFileSync(ini, renderPgbouncerIni({
      path: 'drill/pgbouncer',
      listenAddress: this.network.address('pgbouncer'),
      listenPort: this.ports.pgbouncer,
      databases: [{ name: 'postgres', host: this.network.address(this.proxies[0]), port: this.proxyPorts.get(this.proxies[0])!.primary }],
      auth: { file: userlist },
      failoverBudget: seconds(estimateFailover(this.profile).maxSeconds),
      queryWaitTimeout: seconds(Math.max(120, Math.ceil(estimateFailover(this.profile).maxSeconds) + 30)),
    }));
    this.own(ini);
    this.start('pgbouncer', 'pgbouncer', 'pgbouncer', [ini], { logFile: path.join(this.dir, 'pgbouncer.log'), user: this.user });
    await waitFor('PgBouncer to accept a write', async () => {
      const probe = new Client({
        ...this.pgTarget(this.ports.pgbouncer), user: DRILL_USER, password: this.passwords.drill, database: 'postgres', connectionTimeoutMillis: 1000,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.query('SELECT 1');
        return true;
      } finally {
        await probe.end().catch(() => undefined);
      }
    }, { timeoutMs: 15_000, intervalMs: 200 });
  }

  /** A superuser connection to the PostgreSQL on `port` (not connected yet). */
  public superuserClient(port: number, timeouts = { connectMs: 3_000, queryMs: 10_000 }): Client {
    const client = new Client({
      ...this.pgTarget(port), user: 'postgres', password: this.passwords.superuser, database: 'postgres',
      connectionTimeoutMillis: timeouts.connectMs, query_timeout: timeouts.queryMs,
    });
    client.on('error', () => undefined);
    return client;
  }

  private postmasterPid(m: MemberPorts): number | undefined {
    return postmasterPid(path.join(m.dir, 'data'), this.postmasters);
  }

  /** PostgreSQL runs in its own session (Patroni double-forks it): stop it by PID too. */
  private async killPostmasters(): Promise<void> {
    for (const m of this.members) this.postmasterPid(m);
    for (const pid of this.postmasters) {
      if (!pidAlive(pid)) continue;
      signalGroup(pid, 'SIGQUIT');
      const deadline = Date.now() + 3000;
      while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
      const group = processGroupOf(pid);
      if (group) signalGroup(group, 'SIGKILL');
      signalGroup(pid, 'SIGKILL');
    }
  }

  private killPostmastersNow(): void {
    for (const pid of this.postmasters) signalGroup(pid, 'SIGKILL');
  }
}

/** Process group of a PID (field 5 of /proc/PID/stat). */
function processGroupOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(fields[2]);
    return pgid > 1 ? pgid : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of a PID. */
function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** Status and body of an HTTP reply. */
export interface HttpResult {
  readonly status: number;
  readonly text: string;
}

/** A bounded HTTP request to a server, over TCP or a relay's Unix socket. */
export function httpRequest(method: string, endpoint: Endpoint, urlPath: string, body: string | undefined, timeoutMs: number): Promise<HttpResult> {
  const url = 'path' in endpoint ? 'http://localhost' + urlPath : `http://${endpoint.host}:${endpoint.port}${urlPath}`;
  const socket = 'path' in endpoint ? { socketPath: endpoint.path } : {};
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: timeoutMs, ...socket, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Trials

/** What one trial measured. */
export interface TrialResult {
  readonly scenario: 'kill-primary' | 'switchover';
  readonly from: string;
  readonly to: string;
  /** Where in the leader's HA loop the kill landed: ms after the leader last renewed its key. */
  readonly msAfterLoop?: number;
  /** Synchronous mode as the running cluster reported it (`GET /config`), with a synchronous standby in place. */
  readonly synchronous: boolean;
  /** Largest gap between acknowledged writes through HAProxy. */
  readonly rtoHaproxyMs: number;
  /** Largest gap between acknowledged writes through PgBouncer. */
  readonly rtoPgbouncerMs: number;
  readonly ackedHaproxy: number;
  readonly ackedPgbouncer: number;
  /** Acknowledged ids missing on the new primary (both paths). */
  readonly lost: number;
  /** Failed write attempts (never counted as acknowledged). */
  readonly failedAttempts: number;
  /** Role the old leader has after it was restarted (kill) or demoted (switchover). */
  readonly oldLeaderRejoinedAs: string;
}

/** Steady writing before the disruption and after recovery, so gaps are measured between real acks. */
const STEADY_MS = 2_000;

/**
 * One kill -9 of the leader (Patroni, postmaster and children) during a stream of writes through
 * HAProxy and PgBouncer; then the old leader is restarted and must rejoin as a replica.
 *
 * The kill is anchored to the leader's HA loop: the drill watches the leader's log for the line
 * each loop ends with ("the leader with the lock", written right after it renewed its key) and
 * kills `phase` (0 to 1) of loop_wait later. The leader key expires ttl after that renewal, so
 * phase 0 is the worst point of the loop (the longest outage) and phase close to 1 the best.
 */
export async function killPrimaryTrial(lab: PatroniLab, phase = 0): Promise<TrialResult> {
  await lab.waitHealthy();
  let loopAt = 0;
  return measureDisruption(lab, 'kill-primary', async () => {
    loopAt = await lab.waitForLeaderLoop(await lab.leader());
    await sleep(Math.max(0, loopAt + phase * lab.profile.loopWaitSeconds * 1000 - Date.now()));
    const { killed, atMs } = await lab.killLeader();
    const next = await lab.waitForNewLeader(killed);
    return { from: killed, to: next, atMs, msAfterLoop: atMs - loopAt };
  }, async (from) => {
    lab.restartMember(from);
  });
}

/** One planned switchover to the synchronous standby during a stream of writes. */
export async function switchoverTrial(lab: PatroniLab): Promise<TrialResult> {
  await lab.waitHealthy();
  return measureDisruption(lab, 'switchover', async () => lab.switchover(), async () => undefined);
}

async function measureDisruption(
  lab: PatroniLab,
  scenario: TrialResult['scenario'],
  disrupt: () => Promise<{ from: string; to: string; atMs: number; msAfterLoop?: number }>,
  recoverOld: (from: string) => Promise<void>,
): Promise<TrialResult> {
  const synchronous = await lab.synchronousNow();
  const viaHaproxy = lab.writer('haproxy');
  const viaPgbouncer = lab.writer('pgbouncer');
  viaHaproxy.start();
  viaPgbouncer.start();
  let event: { from: string; to: string; atMs: number; msAfterLoop?: number };
  try {
    await waitFor('both writers to be acknowledged', async () => viaHaproxy.acks.length > 20 && viaPgbouncer.acks.length > 20, { timeoutMs: 15_000 });
    await sleep(STEADY_MS);
    event = await disrupt();
    const recoveredAfter = Date.now();
    await waitFor('writes to flow again on both paths', async () => [viaHaproxy, viaPgbouncer].every((w) => (w.acks.at(-1)?.atMs ?? 0) > recoveredAfter),
      { timeoutMs: lab.failoverBoundMs, intervalMs: 50 });
    await sleep(STEADY_MS);
  } finally {
    await Promise.all([viaHaproxy.stop(), viaPgbouncer.stop()]);
  }
  const ids = [...viaHaproxy.acks, ...viaPgbouncer.acks].map((a) => a.id);
  const missing = await lab.missingOnLeader(ids);
  await recoverOld(event.from);
  await lab.waitHealthy();
  const old = await lab.memberState(event.from);
  return {
    scenario,
    from: event.from,
    to: event.to,
    msAfterLoop: event.msAfterLoop,
    synchronous,
    rtoHaproxyMs: largestGapMs(viaHaproxy.ackTimes()),
    rtoPgbouncerMs: largestGapMs(viaPgbouncer.ackTimes()),
    ackedHaproxy: viaHaproxy.acks.length,
    ackedPgbouncer: viaPgbouncer.acks.length,
    lost: missing.length,
    failedAttempts: viaHaproxy.errors + viaPgbouncer.errors,
    oldLeaderRejoinedAs: old?.role ?? 'missing',
  };
}

/** Options for {@link runPatroniDrills}. */
export interface PatroniDrillOptions {
  /** Trials per profile and scenario (at least 3 for a median worth quoting). */
  readonly trials: number;
  /** Profiles by name (see {@link profileByName}). @default ['default', 'responsive', 'fast'] */
  readonly profiles?: readonly string[];
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** What the failover rows were measured on. */
export const PATRONI_FAILOVER_TOPOLOGY = 'etcd (1 member) as the DCS, 3 Patroni members in synchronous mode, HAProxy routing on GET /primary, '
  + 'PgBouncer in front of HAProxy, all on 127.0.0.1; one writer through HAProxy and one through PgBouncer';

/**
 * The full measurement: per profile a fresh lab, `trials` + 1 kill-primary trials and `trials`
 * switchovers, in synchronous mode. Kills are anchored to the leader's HA loop
 * ({@link killPhases}): `trials` spread over the loop give the median, one more right after the
 * leader renewed its key gives the worst point, so the row's `rtoMaxSeconds` is the worst point
 * of the loop. Returns rows for bench/drills.json.
 */
export async function runPatroniDrills(options: PatroniDrillOptions): Promise<MeasuredRow[]> {
  const log = options.log ?? (() => undefined);
  const rows: MeasuredRow[] = [];
  for (const name of options.profiles ?? ['default', 'responsive', 'fast']) {
    const lab = new PatroniLab({ profile: profileByName(name), log });
    const started = Date.now();
    try {
      await lab.up();
      const versions = await lab.versions();
      for (const scenario of ['kill-primary', 'switchover'] as const) {
        const results: TrialResult[] = [];
        for (const phase of scenario === 'kill-primary' ? killPhases(options.trials) : Array.from({ length: options.trials }, () => 0)) {
          const result = scenario === 'kill-primary' ? await killPrimaryTrial(lab, phase) : await switchoverTrial(lab);
          log(`${name} ${scenario} #${results.length + 1}: ${result.from} -> ${result.to}${result.msAfterLoop === undefined ? '' : ` (killed ${result.msAfterLoop} ms after the leader's loop)`}, `
            + `gap ${result.rtoHaproxyMs} ms via HAProxy, ${result.rtoPgbouncerMs} ms via PgBouncer, ${result.lost} lost of ${result.ackedHaproxy + result.ackedPgbouncer}, `
            + `old leader now ${result.oldLeaderRejoinedAs}`);
          results.push(result);
        }
        rows.push(drillRow(lab.profile, scenario, results, versions));
      }
    } finally {
      await lab.down();
      log(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  return rows;
}

/**
 * Where in the leader's loop each kill lands (fractions of loop_wait after it renewed its key):
 * `trials` kills at the middles of equal slices of the loop, whose median is the median outage,
 * then one right after the renewal, the worst point, so the maximum is the worst case.
 */
export function killPhases(trials: number): number[] {
  return [...Array.from({ length: trials }, (_, i) => (i + 0.5) / trials), 0];
}

/** The Patroni failover drill: every profile, kill -9 of the leader and switchover. */
export const patroniFailoverDrill: Drill = {
  id: 'patroni-failover',
  source: 'test/e2e/patroni-drill.ts',
  description: 'Patroni on etcd behind HAProxy and PgBouncer: kill -9 of the leader anchored to its HA loop, and switchover, per timing profile',
  run: ({ trials, log }) => runPatroniDrills({ trials, log }),
};

/** One table row from a profile's trials, per-trial and PgBouncer figures in details. */
export function drillRow(
  profile: PatroniTimingProfile, scenario: TrialResult['scenario'], results: readonly TrialResult[], versions: Readonly<Record<string, string>>,
): MeasuredRow {
  const haproxy = results.map((r) => r.rtoHaproxyMs);
  const pgbouncer = results.map((r) => r.rtoPgbouncerMs);
  // Kills: the median over the kills spread over the loop, the maximum over all, the worst-point kill (the last) included.
  const spread = scenario === 'kill-primary' ? results.slice(0, -1) : results;
  return {
    system: 'patroni',
    profile: profile.name,
    scenario,
    synchronous: results.every((r) => r.synchronous),
    trials: results.length,
    rtoMedianSeconds: roundSeconds(median(spread.map((r) => r.rtoHaproxyMs))),
    rtoMaxSeconds: roundSeconds(Math.max(...haproxy)),
    ackedWritesLost: Math.max(...results.map((r) => r.lost)),
    reruns: [],
    topology: PATRONI_FAILOVER_TOPOLOGY,
    versions,
    details: {
      timing: {
        ttl: profile.ttlSeconds, loopWait: profile.loopWaitSeconds, retryTimeout: profile.retryTimeoutSeconds, haproxyCheck: profile.haproxyCheck,
      },
      perTrialRtoSeconds: haproxy.map(roundSeconds),
      ...(scenario === 'kill-primary' ? { killMsAfterLeaderLoop: results.map((r) => r.msAfterLoop ?? null) } : {}),
      viaPgbouncer: {
        rtoMedianSeconds: roundSeconds(median(spread.map((r) => r.rtoPgbouncerMs))),
        rtoMaxSeconds: roundSeconds(Math.max(...pgbouncer)),
        perTrialRtoSeconds: pgbouncer.map(roundSeconds),
      },
      ackedWrites: results.reduce((sum, r) => sum + r.ackedHaproxy + r.ackedPgbouncer, 0),
      failedAttempts: results.reduce((sum, r) => sum + r.failedAttempts, 0),
      oldLeaderRejoinedAs: results.map((r) => r.oldLeaderRejoinedAs),
    },
  };
}

/** Options for {@link soakPatroni}. */
export interface SoakOptions {
  /** Profile by name (see {@link profileByName}). */
  readonly profile: string;
  /** How long to run. */
  readonly seconds: number;
  /** CPU busy loops competing with the cluster. @default 2 */
  readonly cpuHogs?: number;
  /** Add fsync-heavy disk writes. @default true */
  readonly ioHog?: boolean;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** What a soak saw: failovers nobody asked for, and Patroni's own complaints. */
export interface SoakResult {
  readonly profile: string;
  readonly seconds: number;
  /** Times the leader changed without any kill or switchover: spurious failovers. */
  readonly leaderChanges: number;
  /** Patroni log lines about demotion or a leader lock it failed to keep. */
  readonly lockTroubles: string[];
  /** Largest gap between acknowledged writes through HAProxy. */
  readonly maxWriteGapMs: number;
  readonly ackedWrites: number;
}

const LOCK_TROUBLE = /demot|failed to update leader lock|lost.*lock|Could not take out TTL lock|giving up|retry_timeout/i;

/**
 * Runs a healthy cluster under competing CPU and disk load with writers going, and counts
 * leader changes: a profile is only safe if this stays at zero.
 */
export async function soakPatroni(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const lab = new PatroniLab({ profile: profileByName(options.profile), log });
  try {
    await lab.up();
    const { leader: first } = await lab.waitHealthy();
    const writer = lab.writer('haproxy');
    const pooled = lab.writer('pgbouncer');
    writer.start();
    pooled.start();
    lab.startLoad(options.cpuHogs ?? 2, options.ioHog ?? true);
    let leader = first;
    let leaderChanges = 0;
    const deadline = Date.now() + options.seconds * 1000;
    try {
      while (Date.now() < deadline) {
        await sleep(500);
        const now = await lab.leader().catch(() => leader);
        if (now !== leader) {
          leaderChanges++;
          log(`${options.profile}: leader changed ${leader} -> ${now}`);
          leader = now;
        }
      }
    } finally {
      await Promise.all([writer.stop(), pooled.stop()]);
    }
    return {
      profile: options.profile,
      seconds: options.seconds,
      leaderChanges,
      lockTroubles: lab.patroniLogLines(LOCK_TROUBLE),
      maxWriteGapMs: largestGapMs(writer.ackTimes()),
      ackedWrites: writer.acks.length + pooled.acks.length,
    };
  } finally {
    await lab.down();
  }
}

/** What one stall did to a healthy cluster. */
export interface StallResult {
  readonly profile: string;
  /** What was frozen: etcd (a stuck DCS) or the leader's Patroni (a starved or paused agent; PostgreSQL keeps serving). */
  readonly target: StallTarget;
  readonly stallSeconds: number;
  /** True when the leader changed although PostgreSQL itself never failed. */
  readonly leaderChanged: boolean;
  /** Largest gap between acknowledged writes through HAProxy around the stall. */
  readonly writeGapMs: number;
}

/** What a stall freezes. */
export type StallTarget = 'etcd' | 'leader-patroni';

/** Options for {@link stallTolerance}. */
export interface StallOptions {
  /** Profile by name (see {@link profileByName}). */
  readonly profile: string;
  /** What to freeze. */
  readonly target: StallTarget;
  /** Stall lengths to try, in order, on one cluster. */
  readonly stallSeconds: readonly number[];
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/**
 * Freezes etcd or the leader's Patroni (SIGSTOP, then SIGCONT) for each stall length while a
 * writer runs, and records whether the leader changed: a failover nobody needed. Shows what a
 * shorter ttl gives away.
 */
export async function stallTolerance(options: StallOptions): Promise<StallResult[]> {
  const log = options.log ?? (() => undefined);
  const lab = new PatroniLab({ profile: profileByName(options.profile), log });
  const results: StallResult[] = [];
  try {
    await lab.up();
    for (const stall of options.stallSeconds) {
      const { leader: before } = await lab.waitHealthy();
      const writer = lab.writer('haproxy');
      writer.start();
      try {
        await sleep(STEADY_MS);
        if (options.target === 'etcd') await lab.stallDcs(stall * 1000);
        else await lab.stallPatroni(before, stall * 1000);
        // Time for an expired key to be noticed and raced for, and for writes to resume.
        await sleep((lab.profile.ttlSeconds + lab.profile.loopWaitSeconds) * 1000 + STEADY_MS);
      } finally {
        await writer.stop();
      }
      const { leader: after } = await lab.waitHealthy();
      const result: StallResult = {
        profile: options.profile,
        target: options.target,
        stallSeconds: stall,
        leaderChanged: after !== before,
        writeGapMs: largestGapMs(writer.ackTimes()),
      };
      log(`${options.profile}: ${options.target} stalled ${stall} s: leader ${before} -> ${after}, write gap ${result.writeGapMs} ms`);
      results.push(result);
    }
  } finally {
    await lab.down();
  }
  return results;
}
