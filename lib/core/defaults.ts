/**
 * Every default of the stateless modes, in one place, each with the reason it is the safe one.
 * Constructs read these; nothing else hard-codes a number.
 */

/** Defaults that apply to every stateless service. */
export const SERVICE_DEFAULTS = {
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
   * Always pull: a pinned tag is re-verified against the registry. With an immutable digest,
   * `IfNotPresent` also survives a registry outage during restarts.
   */
  imagePullPolicy: 'Always' as const,
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
  /** Name of the PriorityClass created once per chart when none is given. */
  priorityClassName: 'hadr-high-availability',
  /**
   * Above ordinary workloads (0) so a pending HA replica preempts batch work, far below the
   * system classes (2,000,000,000) so it never evicts cluster components.
   */
  priorityClassValue: 1_000_000,
  /** Zone label every cloud and most on-premises installers set. */
  zoneTopologyKey: 'topology.kubernetes.io/zone',
  nodeTopologyKey: 'kubernetes.io/hostname',
} as const;

/** Defaults of the MultiReplica mode. */
export const MULTI_REPLICA_DEFAULTS = {
  /** Three replicas survive one node drain while one more fails. */
  replicas: 3,
  /** At least two replicas: one alone is Baseline. */
  minReplicas: 2,
  /** One pod at a time may be evicted: a drain always proceeds, capacity drops by one pod. */
  maxUnavailable: 1,
  /** HPA target: room to absorb a lost zone's traffic before new pods are ready. */
  cpuUtilization: 70,
} as const;

/** Defaults of PatroniCluster. */
export const PATRONI_CLUSTER_DEFAULTS = {
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
} as const;
