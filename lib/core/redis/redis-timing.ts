/**
 * How fast Sentinel fails over and what a write acknowledgement is worth: named, validated
 * choices returned as plain data, each carrying the figures the real failover drill measured
 * (test/e2e/redis-drill.ts).
 */
import { check } from '../errors';
import { DurationLike, millis } from '../units';
import { checkDurability, checkFenceTiming, checkSentinelTiming, fenceBoundMs } from './private/redis-checks';
import { deepFreeze } from '../private/deep-freeze';

/** Failover figures measured by the drill: kill -9 of the primary during a stream of writes. */
export interface MeasuredSentinelFailover {
  /** How many times the primary was killed. */
  readonly trials: number;
  /** Median over the trials of the largest gap between two acknowledged writes. */
  readonly rtoMedianSeconds: number;
  /** Largest such gap over all trials. */
  readonly rtoMaxSeconds: number;
  /** Acknowledged writes missing on the new primary, worst trial. */
  readonly ackedWritesLost: number;
  /** Versions and machine the figures were measured on. */
  readonly environment: string;
}

/**
 * How the fence agent next to each Redis server (`renderRedisFenceScript`) decides that a
 * Sentinel majority still names this server the primary, in milliseconds. A server that loses
 * that majority for longer than the lease refuses writes (`min-replicas-to-write` above the
 * replica count) and fails the primary proxy's check, so it leaves the route.
 */
export interface FenceTiming {
  /** Pause between two questions to the same Sentinel (`SENTINEL GET-MASTER-ADDR-BY-NAME`). */
  readonly pollIntervalMs: number;
  /**
   * How long one Sentinel's answer naming this server counts, from the moment the question was
   * sent (a late reply never extends it). The server keeps taking writes while a majority of
   * the Sentinels named it within this lease.
   */
  readonly leaseMs: number;
  /** Longest wait for one reply; the agent then drops that connection and opens a new one. */
  readonly askTimeoutMs: number;
}

/**
 * What the partition drill measured for a profile: the old primary and one replica cut off
 * from the Sentinel majority while clients on both sides write through the primary proxy.
 */
export interface MeasuredFence {
  /** Partition trials, over every durability setting. */
  readonly trials: number;
  /** Largest time from the cut until the old primary refused writes, over the trials. */
  readonly fenceMaxSeconds: number;
  /** Acknowledged writes the old primary answered later than {@link SentinelTimingProfile.fenceBoundSeconds} after the cut, worst trial. */
  readonly writesToDeposedPrimary: number;
  /** Versions, topology and machine the figures were measured on. */
  readonly environment: string;
}

/** Failure detection and failover timing of Sentinel, as plain data in milliseconds. */
export interface SentinelTimingProfile {
  /** Profile name, as shown in drill tables and runbooks. */
  readonly name: string;
  /**
   * `sentinel down-after-milliseconds`: how long the primary may fail to answer PING before a
   * Sentinel calls it down.
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#other-sentinel-options
   */
  readonly downAfterMs: number;
  /**
   * `sentinel failover-timeout`: how long a failover may take before it is given up, and half
   * the wait before the same primary's failover is retried.
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#other-sentinel-options
   */
  readonly failoverTimeoutMs: number;
  /**
   * `sentinel parallel-syncs`: replicas that resync with the new primary at once.
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#other-sentinel-options
   */
  readonly parallelSyncs: number;
  /** Figures from the drill, when this profile was measured. */
  readonly measured?: MeasuredSentinelFailover;
  /** How the fence agent of each Redis server decides it may still take writes. */
  readonly fence: FenceTiming;
  /**
   * Longest time from the moment a primary stops hearing a Sentinel majority until it refuses
   * writes: the lease, one pause of the agent's loop ({@link FenceTiming.pollIntervalMs}) and
   * 100 ms to apply the fence on the local server. Shorter than `downAfterMs`, so a cut-off
   * primary refuses writes before the Sentinels may promote another server; the primary proxy
   * drops it at its next failed checks (within 1.5 s with the default checks), and a write it
   * routes there meanwhile is refused (`NOREPLICAS`), never acknowledged. What an RTO/RPO
   * budget reads as the window in which a cut-off primary may still acknowledge writes.
   *
   * Measured by the partition drill (`test/e2e/redis-partition-drill.ts`): see {@link measuredFence}.
   */
  readonly fenceBoundSeconds: number;
  /** Figures from the partition drill, when this profile was measured. */
  readonly measuredFence?: MeasuredFence;
}

