/**
 * The Patroni partition drill: the leader is cut off from the DCS (etcd) and from the other
 * members, with an HAProxy on its side and one on the majority side, each with a writer behind
 * it. Every server runs in its own network namespace from the configs lib/core renders
 * (patroni.yml, haproxy.cfg); the cut is the trunk between the two sides going down.
 *
 * Measured per trial: when the old leader stopped being a primary (`pg_is_in_recovery()` from
 * outside the partition, every 100 ms), which member acknowledged each write (the writers'
 * `inet_server_port()`, and a probe writing straight to every member), when each HAProxy
 * stopped routing to the old leader, and which acknowledged writes the new leader lacks.
 *
 * How it maps to Kubernetes: there the DCS is the API server and the route is the leader
 * Service, whose Endpoints Patroni writes in the same update as its leader key. A leader cut
 * off from the API server can write neither, so the Endpoints keep its address until the new
 * leader takes the key and rewrites them; meanwhile the old leader demotes itself on the same
 * schedule as here (its next loop, then retry_timeout), and in synchronous mode its commits
 * wait for a standby it cannot reach, so no client gets an acknowledgement from it.
 */
import { Client } from 'pg';
import { PatroniLab, profileByName } from './patroni-drill';
import { Drill, MeasuredRow, roundSeconds } from './support/drill-results';
import { NamespaceNetwork } from './support/network';
import { sleep, waitFor } from './support/processes';

const PROXY_A = 'haproxy-a';
const PROXY_B = 'haproxy-b';
const STEADY_MS = 2_000;

/** One acknowledged write: when, and which member (its PostgreSQL port). */
interface ServerAck {
  readonly atMs: number;
  readonly server: number;
  readonly id: number;
}

/** Writes straight to one member through its relay, one at a time, and records each acknowledgement; never times a write out. */
class MemberProbe {
  public readonly acks: ServerAck[] = [];
  /** `pg_is_in_recovery()` samples: false for a primary, true for a replica, undefined when it did not answer. */
  public readonly roles: Array<{ atMs: number; recovery?: boolean }> = [];
  private running = true;
  private readonly loops: Promise<void>[];
  private readonly clients = new Set<Client>();

  constructor(private readonly lab: PatroniLab, private readonly port: number, private nextId: number) {
    this.loops = [this.writeLoop(), this.roleLoop()];
  }

  public async stop(): Promise<void> {
    this.running = false;
    for (const client of this.clients) await Promise.race([client.end().catch(() => undefined), sleep(500)]);
    await Promise.race([Promise.all(this.loops), sleep(3_000)]);
  }

  private async connect(queryMs: number): Promise<Client> {
    const client = this.lab.superuserClient(this.port, { connectMs: 1_000, queryMs });
    this.clients.add(client);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await this.drop(client);
      throw err;
    }
  }

  private async drop(client: Client | undefined): Promise<void> {
    if (!client) return;
    this.clients.delete(client);
    await Promise.race([client.end().catch(() => undefined), sleep(500)]);
  }

  /** A synchronous commit on a cut-off leader waits: the probe waits with it rather than count anything. */
  private async writeLoop(): Promise<void> {
    let client: Client | undefined;
    while (this.running) {
      try {
        client ??= await this.connect(0);
        const id = this.nextId++;
        await client.query('INSERT INTO drill_writes (id, via) VALUES ($1, $2)', [id, 'probe']);
        this.acks.push({ atMs: Date.now(), server: this.port, id });
      } catch {
        await this.drop(client);
        client = undefined;
      }
      await sleep(100);
    }
    await this.drop(client);
  }

  private async roleLoop(): Promise<void> {
    let client: Client | undefined;
    while (this.running) {
      const atMs = Date.now();
      try {
        client ??= await this.connect(1_000);
        const { rows } = await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
        this.roles.push({ atMs, recovery: rows[0].recovery });
      } catch {
        this.roles.push({ atMs });
        await this.drop(client);
        client = undefined;
      }
      await sleep(100);
    }
    await this.drop(client);
  }
}

