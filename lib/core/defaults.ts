/**
 * Every default of the stateless modes, in one place, each with the reason it is the safe one.
 * Constructs read these; nothing else hard-codes a number. Deep-frozen: no caller can change a
 * default under every later construct.
 */
import { deepFreeze } from './private/deep-freeze';

/** Defaults that apply to every stateless service. */
export const SERVICE_DEFAULTS = deepFreeze({
  /**
   * A numeric non-root user and group: `runAsNonRoot` can only be verified by the kubelet
   * when the UID is numeric, and 10001 is outside the range base images give their users.
   */
  runAsUser: 10001,
  runAsGroup: 10001,
  /** Writable paths: most runtimes write temporary files; the root filesystem stays read-only. */
  writablePaths: ['/tmp'] as readonly string[],
  /** Requests small enough to schedule anywhere; memory limit = request so no OOM surprise under node pressure. */
  cpuRequest: '100m',
  cpuLimit: '1',
  memoryRequestMebibytes: 256,
  memoryLimitMebibytes: 256,
  /**
   * Images are always pinned (a tag or digest), so a node that has the image uses it: pods
   * restart and reschedule onto warm nodes while the registry is down. `Always` would make every
   * restart depend on the registry.
   */
  imagePullPolicy: 'IfNotPresent' as const,
  /**
   * Endpoints are removed asynchronously after a pod starts terminating; sleeping in preStop
   * keeps the old pod serving until every node's proxy and the ingress have dropped it.
   */
  drainDelaySeconds: 5,
  /** Time for in-flight requests after the drain delay, before SIGKILL. */
  terminationGracePeriodSeconds: 30,
  /** Readiness reacts fast so a bad pod leaves the endpoints within ~10 s. */
  readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 1 },
  /** Liveness is slower than readiness: restarting a pod that is only busy makes an outage worse. */
  liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
  /** Startup probe cadence; the failure threshold follows from the startup timeout asked for. */
  startupPeriodSeconds: 5,
  /** Name of the PriorityClass created once per cluster when none is given. */
  priorityClassName: 'hadr-high-availability',
  /**
   * Above ordinary workloads (0) so a pending HA replica preempts batch work, far below the
   * system classes (2,000,000,000) so it never evicts cluster components.
   */
  priorityClassValue: 1_000_000,
  /** Zone label every cloud and most on-premises installers set. */
  zoneTopologyKey: 'topology.kubernetes.io/zone',
  nodeTopologyKey: 'kubernetes.io/hostname',
} as const);

/** Defaults of the MultiReplica mode. */
export const MULTI_REPLICA_DEFAULTS = deepFreeze({
  /** Three replicas survive one node drain while one more fails. */
  replicas: 3,
  /** At least two replicas: one alone is Baseline. */
  minReplicas: 2,
  /** One pod at a time may be evicted: a drain always proceeds, capacity drops by one pod. */
  maxUnavailable: 1,
  /** HPA target: room to absorb a lost zone's traffic before new pods are ready. */
  cpuUtilization: 70,
} as const);

/** Defaults of PatroniCluster. */
export const PATRONI_CLUSTER_DEFAULTS = deepFreeze({
  /** Three members: one can fail or be drained while a synchronous standby remains. */
  members: 3,
  /** Spilo: the maintained image with Patroni, PostgreSQL and WAL-G, run with our patroni.yml. */
  image: 'ghcr.io/zalando/spilo-18:4.1-p2',
  postgresVersion: 18,
  patroniVersion: '4.1.0',
  /** The postgres user and group of the Spilo image. */
  runAs: { user: 101, group: 103 },
  /** Time for Patroni to stop PostgreSQL cleanly and hand the leader key over. */
  terminationGracePeriodSeconds: 60,
  /** Members on different nodes and spread over zones, as MultiReplica places replicas. */
  nodeAntiAffinity: 'required' as const,
  zoneSpread: 'required' as const,
  cpuRequest: '500m',
  cpuLimit: '2',
  memoryMebibytes: 1024,
  /** Two poolers: one can be drained while the other holds the clients' connections. */
  poolerReplicas: 2,
  poolerImage: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1',
  fullBackupIntervalSeconds: 24 * 3600,
  retainFullBackups: 7,
  /**
   * What Patroni's Kubernetes DCS does with the API in Endpoints mode: leader and config keys
   * in Endpoints, member state and role labels on Pods.
   * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
   */
  rbac: {
    endpoints: ['get', 'list', 'watch', 'create', 'patch', 'update'],
    pods: ['get', 'list', 'watch', 'patch', 'update'],
  },
} as const);