/** Options for the fence agent of {@link SentinelTiming.custom}. */
export interface CustomFenceTimingOptions {
  /** Pause between two questions to the same Sentinel; whole milliseconds. @default 100 ms */
  readonly pollInterval?: DurationLike;
  /** How long one Sentinel's answer counts; whole milliseconds, at least two poll intervals. @default 500 ms */
  readonly lease?: DurationLike;
  /** Longest wait for one reply; whole milliseconds, at most the lease. @default 250 ms */
  readonly askTimeout?: DurationLike;
}

/** Options for {@link SentinelTiming.custom}. */
export interface CustomSentinelTimingOptions {
  /** Name shown in tables and runbooks. @default 'custom' */
  readonly name?: string;
  /** How long the primary may fail to answer PING before a Sentinel calls it down; whole milliseconds. */
  readonly downAfter: DurationLike;
  /** How long a failover may take before it is given up; whole milliseconds, at least `downAfter`. */
  readonly failoverTimeout: DurationLike;
  /**
   * Replicas that resync with the new primary at once.
   * @default 1 - the other replicas keep serving reads while one resyncs
   */
  readonly parallelSyncs?: number;
  /**
   * The fence agent's timing; its bound (lease + poll interval + 100 ms) must stay below `downAfter`.
   * @default - poll every 100 ms, lease 500 ms, ask timeout 250 ms (fence bound 0.7 s)
   */
  readonly fence?: CustomFenceTimingOptions;
}

/** Setup the failover figures in this file were measured on (drill `redis-failover`, docs/drills.md). */
const DRILL_ENVIRONMENT = 'redis-server and redis-sentinel 7.0.15 (Debian), primary + 2 replicas + 3 Sentinels on 127.0.0.1 with a fence agent '
  + 'beside each server, one ioredis 5.11 client retrying every 50 ms, 2 vCPU shared with other work, 2026-12-02';

/** Setup the fence figures were measured on (drill `redis-partition`, docs/drills.md). */
const PARTITION_ENVIRONMENT = 'redis-server and redis-sentinel 7.0.15, HAProxy 2.6; primary + 2 replicas + 3 Sentinels + 2 primary proxies, '
  + 'each in its own network namespace, the primary, a replica and a proxy cut off from the rest; a client writing through each proxy; '
  + 'async, min-replicas 1, WAIT 1 and WAIT 2, 3 trials each; 2 vCPU shared with other work, 2026-12-02';

/** The scenario where asynchronous replication loses the most (a plain kill on loopback hides it). */
const LAGGING_REPLICAS = 'both replicas were stopped (SIGSTOP) for 4 s while one client wrote 4 KiB values, then the primary was killed with kill -9 and the replicas resumed';

/** The fence of the default profile: a Sentinel answer counts for 500 ms, fence bound 0.7 s. */
const DEFAULT_FENCE: FenceTiming = { pollIntervalMs: 100, leaseMs: 500, askTimeoutMs: 250 };
/** The fence of the fast profile: well inside its 1 s down-after, fence bound 0.45 s. */
const FAST_FENCE: FenceTiming = { pollIntervalMs: 50, leaseMs: 300, askTimeoutMs: 150 };

function fenced(fence: FenceTiming): Pick<SentinelTimingProfile, 'fence' | 'fenceBoundSeconds'> {
  return { fence: { ...fence }, fenceBoundSeconds: fenceBoundMs(fence) / 1000 };
}

