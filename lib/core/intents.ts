/**
 * Platform-neutral intents: what a team wants of its data and its recovery, before it decides
 * where each part runs. `PatroniClusterProps` and `RedisSentinelProps` extend them with what is
 * Kubernetes-only (image, storage class, placement); the cloud side maps the same intents to
 * managed services (RDS, ElastiCache, S3, Route 53).
 */
import { RedisDurability } from './redis/redis-timing';
import { DurationLike, SizeLike } from './units';

/** A PostgreSQL parameter value as PostgreSQL reads it. */
export type PgParameterValue = string | number | boolean;

/**
 * Recovery targets of a topology: how long it may be down and how much acknowledged data it may
 * lose when a failure is recovered from. Checked against the design's worst case.
 *
 * @example
 * const targets: Targets = { rto: Duration.minutes(15), rpo: Duration.minutes(1) };
 */
export interface Targets {
  /**
   * Recovery time objective: the longest acceptable outage, from the failure to the first
   * request served again.
   *
   * @default - no RTO target
   */
  readonly rto?: DurationLike;
  /**
   * Recovery point objective: the most acknowledged data (as time) a recovery may lose.
   * `Duration.seconds(0)` asks for no loss at all.
   *
   * @default - no RPO target
   */
  readonly rpo?: DurationLike;
}

/** PostgreSQL as an intent: members, durability and size, wherever it runs. */
export interface PostgresSpec {
  /**
   * Cluster name: the name clients and replicas know it by. Keep it stable: a standby site's
   * cluster uses the same name.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Members (PostgreSQL instances) on one site. Odd, and at least 3: with 2, losing one leaves
   * no synchronous standby and no majority view of the cluster.
   *
   * @default 3
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html
   */
  readonly members?: number;

  /**
   * Why fewer than three members are acceptable here (a test or development database). Without
   * a reason, fewer than three members is an error.
   *
   * @default - fewer than three members are refused
   */
  readonly fewerThanThreeMembersReason?: string;

  /**
   * Size of each member's data volume.
   *
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly storage: SizeLike;

  /**
   * PostgreSQL major version.
   *
   * @default 18
   */
  readonly postgresVersion?: number;

  /**
   * Synchronous replication inside the site: a commit is acknowledged only once a standby has
   * it, so a failover loses no acknowledged write (measured: 0 lost). Off for a standby cluster,
   * which replicates from another site.
   *
   * @default - true, false for a standby cluster
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-mode
   */
  readonly synchronous?: boolean;

  /**
   * Refuse writes when no synchronous standby is left, rather than continue without one.
   * Needs three or more members.
   *
   * @default false
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-mode
   */
  readonly synchronousStrict?: boolean;

  /**
   * PostgreSQL parameters applied to every member.
   *
   * @default - none beyond the platform's own
   * @see https://www.postgresql.org/docs/current/runtime-config.html
   */
  readonly parameters?: Readonly<Record<string, PgParameterValue>>;
}

/** Redis as an intent: replicas, durability and size, wherever it runs. */
export interface RedisSpec {
  /**
   * Name of the topology: the Redis StatefulSet; the Sentinels, the primary proxy and every
   * other object are named after it (`<name>-sentinel`, `<name>-primary`). Keep it stable.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Replicas following the primary (the StatefulSet runs `replicas + 1` pods). At least 1 so
   * Sentinel has a replica to promote; 2 so the new primary still has a replica after a failover.
   *
   * @default 2
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/
   */
  readonly replicas?: number;

  /**
   * What an acknowledged write survives. The default refuses writes unless a replica
   * acknowledged within 2 s: a primary cut off from its replicas, or restarted before Sentinel
   * demoted it, refuses writes a failover would discard. It bounds loss, it does not remove it
   * (both replicas stalled before the primary was killed: see `durability.measured`). For no
   * loss when the primary dies, use `Durability.waitForReplicas(1)` and have writers confirm
   * each write with WAIT; for no loss in a partition too, WAIT for every replica.
   *
   * @default Durability.minReplicas(1, Duration.seconds(2))
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
   * @see https://redis.io/docs/latest/commands/wait/
   */
  readonly durability?: RedisDurability;

  /**
   * Size of each Redis server's data volume (append-only file and snapshots).
   *
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly storage: SizeLike;

  /**
   * `maxmemory`: above it Redis refuses writes (`noeviction`) instead of growing into an
   * OOM kill that would fail over to replicas holding just as much.
   *
   * @default - 70% of the memory limit, leaving room for the append-only rewrite's fork and the buffers
   * @see https://redis.io/docs/latest/develop/reference/eviction/
   */
  readonly maxMemory?: SizeLike;
}

/** How objects of a bucket reach the other sites. */
export interface ObjectReplication {
  /**
   * Longest time an object written on the active site may take to reach the others (S3
   * Replication Time Control: 15 minutes; MinIO bucket replication: what you measured). It is
   * the store's share of the RPO.
   */
  readonly maxLag: DurationLike;
  /**
   * Replicate deletions too, so a failover does not resurrect deleted objects.
   *
   * @default true
   */
  readonly deleteMarkers?: boolean;
}

/** S3-compatible object storage as an intent: its buckets and how they are replicated. */
export interface ObjectStorageSpec {
  /** Name the services know the store by, e.g. `object-storage`. */
  readonly name: string;
  /** Buckets the topology uses; each is replicated when `replication` is given. */
  readonly buckets: readonly string[];
  /**
   * Object versioning, which replication requires.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
   */
  readonly versioning?: boolean;
  /**
   * Replication of every bucket to the other sites.
   *
   * @default - not replicated: a lost site loses its objects
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html
   * @see https://min.io/docs/minio/linux/operations/install-deploy-manage/multi-site-replication.html
   */
  readonly replication?: ObjectReplication;
}

/** One step of a runbook, as data: what to do, the command, why, and how to know it worked. */
export interface RunbookStep {
  /** What the step achieves. */
  readonly title: string;
  /** The command to run, with this topology's real names. */
  readonly command: string;
  /** Why the step is needed. */
  readonly why: string;
  /**
   * How to verify the step worked.
   *
   * @default - the command's own output
   */
  readonly verify?: string;
  /**
   * How long the step should take, from the design's budget.
   *
   * @default - not estimated
   */
  readonly expectedDuration?: DurationLike;
  /**
   * Anchor of the step in RUNBOOK.md, for links (an alert's `runbook_url`).
   *
   * @default - no anchor of its own
   */
  readonly anchor?: string;
}
