/**
 * Failover drill for Redis with Sentinel, on real servers started from the configs the core
 * renders: primary + 2 replicas + 3 Sentinels with a fence agent beside each server, on
 * 127.0.0.1 (or each in a network namespace, for the partition drill), a client that asks
 * Sentinel for the primary and records every acknowledged write, kill -9 of the primary. The
 * lab, the writer and the primary proxy here are what the other Redis drills build on.
 *
 * RTO = the largest gap between two consecutive acknowledgements; RPO = acknowledged writes
 * missing on the new primary. Every server is stopped by PID and every directory removed,
 * also when a trial fails.
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import Redis from 'ioredis';
import { Drill, largestGapMs, MeasuredRow, median, Rerun, roundSeconds } from './support/drill-results';
import { DrillNetwork, Endpoint, LoopbackNetwork, NamespaceNetwork } from './support/network';
import { findBinary, freePorts, ProcessGroup, sleep, StartOptions, waitFor } from './support/processes';
import { RedisAddress, RedisConfigSpec, renderRedisAuthScript, renderRedisConfig } from '../../lib/core/redis/redis-config';
import { renderRedisFenceScript } from '../../lib/core/redis/redis-fence';
import { REDIS_PASSWORD_ENV, redisPrimaryProxyConfig } from '../../lib/core/redis/redis-primary-proxy';
import { renderRedisStartScript } from '../../lib/core/redis/redis-start-script';
import { Durability, RedisDurability, SentinelTiming, SentinelTimingProfile } from '../../lib/core/redis/redis-timing';
import { renderSentinelAuthScript, renderSentinelConfig } from '../../lib/core/redis/sentinel-config';
import { renderHaproxyConfig } from '../../lib/core/traffic/haproxy-config';
import { millis, seconds } from '../../lib/core/units';

/** Binaries the drill starts. */
export const REDIS_DRILL_BINARIES = ['redis-server', 'redis-sentinel'] as const;

const MASTER_NAME = 'drill';
const REPLICAS = 2;
const SENTINELS = 3;

/** What a lab runs with. */
export interface RedisLabOptions {
  /** Rendered into every sentinel.conf. */
  readonly timing: SentinelTimingProfile;
  /** Rendered into every redis.conf; its WAIT settings drive the writer. */
  readonly durability: RedisDurability;
  /**
   * Run the fence agent (`renderRedisFenceScript`) next to every Redis server, each server
   * starting fenced, as RedisSentinel ships them.
   * @default true
   */
  readonly fence?: boolean;
  /**
   * Every server on 127.0.0.1, or each in a network namespace of its own, so a drill can cut
   * the network between them.
   * @default 'loopback'
   */
  readonly network?: 'loopback' | 'namespaces';
  /** More hosts of the namespace network, for processes the drill starts itself (the primary proxies). @default - none */
  readonly extraHosts?: readonly string[];
  /** Progress lines, and server log tails when something fails. */
  readonly log?: (line: string) => void;
}

/** One server of the lab. */
export interface LabServer {
  /** `redis-0` (the first primary), `redis-1`, `redis-2`, `sentinel-0`...; also its host in the network. */
  readonly name: string;
  /** The address it listens on and announces: 127.0.0.1, or its namespace's address. */
  readonly host: string;
  /** Its port, unique in the lab. */
  readonly port: number;
  /** Its working directory (data, auth include, log). */
  readonly dir: string;
  /** The writable config file it runs from (and rewrites). */
  readonly configFile: string;
  /** redis-server or redis-sentinel. */
  readonly binary: string;
}

/**
 * Primary + 2 replicas + 3 Sentinels (and their fence agents) on 127.0.0.1 or in namespaces, in
 * a fresh temporary directory, configs, fence scripts and auth include files written by the core
 * renderers and the core auth script.
 */
