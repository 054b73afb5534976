/**
 * Planned Redis maintenance, with real servers from the configs RedisSentinel renders (fence
 * agents and the primary proxy included), on 127.0.0.1:
 *
 * - `planned-restart`, the library's planned path: the primary's pod is deleted (SIGTERM: Redis
 *   waits for its replicas to catch up, then exits), Sentinel promotes a replica after
 *   down-after, and the pod comes back through the rendered start script as a replica;
 * - `sentinel-failover`, the path to avoid: `SENTINEL FAILOVER` while the old primary is alive.
 *
 * Two clients write during each: one through the primary proxy, one asking Sentinel. Loss =
 * acknowledged (with WAIT, confirmed) writes missing on the primary afterwards.
 */
import { performance } from 'perf_hooks';
import { AckedWriter, LabServer, PrimaryProxy, repeatAfterUnplannedFailover, RedisLab, UnplannedFailoverError } from './redis-drill';
import { haproxyVersion } from './redis-partition-drill';
import { Drill, largestGapMs, MeasuredRow, median, Rerun, roundSeconds } from './support/drill-results';
import { sleep, waitFor } from './support/processes';
import { Durability, RedisDurability, SentinelTiming, SentinelTimingProfile } from '../../lib/core/redis/redis-timing';
import { seconds } from '../../lib/core/units';

/** The two planned operations. */
export type PlannedScenario = 'planned-restart' | 'sentinel-failover';

/** One writer's share of a trial. */
export interface PlannedClient {
  readonly acked: number;
  readonly lost: number;
  /** Largest gap between two acknowledged writes. */
  readonly gapMs: number;
  readonly failures: Readonly<Record<string, number>>;
}