/**
 * Sentinel timing profiles: factories that validate and return plain data.
 *
 * @example
 * renderSentinelConfig({ ...spec, timing: SentinelTiming.fast() });
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 */
export class SentinelTiming {
  /**
   * Calls the primary down after 5 s without a valid PING reply: long enough to ride out a
   * slow fsync or a short network blip, short enough that clients wait seconds rather than the
   * 30 s of Redis' own default. Failover timeout 60 s, one replica resyncing at a time.
   * Measured: 6.4 s (median) from kill -9 of the primary to the next acknowledged write, none lost;
   * a primary cut off from the Sentinels refused writes within 0.6 s ({@link SentinelTimingProfile.measuredFence}).
   */
  public static default(): SentinelTimingProfile {
    return {
      name: 'default',
      downAfterMs: 5_000,
      failoverTimeoutMs: 60_000,
      parallelSyncs: 1,
      measured: { trials: 3, rtoMedianSeconds: 6.41, rtoMaxSeconds: 6.5, ackedWritesLost: 0, environment: DRILL_ENVIRONMENT },
      ...fenced(DEFAULT_FENCE),
      measuredFence: { trials: 12, fenceMaxSeconds: 0.57, writesToDeposedPrimary: 0, environment: PARTITION_ENVIRONMENT },
    };
  }

  /**
   * Calls the primary down after 1 s: for a low-latency network (one region), where a stall of
   * the primary longer than 1 s is rarer than the cost of 5 s of failed writes. A longer stall
   * (a huge `KEYS`, a slow fork) causes a failover. Failover timeout 10 s.
   * Measured: 2.4 s (median) from kill -9 of the primary to the next acknowledged write, none lost.
   */
  public static fast(): SentinelTimingProfile {
    return {
      name: 'fast',
      downAfterMs: 1_000,
      failoverTimeoutMs: 10_000,
      parallelSyncs: 1,
      measured: { trials: 3, rtoMedianSeconds: 2.38, rtoMaxSeconds: 2.42, ackedWritesLost: 0, environment: DRILL_ENVIRONMENT },
      ...fenced(FAST_FENCE),
    };
  }

  /**
   * Your own timing. Throws a HadrError when down-after is longer than the failover timeout:
   * a failover would be given up before the primary was even called down.
   *
   * @example
   * SentinelTiming.custom({ downAfter: Duration.seconds(10), failoverTimeout: Duration.minutes(2) });
   */
  public static custom(options: CustomSentinelTimingOptions): SentinelTimingProfile {
    const fence: FenceTiming = {
      pollIntervalMs: options.fence?.pollInterval?.toMilliseconds() ?? DEFAULT_FENCE.pollIntervalMs,
      leaseMs: options.fence?.lease?.toMilliseconds() ?? DEFAULT_FENCE.leaseMs,
      askTimeoutMs: options.fence?.askTimeout?.toMilliseconds() ?? DEFAULT_FENCE.askTimeoutMs,
    };
    const profile: SentinelTimingProfile = {
      name: options.name ?? 'custom',
      downAfterMs: options.downAfter.toMilliseconds(),
      failoverTimeoutMs: options.failoverTimeout.toMilliseconds(),
      parallelSyncs: options.parallelSyncs ?? 1,
      fence,
      fenceBoundSeconds: fenceBoundMs(fence) / 1000,
    };
    checkSentinelTiming(profile, 'SentinelTiming.custom', '');
    checkFenceTiming(profile, 'SentinelTiming.custom', 'fence.');
    return profile;
  }
}

/** What a write acknowledgement means: `async`, `min-replicas` or `wait`. */
export type DurabilityKind = 'async' | 'min-replicas' | 'wait';

/** Acknowledged-write loss the drill measured for one durability setting. */
export interface MeasuredWriteLoss {
  /** The exact setting measured, e.g. `min-replicas-to-write 1, min-replicas-max-lag 2`. */
  readonly setting: string;
  /** What was done to the servers. */
  readonly scenario: string;
  /** How many times the scenario ran. */
  readonly trials: number;
  /** Writes the client counted as acknowledged in the trial that lost the most. */
  readonly ackedWrites: number;
  /** Acknowledged writes missing on the new primary in that trial. */
  readonly ackedWritesLost: number;
  /** Versions and machine the figures were measured on. */
  readonly environment: string;
}