/** What one partition of the leader did. */
export interface PatroniPartitionResult {
  readonly oldLeader: string;
  readonly newLeader: string;
  /** Where in the leader's HA loop the cut landed: ms after it last renewed its key. */
  readonly msAfterLoop: number;
  /** Synchronous mode, as the running cluster reported it before the cut. */
  readonly synchronous: boolean;
  /** From the cut until the old leader stopped being a primary (in recovery or not answering). */
  readonly demoteMs: number;
  /** From the cut until another member led. */
  readonly promotedMs: number;
  /** From the cut until each HAProxy stopped routing to the old leader (for good). */
  readonly routeMs: { readonly a: number; readonly b: number };
  /** Each HAProxy's primary route after the cut, at every change: ms after the cut and the servers UP. */
  readonly routeChanges: Readonly<Record<string, ReadonlyArray<readonly [number, string]>>>;
  /** Writes acknowledged by the writer on the old leader's side and on the majority side. */
  readonly acked: { readonly a: number; readonly b: number };
  /** Acknowledged writes (writers and probes) missing on the new leader. */
  readonly ackedWritesLost: number;
  /** Acknowledged writes the old leader answered later than ttl after the cut. */
  readonly writesToDeposedPrimary: number;
  /** Acknowledged writes the old leader answered after the cut, any time. */
  readonly ackedByOldLeaderAfterCut: number;
  /** How long the last acknowledgement of the old leader came after the first of the new one (0 when never). */
  readonly twoWritableMs: number;
  /** The old leader's role once the partition healed and the cluster was healthy again. */
  readonly oldLeaderRejoinedAs: string;
}

/**
 * One partition: the leader and haproxy-a on one side, etcd, the other members and haproxy-b on
 * the other; a writer behind each HAProxy and a probe on every member. The cut lands `phase` of
 * loop_wait after the leader renewed its key (phase 0: the worst point, the key lives a whole
 * ttl). Heals once the majority side has a new leader taking writes, and waits until the old
 * leader is back as a replica.
 */