export class RedisLab {
  /** Starts a lab and waits until every Sentinel knows both replicas and the other Sentinels. */
  public static async up(options: RedisLabOptions): Promise<RedisLab> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-redis-drill-'));
    const names = [...Array.from({ length: REPLICAS + 1 }, (_, i) => `redis-${i}`), ...Array.from({ length: SENTINELS }, (_, i) => `sentinel-${i}`)];
    let network: DrillNetwork;
    try {
      network = options.network === 'namespaces'
        ? await NamespaceNetwork.create({ hosts: [...names, ...(options.extraHosts ?? [])], dir: root })
        : new LoopbackNetwork();
    } catch (err) {
      fs.rmSync(root, { recursive: true, force: true });
      throw err;
    }
    const lab = new RedisLab(options, root, network, await freePorts(REPLICAS + 1 + SENTINELS));
    try {
      await lab.start();
      return lab;
    } catch (err) {
      lab.logTails();
      await lab.down();
      throw err;
    }
  }

  /** The password, only ever written to the password file (as a Secret would mount it). */
  public readonly password: string;
  /** The Redis servers; `redis-0` is the primary at start. */
  public readonly nodes: readonly LabServer[];
  /** The Sentinels. */
  public readonly sentinels: readonly LabServer[];
  /** Lines appended by the client-reconfig-script, one per call. */
  public readonly reconfigLog: string;
  /** The name the Sentinels monitor the primary under. */
  public readonly masterName = MASTER_NAME;
  private readonly processes = new ProcessGroup();
  private readonly clients = new Set<Redis>();
  private readonly endpoints = new Map<number, Endpoint>();
  /** Versions of the servers, as they report them (INFO server), read at start. */
  public versions: Readonly<Record<string, string>> = {};

  private constructor(
    public readonly options: RedisLabOptions,
    public readonly root: string,
    public readonly network: DrillNetwork,
    ports: readonly number[],
  ) {
    // Backslash, dollar, hash and a non-ASCII letter: all must reach the servers byte for byte.
    this.password = `drill\\pw$#é-${randomBytes(6).toString('hex')}`;
    this.reconfigLog = path.join(this.root, 'reconfig.log');
    const server = (name: string, port: number, binary: string): LabServer => {
      const dir = path.join(this.root, name);
      fs.mkdirSync(dir);
      return { name, host: network.address(name), port, dir, configFile: path.join(dir, `${name}.conf`), binary: requireBinary(binary) };
    };
    this.nodes = ports.slice(0, REPLICAS + 1).map((port, i) => server(`redis-${i}`, port, 'redis-server'));
    this.sentinels = ports.slice(REPLICAS + 1).map((port, i) => server(`sentinel-${i}`, port, 'redis-sentinel'));
  }

  /** The password file, as a Secret would mount it. */
  public get passwordFile(): string {
    return path.join(this.root, 'secret', 'password');
  }

  private async start(): Promise<void> {
    fs.mkdirSync(path.dirname(this.passwordFile), { mode: 0o700 });
    fs.writeFileSync(this.passwordFile, `${this.password}\n`, { mode: 0o600 });
    const hook = path.join(this.root, 'reconfig.sh');
    fs.writeFileSync(hook, `#!/bin/sh\necho "$*" >> '${this.reconfigLog}'\n`, { mode: 0o755 });

    const [primary] = this.nodes;
    for (const server of [...this.nodes, ...this.sentinels]) this.endpoints.set(server.port, await this.network.expose(server.name, server.port));
    for (const node of this.nodes) this.writeRedisConfig(node, node === primary ? undefined : { host: primary.host, port: primary.port });
    for (const node of this.nodes) this.startServer(node);
    for (const node of this.nodes) await waitFor(`${node.name} to answer PING`, () => this.ping(node.port), { timeoutMs: 10_000 });
    if (this.fenced) for (const node of this.nodes) this.startFence(node);
    await waitFor('the primary to stream to both replicas', async () => (await this.onlineReplicas(primary.port)) === REPLICAS, { timeoutMs: 20_000 });

    for (const sentinel of this.sentinels) this.writeSentinelConfig(sentinel, primary.port, hook);
    for (const sentinel of this.sentinels) this.startServer(sentinel);
    for (const sentinel of this.sentinels) {
      await waitFor(`${sentinel.name} to know ${REPLICAS} replicas and ${SENTINELS - 1} other Sentinels`, async () => {
        const master = await this.sentinelMaster(sentinel.port);
        return master['num-slaves'] === String(REPLICAS) && master['num-other-sentinels'] === String(SENTINELS - 1);
      }, { timeoutMs: 30_000, intervalMs: 250 });
    }
    const info = async (port: number) => parseInfo(await this.withClient(port, (c) => c.info('server')));
    this.versions = { redis: (await info(primary.port)).redis_version, sentinel: (await info(this.sentinels[0].port)).redis_version };
    if (this.fenced) {
      await waitFor(`${primary.name}'s fence agent to let it take writes`, async () =>
        (await this.withClient(primary.port, (c) => c.config('GET', 'min-replicas-to-write')) as string[])[1] === String(this.options.durability.minReplicasToWrite),
      { timeoutMs: 15_000, intervalMs: 50 });
    }
    this.options.log?.(`lab up in ${this.root}: redis ${this.nodes.map((n) => `${n.host}:${n.port}`).join(', ')}, sentinels ${this.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`);
  }

  /** Whether the fence agents run. */
  public get fenced(): boolean {
    return this.options.fence ?? true;
  }

  /** Where the test connects to `port` (a relay's socket when the servers are in namespaces). */
  public endpoint(port: number): Endpoint {
    const endpoint = this.endpoints.get(port);
    if (!endpoint) throw new Error(`no server of the lab on port ${port}`);
    return endpoint;
  }

  /** Starts `command` on a host of the lab's network (in its namespace), in the lab's process group. */
  public startOn(host: string, name: string, command: string, args: readonly string[], options: StartOptions): void {
    const onHost = this.network.command(host, { command, args });
    this.processes.start(name, onHost.command, onHost.args, options);
  }

  /** Starts a node's fence agent beside it, as the pod's sidecar runs (its own FIFOs in the node's directory). */
  private startFence(node: LabServer): void {
    const script = path.join(node.dir, 'fence.sh');
    fs.writeFileSync(script, renderRedisFenceScript({
      path: `drill/${node.name}`,
      masterName: MASTER_NAME,
      members: this.nodes.map((n) => ({ name: n.name, host: n.host, port: n.port })),
      sentinels: this.sentinels.map((s) => ({ host: s.host, port: s.port })),
      passwordFile: this.passwordFile,
      runtimeDir: node.dir,
      durability: this.options.durability,
      timing: this.options.timing,
      port: node.port,
    }));
    this.startOn(node.name, `fence-${node.name}`, 'bash', [script], { logFile: path.join(node.dir, 'fence.log'), env: { POD_NAME: node.name } });
  }

  /** What a node's redis.conf is rendered from: loopback, its own port and directory, the lab's durability. */
  public redisConfigSpec(node: LabServer, replicaOf: RedisAddress | undefined): RedisConfigSpec {
    return {
      path: `drill/${node.name}`,
      replicas: REPLICAS,
      auth: { passwordFile: this.passwordFile, includeFile: path.join(node.dir, 'auth.conf') },
      replicaOf,
      port: node.port,
      // Loopback too: the fence agent talks to its server on 127.0.0.1, as in the pod.
      bind: [...new Set(['127.0.0.1', node.host])],
      dir: node.dir,
      durability: this.options.durability,
      fenced: this.fenced,
      announce: { host: node.host, port: node.port },
    };
  }

  private writeRedisConfig(node: LabServer, replicaOf: RedisAddress | undefined): void {
    const spec = this.redisConfigSpec(node, replicaOf);
    runStartScript(renderRedisAuthScript(spec));
    fs.writeFileSync(node.configFile, renderRedisConfig(spec), { mode: 0o600 });
  }

  private writeSentinelConfig(sentinel: LabServer, primaryPort: number, hook: string): void {
    const spec = {
      path: `drill/${sentinel.name}`,
      masterName: MASTER_NAME,
      primary: { host: this.nodes.find((n) => n.port === primaryPort)!.host, port: primaryPort },
      sentinels: SENTINELS,
      auth: { passwordFile: this.passwordFile, includeFile: path.join(sentinel.dir, 'auth.conf') },
      timing: this.options.timing,
      port: sentinel.port,
      bind: [...new Set(['127.0.0.1', sentinel.host])],
      dir: sentinel.dir,
      announce: { host: sentinel.host, port: sentinel.port },
      clientReconfigScript: hook,
    };
    runStartScript(renderSentinelAuthScript(spec));
    fs.writeFileSync(sentinel.configFile, renderSentinelConfig(spec), { mode: 0o600 });
  }

  private startServer(server: LabServer): void {
    this.startOn(server.name, server.name, server.binary, [server.configFile], { logFile: path.join(server.dir, 'server.log'), cwd: server.dir });
  }

  /** A client that asks the Sentinels for the primary and follows failovers (ioredis Sentinel mode); loopback labs only. */
  public sentinelClient(): Redis {
    if (!(this.network instanceof LoopbackNetwork)) throw new Error('a Sentinel client needs the servers on loopback: it connects to the addresses Sentinel hands out');
    const client = new Redis({
      sentinels: this.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: MASTER_NAME,
      password: this.password,
      sentinelPassword: this.password,
      // Retry every 50 ms so the measured outage is the failover's, not the client's backoff.
      retryStrategy: () => 50,
      sentinelRetryStrategy: () => 50,
      connectTimeout: 1_000,
      sentinelCommandTimeout: 1_000,
      maxRetriesPerRequest: 20,
      disconnectTimeout: 500,
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 1 : false),
    });
    client.on('error', () => undefined);
    this.clients.add(client);
    return client;
  }

  /** Runs `use` with a direct, authenticated connection to one server. */
  public async withClient<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis({
      ...this.endpoint(port), password: this.password, lazyConnect: true, retryStrategy: () => null,
      maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000, commandTimeout: 5_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await use(client);
    } finally {
      client.disconnect();
    }
  }

  private async ping(port: number): Promise<boolean> {
    return (await this.withClient(port, (c) => c.ping())) === 'PONG';
  }

  /** INFO replication of one server as key/value pairs. */
  public async replicationInfo(port: number): Promise<Record<string, string>> {
    return parseInfo(await this.withClient(port, (c) => c.info('replication')));
  }

  private async onlineReplicas(port: number): Promise<number> {
    const info = await this.replicationInfo(port);
    return Object.entries(info).filter(([key, value]) => /^slave\d+$/.test(key) && value.includes('state=online')).length;
  }

  private async sentinelMaster(port: number): Promise<Record<string, string>> {
    const flat = await this.withClient(port, (c) => c.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
    return fields;
  }

  /** The node the Sentinels name as primary (the first Sentinel that answers). */
  public async currentPrimary(): Promise<LabServer> {
    for (const sentinel of this.sentinels) {
      try {
        const [host, port] = await this.withClient(sentinel.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
        const node = this.nodes.find((n) => n.port === Number(port) && n.host === host);
        if (node) return node;
      } catch {
        // try the next Sentinel
      }
    }
    throw new Error('no Sentinel named a primary');
  }

  /**
   * The node every Sentinel names as primary, when it also says it is the primary and streams
   * to both replicas; false otherwise.
   */
  public async agreedPrimary(): Promise<LabServer | false> {
    const named = new Set<LabServer>();
    for (const sentinel of this.sentinels) {
      const [, port] = await this.withClient(sentinel.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
      const node = this.nodes.find((n) => n.port === Number(port));
      if (!node) return false;
      named.add(node);
    }
    const [primary] = named;
    if (named.size !== 1) return false;
    const info = await this.replicationInfo(primary.port);
    return info.role === 'master' && (await this.onlineReplicas(primary.port)) === REPLICAS && primary;
  }

  /** Full resyncs a replica did after its first sync (a failover it could not follow with a partial resync). */
  public laterFullResyncs(node: LabServer): number {
    const log = fs.readFileSync(path.join(node.dir, 'server.log'), 'utf8');
    return Math.max(0, (log.match(/Full resync from master/g) ?? []).length - 1);
  }

  /** Arguments of each client-reconfig-script call so far, one string per call. */
  public reconfigCalls(): string[] {
    return fs.existsSync(this.reconfigLog) ? fs.readFileSync(this.reconfigLog, 'utf8').trim().split('\n') : [];
  }

  /** kill -9, and wait until the PID is gone. */
  public async kill(node: LabServer): Promise<void> {
    this.processes.signal(node.name, 'SIGKILL');
    await waitFor(`${node.name} to die`, async () => !this.processes.isAlive(node.name), { timeoutMs: 5_000, intervalMs: 10 });
  }

  /** SIGSTOP or SIGCONT to some servers. */
  public signal(nodes: readonly LabServer[], signal: 'SIGSTOP' | 'SIGCONT'): void {
    for (const node of nodes) this.processes.signal(node.name, signal);
  }

  /** Starts a killed node again from the config file it ran from. */
  public restart(node: LabServer): void {
    this.startServer(node);
  }

  /**
   * Brings a stopped node back as its pod would: the rendered start script copies the rendered
   * config (the initial topology) over the one it ran from, asks the Sentinels for the current
   * primary and execs redis-server. Resolves with the role of its first answer.
   */
  public async restartAsPod(node: LabServer): Promise<string> {
    const configDir = path.join(this.root, 'rendered');
    fs.mkdirSync(configDir, { recursive: true });
    const [initial] = this.nodes;
    for (const n of this.nodes) {
      const replicaOf = n === initial ? undefined : { host: initial.host, port: initial.port };
      fs.writeFileSync(path.join(configDir, `${n.name}.conf`), renderRedisConfig(this.redisConfigSpec(n, replicaOf)));
    }
    const script = renderRedisStartScript({
      path: `drill/${node.name}`,
      masterName: MASTER_NAME,
      members: this.nodes.map((n) => ({ name: n.name, host: n.host, port: n.port })),
      sentinels: this.sentinels.map((s) => ({ host: s.host, port: s.port })),
      configDir,
      runtimeConfig: node.configFile,
      auth: this.redisConfigSpec(node, undefined).auth,
      redisServer: requireBinary('redis-server'),
      redisCli: requireBinary('redis-cli'),
    });
    const scriptFile = path.join(this.root, `start-${node.name}.sh`);
    fs.writeFileSync(scriptFile, script);
    this.restartWith(node, 'sh', [scriptFile], { POD_NAME: node.name });
    // The first answer tells what it started as, before Sentinel had a chance to correct it.
    return waitFor(`${node.name} to answer after the restart`, async () => {
      const [role] = await this.withClient(node.port, (c) => c.call('ROLE')) as string[];
      return role;
    }, { timeoutMs: 20_000, intervalMs: 20 });
  }

  /** SIGTERM, as deleting its pod sends (Redis waits for its replicas, then exits), and waits until it exited. */
  public async terminate(node: LabServer): Promise<void> {
    this.processes.signal(node.name, 'SIGTERM');
    await waitFor(`${node.name} to shut down`, async () => !this.processes.isAlive(node.name), { timeoutMs: 30_000, intervalMs: 20 });
  }

  /** The process names of the lab (servers, fence agents, what the drill started on its hosts). */
  public isRunning(name: string): boolean {
    return this.processes.isAlive(name);
  }

  /**
   * Starts a killed node again with another command (a start script that execs the server), as
   * the same process of the lab: {@link kill} and {@link down} reach it.
   */
  public restartWith(node: LabServer, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): void {
    this.startOn(node.name, node.name, command, args, { logFile: path.join(node.dir, 'server.log'), cwd: node.dir, env });
  }

  /** How many of `keys` the server at `port` does not have. */
  public async countMissing(port: number, keys: readonly string[]): Promise<number> {
    let present = 0;
    await this.withClient(port, async (client) => {
      for (let i = 0; i < keys.length; i += 500) present += await client.exists(...keys.slice(i, i + 500));
    });
    return keys.length - present;
  }

  /** The last lines of every server and fence agent log, for a failed run. */
  public logTails(lines = 15): void {
    for (const server of [...this.nodes, ...this.sentinels]) {
      for (const log of ['server.log', 'fence.log']) {
        const file = path.join(server.dir, log);
        if (!fs.existsSync(file)) continue;
        const tail = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
        this.options.log?.(`--- ${server.name} ${log} (${server.host}:${server.port})\n${tail.join('\n')}`);
      }
    }
  }

  /** Stops every server by PID (paused ones are resumed first) and removes the directory. */
  public async down(): Promise<void> {
    for (const client of this.clients) if (client.status !== 'end') client.disconnect();
    for (const name of this.processes.names()) if (this.processes.isAlive(name)) this.processes.signal(name, 'SIGCONT');
    try {
      await this.processes.stopAll();
    } finally {
      await this.network.close();
      fs.rmSync(this.root, { recursive: true, force: true });
    }
  }
}

/**
 * The primary proxy in front of a lab: HAProxy started from the haproxy.cfg RedisSentinel renders
 * (`redisPrimaryProxyConfig` through the one `renderHaproxyConfig`), with the password in its
 * environment only. On loopback, or on a host of the lab's namespace network.
 */
export class PrimaryProxy {
  /**
   * Starts it (in the lab's process group, stopped with the lab) and waits until it routes to
   * `expectPrimary` alone.
   */
  public static async start(lab: RedisLab, options: { readonly host?: string; readonly expectPrimary?: string } = {}): Promise<PrimaryProxy> {
    const name = options.host ?? 'haproxy';
    const [port, statsPort] = await freePorts(2);
    const config = renderHaproxyConfig(redisPrimaryProxyConfig({
      path: `drill/${name}`,
      members: lab.nodes.map((n) => ({ name: n.name, host: n.host, port: n.port })),
      durability: lab.options.durability,
      port,
      bindAddress: options.host ? lab.network.address(options.host) : '127.0.0.1',
      statsPort,
    }));
    const file = path.join(lab.root, `${name}.cfg`);
    fs.writeFileSync(file, config);
    lab.startOn(options.host ?? 'haproxy', name, requireBinary('haproxy'), ['-db', '-f', file], {
      logFile: path.join(lab.root, `${name}.log`),
      env: { [REDIS_PASSWORD_ENV]: lab.password },
    });
    const host = options.host ?? 'haproxy';
    const proxy = new PrimaryProxy(name, await lab.network.expose(host, port), await lab.network.expose(host, statsPort, '127.0.0.1'), config);
    const primary = options.expectPrimary ?? 'redis-0';
    await waitFor(`${name} to route to ${primary} only`, async () => (await proxy.routedTo()).join() === primary, { timeoutMs: 20_000, intervalMs: 200 });
    return proxy;
  }

  private constructor(
    public readonly name: string,
    public readonly endpoint: Endpoint,
    private readonly stats: Endpoint,
    public readonly config: string,
  ) {}

  /** Check status of each Redis server (UP, DOWN, `UP 1/2` while going down...), from the stats CSV. */
  public status(): Promise<Record<string, string>> {
    const target = 'path' in this.stats ? { socketPath: this.stats.path } : { host: this.stats.host, port: this.stats.port };
    return new Promise((resolve, reject) => {
      http.get({ ...target, path: '/;csv', timeout: 2_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => body += chunk);
        res.on('end', () => {
          const [header, ...rows] = body.trim().split('\n');
          const columns = header.replace(/^# /, '').split(',');
          const status: Record<string, string> = {};
          for (const row of rows.map((r) => r.split(','))) {
            const server = row[columns.indexOf('svname')];
            if (row[columns.indexOf('pxname')] === 'redis-primary' && !['FRONTEND', 'BACKEND'].includes(server)) {
              status[server] = row[columns.indexOf('status')];
            }
          }
          resolve(status);
        });
      }).on('error', reject).on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('stats timed out'));
      });
    });
  }

  /** The servers HAProxy routes to right now. */
  public async routedTo(): Promise<string[]> {
    return Object.entries(await this.status()).filter(([, s]) => s.startsWith('UP')).map(([name]) => name);
  }

  /**
   * A client without Sentinel support: it only knows the proxy's address, and keeps its
   * connection on a READONLY reply, so only HAProxy cutting the session moves it.
   */
  public client(password: string): Redis {
    const client = new Redis({
      ...this.endpoint,
      password,
      // Retry every 50 ms so the measured outage is the failover's, not the client's backoff.
      retryStrategy: () => 50,
      connectTimeout: 1_000,
      maxRetriesPerRequest: 20,
    });
    client.on('error', () => undefined);
    return client;
  }
}