/** What an acknowledged write survives when the primary dies, and the setting that buys it. */
export interface RedisDurability {
  /** Which guarantee. */
  readonly kind: DurabilityKind;
  /**
   * `min-replicas-to-write`: replicas that must be current for the primary to take a write
   * (0 turns the check off).
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
   */
  readonly minReplicasToWrite: number;
  /**
   * `min-replicas-max-lag`: seconds since a replica's last acknowledgement for it to count as
   * current (only read when `minReplicasToWrite` > 0).
   */
  readonly minReplicasMaxLagSeconds: number;
  /**
   * Replicas a client waits for after each write with `WAIT` before it treats the write as
   * confirmed (0: no WAIT).
   * @see https://redis.io/docs/latest/commands/wait/
   */
  readonly waitReplicas: number;
  /** WAIT timeout in milliseconds (0 when there is no WAIT). */
  readonly waitTimeoutMs: number;
  /** What an acknowledged (or, with WAIT, confirmed) write survives, in words, with the measured figure. */
  readonly guarantee: string;
  /** What the drill measured for this kind, with the exact setting it used. */
  readonly measured: MeasuredWriteLoss;
}

/** Measured loss per kind (the drill's lagging-replicas trial). */
const MEASURED_LOSS: Readonly<Record<DurabilityKind, MeasuredWriteLoss>> = deepFreeze({
  'async': {
    setting: 'min-replicas-to-write 0', scenario: LAGGING_REPLICAS, trials: 3, ackedWrites: 9_920, ackedWritesLost: 6_703, environment: DRILL_ENVIRONMENT,
  },
  'min-replicas': {
    setting: 'min-replicas-to-write 1, min-replicas-max-lag 2',
    scenario: LAGGING_REPLICAS,
    trials: 3,
    ackedWrites: 7_043,
    ackedWritesLost: 3_328,
    environment: DRILL_ENVIRONMENT,
  },
  'wait': {
    setting: 'WAIT 1 1000 after every write', scenario: LAGGING_REPLICAS, trials: 3, ackedWrites: 1_691, ackedWritesLost: 0, environment: DRILL_ENVIRONMENT,
  },
});

/** "(measured with ...: N of M acknowledged writes lost when ...)" */
function measuredClause(m: MeasuredWriteLoss, writes = 'acknowledged writes'): string {
  return `(measured with ${m.setting}: ${m.ackedWritesLost} of ${m.ackedWrites} ${writes} lost in the worst of ${m.trials} trials, when ${m.scenario})`;
}

/**
 * Durability choices: factories that validate and return plain data stating their guarantee
 * and the drill's measured loss for the case where replication hurts most, both replicas
 * lagging when the primary dies.
 *
 * @example
 * Durability.async();                              // fastest; loses what the replicas had not received
 * Durability.minReplicas(1, Duration.seconds(2));  // refuses writes once replicas stop acknowledging
 * Durability.waitForReplicas(1);                   // confirmed writes survive the primary; clients send WAIT
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/
 */
export class Durability {
  /**
   * Asynchronous replication (`min-replicas-to-write 0`): the primary acknowledges a write
   * before any replica has it.
   */
  public static async(): RedisDurability {
    const measured = { ...MEASURED_LOSS.async };
    return {
      kind: 'async',
      minReplicasToWrite: 0,
      minReplicasMaxLagSeconds: 0,
      waitReplicas: 0,
      waitTimeoutMs: 0,
      guarantee: 'none beyond the primary: a write is acknowledged before any replica has it, so a failover loses every '
        + `acknowledged write the promoted replica had not received ${measuredClause(measured)}`,
      measured,
    };
  }

