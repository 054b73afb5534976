/**
 * The Redis partition drill: the primary and one replica are cut off from the Sentinel majority
 * and the other replica, while one client on each side writes through a primary proxy on its
 * own side. Every server runs in its own network namespace, as RedisSentinel ships it: rendered
 * redis.conf (starting fenced), sentinel.conf, the fence agent beside each server and the
 * primary proxy's haproxy.cfg. The cut is the trunk between the two sides going down.
 *
 * Measured per trial: when the old primary refused writes (its `min-replicas-to-write`, sampled
 * every 50 ms from outside the partition), which server acknowledged each write (CLIENT INFO in
 * the same pipeline), when each proxy stopped routing to the old primary, whether two servers
 * ever took writes at once, and which acknowledged writes the final primary lacks.
 */
import { spawnSync } from 'child_process';
import { performance } from 'perf_hooks';
import Redis from 'ioredis';
import { AckedWriter, parseInfo, PrimaryProxy, RedisLab, UnplannedFailoverError } from './redis-drill';
import { Drill, MeasuredRow, Rerun, roundSeconds } from './support/drill-results';
import { NamespaceNetwork } from './support/network';
import { sleep, waitFor } from './support/processes';
import { fencedMinReplicasToWrite } from '../../lib/core/redis/redis-config';
import { Durability, RedisDurability, SentinelTiming, SentinelTimingProfile } from '../../lib/core/redis/redis-timing';
import { seconds } from '../../lib/core/units';

/** The two proxies' hosts: one on each side of the cut. */
const PROXY_A = 'haproxy-a';
const PROXY_B = 'haproxy-b';
/** How long the partition lasts after the Sentinels named a new primary: the majority side takes writes meanwhile. */
const HOLD_AFTER_PROMOTION_MS = 3_000;

/** Options of one partition trial. */
export interface RedisPartitionOptions {
  readonly timing: SentinelTimingProfile;
  readonly durability: RedisDurability;
  /** Run the fence agents (RedisSentinel's default); false shows what the route did without them. @default true */
  readonly fence?: boolean;
  readonly log?: (line: string) => void;
}

/** One side's client: what it wrote and what of it the final primary lacks. */
export interface PartitionSide {
  /** Acknowledged writes (with WAIT: confirmed by the replicas asked for). */
  readonly acked: number;
  readonly lost: number;
  /** Failed or unconfirmed writes by reason. */
  readonly failures: Readonly<Record<string, number>>;
}

/** What one partition did. */
export interface RedisPartitionResult {
  readonly oldPrimary: string;
  readonly newPrimary: string;
  /** Hosts on the old primary's side of the cut. */
  readonly sideA: readonly string[];
  /** The client on the old primary's side (through haproxy-a) and on the majority side (haproxy-b). */
  readonly clients: { readonly a: PartitionSide; readonly b: PartitionSide };
  /** Acknowledged writes missing on the final primary, both clients. */
  readonly ackedWritesLost: number;
  /** Acknowledged writes the old primary answered later than the fence bound after the cut. */
  readonly writesToDeposedPrimary: number;
  /** Acknowledged writes the old primary answered after the cut, any time. */
  readonly ackedByOldPrimaryAfterCut: number;
  /** The bound the writes are held to: `timing.fenceBoundSeconds`. */
  readonly fenceBoundMs: number;
  /** From the cut until the old primary refused writes (fenced `min-replicas-to-write`, sampled every 50 ms); undefined without fence agents. */
  readonly fenceMs?: number;
  /** From the cut until the last write the old primary acknowledged, when it acknowledged any after the cut. */
  readonly lastAckFromOldPrimaryMs?: number;
  /** From the cut until each proxy stopped routing to the old primary. */
  readonly routeMs: { readonly a: number; readonly b: number };
  /** From the cut until a Sentinel named the new primary. */
  readonly promotedMs: number;
  /** How long the cut lasted. */
  readonly partitionMs: number;
  /** From the heal until Sentinel made the old primary a replica. */
  readonly demotedAfterHealMs: number;
  /** Samples in which two servers would both have taken a write (master, and enough replicas for min-replicas-to-write). */
  readonly samplesWithTwoWritable: number;
  readonly samples: number;
  /** Versions of the servers that ran. */
  readonly versions: Readonly<Record<string, string>>;
}