/** Runs a start script the way an init container would: plain sh, failing loudly. */
function runStartScript(script: string): void {
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`auth start script failed (${result.status}): ${result.stderr}`);
}

function requireBinary(name: string): string {
  const binary = findBinary(name);
  if (!binary) throw new Error(`${name} is not installed; run \`npm run servers\``);
  return binary;
}

/** `key:value` lines of INFO. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** One acknowledged write: its key, when the acknowledgement arrived (performance.now()) and which server gave it. */
export interface AckedWrite {
  readonly key: string;
  readonly at: number;
  /** Port of the server that acknowledged it (`laddr` of CLIENT INFO), when the writer identifies servers. */
  readonly server?: number;
}

/** Options of an {@link AckedWriter}. */
export interface AckedWriterOptions {
  readonly valueBytes: number;
  readonly durability: RedisDurability;
  readonly keyPrefix: string;
  /**
   * Ask, in the same pipeline as each write, which server answered (CLIENT INFO), so a drill
   * can tell writes a deposed primary acknowledged.
   * @default false
   */
  readonly identify?: boolean;
}

/** A client that writes one key at a time and records each acknowledged write. */
export class AckedWriter {
  /** Every acknowledged write, in order. */
  public readonly acks: AckedWrite[] = [];
  /** Failed or unconfirmed writes by reason (`NOREPLICAS`, `unconfirmed`, ...); never counted as acknowledged. */
  public readonly failures: Record<string, number> = {};
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(private readonly client: Redis, private readonly options: AckedWriterOptions) {}