/** What one planned operation did. */
export interface PlannedResult {
  readonly scenario: PlannedScenario;
  readonly oldPrimary: string;
  readonly newPrimary: string;
  readonly viaProxy: PlannedClient;
  readonly viaSentinel: PlannedClient;
  /** Both clients. */
  readonly ackedWritesLost: number;
  /** Writes the old primary acknowledged (through the proxy) after the new primary took its first one. */
  readonly writesToDeposedPrimary: number;
  /** The old primary's role when it answered again (the restarted pod), or once Sentinel reconfigured it. */
  readonly oldPrimaryRejoinedAs: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** One planned operation on a fresh lab. */
export async function plannedTrial(
  scenario: PlannedScenario, timing: SentinelTimingProfile, durability: RedisDurability, log?: (line: string) => void,
): Promise<PlannedResult> {
  const lab = await RedisLab.up({ timing, durability, log });
  const writers: AckedWriter[] = [];
  try {
    const proxy = await PrimaryProxy.start(lab);
    const viaProxy = new AckedWriter(proxy.client(lab.password), { valueBytes: 64, durability, keyPrefix: 'proxy', identify: true });
    const viaSentinel = new AckedWriter(lab.sentinelClient(), { valueBytes: 64, durability, keyPrefix: 'sentinel', identify: true });
    writers.push(viaProxy, viaSentinel);
    for (const writer of writers) writer.start(180_000);
    await waitFor('both writers to be acknowledged', async () => writers.every((w) => w.acks.length >= 100), { timeoutMs: 15_000 });
    await sleep(1_000);
    const old = await waitFor('every Sentinel to name one primary streaming to both replicas', () => lab.agreedPrimary(), { timeoutMs: 15_000 });
    if (lab.reconfigCalls().length > 0) throw new UnplannedFailoverError(`Sentinel failed over before the ${scenario}: ${lab.reconfigCalls().join('; ')}`);

    let rejoinedAs: string;
    let promoted: LabServer;
    if (scenario === 'planned-restart') {
      await lab.terminate(old);
      promoted = await waitForPromotion(lab, old, timing);
      // The pod comes back (after a drain, on another node) through its start script.
      rejoinedAs = await lab.restartAsPod(old);
    } else {
      await lab.withClient(lab.sentinels[0].port, (c) => c.call('SENTINEL', 'FAILOVER', lab.masterName));
      promoted = await waitForPromotion(lab, old, timing);
      rejoinedAs = 'master';
    }
    await waitFor(`${old.name} to replicate from ${promoted.name}`, async () => {
      const info = await lab.replicationInfo(old.port);
      if (info.role === 'slave') rejoinedAs = rejoinedAs === 'master' ? 'slave' : rejoinedAs;
      return info.role === 'slave' && Number(info.master_port) === promoted.port && info.master_link_status === 'up';
    }, { timeoutMs: 60_000, intervalMs: 100 });
    const promotedAt = performance.now();
    await waitFor('a second of acknowledged writes on the new primary from both clients', async () => writers.every((w) => {
      const after = w.acksAfter(promotedAt);
      return after.length > 0 && performance.now() - after[0].at >= 1_000;
    }), { timeoutMs: 60_000 });
    for (const writer of writers) await writer.stop();

    const unplanned = lab.reconfigCalls().filter((call) => !call.endsWith(`${old.host} ${old.port} ${promoted.host} ${promoted.port}`));
    if (unplanned.length > 0) throw new UnplannedFailoverError(`a failover other than ${old.name} -> ${promoted.name}: ${unplanned.join('; ')}`);
    const client = async (writer: AckedWriter): Promise<PlannedClient> => ({
      acked: writer.acks.length,
      lost: await lab.countMissing(promoted.port, writer.acks.map((a) => a.key)),
      gapMs: largestGapMs(writer.acks.map((a) => a.at)),
      failures: { ...writer.failures },
    });
    const proxyClient = await client(viaProxy);
    const sentinelClient = await client(viaSentinel);
    const all = writers.flatMap((w) => w.acks);
    const firstOnNew = Math.min(...all.filter((a) => a.server === promoted.port).map((a) => a.at));
    const result: PlannedResult = {
      scenario,
      oldPrimary: old.name,
      newPrimary: promoted.name,
      viaProxy: proxyClient,
      viaSentinel: sentinelClient,
      ackedWritesLost: proxyClient.lost + sentinelClient.lost,
      writesToDeposedPrimary: all.filter((a) => a.server === old.port && a.at > firstOnNew).length,
      oldPrimaryRejoinedAs: rejoinedAs,
      versions: { ...lab.versions, haproxy: haproxyVersion() },
    };
    log?.(`redis ${scenario} (${durability.kind}): lost ${proxyClient.lost} of ${proxyClient.acked} through the proxy, ${sentinelClient.lost} of ${sentinelClient.acked} `
      + `through Sentinel; gaps ${roundSeconds(proxyClient.gapMs)} / ${roundSeconds(sentinelClient.gapMs)} s; ${result.writesToDeposedPrimary} acknowledged by the old primary `
      + `after the new one took writes; old primary back as ${rejoinedAs}`);
    return result;
  } catch (err) {
    lab.logTails();
    throw err;
  } finally {
    for (const writer of writers) await writer.stop();
    await lab.down();
  }
}

async function waitForPromotion(lab: RedisLab, old: LabServer, timing: SentinelTimingProfile): Promise<LabServer> {
  return waitFor('Sentinel to promote a replica', async () => {
    const primary = await lab.currentPrimary();
    return primary !== old && primary;
  }, { timeoutMs: timing.downAfterMs + timing.failoverTimeoutMs + 10_000, intervalMs: 100 });
}

/** What the planned rows were measured on. */
export const REDIS_PLANNED_TOPOLOGY = 'primary + 2 replicas + 3 Sentinels on 127.0.0.1, a fence agent beside each server, the primary proxy; '
  + 'one client through the proxy and one asking Sentinel';

/** The planned-maintenance drill: each operation with the default durability and with WAIT 1. */
export const redisPlannedDrill: Drill = {
  id: 'redis-planned',
  source: 'test/e2e/redis-planned-drill.ts',
  description: 'Redis planned maintenance: deleting the primary\'s pod (SIGTERM) against SENTINEL FAILOVER with the old primary alive',
  run: async ({ trials, log }) => {
    const timing = SentinelTiming.default();
    const rows: MeasuredRow[] = [];
    for (const scenario of ['planned-restart', 'sentinel-failover'] as const) {
      for (const durability of [Durability.minReplicas(1, seconds(2)), Durability.waitForReplicas(1)]) {
        const results: PlannedResult[] = [];
        const reruns: Rerun[] = [];
        for (let i = 1; i <= trials; i++) {
          results.push(await repeatAfterUnplannedFailover(log, i, reruns, () => plannedTrial(scenario, timing, durability, log)));
        }
        rows.push(plannedRow(scenario, timing, durability, results, reruns));
      }
    }
    return rows;
  },
};

function plannedRow(
  scenario: PlannedScenario, timing: SentinelTimingProfile, durability: RedisDurability, results: readonly PlannedResult[], reruns: readonly Rerun[],
): MeasuredRow {
  const gaps = results.map((r) => r.viaProxy.gapMs);
  return {
    system: 'redis',
    profile: timing.name,
    scenario,
    synchronous: durability.kind === 'wait',
    durability: durability.kind,
    ...(durability.waitReplicas > 0 ? { waitReplicas: durability.waitReplicas } : {}),
    trials: results.length,
    rtoMedianSeconds: roundSeconds(median(gaps)),
    rtoMaxSeconds: roundSeconds(Math.max(...gaps)),
    ackedWritesLost: Math.max(...results.map((r) => r.ackedWritesLost)),
    writesToDeposedPrimary: Math.max(...results.map((r) => r.writesToDeposedPrimary)),
    reruns: [...reruns],
    topology: REDIS_PLANNED_TOPOLOGY,
    versions: results[0].versions,
    details: {
      operation: scenario === 'planned-restart'
        ? 'SIGTERM to the primary (what deleting its pod sends), the pod back through the start script once Sentinel promoted a replica'
        : 'SENTINEL FAILOVER with the old primary alive',
      downAfterMs: timing.downAfterMs,
      rtoIs: 'largest gap between acknowledged writes of the client through the proxy',
      perTrial: results.map((r) => ({
        viaProxy: { ...r.viaProxy, gapSeconds: roundSeconds(r.viaProxy.gapMs), gapMs: undefined },
        viaSentinel: { ...r.viaSentinel, gapSeconds: roundSeconds(r.viaSentinel.gapMs), gapMs: undefined },
        ackedWritesLost: r.ackedWritesLost,
        writesToDeposedPrimary: r.writesToDeposedPrimary,
        oldPrimaryRejoinedAs: r.oldPrimaryRejoinedAs,
      })),
    },
  };
}
