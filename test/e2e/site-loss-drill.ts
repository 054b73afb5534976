/**
 * The site-loss and failback drill with real servers: two sites on 127.0.0.1, each with its own
 * etcd, two Patroni members and the HAProxy that stands in for the load balancer exposing its
 * primary; site B is a standby cluster replicating from A through A's exposed address; a third
 * HAProxy in front is the traffic switch (B's servers are its backups). The drill kills every
 * process of A during a stream of writes, then executes the runbook the library generates, step
 * by step (patronictl and psql exactly as rendered; fencing, starting and stopping processes
 * and the GitOps flip through the lab's stand-ins), and measures RTO and RPO against the budget.
 * Failback brings A back as a standby of B and switches back with no acknowledged write lost.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { Ack, httpRequest, postgresBinDir, Writer } from './patroni-drill';
import { Drill, largestGapMs, MeasuredRow, median, roundSeconds } from './support/drill-results';
import { freePorts, pidAlive, postmasterPid, ProcessGroup, signalGroup, sleep, userIds, waitFor } from './support/processes';
import { computeBudget, RecoveryBudget } from '../../lib/core/dr/budget';
import { balancerBackupSwitch, fenceItem, patroniPromotionItem } from '../../lib/core/dr/budget-items';
import { CAUGHT_UP_BYTES, DrRunbookSpec, renderRunbook, RunbookTarget } from '../../lib/core/dr/runbook';
import { RunbookStep } from '../../lib/core/intents';
import { PatroniConfigSpec, patroniEnvironment, renderPatroniConfig } from '../../lib/core/postgres/patroni-config';
import { PatroniTiming, PatroniTimingProfile } from '../../lib/core/postgres/patroni-timing';
import { haproxyServerChecks, HaproxyServer, renderHaproxyConfig } from '../../lib/core/traffic/haproxy-config';

export const SITE_DRILL_BINARIES = ['patroni', 'patronictl', 'etcd', 'haproxy', 'psql', 'pg_ctl', 'initdb', 'pg_rewind', 'python3'] as const;

const SITES = ['dc1', 'dc2'] as const;
type Site = (typeof SITES)[number];
const MEMBERS = 2;
const SCOPE = 'drill';
const TABLE = 'drill_writes';
const DRILL_USER = 'drill';
/** How long the drill waits after the loss before acting: its stand-in for the decision. */
export const DECISION_SECONDS = 5;
/** Fencing and the lag check, which the budget allows for. */
export const FENCE_SECONDS = 5;
/** The lag bound the drill's budget declares for asynchronous replication between the sites. */
export const MAX_LAG_SECONDS = 10;

interface Member {
  readonly site: Site;
  readonly name: string;
  readonly pgPort: number;
  readonly apiPort: number;
  readonly dir: string;
}

interface SitePorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  /** The site's exposed primary: what the other site replicates from, and SQL reaches. */
  readonly exposed: number;
  readonly stats: number;
}

/** A runbook step as the drill ran it. */
export interface ExecutedStep {
  readonly title: string;
  readonly ms: number;
  readonly startedAtMs: number;
}

/** What one site-loss trial measured. */
export interface SiteLossResult {
  /** Kill of every process of A to the first acknowledged write on B, through the client path. */
  readonly rtoMs: number;
  readonly acked: number;
  readonly lost: number;
  /** How long before the kill the oldest lost write was acknowledged (0 when none was lost). */
  readonly lostWindowMs: number;
  /** Each step as executed, with its duration. */
  readonly steps: readonly ExecutedStep[];
  readonly budget: RecoveryBudget;
}

/** What one failback measured. */
export interface FailbackResult {
  /** The switch back: largest gap between acknowledged writes. */
  readonly writeGapMs: number;
  readonly acked: number;
  readonly lost: number;
  /** Members of A re-cloned because they stayed diverged. */
  readonly reinitialized: number;
  /** The step running when the largest gap began, and when the gap began and ended. */
  readonly gapDuring: string;
  readonly gapFrom: string;
  readonly gapTo: string;
  readonly steps: readonly ExecutedStep[];
}