  /** Starts writing until {@link stop} or until `maxMs` have passed. */
  public start(maxMs: number): void {
    this.running = this.loop(performance.now() + maxMs);
  }

  /** Stops writing; a write still waiting for a reply is abandoned by closing the connection. */
  public async stop(): Promise<void> {
    if (this.stopping) return settledWithin(this.running, 2_000);
    this.stopping = true;
    await settledWithin(this.running, 5_000);
    this.client.disconnect();
    await settledWithin(this.running, 2_000);
  }

  /** Acknowledgements that arrived after `time`. */
  public acksAfter(time: number): AckedWrite[] {
    return this.acks.filter((ack) => ack.at > time);
  }

  private async loop(deadline: number): Promise<void> {
    const value = 'v'.repeat(this.options.valueBytes);
    for (let seq = 0; !this.stopping && performance.now() < deadline; seq++) {
      const key = `${this.options.keyPrefix}:${seq}`;
      try {
        const reply = await this.write(key, value);
        if (reply.confirmed) this.acks.push({ key, at: performance.now(), server: reply.server });
        else this.fail('unconfirmed');
      } catch (err) {
        this.fail(failureReason(err as Error));
        await sleep(5);
      }
    }
  }

  /**
   * SET, then WAIT and CLIENT INFO when asked, pipelined on one connection. ioredis resends a
   * pipeline that got no reply as a whole and aborts one that got a partial reply, so a WAIT
   * never confirms a SET sent to another server, and CLIENT INFO names the server that took it.
   */
  private async write(key: string, value: string): Promise<{ confirmed: boolean; server?: number }> {
    const { waitReplicas, waitTimeoutMs } = this.options.durability;
    if (waitReplicas === 0 && !this.options.identify) {
      await this.client.set(key, value);
      return { confirmed: true };
    }
    let pipeline = this.client.pipeline().set(key, value);
    if (waitReplicas > 0) pipeline = pipeline.wait(waitReplicas, waitTimeoutMs);
    if (this.options.identify) pipeline = pipeline.client('INFO');
    const results = await pipeline.exec();
    if (!results) throw new Error('no reply');
    const [[setError], ...rest] = results;
    if (setError) throw setError;
    let confirmed = true;
    if (waitReplicas > 0) {
      const [waitError, replicas] = rest.shift()!;
      if (waitError) throw waitError;
      confirmed = Number(replicas) >= waitReplicas;
    }
    let server: number | undefined;
    if (this.options.identify) {
      const [infoError, info] = rest.shift()!;
      if (infoError) throw infoError;
      server = Number(/ laddr=\S*:(\d+) /.exec(String(info))?.[1]);
    }
    return { confirmed, server };
  }