export async function patroniPartitionTrial(lab: PatroniLab, phase = 0, log?: (line: string) => void): Promise<PatroniPartitionResult> {
  const network = lab.network as NamespaceNetwork;
  const { leader: old } = await lab.waitHealthy();
  await network.split([old, PROXY_A]);
  await lab.waitHealthy();
  const synchronous = await lab.synchronousNow();
  const writerA = lab.writer('haproxy', PROXY_A);
  const writerB = lab.writer('haproxy', PROXY_B);
  const probes = lab.memberNames().map((name) => new MemberProbe(lab, lab.memberPort(name), lab.reserveIds()));
  const routes = new Map<string, Array<{ atMs: number; up: string[] }>>([[PROXY_A, []], [PROXY_B, []]]);
  let sampling = true;
  const routeLoop = (async () => {
    while (sampling) {
      for (const [proxy, samples] of routes) samples.push({ atMs: Date.now(), up: await lab.haproxyUp('primary', proxy).catch(() => ['?']) });
      await sleep(100);
    }
  })();
  writerA.start();
  writerB.start();
  let cutAt = 0;
  let healed = false;
  try {
    await waitFor('both writers to be acknowledged', async () => writerA.acks.length > 20 && writerB.acks.length > 20, { timeoutMs: 15_000 });
    await sleep(STEADY_MS);
    const loopAt = await lab.waitForLeaderLoop(old);
    await sleep(Math.max(0, loopAt + phase * lab.profile.loopWaitSeconds * 1000 - Date.now()));
    network.cut();
    cutAt = Date.now();
    log?.(`cut ${old} and ${PROXY_A} off from etcd and the other members, ${cutAt - loopAt} ms after its loop`);
    const others = lab.memberNames().filter((n) => n !== old);
    const newLeader = await waitFor('a member of the majority side to lead', async () => {
      const members = await lab.clusterFrom(others[0]);
      return members.find((m) => m.role === 'leader' && m.state === 'running' && m.name !== old)?.name;
    }, { timeoutMs: lab.failoverBoundMs, intervalMs: 100 });
    const promotedMs = Date.now() - cutAt;
    const oldProbe = probes[lab.memberNames().indexOf(old)];
    await waitFor(`${old} to stop being a primary`, async () => oldProbe.roles.some((r) => r.atMs > cutAt && r.recovery !== false),
      { timeoutMs: lab.failoverBoundMs, intervalMs: 100 });
    const promotedAt = Date.now();
    await waitFor('writes through the majority side\'s HAProxy', async () => (writerB.acks.at(-1)?.atMs ?? 0) > promotedAt, { timeoutMs: lab.failoverBoundMs, intervalMs: 50 });
    await sleep(STEADY_MS);
    network.heal();
    healed = true;
    log?.(`healed after ${roundSeconds(Date.now() - cutAt)} s; ${newLeader} led ${roundSeconds(promotedMs)} s after the cut`);
    await lab.waitHealthy();
    await sleep(STEADY_MS);
    await Promise.all([writerA.stop(), writerB.stop()]);
    sampling = false;
    await routeLoop;
    for (const probe of probes) await probe.stop();

    const acks: ServerAck[] = [...writerA.acks, ...writerB.acks, ...probes.flatMap((p) => p.acks)]
      .map((a) => ({ atMs: a.atMs, server: a.server, id: a.id }));
    const missing = await lab.missingOnLeader(acks.map((a) => a.id));
    const oldPort = lab.memberPort(old);
    const newPort = lab.memberPort(newLeader);
    const fromOld = acks.filter((a) => a.server === oldPort && a.atMs > cutAt);
    const lastOld = Math.max(...acks.filter((a) => a.server === oldPort).map((a) => a.atMs));
    const firstNew = Math.min(...acks.filter((a) => a.server === newPort && a.atMs > cutAt).map((a) => a.atMs));
    const demoted = oldProbe.roles.find((r) => r.atMs > cutAt && r.recovery !== false)!;
    const routeLeft = (proxy: string) => {
      let left: number | undefined;
      for (const sample of routes.get(proxy)!.filter((s) => s.atMs > cutAt)) {
        if (sample.up.includes(old)) left = undefined;
        else left ??= sample.atMs;
      }
      return (left ?? Number.POSITIVE_INFINITY) - cutAt;
    };
    const result: PatroniPartitionResult = {
      oldLeader: old,
      newLeader,
      msAfterLoop: cutAt - loopAt,
      synchronous,
      demoteMs: demoted.atMs - cutAt,
      promotedMs,
      routeMs: { a: routeLeft(PROXY_A), b: routeLeft(PROXY_B) },
      routeChanges: Object.fromEntries([...routes].map(([proxy, samples]) => [proxy, changes(samples.filter((x) => x.atMs > cutAt - 500), cutAt)])),
      acked: { a: writerA.acks.length, b: writerB.acks.length },
      ackedWritesLost: missing.length,
      writesToDeposedPrimary: fromOld.filter((a) => a.atMs > cutAt + lab.profile.ttlSeconds * 1000).length,
      ackedByOldLeaderAfterCut: fromOld.length,
      twoWritableMs: Math.max(0, lastOld - firstNew),
      oldLeaderRejoinedAs: (await lab.memberState(old))?.role ?? 'missing',
    };
    log?.(`patroni partition (${lab.profile.name}): ${old} demoted ${roundSeconds(result.demoteMs)} s after the cut (ttl ${lab.profile.ttlSeconds} s), `
      + `${newLeader} led after ${roundSeconds(promotedMs)} s, routes left ${roundSeconds(result.routeMs.a)} / ${roundSeconds(result.routeMs.b)} s; `
      + `${result.ackedByOldLeaderAfterCut} acknowledged by ${old} after the cut, ${result.ackedWritesLost} of ${acks.length} lost; ${old} back as ${result.oldLeaderRejoinedAs}`);
    return result;
  } finally {
    if (!healed && cutAt > 0) network.heal();
    sampling = false;
    await Promise.all([writerA.stop(), writerB.stop()]);
    await routeLoop;
    for (const probe of probes) await probe.stop();
  }
}

