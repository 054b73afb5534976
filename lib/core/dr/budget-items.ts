/**
 * Budget lines from the real knobs: each function turns one component's settings into the
 * {@link BudgetItem}s of its worst case, stating the arithmetic. The Kubernetes constructs and
 * the cloud side call the ones that match what they build.
 */
import { BudgetItem, DataLossSpec, InSiteFailover, TrafficSwitch } from './budget';
import { AWS_DEFAULTS, SERVICE_DEFAULTS } from '../defaults';
import { PatroniTimingProfile, PROMOTION_ALLOWANCE_SECONDS } from '../postgres/patroni-timing';
import { RedisDurability, SentinelTimingProfile } from '../redis/redis-timing';
import { ResolvedService } from '../service/service-spec';

/**
 * Time Sentinel needs beyond down-after to agree, elect a leader and promote (the drill measured
 * 6.27 s at down-after 5 s and 2.31 s at 1 s: about 1.3 s; allowance doubled).
 */
export const SENTINEL_ELECTION_ALLOWANCE_SECONDS = 2.5;

/** Pulling an image a node does not have yet, allowance for a pinned image of a few hundred MB. */
export const IMAGE_PULL_ALLOWANCE_SECONDS = 60;

/**
 * A Patroni primary lost inside a site: the leader key expires, a replica notices on its next
 * loop, promotes, and the route admits it.
 *
 * @example
 * // default: ttl 30 + loop_wait 10 + promotion 2 + admission 1 s x 2 + check timeout 2 = 46 s
 */
export function patroniFailoverItems(name: string, timing: PatroniTimingProfile, synchronous: boolean): InSiteFailover {
  const hc = timing.haproxyCheck;
  return {
    scenario: `${name} primary lost`,
    rto: [
      { step: 'Leader key expires', seconds: timing.ttlSeconds, basis: `ttl ${timing.ttlSeconds} s, renewed at the crash at worst` },
      { step: 'A replica notices', seconds: timing.loopWaitSeconds, basis: `one loop_wait (${timing.loopWaitSeconds} s) late at worst` },
      { step: 'It promotes', seconds: PROMOTION_ALLOWANCE_SECONDS, basis: `allowance ${PROMOTION_ALLOWANCE_SECONDS} s (measured about 1 s)` },
      {
        step: 'The route admits the new primary',
        seconds: (hc.downInterMs * hc.rise + hc.timeoutMs) / 1000,
        basis: `${hc.rise} check(s) ${hc.downInterMs} ms apart plus a ${hc.timeoutMs} ms check timeout`,
      },
    ],
    rpo: [synchronous
      ? { step: name, seconds: 0, basis: 'synchronous mode: a commit is acknowledged once a standby has it (drill: 0 lost)' }
      : { step: name, seconds: null, basis: 'asynchronous: a replica up to maximum_lag_on_failover (1 MB) behind may be promoted' }],
  };
}

/**
 * A Redis primary lost inside a site: Sentinels call it down after down-after, elect, promote,
 * and the primary proxy admits the new one.
 *
 * @param cacheOnly the data is a cache the application rebuilds: its loss does not count
 */
export function sentinelFailoverItems(
  name: string, timing: SentinelTimingProfile, durability: RedisDurability,
  proxy: { interMs: number; rise: number; timeoutMs: number }, cacheOnly: boolean,
): InSiteFailover {
  return {
    scenario: `${name} primary lost`,
    rto: [
      { step: 'Sentinels call the primary down', seconds: timing.downAfterMs / 1000, basis: `down-after ${timing.downAfterMs} ms` },
      {
        step: 'They elect a leader and promote a replica', seconds: SENTINEL_ELECTION_ALLOWANCE_SECONDS,
        basis: `allowance ${SENTINEL_ELECTION_ALLOWANCE_SECONDS} s (measured about 1.3 s beyond down-after)`,
      },
      {
        step: 'The primary proxy admits it', seconds: (proxy.interMs * proxy.rise + proxy.timeoutMs) / 1000,
        basis: `${proxy.rise} check(s) ${proxy.interMs} ms apart plus a ${proxy.timeoutMs} ms timeout`,
      },
    ],
    rpo: [cacheOnly
      ? { step: name, seconds: 0, basis: 'not counted: a cache the application rebuilds' }
      : { step: name, ...redisLoss(durability) }],
  };
}

/**
 * A pod lost inside a cluster. With replicas, only the requests in flight to it fail until
 * readiness takes it out; with one replica, the service is down until the replacement is ready.
 */