/** Two sites with real servers, their exposed primaries, the traffic switch, and the runbook's stand-ins. */
export class TwoSiteLab {
  public readonly timing: PatroniTimingProfile;
  public budget!: RecoveryBudget;
  /** Members re-cloned by `reinitDiverged` so far. */
  public reinitialized = 0;
  private readonly log: (line: string) => void;
  private readonly procs = new ProcessGroup();
  private readonly postmasters = new Set<number>();
  private dir = '';
  private members: Member[] = [];
  private sitePorts = {} as Record<Site, SitePorts>;
  private clientPort = 0;
  private clientStats = 0;
  private readonly passwords = {
    superuser: randomBytes(18).toString('hex'), replication: randomBytes(18).toString('hex'),
    rewind: randomBytes(18).toString('hex'), drill: randomBytes(18).toString('hex'),
  };
  private readonly user = process.getuid?.() === 0 ? userIds('postgres') : undefined;
  private nextId = 1;
  private readonly exitHook: () => void;

  constructor(options: { timing?: PatroniTimingProfile; log?: (line: string) => void } = {}) {
    this.timing = options.timing ?? PatroniTiming.responsive();
    this.log = options.log ?? (() => undefined);
    this.exitHook = () => {
      for (const pid of this.postmasters) signalGroup(pid, 'SIGKILL');
    };
    process.on('exit', this.exitHook);
  }