/** One sample of a Redis server, from outside the partition. */
interface ServerSample {
  readonly at: number;
  readonly role?: string;
  readonly minReplicasToWrite?: number;
  /** Whether it would take a write now. */
  readonly writable: boolean;
}

/** Samples every Redis server's role and fence, and each proxy's routing, until stopped. */
class Sampler {
  public readonly servers = new Map<string, ServerSample[]>();
  public readonly routes = new Map<string, Array<{ at: number; routed: string[] }>>();
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly clients: Redis[] = [];

  constructor(lab: RedisLab, proxies: readonly PrimaryProxy[]) {
    for (const node of lab.nodes) {
      const client = new Redis({
        ...lab.endpoint(node.port), password: lab.password, retryStrategy: () => 50, maxRetriesPerRequest: 0,
        enableOfflineQueue: false, connectTimeout: 500, commandTimeout: 500,
      });
      client.on('error', () => undefined);
      this.clients.push(client);
      const samples: ServerSample[] = [];
      this.servers.set(node.name, samples);
      this.loops.push(this.every(50, async () => {
        const at = performance.now();
        try {
          const [[, config], [, info]] = (await client.pipeline().config('GET', 'min-replicas-to-write').info('replication').exec())!;
          const minReplicasToWrite = Number((config as string[])[1]);
          const fields = parseInfo(String(info));
          const good = Number(fields.min_slaves_good_slaves ?? fields.connected_slaves ?? 0);
          const writable = fields.role === 'master' && (minReplicasToWrite === 0 || good >= minReplicasToWrite);
          samples.push({ at, role: fields.role, minReplicasToWrite, writable });
        } catch {
          samples.push({ at, writable: false });
        }
      }));
    }
    for (const proxy of proxies) {
      const routes: Array<{ at: number; routed: string[] }> = [];
      this.routes.set(proxy.name, routes);
      this.loops.push(this.every(100, async () => {
        const at = performance.now();
        routes.push({ at, routed: await proxy.routedTo().catch(() => ['?']) });
      }));
    }
  }

  public async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const client of this.clients) client.disconnect();
  }

  /** First sample after `after` that matches, for a server. */
  public firstServerSample(name: string, after: number, match: (s: ServerSample) => boolean): ServerSample | undefined {
    return this.servers.get(name)!.find((s) => s.at > after && match(s));
  }

  /** From `after`, the first time the proxy no longer routes to `server` (and never again does, in the samples). */
  public routeLeft(proxy: string, server: string, after: number): number | undefined {
    const samples = this.routes.get(proxy)!.filter((s) => s.at > after);
    let left: number | undefined;
    for (const sample of samples) {
      if (sample.routed.includes(server)) left = undefined;
      else left ??= sample.at;
    }
    return left;
  }

  /** Sample rounds (by time slot of 50 ms) in which two or more servers were writable. */
  public twoWritable(): { overlapping: number; rounds: number } {
    const slots = new Map<number, Set<string>>();
    for (const [name, samples] of this.servers) {
      for (const s of samples) {
        const slot = Math.floor(s.at / 50);
        const set = slots.get(slot) ?? new Set<string>();
        if (s.writable) set.add(name);
        slots.set(slot, set);
      }
    }
    return { overlapping: [...slots.values()].filter((set) => set.size > 1).length, rounds: slots.size };
  }

  private async every(ms: number, sample: () => Promise<void>): Promise<void> {
    while (this.running) {
      const started = performance.now();
      await sample();
      await sleep(Math.max(0, ms - (performance.now() - started)));
    }
  }
}

/**
 * One partition: a fresh lab in namespaces, the proxies on both sides, writers through each, the
 * cut, the promotion on the majority side, the heal, the old primary's demotion; then the count.
 */