export function podFailureItems(service: ResolvedService, replicas: number): InSiteFailover {
  const readiness = service.readinessTiming;
  const detect = readiness.periodSeconds * readiness.failureThreshold;
  if (replicas >= 2) {
    return {
      scenario: `${service.name} pod lost`,
      rto: [{ step: 'Readiness takes the pod out of the Service', seconds: detect, basis: `readiness ${readiness.periodSeconds} s x ${readiness.failureThreshold}; the other replicas serve` }],
      rpo: [{ step: service.name, seconds: 0, basis: 'stateless' }],
    };
  }
  return {
    scenario: `${service.name} pod lost`,
    rto: [
      { step: 'Kubernetes notices and replaces the pod', seconds: detect, basis: `readiness ${readiness.periodSeconds} s x ${readiness.failureThreshold}` },
      { step: 'The replacement starts', seconds: startupSeconds(service), basis: startupBasis(service) },
    ],
    rpo: [{ step: service.name, seconds: 0, basis: 'stateless' }],
  };
}

/** A standby service started from 0 replicas: image pull and startup until ready. */
export function activationItem(service: ResolvedService): BudgetItem {
  return {
    step: `${service.name} starts from 0 replicas`,
    seconds: IMAGE_PULL_ALLOWANCE_SECONDS + startupSeconds(service),
    basis: `image pull allowance ${IMAGE_PULL_ALLOWANCE_SECONDS} s + ${startupBasis(service)}`,
  };
}

/**
 * Promotion of a Patroni standby cluster: `standby_cluster` is removed from the dynamic
 * configuration, the standby leader applies it on its next loop and promotes.
 */
export function patroniPromotionItem(name: string, timing: PatroniTimingProfile): BudgetItem {
  return {
    step: `Promote ${name} on the standby site`,
    seconds: timing.loopWaitSeconds + PROMOTION_ALLOWANCE_SECONDS,
    basis: `one loop_wait (${timing.loopWaitSeconds} s) to read the new configuration + promotion allowance ${PROMOTION_ALLOWANCE_SECONDS} s (measured 0.55-1.45 s)`,
  };
}

/** Fencing the lost site and checking how far the standby is behind, before promoting it. */
export function fenceItem(fenceSeconds: number): BudgetItem {
  return { step: 'Fence the lost site and check the standby', seconds: fenceSeconds, basis: `${fenceSeconds} s: declared fencing time (failover.fenceTime)` };
}

/** DNS failover on a health check (Route 53, or any DNS with health-checked records). */
export function dnsHealthCheckSwitch(what: string, check: { intervalSeconds: number; failureThreshold: number; ttlSeconds: number }): TrafficSwitch {
  return {
    what,
    automatic: true,
    switchSeconds: check.intervalSeconds * check.failureThreshold,
    cacheSeconds: check.ttlSeconds,
    basis: `health check every ${check.intervalSeconds} s, ${check.failureThreshold} failure(s) to fail over, then clients hold the old answer for the TTL of ${check.ttlSeconds} s`,
  };
}

/**
 * k8gb failover: the standby site's k8gb sees the active site's Ingress backends unhealthy on
 * its next reconcile (its readiness must fail first) and answers with its own address.
 */
export function k8gbSwitch(check: { readinessSeconds: number; reconcileSeconds: number; ttlSeconds: number }): TrafficSwitch {
  return {
    what: 'k8gb failover strategy',
    automatic: true,
    switchSeconds: check.readinessSeconds + check.reconcileSeconds,
    cacheSeconds: check.ttlSeconds,
    basis: `readiness fails (${check.readinessSeconds} s), k8gb reconciles every ${check.reconcileSeconds} s, then clients hold the old answer for the TTL of ${check.ttlSeconds} s`,
  };
}

/** A balancer with the standby site's servers as backups: they serve once every active one fails. */
export function balancerBackupSwitch(what: string, checks: { interMs: number; fall: number; timeoutMs: number }): TrafficSwitch {
  return {
    what,
    automatic: true,
    switchSeconds: (checks.interMs * checks.fall + checks.timeoutMs) / 1000,
    cacheSeconds: 0,
    basis: `${checks.fall} failed check(s) ${checks.interMs} ms apart plus a ${checks.timeoutMs} ms timeout`,
  };
}

/** A traffic switch made by hand after the standby site is active (DNS change, load balancer change). */
export function manualSwitch(what: string, seconds: number, ttlSeconds: number): TrafficSwitch {
  return {
    what, automatic: false, switchSeconds: seconds, cacheSeconds: ttlSeconds,
    basis: `declared ${seconds} s to make the change, then clients hold the old answer for the TTL of ${ttlSeconds} s`,
  };
}

/** What a site loss costs a Redis that is not replicated across sites. */
export function redisSiteLoss(name: string, cacheOnly: boolean): DataLossSpec {
  return {
    name,
    replication: 'none',
    basis: 'one Redis per site, not replicated across sites: what the lost site held is gone, queued jobs included',
    lossAccepted: cacheOnly ? 'a cache; the standby site rebuilds it' : undefined,
  };
}