/** The samples where the routed servers changed, as [ms after the cut, servers]. */
function changes(samples: ReadonlyArray<{ atMs: number; up: string[] }>, cutAt: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const s of samples) {
    const up = s.up.join('+') || 'none';
    if (out.length === 0 || out[out.length - 1][1] !== up) out.push([s.atMs - cutAt, up]);
  }
  return out;
}

/** A lab for partitions: every server in its own namespace, an HAProxy on each side, no PgBouncer. */
export function partitionLab(profile: string, log?: (line: string) => void): PatroniLab {
  return new PatroniLab({ profile: profileByName(profile), synchronous: true, network: 'namespaces', proxies: [PROXY_A, PROXY_B], pgbouncer: false, log });
}

/** What the partition rows were measured on. */
export const PATRONI_PARTITION_TOPOLOGY = 'etcd (1 member) as the DCS, 3 Patroni members in synchronous mode, 2 HAProxies routing on GET /primary, '
  + 'each in its own network namespace; the leader and one HAProxy cut off from the rest (trunk link down); one writer through each HAProxy '
  + 'and a probe writing to every member directly';

/** Profiles the partition drill measures. */
const PARTITION_PROFILES = ['default', 'responsive', 'fast'];

/** The partition drill, per profile: one lab each, `trials` partitions spread over the leader's loop (the first at its worst point). */
export const patroniPartitionDrill: Drill = {
  id: 'patroni-partition',
  source: 'test/e2e/patroni-partition-drill.ts',
  description: 'Patroni in network namespaces: the leader cut off from etcd and the other members, per timing profile',
  run: async ({ trials, log }) => {
    const rows: MeasuredRow[] = [];
    for (const profile of PARTITION_PROFILES) {
      const lab = partitionLab(profile, log);
      try {
        await lab.up();
        const versions = await lab.versions();
        const results: PatroniPartitionResult[] = [];
        for (let i = 0; i < trials; i++) results.push(await patroniPartitionTrial(lab, i / trials, log));
        rows.push({
          system: 'patroni',
          profile,
          scenario: 'partition',
          synchronous: results.every((r) => r.synchronous),
          trials: results.length,
          ackedWritesLost: Math.max(...results.map((r) => r.ackedWritesLost)),
          writesToDeposedPrimary: Math.max(...results.map((r) => r.writesToDeposedPrimary)),
          demoteSeconds: roundSeconds(Math.max(...results.map((r) => r.demoteMs))),
          demoteBoundSeconds: lab.profile.ttlSeconds,
          reruns: [],
          topology: PATRONI_PARTITION_TOPOLOGY,
          versions,
          details: {
            timing: {
              ttl: lab.profile.ttlSeconds,
              loopWait: lab.profile.loopWaitSeconds,
              retryTimeout: lab.profile.retryTimeoutSeconds,
              haproxyCheck: lab.profile.haproxyCheck,
            },
            perTrial: results.map((r) => ({
              cutMsAfterLeaderLoop: r.msAfterLoop,
              demoteSeconds: roundSeconds(r.demoteMs),
              newLeaderSeconds: roundSeconds(r.promotedMs),
              routeLeftSeconds: { a: roundSeconds(r.routeMs.a), b: roundSeconds(r.routeMs.b) },
              routeChanges: r.routeChanges,
              ackedOnOldLeaderSide: r.acked.a,
              ackedOnMajoritySide: r.acked.b,
              ackedByOldLeaderAfterCut: r.ackedByOldLeaderAfterCut,
              writesToDeposedPrimary: r.writesToDeposedPrimary,
              twoWritableSeconds: roundSeconds(r.twoWritableMs),
              ackedWritesLost: r.ackedWritesLost,
              oldLeaderRejoinedAs: r.oldLeaderRejoinedAs,
            })),
          },
        });
      } finally {
        await lab.down();
      }
    }
    return rows;
  },
};