  /** Starts both sites (A active, B a standby cluster of A) and the traffic switch; waits until B streams. */
  public async up(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'site-drill-'));
    this.own(this.dir);
    const ports = await freePorts(SITES.length * (4 + 2 * MEMBERS) + 2);
    let next = 0;
    for (const site of SITES) {
      this.sitePorts[site] = { etcdClient: ports[next++], etcdPeer: ports[next++], exposed: ports[next++], stats: ports[next++] };
      for (let i = 0; i < MEMBERS; i++) {
        this.members.push({ site, name: `${site}-${i}`, pgPort: ports[next++], apiPort: ports[next++], dir: path.join(this.dir, `${site}-${i}`) });
      }
    }
    this.clientPort = ports[next++];
    this.clientStats = ports[next++];
    this.budget = this.drillBudget();
    const started = Date.now();
    for (const site of SITES) await this.startEtcd(site);
    for (const m of this.members) this.writeConfig(m, m.site === 'dc1' ? 'primary' : 'standby');
    for (const m of this.sitesMembers('dc1')) this.startPatroni(m);
    for (const site of SITES) await this.startExposure(site);
    await this.startClientSwitch();
    await this.waitLeader('dc1', 'leader');
    await this.prepareDatabase();
    for (const m of this.sitesMembers('dc2')) this.startPatroni(m);
    await this.waitLeader('dc2', 'standby_leader');
    await this.waitStreaming('dc2');
    this.log(`two sites up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** Stops everything by PID and removes the temp dir. */
  public async down(): Promise<void> {
    try {
      await this.procs.stopAll();
    } finally {
      for (const m of this.members) this.postmasterPid(m);
      for (const pid of this.postmasters) if (pidAlive(pid)) signalGroup(pid, 'SIGKILL');
      process.removeListener('exit', this.exitHook);
      if (this.dir) {
        const keep = process.env.SITE_DRILL_KEEP_LOGS;
        if (keep) {
          fs.mkdirSync(keep, { recursive: true });
          for (const f of fs.readdirSync(this.dir).filter((x) => x.endsWith('.log'))) fs.copyFileSync(path.join(this.dir, f), path.join(keep, f));
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
      }
    }
  }

  /** The runbook the library generates for this lab, with the lab's commands. */
  public runbook(activeSite: Site = 'dc1') {
    return renderRunbook(this.runbookSpec(activeSite), this.target());
  }

  /** A writer through the traffic switch. */
  public writer(): Writer {
    const connect = () => new Client({
      host: '127.0.0.1', port: this.clientPort, user: DRILL_USER, password: this.passwords.drill, database: 'postgres',
      connectionTimeoutMillis: 2_000, query_timeout: 5_000, keepAlive: true,
    });
    const first = this.nextId;
    this.nextId += 10_000_000;
    return new Writer(connect, first, 'haproxy');
  }

  /** The loss of site A: SIGKILL to every process of the site, all at once. */
  public killSite(site: Site): number {
    const targets = this.sitesMembers(site).flatMap((m) => {
      const pm = this.postmasterPid(m);
      return pm ? [pm] : [];
    });
    const atMs = Date.now();
    for (const name of this.procs.names().filter((n) => n.endsWith(`@${site}`))) {
      if (this.procs.isAlive(name)) this.procs.signal(name, 'SIGKILL');
    }
    for (const pid of targets) signalGroup(pid, 'SIGKILL');
    return atMs;
  }

  /** Acknowledged ids missing on `site`'s leader. */
  public async missingOn(site: Site, ids: readonly number[]): Promise<number[]> {
    const client = this.superuser(this.sitePorts[site].exposed);
    await client.connect();
    try {
      const res = await client.query<{ id: string }>(
        `SELECT x AS id FROM unnest($1::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM ${TABLE} w WHERE w.id = x)`, [ids]);
      return res.rows.map((r) => Number(r.id));
    } finally {
      await client.end();
    }
  }

  /** Runs the steps as the runbook renders them, in order; `lab:` commands are the lab's stand-ins. */
  public async execute(steps: readonly RunbookStep[]): Promise<ExecutedStep[]> {
    const done: ExecutedStep[] = [];
    for (const step of steps) {
      const started = Date.now();
      if (step.title.startsWith('Wait until')) await this.waitStep(step);
      else await this.run(step.command, step.title);
      done.push({ title: step.title, ms: Date.now() - started, startedAtMs: started });
      this.log(`  ${((Date.now() - started) / 1000).toFixed(2).padStart(6)} s  ${step.title}`);
    }
    return done;
  }

  // -------------------------------------------------------------------------------------------

  private drillBudget(): RecoveryBudget {
    const checks = this.timing.haproxyCheck;
    return computeBudget({
      targets: {},
      inSite: [],
      siteLoss: {
        decisionSeconds: DECISION_SECONDS,
        promotions: [fenceItem(FENCE_SECONDS), patroniPromotionItem(SCOPE, this.timing)],
        // No GitOps in the lab: nothing to activate but the roles the runbook already changed.
        activation: [],
        traffic: balancerBackupSwitch('HAProxy backup servers', { interMs: checks.interMs, fall: checks.fall, timeoutMs: checks.timeoutMs }),
      },
      siteLossData: [{ name: SCOPE, replication: 'asynchronous', maxLagSeconds: MAX_LAG_SECONDS, basis: 'the drill\'s declared lag bound' }],
    });
  }

  private runbookSpec(activeSite: Site): DrRunbookSpec {
    return {
      topology: SCOPE,
      namespace: SCOPE,
      activeSite,
      sites: SITES.map((site) => ({ name: site, clusters: [{ name: site, folder: site }] })),
      postgres: {
        scope: SCOPE,
        members: MEMBERS,
        synchronous: true,
        sites: Object.fromEntries(SITES.map((site) => [site, {
          cluster: site, primaryHost: '127.0.0.1', primaryPort: this.sitePorts[site].exposed, slot: slotOf(site),
        }])),
        archived: false,
      },
      stoppedServices: [],
      services: [{ name: 'writer' }],
      traffic: { kind: 'failover', host: `127.0.0.1:${this.clientPort}`, service: 'writer' },
      gitOps: { tool: 'argo-cd', repoURL: 'https://git.example.com/drill.git', branch: 'main' },
      objectStorage: [],
      sharedSecrets: [],
      secretsSynced: false,
      budget: this.budget,
    };
  }

  /** The runbook's commands for this lab. */
  private target(): RunbookTarget {
    const config = (site: string) => path.join(this.dir, `${site}-0`, 'patroni.yml');
    const psql = (port: number, statement: string) => `psql -h 127.0.0.1 -p ${port} -U postgres -d postgres -Atc "${statement}"`;
    return {
      patronictl: (site, args) => `patronictl -c ${config(site)} ${args}`,
      sql: (site, statement) => psql(this.sitePorts[site as Site].exposed, statement),
      setStandbyInDcs: (site, source) => `patronictl -c ${config(site)} edit-config --force --set synchronous_mode=false --set slots=null `
        + `--set standby_cluster.host=127.0.0.1 --set standby_cluster.port=${this.sitePorts[source as Site].exposed} `
        + `--set standby_cluster.primary_slot_name=${slotOf(site)}`,
      stopDatabase: (site) => `lab:stop-database ${site}`,
      startDatabase: (site) => `lab:start-database ${site}`,
      reinitDiverged: (site) => `patronictl -c ${config(site)} list -f json | python3 -c 'import json,sys; `
        + '[print(m["Member"]) for m in json.load(sys.stdin) if m["Role"] not in ("Leader", "Standby Leader") and m["State"] != "streaming"]\' '
        + `| xargs -r -n1 patronictl -c ${config(site)} reinit --force ${SCOPE}`,
      fence: (site) => `lab:fence ${site}`,
      unfence: (site) => `lab:unfence ${site}`,
      activate: (active) => `lab:activate ${active}`,
      checkServices: (site) => `lab:check-services ${site}`,
      checkTraffic: (site) => `lab:check-traffic ${site}`,
    };
  }

  /** Runs a step's command; `a && b` runs as parts, so a `lab:` part can sit between shell commands. */
  private async run(command: string, title: string): Promise<void> {
    const parts = command.split(/\s+&&\s+/);
    if (parts.length > 1) {
      for (const part of parts) await this.run(part, title);
      return;
    }
    if (command.startsWith('lab:')) return this.labCommand(command.slice(4).trim());
    const result = await this.shell(command, 180_000);
    if (result.status !== 0) throw new Error(`step "${title}" failed (${result.status}): ${command}\n${result.stdout}\n${result.stderr}`);
    if (/reinit/.test(command)) this.reinitialized += (result.stdout.match(/reinitialize|Success: reinitialize/gi) ?? []).length;
  }

  /** A "wait" step: its command prints what it waits on; run it until it says done (bounded). */
  private async waitStep(step: RunbookStep): Promise<void> {
    await waitFor(step.title, async () => {
      const result = await this.shell(step.command, 10_000);
      if (result.status !== 0) return undefined;
      const values = result.stdout.trim().split('\n').map((l) => l.trim());
      if (step.title.includes('replayed')) return values.length === 2 && values[0] === values[1] || undefined;
      // Caught up: connected through its slot (a row) and within the runbook's bound.
      return values[0] !== '' && Number(values[0]) < CAUGHT_UP_BYTES || undefined;
    }, { timeoutMs: 120_000, intervalMs: 200 });
  }

  /**
   * A shell command, asynchronously: a synchronous one would stop the writers' event loop and
   * show up as an outage that is not there.
   */
  private shell(command: string, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('sh', ['-c', command], { env: { ...process.env, PGPASSWORD: this.passwords.superuser, PGCONNECT_TIMEOUT: '3' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
  }

  private async labCommand(command: string): Promise<void> {
    const [verb, site] = command.split(/\s+/) as [string, Site];
    switch (verb) {
      case 'fence':
      case 'stop-database':
        // The lost site's processes are dead; a returning one is started only by the runbook.
        for (const m of this.sitesMembers(site)) await this.stopMember(m);
        return;
      case 'start-database':
        if (!this.procs.isAlive(`etcd@${site}`)) await this.startEtcd(site);
        for (const m of this.sitesMembers(site)) this.startPatroni(m);
        if (!this.procs.isAlive(`haproxy@${site}`)) await this.startExposure(site);
        await this.waitLeader(site, 'standby_leader');
        return;
      case 'unfence':
      case 'activate':
      case 'check-services':
        // No GitOps and no services in the lab: the database steps carry the roles.
        return;
      case 'check-traffic':
        await waitFor(`writes through the switch to reach ${site}`, async () => {
          const client = new Client({ host: '127.0.0.1', port: this.clientPort, user: 'postgres', password: this.passwords.superuser, database: 'postgres', connectionTimeoutMillis: 2000 });
          client.on('error', () => undefined);
          try {
            await client.connect();
            const res = await client.query<{ port: number }>("SELECT current_setting('port')::int AS port, NOT pg_is_in_recovery() AS writable");
            const row = res.rows[0] as unknown as { port: number; writable: boolean };
            return row.writable && this.sitesMembers(site).some((m) => m.pgPort === row.port) || undefined;
          } catch {
            return undefined;
          } finally {
            await client.end().catch(() => undefined);
          }
        }, { timeoutMs: 60_000, intervalMs: 200 });
        return;
      default:
        throw new Error(`unknown lab command ${command}`);
    }
  }

  /** Versions of the servers that ran, read from them. */
  public async versions(): Promise<Record<string, string>> {
    const member = this.sitesMembers('dc2')[0];
    const patroni = JSON.parse((await get(member.apiPort, '/patroni', 2000))?.text ?? '{}') as { patroni?: { version: string } };
    const etcd = JSON.parse((await get(this.sitePorts.dc2.etcdClient, '/version', 2000))?.text ?? '{}') as { etcdserver?: string };
    const client = this.superuser(this.sitePorts.dc2.exposed);
    await client.connect();
    try {
      const postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version.split(' ')[0];
      const haproxy = /version (\S+)/.exec(await this.shell('haproxy -v', 5000).then((r) => r.stdout))?.[1] ?? 'unknown';
      return { patroni: patroni.patroni?.version ?? 'unknown', postgresql: postgres, etcd: etcd.etcdserver ?? 'unknown', haproxy };
    } finally {
      await client.end();
    }
  }

  /** Restarts a dead site's etcd: the site comes back, its database not yet. */
  public async siteReturns(site: Site): Promise<void> {
    await this.startEtcd(site, true);
  }

  private sitesMembers(site: Site): Member[] {
    return this.members.filter((m) => m.site === site);
  }

  private own(target: string): void {
    if (this.user) fs.chownSync(target, this.user.uid, this.user.gid);
  }

  private async startEtcd(site: Site, existing = false): Promise<void> {
    const ports = this.sitePorts[site];
    const peer = `http://127.0.0.1:${ports.etcdPeer}`;
    const client = `http://127.0.0.1:${ports.etcdClient}`;
    this.procs.start(`etcd@${site}`, 'etcd', [
      '--name', `etcd-${site}`, '--data-dir', path.join(this.dir, `etcd-${site}`),
      '--listen-client-urls', client, '--advertise-client-urls', client,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `etcd-${site}=${peer}`, '--initial-cluster-state', existing ? 'existing' : 'new',
    ], { logFile: path.join(this.dir, `etcd-${site}.log`) });
    await waitFor(`etcd of ${site}`, async () => {
      const res = await get(ports.etcdClient, '/health').catch(() => undefined);
      return res?.status === 200 && res.text.includes('true');
    }, { timeoutMs: 20_000, intervalMs: 100 });
  }

  /** Each member's patroni.yml, from the renderer every PatroniCluster uses. */
  private spec(m: Member, role: 'primary' | 'standby'): PatroniConfigSpec {
    const other = SITES.find((s) => s !== m.site)!;
    return {
      path: `drill/${m.name}`,
      scope: SCOPE,
      name: m.name,
      members: MEMBERS,
      dcs: { kind: 'etcd3', hosts: [`127.0.0.1:${this.sitePorts[m.site].etcdClient}`] },
      restApi: { listenAddress: '127.0.0.1', port: m.apiPort, connectAddress: '127.0.0.1' },
      timing: this.timing,
      synchronousMode: role === 'primary',
      parameters: { shared_buffers: '32MB', max_wal_size: '256MB', max_connections: 100, wal_keep_size: '256MB' },
      permanentSlots: role === 'primary' ? [slotOf(other)] : undefined,
      standbyCluster: role === 'standby' ? { host: '127.0.0.1', port: this.sitePorts[other].exposed, primarySlotName: slotOf(m.site) } : undefined,
      postgresql: {
        listenAddress: '127.0.0.1', port: m.pgPort, connectAddress: '127.0.0.1',
        dataDir: path.join(m.dir, 'data'), binDir: postgresBinDir(), pgpass: path.join(m.dir, 'pgpass'),
        parameters: { unix_socket_directories: m.dir },
        clientCidrs: ['127.0.0.1/32'],
      },
    };
  }

  private writeConfig(m: Member, role: 'primary' | 'standby'): void {
    fs.mkdirSync(m.dir, { mode: 0o700, recursive: true });
    this.own(m.dir);
    const file = path.join(m.dir, 'patroni.yml');
    fs.writeFileSync(file, renderPatroniConfig(this.spec(m, role)), { mode: 0o600 });
    this.own(file);
  }

  private startPatroni(m: Member): void {
    const env: NodeJS.ProcessEnv = { HOME: m.dir, PGHOST: m.dir };
    for (const need of patroniEnvironment(this.spec(m, 'primary'))) {
      env[need.name] = ({
        PATRONI_SUPERUSER_PASSWORD: this.passwords.superuser, PATRONI_REPLICATION_PASSWORD: this.passwords.replication,
        PATRONI_REWIND_PASSWORD: this.passwords.rewind,
      } as Record<string, string>)[need.name];
    }
    this.procs.start(`patroni-${m.name}@${m.site}`, 'patroni', [path.join(m.dir, 'patroni.yml')], {
      logFile: path.join(this.dir, `patroni-${m.name}.log`), cwd: m.dir, env, user: this.user,
    });
  }

  private async stopMember(m: Member): Promise<void> {
    const name = `patroni-${m.name}@${m.site}`;
    if (this.procs.names().includes(name)) await this.procs.stop(name, 10_000);
    const pm = this.postmasterPid(m);
    if (pm && pidAlive(pm)) {
      signalGroup(pm, 'SIGINT');
      await waitFor(`${m.name}'s postmaster to stop`, async () => !pidAlive(pm) || undefined, { timeoutMs: 30_000 }).catch(() => signalGroup(pm, 'SIGKILL'));
    }
  }

  /** The load balancer of a site: its leader (primary or standby leader), on Patroni's `/leader` check. */
  private async startExposure(site: Site): Promise<void> {
    const cfg = path.join(this.dir, `haproxy-${site}.cfg`);
    const checks = this.timing.haproxyCheck;
    fs.writeFileSync(cfg, renderHaproxyConfig({
      path: `drill/haproxy-${site}`,
      listeners: [{
        name: 'leader', bindAddress: '127.0.0.1', port: this.sitePorts[site].exposed, mode: 'tcp',
        healthCheck: { method: 'GET', path: '/leader', expectStatus: 200 },
        serverChecks: haproxyServerChecks(checks),
        servers: this.sitesMembers(site).map((m) => ({ name: m.name, address: '127.0.0.1', port: m.pgPort, checkPort: m.apiPort })),
      }],
      stats: { port: this.sitePorts[site].stats, bindAddress: '127.0.0.1', uri: '/stats' },
    }));
    this.procs.start(`haproxy@${site}`, 'haproxy', ['-db', '-f', cfg], { logFile: path.join(this.dir, `haproxy-${site}.log`) });
    await waitFor(`HAProxy of ${site}`, async () => (await get(this.sitePorts[site].stats, '/stats;csv'))?.status === 200, { timeoutMs: 10_000 });
  }

  /** The traffic switch in front of both sites: A's members serve, B's are backups; both checked on `/primary`. */
  private async startClientSwitch(): Promise<void> {
    const cfg = path.join(this.dir, 'haproxy-switch.cfg');
    const servers: HaproxyServer[] = this.members.map((m) => ({
      name: m.name, address: '127.0.0.1', port: m.pgPort, checkPort: m.apiPort, backup: m.site !== 'dc1',
    }));
    fs.writeFileSync(cfg, renderHaproxyConfig({
      path: 'drill/switch',
      listeners: [{
        name: 'writes', bindAddress: '127.0.0.1', port: this.clientPort, mode: 'tcp',
        healthCheck: { method: 'GET', path: '/primary', expectStatus: 200 },
        serverChecks: haproxyServerChecks(this.timing.haproxyCheck),
        servers,
      }],
      stats: { port: this.clientStats, bindAddress: '127.0.0.1', uri: '/stats' },
    }));
    this.procs.start('haproxy-switch', 'haproxy', ['-db', '-f', cfg], { logFile: path.join(this.dir, 'haproxy-switch.log') });
    await waitFor('the traffic switch', async () => (await get(this.clientStats, '/stats;csv'))?.status === 200, { timeoutMs: 10_000 });
  }

  private async cluster(site: Site): Promise<{ name: string; role: string; state: string; lag?: unknown }[]> {
    for (const m of this.sitesMembers(site)) {
      const res = await get(m.apiPort, '/cluster', 1500);
      if (res?.status === 200) return (JSON.parse(res.text) as { members: { name: string; role: string; state: string }[] }).members;
    }
    return [];
  }

  private async waitLeader(site: Site, role: 'leader' | 'standby_leader'): Promise<void> {
    await waitFor(`a running ${role} on ${site}`, async () => (await this.cluster(site)).some((m) => m.role === role && m.state === 'running') || undefined,
      { timeoutMs: 180_000, intervalMs: 250 });
  }

  private async waitStreaming(site: Site): Promise<void> {
    await waitFor(`${site} streaming`, async () => {
      const members = await this.cluster(site);
      return members.length === MEMBERS && members.every((m) => ['running', 'streaming'].includes(m.state)) || undefined;
    }, { timeoutMs: 180_000, intervalMs: 250 });
  }

  private async prepareDatabase(): Promise<void> {
    await waitFor('the exposed primary of dc1', async () => {
      const client = this.superuser(this.sitePorts.dc1.exposed);
      try {
        await client.connect();
        return (await client.query('SELECT NOT pg_is_in_recovery() AS w')).rows[0].w || undefined;
      } catch {
        return undefined;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, { timeoutMs: 60_000, intervalMs: 250 });
    const client = this.superuser(this.sitePorts.dc1.exposed);
    await client.connect();
    try {
      await client.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, via text NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`CREATE ROLE ${DRILL_USER} LOGIN PASSWORD ${client.escapeLiteral(this.passwords.drill)}`);
      await client.query(`GRANT SELECT, INSERT ON ${TABLE} TO ${DRILL_USER}`);
    } finally {
      await client.end();
    }
  }

  private superuser(port: number): Client {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: this.passwords.superuser, database: 'postgres', connectionTimeoutMillis: 3_000, query_timeout: 20_000 });
    client.on('error', () => undefined);
    return client;
  }

  private postmasterPid(m: Member): number | undefined {
    return postmasterPid(path.join(m.dir, 'data'), this.postmasters);
  }
}

/** GET on a server of the lab, undefined when it does not answer. */
function get(port: number, urlPath: string, timeoutMs = 1000) {
  return httpRequest('GET', { host: '127.0.0.1', port }, urlPath, undefined, timeoutMs).catch(() => undefined);
}

function slotOf(site: string): string {
  return `standby_${site}`;
}


/** Steady writing before a disruption, so gaps are measured between real acknowledgements. */
const STEADY_MS = 3_000;

/**
 * Site A is lost during a stream of writes: every process of A is killed at once; after the
 * decision delay, the runbook's failover steps run in order. RTO is the largest gap between
 * acknowledged writes through the traffic switch; RPO is the acknowledged writes B lacks.
 */
export async function siteLossTrial(lab: TwoSiteLab): Promise<SiteLossResult> {
  const writer = lab.writer();
  writer.start();
  let killedAt = 0;
  let steps: ExecutedStep[];
  try {
    await sleep(STEADY_MS);
    killedAt = lab.killSite('dc1');
    await sleep(DECISION_SECONDS * 1000);
    const { failover } = lab.runbook('dc1');
    // The decision is the wait just made; the lab runs every other step as rendered.
    steps = await lab.execute(failover.filter((s) => !s.title.startsWith('Decide')));
    await waitFor('writes acknowledged on dc2', async () => writer.acks.some((a) => a.atMs > killedAt) || undefined, { timeoutMs: 60_000 });
    await sleep(STEADY_MS);
  } finally {
    await writer.stop();
  }
  const ids = writer.acks.map((a) => a.id);
  const missing = new Set(await lab.missingOn('dc2', ids));
  const lostAcks = writer.acks.filter((a) => missing.has(a.id));
  return {
    rtoMs: largestGapMs(writer.ackTimes()),
    acked: ids.length,
    lost: missing.size,
    lostWindowMs: lostAcks.length ? Math.max(...lostAcks.map((a: Ack) => killedAt - a.atMs)) : 0,
    steps,
    budget: lab.budget,
  };
}

/**
 * Site A returns: its etcd comes back, then the runbook's failback steps run in order (A marked
 * a standby of B in its own DCS before its members start, rewound or re-cloned, caught up, then
 * the planned switch back) during a stream of writes. No acknowledged write may be lost.
 */
export async function failbackTrial(lab: TwoSiteLab): Promise<FailbackResult> {
  const writer = lab.writer();
  writer.start();
  let steps: ExecutedStep[];
  try {
    await sleep(STEADY_MS);
    await lab.siteReturns('dc1');
    const { failback } = lab.runbook('dc1');
    steps = await lab.execute(failback);
    await sleep(STEADY_MS);
  } finally {
    await writer.stop();
  }
  const ids = writer.acks.map((a) => a.id);
  const missing = await lab.missingOn('dc1', ids);
  const times = writer.ackTimes();
  const gapStart = times.findIndex((t, i) => i + 1 < times.length && times[i + 1] - t === largestGapMs(times));
  const gapDuring = [...steps].reverse().find((step) => step.startedAtMs <= times[gapStart])?.title ?? 'before the steps';
  return {
    writeGapMs: largestGapMs(times), acked: ids.length, lost: missing.length, reinitialized: lab.reinitialized, steps, gapDuring,
    gapFrom: new Date(times[gapStart]).toISOString(), gapTo: new Date(times[gapStart + 1]).toISOString(),
  };
}

/** What ran where, for the rows and docs. */
export const SITE_DRILL_TOPOLOGY = 'two sites on 127.0.0.1, each with its own etcd (1 member), 2 Patroni members and an HAProxy exposing its leader; '
  + "B a standby cluster of A through A's exposed address, slot and all; a third HAProxy in front, B's members its backup servers";

/** `npm run drill`: fresh labs, each a site loss then a failback; one row per scenario. */
export const siteLossDrill: Drill = {
  id: 'patroni-site-loss',
  source: 'test/e2e/site-loss-drill.ts',
  description: 'Two Patroni sites: site A lost, the generated failover runbook executed; then A back as a standby and the failback runbook',
  run: async ({ trials, log }) => {
    const losses: SiteLossResult[] = [];
    const failbacks: FailbackResult[] = [];
    let versions: Record<string, string> = {};
    for (let trial = 1; trial <= trials; trial++) {
      const lab = new TwoSiteLab({ log });
      try {
        await lab.up();
        versions = await lab.versions();
        const loss = await siteLossTrial(lab);
        log(`site-loss trial ${trial}: RTO ${(loss.rtoMs / 1000).toFixed(2)} s, ${loss.lost} of ${loss.acked} acknowledged writes lost`);
        losses.push(loss);
        const back = await failbackTrial(lab);
        log(`failback trial ${trial}: write gap ${(back.writeGapMs / 1000).toFixed(2)} s, ${back.lost} of ${back.acked} lost, ${back.reinitialized} member(s) re-cloned`);
        failbacks.push(back);
      } finally {
        await lab.down();
      }
    }
    const budget = losses[0].budget.scenarios.find((s) => s.scenario === 'site loss')!;
    const common = { system: 'patroni' as const, profile: PatroniTiming.responsive().name, synchronous: false, reruns: [], topology: SITE_DRILL_TOPOLOGY, versions };
    const rows: MeasuredRow[] = [
      {
        ...common, scenario: 'site-loss', trials: losses.length,
        rtoMedianSeconds: roundSeconds(median(losses.map((l) => l.rtoMs))), rtoMaxSeconds: roundSeconds(Math.max(...losses.map((l) => l.rtoMs))),
        ackedWritesLost: Math.max(...losses.map((l) => l.lost)),
        budgetRtoSeconds: budget.rtoSeconds,
        budgetRpoSeconds: budget.rpoSeconds ?? undefined,
        details: {
          lostPerTrial: losses.map((l) => l.lost), lostWindowSecondsPerTrial: losses.map((l) => roundSeconds(l.lostWindowMs)),
          decisionSeconds: DECISION_SECONDS,
        },
      },
      {
        ...common, scenario: 'failback', trials: failbacks.length,
        rtoMedianSeconds: roundSeconds(median(failbacks.map((f) => f.writeGapMs))),
        rtoMaxSeconds: roundSeconds(Math.max(...failbacks.map((f) => f.writeGapMs))),
        ackedWritesLost: Math.max(...failbacks.map((f) => f.lost)),
        details: { reinitializedPerTrial: failbacks.map((f) => f.reinitialized) },
      },
    ];
    return rows;
  },
};