/**
 * An RDS Multi-AZ primary lost inside a region: RDS fails over to its synchronous standby and
 * moves the endpoint's DNS name to it.
 *
 * @example
 * rdsMultiAzFailoverItems('orders').rto[0].seconds; // 120 (AWS: typically 60-120 s)
 */
export function rdsMultiAzFailoverItems(name: string): InSiteFailover {
  const seconds = AWS_DEFAULTS.rds.multiAzFailoverSeconds;
  return {
    scenario: `${name} primary lost`,
    rto: [{ step: 'RDS fails over to the Multi-AZ standby', seconds, basis: `AWS: typically 60-120 s including the endpoint's DNS change; counted ${seconds} s` }],
    rpo: [{ step: name, seconds: 0, basis: 'Multi-AZ: a commit is acknowledged once the standby in another zone has it' }],
  };
}

/** Promotion of an RDS cross-region read replica to a standalone primary. */
export function rdsPromotionItem(name: string): BudgetItem {
  const seconds = AWS_DEFAULTS.rds.promotionSeconds;
  return { step: `Promote the ${name} read replica`, seconds, basis: `allowance ${seconds} s (AWS: a promotion takes a few minutes)` };
}

/** What a region loss costs an RDS database with a cross-region read replica: its lag. */
export function rdsReplicaLoss(name: string, maxLagSeconds: number): DataLossSpec {
  return {
    name, replication: 'asynchronous', maxLagSeconds,
    basis: `${maxLagSeconds} s: the declared lag bound (maxReplicationLag), watched by the ReplicaLag alarm; cross-region replication is asynchronous`,
  };
}

/**
 * An ElastiCache primary lost inside a region: Multi-AZ promotes a replica and repoints the
 * primary endpoint.
 *
 * @param cacheOnly the data is a cache the application rebuilds: its loss does not count
 */
export function elastiCacheFailoverItems(name: string, cacheOnly: boolean): InSiteFailover {
  const seconds = AWS_DEFAULTS.elastiCache.failoverSeconds;
  return {
    scenario: `${name} primary lost`,
    rto: [{ step: 'ElastiCache promotes a replica and repoints the primary endpoint', seconds, basis: `allowance ${seconds} s (Multi-AZ with automatic failover)` }],
    rpo: [cacheOnly
      ? { step: name, seconds: 0, basis: 'not counted: a cache the application rebuilds' }
      : { step: name, seconds: null, basis: 'asynchronous replication: what the replicas had not received is lost' }],
  };
}

/**
 * What a region loss costs replicated S3 buckets: 15 minutes with Replication Time Control
 * (its service-level objective), unbounded without it.
 */
export function s3ReplicationLoss(name: string, replication: { timeControl: boolean; maxLagSeconds: number } | undefined): DataLossSpec {
  if (!replication) return { name, replication: 'none', basis: 'not replicated to the other region' };
  if (!replication.timeControl) {
    return { name, replication: 'asynchronous', basis: 'S3 replication without Replication Time Control gives no time bound' };
  }
  return {
    name, replication: 'asynchronous', maxLagSeconds: replication.maxLagSeconds,
    basis: `S3 Replication Time Control: 99.99% of objects within ${AWS_DEFAULTS.s3.replicationTimeControlMinutes} minutes; declared ${replication.maxLagSeconds} s`,
  };
}

function redisLoss(durability: RedisDurability): { seconds: number | null; basis: string } {
  if (durability.kind === 'wait') return { seconds: 0, basis: `WAIT ${durability.waitReplicas}: a confirmed write is on a replica (drill: 0 lost)` };
  if (durability.kind === 'min-replicas') {
    return {
      seconds: durability.minReplicasMaxLagSeconds,
      basis: `min-replicas-max-lag ${durability.minReplicasMaxLagSeconds} s bounds what a replica may miss (drill: ${durability.measured.ackedWritesLost} of ${durability.measured.ackedWrites} lost)`,
    };
  }
  return { seconds: null, basis: 'asynchronous: what the replicas had not received is lost' };
}

function startupSeconds(service: ResolvedService): number {
  const readiness = service.readinessTiming;
  return service.startupFailureThreshold !== undefined
    ? service.startupFailureThreshold * SERVICE_DEFAULTS.startupPeriodSeconds + readiness.periodSeconds
    : readiness.periodSeconds * readiness.failureThreshold;
}

function startupBasis(service: ResolvedService): string {
  return service.startupFailureThreshold !== undefined
    ? `startup timeout ${service.startupFailureThreshold * SERVICE_DEFAULTS.startupPeriodSeconds} s + one readiness period`
    : `readiness ${service.readinessTiming.periodSeconds} s x ${service.readinessTiming.failureThreshold} (no startupTimeout declared)`;
}