  /**
   * `min-replicas-to-write replicas` and `min-replicas-max-lag maxLag`: the primary refuses
   * writes (NOREPLICAS) unless `replicas` replicas acknowledged the stream within `maxLag`.
   * Replicas acknowledge once a second and Redis checks the lag in whole seconds once a second,
   * so when they stall or are cut off, writes stop `maxLag` to `maxLag` + 2 s after their last
   * acknowledgement: that bounds the loss to those seconds of writes, it does not remove it,
   * and it does not bound how far a replica that still acknowledges may trail. With max-lag 2
   * and a 4 s stall the drill lost about half of what async replication lost (`measured`), and
   * when the surviving replica needs a full resync, writes resume only after it. A primary that
   * restarts or is cut off from all its replicas refuses writes instead of taking writes a
   * failover would discard; one cut off together with a replica does not (only the fence agent
   * stops it). The
   * price: right after a failover the new primary refuses writes until `replicas` replicas
   * follow it; when one needs a full resync, for as long as that takes.
   *
   * @param replicas replicas that must be current, at least 1
   * @param maxLag how old their last acknowledgement may be; whole seconds, at least 1 s
   * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
   */
  public static minReplicas(replicas: number, maxLag: DurationLike): RedisDurability {
    const path = 'Durability.minReplicas';
    checkReplicaCount(path, replicas);
    const lagMs = maxLag.toMilliseconds();
    check(Number.isInteger(lagMs) && lagMs >= 1000 && lagMs % 1000 === 0, {
      path, field: 'maxLag', value: maxLag, problem: 'must be a whole number of seconds, at least 1 (Redis counts it in seconds)',
      fix: 'use e.g. Duration.seconds(2)',
    });
    const lagSeconds = lagMs / 1000;
    const measured = { ...MEASURED_LOSS['min-replicas'] };
    return {
      kind: 'min-replicas',
      minReplicasToWrite: replicas,
      minReplicasMaxLagSeconds: lagSeconds,
      waitReplicas: 0,
      waitTimeoutMs: 0,
      guarantee: `bounded, not zero: the primary refuses writes unless ${replicas} replica(s) acknowledged within ${lagSeconds} s, so when `
        + `the replicas stall before the primary dies, up to the first ${lagSeconds + 2} s of the stall's writes are lost ${measuredClause(measured)}`,
      measured,
    };
  }

  /**
   * The client confirms each write with `WAIT replicas timeout` on the same connection and
   * treats a reply below `replicas`, or a connection lost before the reply, as not confirmed.
   * The server config stays asynchronous (`min-replicas-to-write 0`): the guarantee lives in
   * the client. Not strong consistency: a confirmed write is lost when the replicas that have it
   * are lost or unreachable at failover too, which is what a partition does when it leaves the
   * old primary a replica that confirms: that replica's confirmations are lost with it. With
   * `replicas` equal to every replica of the topology (2 by default), a confirmed write survives
   * any partition, since whichever replica the Sentinels promote has it; the price is no
   * confirmation while any replica is down or out of reach (the partition drill: docs/drills.md).
   *
   * @param replicas replicas that must confirm each write, at least 1
   * @param timeout how long WAIT blocks before it gives up; 1 s unless given
   * @see https://redis.io/docs/latest/commands/wait/
   */
  public static waitForReplicas(replicas: number, timeout: DurationLike = millis(1000)): RedisDurability {
    const path = 'Durability.waitForReplicas';
    checkReplicaCount(path, replicas);
    const durability: RedisDurability = {
      kind: 'wait',
      minReplicasToWrite: 0,
      minReplicasMaxLagSeconds: 0,
      waitReplicas: replicas,
      waitTimeoutMs: timeout.toMilliseconds(),
      guarantee: `a write confirmed by WAIT ${replicas} was in the memory of ${replicas} replica(s) before the client counted it, and Sentinel `
        + 'promotes the most up-to-date reachable replica, so it survives the loss of the primary (not the loss of those replicas too, '
        + 'nor a partition that leaves them with the old primary unless every replica confirms) '
        + measuredClause(MEASURED_LOSS.wait, 'confirmed writes'),
      measured: { ...MEASURED_LOSS.wait },
    };
    checkDurability(durability, path, '');
    return durability;
  }
}

/** Replicas a durability setting needs to be current: with fewer in the topology every write fails. */
export function replicasRequired(durability: RedisDurability): number {
  return Math.max(durability.minReplicasToWrite, durability.waitReplicas);
}

function checkReplicaCount(path: string, replicas: number): void {
  check(Number.isInteger(replicas) && replicas >= 1, {
    path, field: 'replicas', value: replicas, problem: 'must be a whole number, at least 1', fix: 'use 1',
  });
}