export async function redisPartitionTrial(options: RedisPartitionOptions): Promise<RedisPartitionResult> {
  const { timing, durability, log } = options;
  const fence = options.fence ?? true;
  const lab = await RedisLab.up({ timing, durability, fence, network: 'namespaces', extraHosts: [PROXY_A, PROXY_B], log });
  const network = lab.network as NamespaceNetwork;
  const writers: AckedWriter[] = [];
  let sampler: Sampler | undefined;
  try {
    const old = lab.nodes[0];
    const sideA = [old.name, lab.nodes[1].name, PROXY_A];
    await network.split(sideA);
    const proxyA = await PrimaryProxy.start(lab, { host: PROXY_A, expectPrimary: old.name });
    const proxyB = await PrimaryProxy.start(lab, { host: PROXY_B, expectPrimary: old.name });
    await waitFor('every Sentinel to name one primary streaming to both replicas', () => lab.agreedPrimary(), { timeoutMs: 15_000 });
    sampler = new Sampler(lab, [proxyA, proxyB]);
    const [writerA, writerB] = [proxyA, proxyB].map((proxy, i) => new AckedWriter(proxy.client(lab.password), {
      valueBytes: 64, durability, keyPrefix: `side-${'ab'[i]}`, identify: true,
    }));
    writers.push(writerA, writerB);
    for (const writer of writers) writer.start(180_000);
    await waitFor('both writers to be acknowledged', async () => writers.every((w) => w.acks.length >= 100), { timeoutMs: 15_000 });
    await sleep(1_000);
    if (lab.reconfigCalls().length > 0) throw new UnplannedFailoverError(`Sentinel failed over before the cut: ${lab.reconfigCalls().join('; ')}`);

    const cutAt = performance.now();
    network.cut();
    log?.(`cut: ${sideA.join(', ')} | the rest`);
    const promoted = await waitFor('the Sentinels to promote a replica on the majority side', async () => {
      const primary = await lab.currentPrimary();
      return primary !== old && primary;
    }, { timeoutMs: timing.downAfterMs + timing.failoverTimeoutMs, intervalMs: 50 });
    const promotedMs = performance.now() - cutAt;
    await sleep(HOLD_AFTER_PROMOTION_MS);
    const healAt = performance.now();
    network.heal();
    log?.(`healed after ${roundSeconds(healAt - cutAt)} s; ${promoted.name} promoted ${roundSeconds(promotedMs)} s after the cut`);
    await waitFor(`Sentinel to make ${old.name} a replica of ${promoted.name}`, async () => {
      const info = await lab.replicationInfo(old.port);
      return info.role === 'slave' && Number(info.master_port) === promoted.port;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    const demotedAfterHealMs = performance.now() - healAt;
    // Checks every second: time for a proxy to (wrongly) take the old primary back.
    await sleep(3_000);
    for (const writer of writers) await writer.stop();
    await sampler.stop();

    const unplanned = lab.reconfigCalls().filter((call) => !call.endsWith(`${old.host} ${old.port} ${promoted.host} ${promoted.port}`));
    if (unplanned.length > 0) throw new UnplannedFailoverError(`a failover other than ${old.name} -> ${promoted.name}: ${unplanned.join('; ')}`);
    const final = await lab.currentPrimary();
    const side = async (writer: AckedWriter): Promise<PartitionSide> => ({
      acked: writer.acks.length,
      lost: await lab.countMissing(final.port, writer.acks.map((a) => a.key)),
      failures: { ...writer.failures },
    });
    const clients = { a: await side(writerA), b: await side(writerB) };
    const fenceBoundMs = timing.fenceBoundSeconds * 1000;
    const fromOld = writers.flatMap((w) => w.acks).filter((a) => a.server === old.port && a.at > cutAt).sort((x, y) => x.at - y.at);
    const fenced = sampler.firstServerSample(old.name, cutAt, (s) => s.minReplicasToWrite === fencedMinReplicasToWrite(lab.nodes.length - 1));
    const { overlapping, rounds } = sampler.twoWritable();
    const result: RedisPartitionResult = {
      oldPrimary: old.name,
      newPrimary: final.name,
      sideA,
      clients,
      ackedWritesLost: clients.a.lost + clients.b.lost,
      writesToDeposedPrimary: fromOld.filter((a) => a.at > cutAt + fenceBoundMs).length,
      ackedByOldPrimaryAfterCut: fromOld.length,
      fenceBoundMs,
      fenceMs: fenced ? fenced.at - cutAt : undefined,
      lastAckFromOldPrimaryMs: fromOld.length > 0 ? fromOld[fromOld.length - 1].at - cutAt : undefined,
      routeMs: {
        a: (sampler.routeLeft(PROXY_A, old.name, cutAt) ?? Number.POSITIVE_INFINITY) - cutAt,
        b: (sampler.routeLeft(PROXY_B, old.name, cutAt) ?? Number.POSITIVE_INFINITY) - cutAt,
      },
      promotedMs,
      partitionMs: healAt - cutAt,
      demotedAfterHealMs,
      samplesWithTwoWritable: overlapping,
      samples: rounds,
      versions: { ...lab.versions, haproxy: haproxyVersion() },
    };
    log?.(`redis partition (${durability.kind}${durability.waitReplicas ? ` ${durability.waitReplicas}` : ''}${fence ? '' : ', no fence'}): `
      + `fenced ${result.fenceMs === undefined ? 'never' : `${roundSeconds(result.fenceMs)} s after the cut`}, `
      + `routes left ${roundSeconds(result.routeMs.a)} / ${roundSeconds(result.routeMs.b)} s, ${result.ackedByOldPrimaryAfterCut} acknowledged by the old primary after the cut `
      + `(${result.writesToDeposedPrimary} after the ${fenceBoundMs} ms bound), lost ${clients.a.lost} of ${clients.a.acked} (side A) and ${clients.b.lost} of ${clients.b.acked} (side B), `
      + `${overlapping} of ${rounds} samples with two writable servers`);
    return result;
  } catch (err) {
    lab.logTails();
    throw err;
  } finally {
    for (const writer of writers) await writer.stop();
    await sampler?.stop();
    await lab.down();
  }
}

/** Version of the haproxy binary the drill ran. */
export function haproxyVersion(): string {
  return /version (\S+)/.exec(spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
}

/** Options of {@link runRedisPartitionDrills}. */
export interface RedisPartitionDrillOptions {
  readonly trials: number;
  readonly timing: SentinelTimingProfile;
  readonly durabilities: readonly RedisDurability[];
  /** Fence agents on (the `partition` rows) or off (`partition-unfenced`). @default true */
  readonly fence?: boolean;
  readonly log?: (line: string) => void;
}

/** `trials` partitions per durability; one row each. A trial with an unplanned failover runs again (at most twice), recorded. */
export async function runRedisPartitionDrills(options: RedisPartitionDrillOptions): Promise<MeasuredRow[]> {
  const rows: MeasuredRow[] = [];
  for (const durability of options.durabilities) {
    const results: RedisPartitionResult[] = [];
    const reruns: Rerun[] = [];
    for (let trial = 1; trial <= options.trials; trial++) {
      for (let attempt = 1; ; attempt++) {
        try {
          results.push(await redisPartitionTrial({ timing: options.timing, durability, fence: options.fence, log: options.log }));
          break;
        } catch (err) {
          if (!(err instanceof UnplannedFailoverError) || attempt === 3) throw err;
          reruns.push({ trial, reason: err.message });
          options.log?.(`trial ${trial} runs again: ${err.message}`);
        }
      }
    }
    rows.push(partitionRow(options.timing, durability, results, reruns, options.fence ?? true));
  }
  return rows;
}

/** What each partition row was measured on. */
export const REDIS_PARTITION_TOPOLOGY = 'primary + 2 replicas + 3 Sentinels + 2 primary proxies, each in its own network namespace; '
  + 'the primary, one replica and one proxy cut off from the rest (trunk link down); one client writing through each proxy';

function partitionRow(
  timing: SentinelTimingProfile, durability: RedisDurability, results: readonly RedisPartitionResult[], reruns: readonly Rerun[], fence: boolean,
): MeasuredRow {
  const fenceSeconds = roundSeconds(Math.max(...results.map((r) => r.fenceMs ?? Number.POSITIVE_INFINITY)));
  return {
    system: 'redis',
    profile: timing.name,
    scenario: fence ? 'partition' : 'partition-unfenced',
    synchronous: durability.kind === 'wait',
    durability: durability.kind,
    ...(durability.waitReplicas > 0 ? { waitReplicas: durability.waitReplicas } : {}),
    trials: results.length,
    ackedWritesLost: Math.max(...results.map((r) => r.ackedWritesLost)),
    writesToDeposedPrimary: Math.max(...results.map((r) => r.writesToDeposedPrimary)),
    ...(fence ? { fenceSeconds, fenceBoundSeconds: timing.fenceBoundSeconds } : {}),
    reruns: [...reruns],
    topology: fence ? REDIS_PARTITION_TOPOLOGY : `${REDIS_PARTITION_TOPOLOGY}; no fence agents (RedisSentinel with fencing: false)`,
    versions: results[0].versions,
    details: {
      downAfterMs: timing.downAfterMs,
      fence: timing.fence,
      minReplicasToWrite: durability.minReplicasToWrite,
      minReplicasMaxLagSeconds: durability.minReplicasMaxLagSeconds,
      waitReplicas: durability.waitReplicas,
      waitTimeoutMs: durability.waitTimeoutMs,
      perTrial: results.map((r) => ({
        fenceSeconds: r.fenceMs === undefined ? null : roundSeconds(r.fenceMs),
        lastAckFromOldPrimarySeconds: r.lastAckFromOldPrimaryMs === undefined ? null : roundSeconds(r.lastAckFromOldPrimaryMs),
        routeLeftSeconds: { a: roundSeconds(r.routeMs.a), b: roundSeconds(r.routeMs.b) },
        promotedSeconds: roundSeconds(r.promotedMs),
        partitionSeconds: roundSeconds(r.partitionMs),
        demotedAfterHealSeconds: roundSeconds(r.demotedAfterHealMs),
        ackedByOldPrimaryAfterCut: r.ackedByOldPrimaryAfterCut,
        writesToDeposedPrimary: r.writesToDeposedPrimary,
        clientOnOldPrimarySide: r.clients.a,
        clientOnMajoritySide: r.clients.b,
        ackedWritesLost: r.ackedWritesLost,
        samplesWithTwoWritable: r.samplesWithTwoWritable,
        samples: r.samples,
      })),
    },
  };
}

/**
 * The durability settings a partition row is measured for: asynchronous, the default
 * min-replicas-to-write 1, WAIT for one replica, and WAIT for every replica (the one that
 * promises a confirmed write survives a partition: whichever replica is promoted has it).
 */
export function partitionDurabilities(): RedisDurability[] {
  return [Durability.async(), Durability.minReplicas(1, seconds(2)), Durability.waitForReplicas(1), Durability.waitForReplicas(2)];
}

/** The partition drill, default timing, every durability. */
export const redisPartitionDrill: Drill = {
  id: 'redis-partition',
  source: 'test/e2e/redis-partition-drill.ts',
  description: 'Redis with Sentinel in network namespaces: the primary and a replica cut off from the Sentinel majority, per durability, and once without the fence',
  run: async ({ trials, log }) => [
    ...await runRedisPartitionDrills({ trials, log, timing: SentinelTiming.default(), durabilities: partitionDurabilities() }),
    // The defect the fence removes: the same cut without the agents, with the default durability.
    ...await runRedisPartitionDrills({
      trials, log, timing: SentinelTiming.default(), durabilities: [Durability.minReplicas(1, seconds(2))], fence: false,
    }),
  ],
};