/** Defaults of RedisSentinel. */
export const REDIS_SENTINEL_DEFAULTS = deepFreeze({
  /** Two replicas behind the primary: one can be drained or resyncing while the other can still be promoted. */
  replicas: 2,
  /** Three Sentinels: one can be lost or drained while the other two still make the majority a failover needs. */
  sentinels: 3,
  /**
   * The official redis image, Debian variant: it ships the sh, coreutils and redis-cli the start
   * and probe scripts use. Redis 7+ reads `sentinel monitor` before the directives that name the
   * master, as the rendered sentinel.conf writes them. 8.x rather than 7.4: 7.4 is offered only
   * under source-available terms (RSALv2/SSPLv1), 8.x also under the AGPLv3.
   */
  image: 'redis:8.2.8',
  /** The redis user and group of the official image. */
  runAs: { user: 999, group: 999 },
  cpuRequest: '250m',
  cpuLimit: '1',
  memoryMebibytes: 1024,
  /**
   * `maxmemory` as a share of the memory limit: the rest covers the copy-on-write of the fork
   * that rewrites the append-only file, replication and client buffers. A full Redis refuses
   * writes (noeviction) instead of being OOM-killed, which would fail over to replicas just as full.
   */
  maxMemoryShareOfLimit: 0.7,
  /** Sentinel keeps a few kilobytes of state. */
  sentinelCpuRequest: '50m',
  sentinelCpuLimit: '500m',
  sentinelMemoryMebibytes: 128,
  /**
   * Redis shuts down on SIGTERM after up to 10 s (`shutdown-timeout`) waiting for lagging
   * replicas, then fsyncs the append-only file: 30 s covers both.
   */
  terminationGracePeriodSeconds: 30,
  /** Pods on different nodes and spread over zones, as MultiReplica places replicas. */
  nodeAntiAffinity: 'required' as const,
  zoneSpread: 'required' as const,
  /** Durability: `min-replicas-to-write 1`, `min-replicas-max-lag 2` (the Redis docs' example for bounding writes on a cut-off primary). */
  durability: { minReplicas: 1, maxLagSeconds: 2 },
  /** Two HAProxy replicas routing plain clients to the primary: one can be drained while the other routes. */
  proxyReplicas: 2,
  /** The official HAProxy image, 3.2 long-term-support branch. */
  proxyImage: 'haproxy:3.2.15',
  /**
   * Checks of the primary proxy: every second, DOWN after two failures 500 ms apart (one slow
   * INFO during a fork does not cut every session), UP after one success, so a promoted
   * replica takes traffic within about a second of Sentinel naming it.
   */
  proxyChecks: { interMs: 1000, fastInterMs: 500, downInterMs: 1000, fall: 2, rise: 1, timeoutMs: 1000 },
  /** Stats page of the primary proxy, on loopback only (reach it with `kubectl port-forward`). */
  proxyStatsPort: 8404,
  /** Key of the password in the Secret. */
  passwordKey: 'password',
  /** How long a start script waits for one Sentinel or Redis server to answer before asking the next. */
  askTimeoutSeconds: 2,
  /** DNS domain of the cluster, for the pods' fully qualified names. */
  clusterDomain: 'cluster.local',
} as const);

/** Site failover, as ActivePassiveDr and the cloud side count it. */
export const DR_DEFAULTS = deepFreeze({
  /** GitOps applies the flipped roles once the change is pushed and a sync triggered. */
  activationSeconds: 60,
  /** Fencing the lost site and checking how far the standby is behind, before promoting. */
  fenceSeconds: 60,
  /** Lag of a standby site's database the team accepts and watches. */
  maxReplicationLagSeconds: 10,
} as const);

/**
 * Route 53 failover routing, shared by `TrafficPolicy.route53` and the cloud side's DNS
 * failover, so the budget reads one set of figures.
 */
export const ROUTE53_DEFAULTS = deepFreeze({
  /** Clients hold an answer one minute: short enough to move them, long enough not to hammer the resolvers. */
  ttlSeconds: 60,
  /** The standard interval (10 s costs more); the budget counts interval x threshold. */
  healthCheckIntervalSeconds: 30,
  /** Three failed checks: one lost packet does not move every client to the standby site. */
  failureThreshold: 3,
  /** The intervals Route 53 accepts. */
  allowedIntervalsSeconds: [10, 30] as readonly number[],
  /** The failure thresholds Route 53 accepts. */
  failureThresholdRange: { min: 1, max: 10 },
} as const);

/**
 * Managed AWS data and traffic (hadr-constructs/pulumi): what each component creates when the
 * caller does not say, and the service figures the budget counts.
 */
export const AWS_DEFAULTS = deepFreeze({
  rds: {
    /** Memory-optimized Graviton class, the smallest AWS recommends for production PostgreSQL. */
    instanceClass: 'db.r6g.large',
    /** gp3: baseline IOPS independent of size, so a small volume does not throttle a catch-up. */
    storageType: 'gp3',
    /** A week of point-in-time recovery; a cross-region replica also needs backups on its source. */
    backupRetentionDays: 7,
    /** Backups and maintenance at night (UTC), never overlapping. */
    backupWindow: '03:00-04:00',
    maintenanceWindow: 'sun:04:30-sun:05:30',
    /** The free Performance Insights retention: enough to see what an incident looked like. */
    performanceInsightsRetentionDays: 7,
    /** AWS: a Multi-AZ failover typically completes within 60-120 s; the budget counts the upper figure. */
    multiAzFailoverSeconds: 120,
    /** AWS: promoting a read replica takes a few minutes; allowance. */
    promotionSeconds: 300,
  },
  elastiCache: {
    /** Memory-optimized Graviton nodes. */
    nodeType: 'cache.r7g.large',
    engineVersion: '7.1',
    /** Two replicas, as RedisSentinel: one can be replaced while the other can still be promoted. */
    replicas: 2,
    snapshotRetentionDays: 7,
    snapshotWindow: '02:00-03:00',
    maintenanceWindow: 'sun:05:30-sun:06:30',
    port: 6379,
    /** Detection, promotion and the primary endpoint's DNS update; allowance (AWS gives no bound). */
    failoverSeconds: 60,
  },
  s3: {
    /** S3 Replication Time Control replicates 99.99% of objects within 15 minutes. */
    replicationTimeControlMinutes: 15,
  },
  alb: {
    /** TLS 1.3 and 1.2 only. */
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    /** Checks every 10 s, out after 2 failures: a dead target leaves within ~20 s. */
    healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: '200-399' },
    /** Sticky for an hour: a session stays on one target, and a new one rebalances. */
    stickinessSeconds: 3600,
    /** In-flight requests finish before a target is removed; matches the pods' drain delay plus grace. */
    deregistrationDelaySeconds: 30,
  },
} as const);