  private fail(reason: string): void {
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
  }
}

/** Waits for `promise` to settle, at most `ms`, leaving no timer behind. */
async function settledWithin(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise?.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Redis error code (`NOREPLICAS`, `READONLY`) or else the client's error class. */
function failureReason(err: Error): string {
  const code = /^[A-Z]{3,}\b/.exec(err.message)?.[0];
  return code ?? (err.name !== 'Error' ? err.name : err.message.slice(0, 40));
}

/**
 * Sentinel failed over on its own during a trial (e.g. a loaded machine starved the primary
 * longer than down-after), so the trial measured something else than the kill.
 */
export class UnplannedFailoverError extends Error {
  public readonly name = 'UnplannedFailoverError';
}

/** How a primary is killed. */
export interface KillOptions {
  /** Size of each written value. @default 64 */
  readonly valueBytes?: number;
  /** When set, both replicas are stopped (SIGSTOP) this long before the kill and resumed right after it. */
  readonly stallReplicasMs?: number;
}

/** What one kill of the primary did. */
export interface KillResult {
  /** Name of the primary that was killed. */
  readonly killed: string;
  /** Name of the replica Sentinel promoted. */
  readonly promoted: string;
  /** Largest gap between two acknowledged writes. */
  readonly rtoMs: number;
  /** Writes the client counted as acknowledged (with WAIT: confirmed). */
  readonly ackedWrites: number;
  /** Acknowledged writes the new primary does not have. */
  readonly ackedWritesLost: number;
  /** Acknowledged writes before the kill. */
  readonly ackedBeforeKill: number;
  /** Acknowledged writes after Sentinel named the new primary (the client found it). */
  readonly ackedAfterPromotion: number;
  /** Failed or unconfirmed writes by reason. */
  readonly failures: Readonly<Record<string, number>>;
  /** Arguments of each client-reconfig-script call. */
  readonly reconfigCalls: readonly string[];
  /** Full resyncs the surviving replicas needed to follow the new primary (0 when partial resync worked). */
  readonly fullResyncsAfterFailover: number;
  /** Versions of the servers that ran, as they reported them. */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * Writes through Sentinel, kills the primary with SIGKILL (optionally after stalling both
 * replicas), waits for the promotion and for a second of acknowledged writes on the new
 * primary, then counts the acknowledged writes the new primary lacks.
 */
export async function killPrimaryDuringWrites(lab: RedisLab, options: KillOptions = {}): Promise<KillResult> {
  const { timing, durability } = lab.options;
  const writer = new AckedWriter(lab.sentinelClient(), { valueBytes: options.valueBytes ?? 64, durability, keyPrefix: 'drill' });
  const budgetMs = timing.downAfterMs + timing.failoverTimeoutMs + 30_000;
  writer.start(budgetMs + 30_000);
  try {
    await waitFor('the writer to get acknowledgements', async () => writer.acks.length >= 100, { timeoutMs: 15_000 });
    await sleep(1_000);
    const old = await waitFor('every Sentinel to name one primary streaming to both replicas', () => lab.agreedPrimary(), { timeoutMs: 15_000 });
    if (lab.reconfigCalls().length > 0) throw new UnplannedFailoverError(`Sentinel failed over before the kill: ${lab.reconfigCalls().join('; ')}`);
    const replicas = lab.nodes.filter((n) => n !== old);
    if (options.stallReplicasMs) {
      lab.signal(replicas, 'SIGSTOP');
      await sleep(options.stallReplicasMs);
    }
    const killedAt = performance.now();
    await lab.kill(old);
    if (options.stallReplicasMs) lab.signal(replicas, 'SIGCONT');
    const promoted = await waitFor('Sentinel to promote a replica', async () => {
      const primary = await lab.currentPrimary();
      return primary !== old && primary;
    }, { timeoutMs: budgetMs, intervalMs: 200 });
    // Only acknowledgements after the promotion come from the new primary: a reply in flight at
    // the kill still arrives from the old one.
    const promotedAt = performance.now();
    await waitFor('a second of acknowledged writes on the new primary', async () => {
      const after = writer.acksAfter(promotedAt);
      return after.length > 0 && performance.now() - after[0].at >= 1_000;
    }, { timeoutMs: 30_000 });
    await writer.stop();
    const reconfigCalls = lab.reconfigCalls();
    const unplanned = reconfigCalls.filter((call) => !call.endsWith(`${old.host} ${old.port} ${promoted.host} ${promoted.port}`));
    if (unplanned.length > 0) throw new UnplannedFailoverError(`a failover other than ${old.name} -> ${promoted.name}: ${unplanned.join('; ')}`);
    const keys = writer.acks.map((ack) => ack.key);
    return {
      killed: old.name,
      promoted: promoted.name,
      rtoMs: largestGapMs(writer.acks.map((ack) => ack.at)),
      ackedWrites: keys.length,
      ackedWritesLost: await lab.countMissing(promoted.port, keys),
      ackedBeforeKill: keys.length - writer.acksAfter(killedAt).length,
      ackedAfterPromotion: writer.acksAfter(promotedAt).length,
      failures: { ...writer.failures },
      reconfigCalls,
      fullResyncsAfterFailover: replicas.reduce((sum, node) => sum + lab.laterFullResyncs(node), 0),
      versions: lab.versions,
    };
  } finally {
    await writer.stop();
  }
}

/** What the old primary did when it came back. */
export interface RejoinResult {
  /** From restart until it replicates from the new primary with the link up. */
  readonly rejoinMs: number;
  /** Reply to a direct write right after the restart, while it may still think it is the primary. */
  readonly writeRightAfterRestart: string;
  /** Its role once rejoined (`slave`). */
  readonly role: string;
  /** The port of the primary it replicates from. */
  readonly masterPort: number;
}

/**
 * Restarts a killed primary from its own (primary) config, as a crashed node comes back, and
 * waits until Sentinel has turned it into a replica of the new primary.
 */
export async function restartAndRejoin(lab: RedisLab, name: string): Promise<RejoinResult> {
  const node = lab.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}`);
  const primary = await lab.currentPrimary();
  const restartedAt = performance.now();
  lab.restart(node);
  await waitFor(`${name} to answer after the restart`, () => lab.withClient(node.port, async (c) => (await c.ping()) === 'PONG'), { timeoutMs: 15_000 });
  const writeRightAfterRestart = await lab.withClient(node.port, (c) => c.set('drill:after-restart', '1'))
    .then((reply) => String(reply), (err: Error) => err.message.split(' ')[0]);
  const info = await waitFor(`${name} to replicate from the new primary ${primary.name}`, async () => {
    const replication = await lab.replicationInfo(node.port);
    return replication.role === 'slave' && Number(replication.master_port) === primary.port && replication.master_link_status === 'up' && replication;
  }, { timeoutMs: 60_000, intervalMs: 250 });
  return { rejoinMs: performance.now() - restartedAt, writeRightAfterRestart, role: info.role, masterPort: Number(info.master_port) };
}

/** Brings a lab up, runs `use`, and always takes it down (with the server logs when `use` failed). */
export async function withRedisLab<T>(options: RedisLabOptions, use: (lab: RedisLab) => Promise<T>): Promise<T> {
  const lab = await RedisLab.up(options);
  try {
    return await use(lab);
  } catch (err) {
    lab.logTails();
    throw err;
  } finally {
    await lab.down();
  }
}

/** The durability the lagging-replica trials compare, with the settings the core documents. */
export function comparedDurabilities(): RedisDurability[] {
  return [Durability.async(), Durability.minReplicas(1, seconds(2)), Durability.waitForReplicas(1, millis(1000))];
}

/** Both replicas stop for this long before the primary is killed. */
export const REPLICA_STALL_MS = 4_000;

/** What the failover rows were measured on. */
export const REDIS_FAILOVER_TOPOLOGY = 'primary + 2 replicas + 3 Sentinels on 127.0.0.1, a fence agent beside each server; '
  + 'one client asking Sentinel for the primary (ioredis Sentinel mode)';

/**
 * The failover drill: per timing profile `trials` plain kills (default durability, each
 * followed by the old primary's rejoin), then per durability `trials` kills with both replicas
 * stalled while 4 KiB values are written.
 */
export const redisFailoverDrill: Drill = {
  id: 'redis-failover',
  source: 'test/e2e/redis-drill.ts',
  description: 'Redis with Sentinel: kill -9 of the primary (default and fast timing), and with both replicas lagging per durability',
  run: (options) => runRedisDrills(options),
};

/** See {@link redisFailoverDrill}. */
export async function runRedisDrills(options: { trials: number; log?: (line: string) => void }): Promise<MeasuredRow[]> {
  const { trials, log } = options;
  const rows: MeasuredRow[] = [];
  for (const timing of [SentinelTiming.default(), SentinelTiming.fast()]) {
    const durability = Durability.minReplicas(1, seconds(2));
    const results: Array<KillResult & RejoinResult> = [];
    const reruns: Rerun[] = [];
    for (let i = 1; i <= trials; i++) {
      const result = await repeatAfterUnplannedFailover(log, i, reruns, () => withRedisLab({ timing, durability, log }, async (lab) => {
        const kill = await killPrimaryDuringWrites(lab);
        return { ...kill, ...await restartAndRejoin(lab, kill.killed) };
      }));
      log?.(`redis ${timing.name} kill-primary trial ${i}: rto ${roundSeconds(result.rtoMs)} s, lost ${result.ackedWritesLost}/${result.ackedWrites}, `
        + `rejoined in ${roundSeconds(result.rejoinMs)} s (write right after restart: ${result.writeRightAfterRestart})`);
      results.push(result);
    }
    rows.push(drillRow(timing, durability, 'kill-primary', results, reruns, (r) => ({
      rejoinSeconds: roundSeconds(r.rejoinMs), writeRightAfterRestart: r.writeRightAfterRestart,
    })));
  }
  const timing = SentinelTiming.default();
  for (const durability of comparedDurabilities()) {
    const results: KillResult[] = [];
    const reruns: Rerun[] = [];
    for (let i = 1; i <= trials; i++) {
      const stalled = { valueBytes: 4096, stallReplicasMs: REPLICA_STALL_MS };
      const result = await repeatAfterUnplannedFailover(log, i, reruns, () =>
        withRedisLab({ timing, durability, log }, (lab) => killPrimaryDuringWrites(lab, stalled)));
      log?.(`redis ${durability.kind} lagging-replicas trial ${i}: lost ${result.ackedWritesLost}/${result.ackedWrites}, rto ${roundSeconds(result.rtoMs)} s, `
        + `failures ${JSON.stringify(result.failures)}`);
      results.push(result);
    }
    rows.push(drillRow(timing, durability, 'kill-primary-lagging-replicas', results, reruns, () => ({})));
  }
  return rows;
}

/** Runs a trial again (at most twice) when Sentinel failed over on its own during it, and records why. */
export async function repeatAfterUnplannedFailover<T>(
  log: ((line: string) => void) | undefined, trialNumber: number, reruns: Rerun[], trial: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await trial();
    } catch (err) {
      if (!(err instanceof UnplannedFailoverError) || attempt === 3) throw err;
      reruns.push({ trial: trialNumber, reason: err.message });
      log?.(`trial ${trialNumber} runs again: ${err.message}`);
    }
  }
}

function drillRow<R extends KillResult>(
  timing: SentinelTimingProfile,
  durability: RedisDurability,
  scenario: 'kill-primary' | 'kill-primary-lagging-replicas',
  results: readonly R[],
  reruns: readonly Rerun[],
  extra: (result: R) => Record<string, unknown>,
): MeasuredRow {
  const rtos = results.map((r) => r.rtoMs);
  return {
    system: 'redis',
    profile: timing.name,
    scenario,
    synchronous: durability.kind === 'wait',
    durability: durability.kind,
    ...(durability.waitReplicas > 0 ? { waitReplicas: durability.waitReplicas } : {}),
    trials: results.length,
    rtoMedianSeconds: roundSeconds(median(rtos)),
    rtoMaxSeconds: roundSeconds(Math.max(...rtos)),
    ackedWritesLost: Math.max(...results.map((r) => r.ackedWritesLost)),
    reruns: [...reruns],
    topology: REDIS_FAILOVER_TOPOLOGY,
    versions: results[0].versions,
    details: {
      downAfterMs: timing.downAfterMs,
      failoverTimeoutMs: timing.failoverTimeoutMs,
      minReplicasToWrite: durability.minReplicasToWrite,
      minReplicasMaxLagSeconds: durability.minReplicasMaxLagSeconds,
      waitReplicas: durability.waitReplicas,
      waitTimeoutMs: durability.waitTimeoutMs,
      ...(scenario === 'kill-primary-lagging-replicas' ? { valueBytes: 4096, replicaStallMs: REPLICA_STALL_MS } : { valueBytes: 64 }),
      perTrial: results.map((r) => ({
        rtoSeconds: roundSeconds(r.rtoMs),
        ackedWrites: r.ackedWrites,
        ackedWritesLost: r.ackedWritesLost,
        fullResyncsAfterFailover: r.fullResyncsAfterFailover,
        failures: r.failures,
        ...extra(r),
      })),
    },
  };
}
