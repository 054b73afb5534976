/**
 * patroni.yml from a typed spec: the one function behind the PatroniCluster ConfigMap and the
 * failover drill, so the config the drill proves is the config that runs.
 */
import { stringify } from 'yaml';
import { check, HadrError } from '../errors';
import { PatroniTiming, PatroniTimingProfile, PATRONI_TIMING_FLOORS, patroniRaisesTiming, validatePatroniTiming } from './patroni-timing';
import { DurationLike, isDurationLike, isSizeLike, SizeLike, toSecondsCeil } from '../units';

/** A PostgreSQL parameter value as Patroni accepts it. */
export type PgParameterValue = string | number | boolean;

/**
 * Patroni's Kubernetes DCS: the leader key and cluster config live in Endpoints (or
 * ConfigMaps) of the cluster's own namespace, so no etcd is needed inside Kubernetes.
 *
 * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#kubernetes
 */
export interface PatroniKubernetesDcs {
  readonly kind: 'kubernetes';
  /**
   * Namespace of the pods and DCS objects.
   * @default - from PATRONI_KUBERNETES_NAMESPACE (downward API)
   */
  readonly namespace?: string;
  /**
   * Labels on every object Patroni creates and uses as its selector (the scope label is added).
   * @default { application: 'patroni' }
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Label holding the cluster name.
   * @default 'cluster-name'
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#kubernetes
   */
  readonly scopeLabel?: string;
  /**
   * Label Patroni sets to the member's role; the primary and replica Services select on it.
   * @default 'role'
   * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
   */
  readonly roleLabel?: string;
  /**
   * Keep the leader key in the leader Endpoints: the key and the address that receives traffic
   * change in one update, so the route follows the key. A leader cut off from the API server
   * cannot change either: the Endpoints keep its address until the new leader takes the key,
   * about one ttl; it demotes itself within that ttl and, in synchronous mode, acknowledges
   * nothing meanwhile (the partition drill, docs/partitions.md).
   * @default true
   * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
   */
  readonly useEndpoints?: boolean;
  /** This pod's IP, written into the leader Endpoints. @default - from PATRONI_KUBERNETES_POD_IP (downward API) */
  readonly podIp?: string;
  /**
   * Ports of the leader Endpoints; names must match the leader Service's ports.
   * @default - one port named `postgresql` on {@link PatroniPostgresqlSpec.port}
   */
  readonly ports?: ReadonlyArray<{ readonly name: string; readonly port: number }>;
  /** Talk to the API server by its endpoints rather than its Service. @default false */
  readonly bypassApiService?: boolean;
  /**
   * Role label value of the leader (Patroni 3.1+; Patroni 4 writes `primary`, earlier `master`).
   * Set it so Services select the same value whatever Patroni version the image has.
   * @default - Patroni's own default for its version
   */
  readonly leaderLabelValue?: string;
  /** Role label value of replicas (Patroni 3.1+). @default - Patroni's default, `replica` */
  readonly followerLabelValue?: string;
  /** Role label value of a standby cluster's leader (Patroni 3.1+). @default - Patroni's default for its version */
  readonly standbyLeaderLabelValue?: string;
}

/**
 * etcd v3 as the DCS (`etcd3:` section: etcd 3.4+ serves only the v3 API, an `etcd:` section
 * waits forever).
 *
 * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#etcdv3
 */
export interface PatroniEtcd3Dcs {
  readonly kind: 'etcd3';
  /** `host:port` of every etcd member, so Patroni survives the loss of any one. */
  readonly hosts: readonly string[];
  /**
   * Scheme for the etcd client URLs.
   * @default 'http'
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#etcdv3
   */
  readonly protocol?: 'http' | 'https';
}

/** Where Patroni keeps the leader key and the cluster's dynamic config. */
export type PatroniDcs = PatroniKubernetesDcs | PatroniEtcd3Dcs;

/**
 * A database role Patroni uses. Only the name: the password comes from the environment
 * (e.g. PATRONI_SUPERUSER_PASSWORD) so no literal secret ever reaches a manifest.
 */
export interface PatroniUser {
  /** Role name. */
  readonly username: string;
  /** Never set: Patroni reads the password from the environment (see {@link patroniEnvironment}). */
  readonly password?: never;
}

/**
 * Roles Patroni connects as.
 * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#postgresql
 */
export interface PatroniAuthentication {
  /** Superuser Patroni manages PostgreSQL with. @default { username: 'postgres' } */
  readonly superuser?: PatroniUser;
  /** Role replicas stream WAL as. @default { username: 'replicator' } */
  readonly replication?: PatroniUser;
  /**
   * Role pg_rewind connects as; Patroni creates it at bootstrap with only the grants pg_rewind
   * needs, so the superuser password is not used across members.
   * @default - { username: 'rewind_user' } when pg_rewind is used, otherwise none
   */
  readonly rewind?: PatroniUser;
}

/**
 * WAL archiving and replica seeding with WAL-G, for point-in-time recovery and DR.
 *
 * WAL-G rather than pgBackRest: it ships in Spilo (the image PatroniCluster runs), is one
 * binary configured only by environment variables (`WALG_S3_PREFIX` and credentials from a
 * Secret), so it needs no config file, lock or spool directory on a read-only root
 * filesystem and no stanza created before the first archive; it uploads in parallel with
 * compression, does delta backups and enforces retention with `wal-g delete retain`.
 * pgBackRest needs pgbackrest.conf, a writable lock path and a `stanza-create` before
 * archive_command succeeds, and is not in Spilo.
 *
 * @see https://github.com/wal-g/wal-g/blob/master/docs/PostgreSQL.md
 * @see https://www.postgresql.org/docs/15/continuous-archiving.html
 */
export interface WalGArchiveSpec {
  /** The wal-g executable. @default 'wal-g' */
  readonly command?: string;
  /**
   * Switch WAL segments at least this often, bounding what an idle-but-not-silent primary can
   * lose when its site is lost (the DR RPO for the archive path).
   * @default Duration.seconds(60)
   * @see https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-ARCHIVE-TIMEOUT
   */
  readonly archiveTimeout?: DurationLike;
  /**
   * Seed new replicas from the latest base backup (then stream the rest), so a new member does
   * not copy the whole database from the primary.
   * @default true
   */
  readonly seedReplicasFromBackup?: boolean;
}

/**
 * Run this cluster as a standby of another site: its leader replicates from `host` and
 * cascades to the local members, until it is promoted for DR.
 *
 * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
 */
export interface PatroniStandbyClusterSpec {
  /** Host of the remote primary (or of a Service/LB pointing at it). */
  readonly host: string;
  /**
   * Port of the remote primary.
   * @default 5432
   * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
   */
  readonly port?: number;
  /**
   * Replication slot on the remote primary, so it keeps WAL while the link is down.
   * @default - no slot (WAL retention then relies on the archive)
   * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
   */
  readonly primarySlotName?: string;
  /**
   * How the standby leader is first created: keys of postgresql methods, in order.
   * @default - ['wal_g', 'basebackup'] with a WAL archive, else ['basebackup']
   */
  readonly createReplicaMethods?: readonly string[];
  /**
   * Fetch WAL from the archive when streaming lags or breaks, so the standby site catches up
   * even after the primary recycled the WAL.
   * @default - true when walArchive is set
   * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
   */
  readonly restoreFromArchive?: boolean;
  /**
   * Apply WAL this late, so a destructive statement on the primary can be stopped before the
   * standby site replays it.
   * @default - no delay
   * @see https://www.postgresql.org/docs/15/runtime-config-replication.html#GUC-RECOVERY-MIN-APPLY-DELAY
   */
  readonly recoveryMinApplyDelay?: DurationLike;
}

/** The PostgreSQL side of one member. */
export interface PatroniPostgresqlSpec {
  /**
   * Address PostgreSQL listens on.
   * @default '0.0.0.0'
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#postgresql
   */
  readonly listenAddress?: string;
  /** PostgreSQL port. @default 5432 */
  readonly port?: number;
  /**
   * Host other members and the leader Endpoints use to reach this member.
   * @default - from PATRONI_POSTGRESQL_CONNECT_ADDRESS (the pod IP in Kubernetes)
   */
  readonly connectAddress?: string;
  /** Data directory. */
  readonly dataDir: string;
  /**
   * Directory of pg_ctl, initdb, postgres.
   * @default - found on PATH
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#postgresql
   */
  readonly binDir?: string;
  /**
   * Where Patroni writes the .pgpass it uses for replication and rewind; it holds passwords,
   * so put it on memory-backed, pod-private storage.
   * @default '/tmp/pgpass'
   */
  readonly pgpass?: string;
  /** Roles Patroni connects as. @default - postgres, replicator, rewind_user */
  readonly authentication?: PatroniAuthentication;
  /**
   * pg_hba.conf lines, replacing the default.
   * @default - peer for local sockets; scram-sha-256 from {@link clientCidrs} for clients and the replication role
   * @see https://www.postgresql.org/docs/15/auth-pg-hba-conf.html
   */
  readonly pgHba?: readonly string[];
  /**
   * Networks allowed to connect, always with a password; narrow it where the pod network is
   * known (NetworkPolicy restricts it in Kubernetes).
   * @default ['0.0.0.0/0', '::/0']
   * @see https://www.postgresql.org/docs/15/auth-pg-hba-conf.html
   */
  readonly clientCidrs?: readonly string[];
  /**
   * Parameters of this member only (e.g. paths). Cluster-wide ones go in {@link PatroniConfigSpec.parameters}.
   * @default - none
   */
  readonly parameters?: Readonly<Record<string, PgParameterValue>>;
}

/** The REST API HAProxy and Kubernetes probes ask (`/primary`, `/replica`, `/health`). */
export interface PatroniRestApiSpec {
  /**
   * Address the API listens on (HAProxy and the kubelet's probes must reach it).
   * @default '0.0.0.0'
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#rest-api
   */
  readonly listenAddress?: string;
  /** API port. @default 8008 */
  readonly port?: number;
  /** Host other members use to reach this API. @default - from PATRONI_RESTAPI_CONNECT_ADDRESS */
  readonly connectAddress?: string;
}

/**
 * Per-member tags.
 * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#tags
 */
export interface PatroniTags {
  /** Never promote this member. @default false */
  readonly nofailover?: boolean;
  /** Keep this member out of the replica load-balancing pool (`/replica` returns 503). @default false */
  readonly noloadbalance?: boolean;
  /** Let new replicas clone from this member. @default false */
  readonly clonefrom?: boolean;
  /** Never make this member the synchronous standby. @default false */
  readonly nosync?: boolean;
  /** Stream from this member instead of the leader. @default - the leader */
  readonly replicatefrom?: string;
}

/** Everything {@link renderPatroniConfig} needs for one member's patroni.yml. */
export interface PatroniConfigSpec {
  /** Construct path (or label) that errors name. @default - `patroni/<scope>` */
  readonly path?: string;
  /**
   * Cluster name: DCS key prefix and, in Kubernetes, object names (`<scope>-config`,
   * `<scope>-failover`...) and the scope label's value.
   */
  readonly scope: string;
  /**
   * Member name, unique in the cluster.
   * @default - from PATRONI_NAME (the pod name: one ConfigMap serves every pod)
   */
  readonly name?: string;
  /**
   * DCS path prefix.
   * @default - Patroni's `/service/`
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#global-universal
   */
  readonly namespace?: string;
  /** How many members the cluster has; used to check the synchronous settings, not rendered. */
  readonly members: number;
  /**
   * Patroni version of the image, to reject timings it would silently raise (3.2+ floors).
   * @default - not checked
   */
  readonly patroniVersion?: string;
  /** Where the leader key lives. */
  readonly dcs: PatroniDcs;
  /** REST API. @default - 0.0.0.0:8008 */
  readonly restApi?: PatroniRestApiSpec;
  /**
   * ttl, loop_wait, retry_timeout (and the HAProxy checks that go with them).
   * @default PatroniTiming.default()
   */
  readonly timing?: PatroniTimingProfile;
  /**
   * A replica lagging more than this may not be promoted, bounding loss in asynchronous mode.
   * @default Size.mebibytes(1)
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly maximumLagOnFailover?: SizeLike;
  /**
   * Commit only once a synchronous standby has the WAL, and promote only that standby: no
   * acknowledged write is lost on failover. Not strict: if every standby is gone, the primary
   * keeps accepting writes rather than stopping.
   * @default true
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-mode
   */
  readonly synchronousMode?: boolean;
  /**
   * Refuse writes when no synchronous standby is available (zero loss even then, at the cost
   * of availability).
   * @default false
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-mode
   */
  readonly synchronousModeStrict?: boolean;
  /**
   * Synchronous standbys to keep; one already makes every acknowledged commit survive the loss
   * of the primary, more cost write latency.
   * @default 1
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-replication-factor
   */
  readonly synchronousNodeCount?: number;
  /**
   * Keep the primary running through a DCS outage (API server upgrade, etcd loss) as long as it
   * reaches every member over the REST API, instead of demoting it.
   * @default true
   * @see https://patroni.readthedocs.io/en/latest/dcs_failsafe_mode.html
   */
  readonly failsafeMode?: boolean;
  /**
   * Rewind a failed primary so it rejoins as a replica in seconds instead of being re-cloned.
   * @default true
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly usePgRewind?: boolean;
  /**
   * Replication slots per member, so the primary keeps WAL a replica still needs.
   * @default true
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly useSlots?: boolean;
  /**
   * Cluster-wide PostgreSQL parameters (bootstrap.dcs.postgresql.parameters).
   * @default - none (Patroni's own defaults)
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly parameters?: Readonly<Record<string, PgParameterValue>>;
  /**
   * initdb options: `true` renders a flag, a string an option with that value.
   * Checksums detect storage corruption before it is replicated.
   * @default { encoding: 'UTF8', 'data-checksums': true }
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#bootstrap-configuration
   */
  readonly initdb?: Readonly<Record<string, string | true>>;
  /** PostgreSQL side of the member. */
  readonly postgresql: PatroniPostgresqlSpec;
  /** WAL-G archiving and replica seeding. @default - no archiving */
  readonly walArchive?: WalGArchiveSpec;
  /** Replicate from another site as a standby cluster. @default - a normal cluster */
  readonly standbyCluster?: PatroniStandbyClusterSpec;
  /**
   * Member tags.
   * @default - all false
   * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html#tags
   */
  readonly tags?: PatroniTags;
}

/** An environment variable Patroni needs that the config leaves out. */
export interface PatroniEnvRequirement {
  /** Variable name, e.g. PATRONI_SUPERUSER_PASSWORD. */
  readonly name: string;
  /** True for passwords: fill it from a Secret, never a literal. */
  readonly secret: boolean;
  /** What it holds. */
  readonly description: string;
}

const DEFAULT_LABELS = { application: 'patroni' };
const DEFAULT_INITDB: Record<string, string | true> = { 'encoding': 'UTF8', 'data-checksums': true };
const DEFAULT_CLIENT_CIDRS = ['0.0.0.0/0', '::/0'];
const DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 60;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Longest scope whose `<scope>-failover` Endpoints name still fits Kubernetes' 63 characters. */
const MAX_SCOPE_LENGTH = 63 - '-failover'.length;
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SLOT_NAME = /^[a-z0-9_]{1,63}$/;
const HOST = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$|^[0-9a-fA-F:]+$/;
const PARAMETER_NAME = /^[a-z_][a-z0-9_.]*$/;
const CONNINFO_PASSWORD = /password\s*=/i;
/** Secrets never appear in messages either. */
const REDACTED = '***';

/** Environment names Patroni reads each role's password from. */
export const PATRONI_PASSWORD_ENV = {
  superuser: 'PATRONI_SUPERUSER_PASSWORD',
  replication: 'PATRONI_REPLICATION_PASSWORD',
  rewind: 'PATRONI_REWIND_PASSWORD',
} as const;

/**
 * Renders one member's patroni.yml (YAML 1.1, as Patroni's PyYAML reads it: strings such as
 * `on` or `10:30` stay strings). Passwords are never rendered: see {@link patroniEnvironment}.
 *
 * @see https://patroni.readthedocs.io/en/latest/yaml_configuration.html
 */
export function renderPatroniConfig(spec: PatroniConfigSpec): string {
  validatePatroniConfig(spec);
  return stringify(patroniConfigDocument(spec), { version: '1.1', lineWidth: 0 });
}

/**
 * Throws a {@link HadrError} for the first invalid or contradictory setting: literal
 * passwords, Patroni's timing rule, synchronous settings the member count cannot honour,
 * standby settings that contradict synchronous ones, malformed names and addresses.
 */
export function validatePatroniConfig(spec: PatroniConfigSpec): void {
  const path = errorPath(spec);
  rejectLiteralPasswords(path, spec, '');
  checkScope(path, spec.scope);
  check(Number.isInteger(spec.members) && spec.members >= 1, {
    path, field: 'members', value: spec.members, problem: 'must be a whole number, at least 1', fix: 'use 3 for automatic failover',
  });
  const timing = spec.timing ?? PatroniTiming.default();
  validatePatroniTiming(path, timing);
  checkTimingHonouredByVersion(path, timing, spec.patroniVersion);
  checkSynchronousSettings(path, spec);
  checkDcs(path, spec.dcs);
  checkPostgresql(path, spec);
  checkParameters(path, 'parameters', spec.parameters);
  if (spec.standbyCluster) checkStandbyCluster(path, spec.standbyCluster);
  if (spec.maximumLagOnFailover !== undefined) {
    check(isSizeLike(spec.maximumLagOnFailover), {
      path, field: 'maximumLagOnFailover', value: spec.maximumLagOnFailover, problem: 'must be a size', fix: 'use Size.mebibytes(1)',
    });
  }
}

/**
 * Environment variables the member needs besides the rendered file: the passwords (always, from
 * Secrets) and the per-pod values the spec left to the environment (name, addresses, pod IP).
 */
export function patroniEnvironment(spec: PatroniConfigSpec): PatroniEnvRequirement[] {
  const users = resolvedUsers(spec);
  const env: PatroniEnvRequirement[] = [
    { name: PATRONI_PASSWORD_ENV.superuser, secret: true, description: `password of ${users.superuser.username}` },
    { name: PATRONI_PASSWORD_ENV.replication, secret: true, description: `password of ${users.replication.username}` },
  ];
  if (users.rewind) env.push({ name: PATRONI_PASSWORD_ENV.rewind, secret: true, description: `password of ${users.rewind.username}` });
  if (spec.name === undefined) env.push({ name: 'PATRONI_NAME', secret: false, description: 'member name (the pod name)' });
  if (spec.postgresql.connectAddress === undefined) {
    env.push({ name: 'PATRONI_POSTGRESQL_CONNECT_ADDRESS', secret: false, description: `host:port other members reach PostgreSQL at (port ${pgPort(spec)})` });
  }
  if (spec.restApi?.connectAddress === undefined) {
    env.push({ name: 'PATRONI_RESTAPI_CONNECT_ADDRESS', secret: false, description: `host:port other members reach the REST API at (port ${apiPort(spec)})` });
  }
  if (spec.dcs.kind === 'kubernetes') {
    if (spec.dcs.podIp === undefined) env.push({ name: 'PATRONI_KUBERNETES_POD_IP', secret: false, description: 'pod IP for the leader Endpoints' });
    if (spec.dcs.namespace === undefined) env.push({ name: 'PATRONI_KUBERNETES_NAMESPACE', secret: false, description: 'namespace of the pods' });
  }
  return env;
}

/**
 * Shell commands WAL-G runs for this cluster, for backup jobs and runbooks.
 *
 * @example
 * walgCommands({ dataDir: '/home/postgres/pgdata/pgroot/data' }).retain(7)
 * // 'wal-g delete retain FULL 7 --confirm'
 */
export function walgCommands(options: { dataDir: string; command?: string }) {
  const walg = options.command ?? 'wal-g';
  return {
    archiveCommand: `${walg} wal-push %p`,
    restoreCommand: `${walg} wal-fetch %f %p`,
    backupPush: `${walg} backup-push ${options.dataDir}`,
    backupFetchLatest: `${walg} backup-fetch ${options.dataDir} LATEST`,
    retain: (fullBackups: number) => `${walg} delete retain FULL ${fullBackups} --confirm`,
  };
}

function errorPath(spec: PatroniConfigSpec): string {
  return spec.path ?? `patroni/${String(spec.scope)}`;
}

function pgPort(spec: PatroniConfigSpec): number {
  return spec.postgresql.port ?? 5432;
}

function apiPort(spec: PatroniConfigSpec): number {
  return spec.restApi?.port ?? 8008;
}

interface ResolvedUsers {
  readonly superuser: PatroniUser;
  readonly replication: PatroniUser;
  readonly rewind?: PatroniUser;
}

function resolvedUsers(spec: PatroniConfigSpec): ResolvedUsers {
  const auth = spec.postgresql.authentication ?? {};
  const usePgRewind = spec.usePgRewind ?? true;
  return {
    superuser: auth.superuser ?? { username: 'postgres' },
    replication: auth.replication ?? { username: 'replicator' },
    rewind: auth.rewind ?? (usePgRewind ? { username: 'rewind_user' } : undefined),
  };
}

// ---------------------------------------------------------------------------------------------
// The document

function patroniConfigDocument(spec: PatroniConfigSpec): Record<string, unknown> {
  return {
    scope: spec.scope,
    namespace: spec.namespace,
    name: spec.name,
    restapi: restApiSection(spec),
    ...dcsSection(spec),
    bootstrap: {
      dcs: dynamicConfig(spec),
      initdb: initdbList(spec.initdb ?? DEFAULT_INITDB),
    },
    postgresql: postgresqlSection(spec),
    tags: tagsSection(spec.tags ?? {}),
  };
}

function restApiSection(spec: PatroniConfigSpec): Record<string, unknown> {
  const api = spec.restApi ?? {};
  return {
    listen: `${api.listenAddress ?? '0.0.0.0'}:${apiPort(spec)}`,
    connect_address: api.connectAddress === undefined ? undefined : `${api.connectAddress}:${apiPort(spec)}`,
  };
}

function dcsSection(spec: PatroniConfigSpec): Record<string, unknown> {
  const dcs = spec.dcs;
  if (dcs.kind === 'etcd3') {
    return { etcd3: { hosts: [...dcs.hosts], protocol: dcs.protocol ?? 'http' } };
  }
  return {
    kubernetes: {
      namespace: dcs.namespace,
      labels: { ...(dcs.labels ?? DEFAULT_LABELS) },
      scope_label: dcs.scopeLabel ?? 'cluster-name',
      role_label: dcs.roleLabel ?? 'role',
      use_endpoints: dcs.useEndpoints ?? true,
      pod_ip: dcs.podIp,
      ports: (dcs.ports ?? [{ name: 'postgresql', port: pgPort(spec) }]).map((p) => ({ name: p.name, port: p.port })),
      bypass_api_service: dcs.bypassApiService,
      leader_label_value: dcs.leaderLabelValue,
      follower_label_value: dcs.followerLabelValue,
      standby_leader_label_value: dcs.standbyLeaderLabelValue,
    },
  };
}

function dynamicConfig(spec: PatroniConfigSpec): Record<string, unknown> {
  const timing = spec.timing ?? PatroniTiming.default();
  const lagBytes = spec.maximumLagOnFailover ? spec.maximumLagOnFailover.toKibibytes() * 1024 : 1024 * 1024;
  return {
    ttl: timing.ttlSeconds,
    loop_wait: timing.loopWaitSeconds,
    retry_timeout: timing.retryTimeoutSeconds,
    maximum_lag_on_failover: lagBytes,
    synchronous_mode: spec.synchronousMode ?? true,
    synchronous_mode_strict: spec.synchronousModeStrict ?? false,
    synchronous_node_count: spec.synchronousNodeCount ?? 1,
    failsafe_mode: spec.failsafeMode ?? true,
    postgresql: {
      use_pg_rewind: spec.usePgRewind ?? true,
      use_slots: spec.useSlots ?? true,
      parameters: spec.parameters && Object.keys(spec.parameters).length > 0 ? { ...spec.parameters } : undefined,
    },
    standby_cluster: spec.standbyCluster ? standbyClusterSection(spec, spec.standbyCluster) : undefined,
  };
}

function standbyClusterSection(spec: PatroniConfigSpec, standby: PatroniStandbyClusterSpec): Record<string, unknown> {
  const archive = spec.walArchive;
  const restore = standby.restoreFromArchive ?? archive !== undefined;
  return {
    host: standby.host,
    port: standby.port ?? 5432,
    primary_slot_name: standby.primarySlotName,
    create_replica_methods: [...(standby.createReplicaMethods ?? replicaMethods(spec))],
    restore_command: restore ? walgFor(spec).restoreCommand : undefined,
    recovery_min_apply_delay: standby.recoveryMinApplyDelay ? `${standby.recoveryMinApplyDelay.toMilliseconds()}ms` : undefined,
  };
}

function initdbList(options: Readonly<Record<string, string | true>>): unknown[] {
  return Object.entries(options).map(([key, value]) => (value === true ? key : { [key]: value }));
}

function postgresqlSection(spec: PatroniConfigSpec): Record<string, unknown> {
  const pg = spec.postgresql;
  const users = resolvedUsers(spec);
  const archive = spec.walArchive;
  return {
    listen: `${pg.listenAddress ?? '0.0.0.0'}:${pgPort(spec)}`,
    connect_address: pg.connectAddress === undefined ? undefined : `${pg.connectAddress}:${pgPort(spec)}`,
    data_dir: pg.dataDir,
    bin_dir: pg.binDir,
    pgpass: pg.pgpass ?? '/tmp/pgpass',
    authentication: {
      superuser: { username: users.superuser.username },
      replication: { username: users.replication.username },
      rewind: users.rewind ? { username: users.rewind.username } : undefined,
    },
    parameters: localParameters(spec),
    pg_hba: [...(pg.pgHba ?? defaultPgHba(users, pg.clientCidrs ?? DEFAULT_CLIENT_CIDRS))],
    recovery_conf: archive ? { restore_command: walgFor(spec).restoreCommand } : undefined,
    create_replica_methods: replicaMethods(spec),
    // A fast checkpoint on the source lets a new or rebuilt replica start copying at once.
    basebackup: [{ checkpoint: 'fast' }],
    wal_g: archive && (archive.seedReplicasFromBackup ?? true)
      ? { command: walgFor(spec).backupFetchLatest, no_params: true, no_leader: true }
      : undefined,
  };
}

function localParameters(spec: PatroniConfigSpec): Record<string, PgParameterValue> | undefined {
  const archive = spec.walArchive;
  const archiving: Record<string, PgParameterValue> = archive
    ? {
      archive_mode: 'on',
      archive_command: walgFor(spec).archiveCommand,
      archive_timeout: archive.archiveTimeout ? toSecondsCeil(archive.archiveTimeout) : DEFAULT_ARCHIVE_TIMEOUT_SECONDS,
    }
    : {};
  // The user's own values win over the archiving defaults.
  const merged = { ...archiving, ...(spec.postgresql.parameters ?? {}) };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function replicaMethods(spec: PatroniConfigSpec): string[] {
  const archive = spec.walArchive;
  return archive && (archive.seedReplicasFromBackup ?? true) ? ['wal_g', 'basebackup'] : ['basebackup'];
}

function walgFor(spec: PatroniConfigSpec) {
  return walgCommands({ dataDir: spec.postgresql.dataDir, command: spec.walArchive?.command });
}

function defaultPgHba(users: ResolvedUsers, cidrs: readonly string[]): string[] {
  return [
    'local all all peer',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
    ...cidrs.map((cidr) => `host replication ${users.replication.username} ${cidr} scram-sha-256`),
    ...cidrs.map((cidr) => `host all all ${cidr} scram-sha-256`),
  ];
}

function tagsSection(tags: PatroniTags): Record<string, unknown> {
  return {
    nofailover: tags.nofailover ?? false,
    noloadbalance: tags.noloadbalance ?? false,
    clonefrom: tags.clonefrom ?? false,
    nosync: tags.nosync ?? false,
    replicatefrom: tags.replicatefrom,
  };
}

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * Walks the whole spec: any field named like a password holding a value, or a connection
 * string with `password=`, is a literal secret on its way into a manifest.
 */
function rejectLiteralPasswords(path: string, value: unknown, field: string): void {
  if (typeof value === 'string') {
    check(!CONNINFO_PASSWORD.test(value), {
      path, field, value: REDACTED,
      problem: 'must not embed a password in a connection string',
      fix: 'drop password=...; Patroni writes a .pgpass from PATRONI_*_PASSWORD environment variables filled from a Secret',
    });
    return;
  }
  if (value === null || typeof value !== 'object' || isDurationLike(value) || isSizeLike(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childField = field === '' ? key : `${field}.${key}`;
    if (/password$/i.test(key) && child !== undefined) {
      throw new HadrError({
        path, field: childField, value: REDACTED,
        problem: 'must not hold a literal password',
        fix: `remove it; Patroni reads ${passwordEnvFor(childField)} from the environment, filled from a Secret`,
      });
    }
    rejectLiteralPasswords(path, child, childField);
  }
}

function passwordEnvFor(field: string): string {
  if (field.includes('superuser')) return PATRONI_PASSWORD_ENV.superuser;
  if (field.includes('replication')) return PATRONI_PASSWORD_ENV.replication;
  if (field.includes('rewind')) return PATRONI_PASSWORD_ENV.rewind;
  return 'PATRONI_<ROLE>_PASSWORD';
}

function checkScope(path: string, scope: string): void {
  check(typeof scope === 'string' && DNS_LABEL.test(scope) && scope.length <= MAX_SCOPE_LENGTH, {
    path, field: 'scope', value: scope,
    problem: `must be a lowercase DNS label of at most ${MAX_SCOPE_LENGTH} characters`,
    fix: 'use letters, digits and dashes, e.g. "orders-db" (Patroni names Kubernetes objects <scope>-config, <scope>-failover)',
  });
}

function checkTimingHonouredByVersion(path: string, timing: PatroniTimingProfile, version: string | undefined): void {
  if (version === undefined) return;
  check(!patroniRaisesTiming(timing, version), {
    path, field: 'timing', value: `${timing.name} (ttl ${timing.ttlSeconds}, loop_wait ${timing.loopWaitSeconds}, retry_timeout ${timing.retryTimeoutSeconds})`,
    problem: `would be raised by Patroni ${version} to its floors (ttl ${PATRONI_TIMING_FLOORS.ttlSeconds}, loop_wait ${PATRONI_TIMING_FLOORS.loopWaitSeconds}, retry_timeout ${PATRONI_TIMING_FLOORS.retryTimeoutSeconds}), so its measured failover would not hold`,
    fix: `use PatroniTiming.responsive() (ttl ${PATRONI_TIMING_FLOORS.ttlSeconds}, the fastest it honours), PatroniTiming.default(), or an image with Patroni older than ${PATRONI_TIMING_FLOORS.sinceVersion}`,
  });
}

function checkSynchronousSettings(path: string, spec: PatroniConfigSpec): void {
  const synchronous = spec.synchronousMode ?? true;
  const strict = spec.synchronousModeStrict ?? false;
  const count = spec.synchronousNodeCount ?? 1;
  check(!strict || synchronous, {
    path, field: 'synchronousModeStrict', value: strict,
    problem: 'needs synchronousMode', fix: 'set synchronousMode: true, or drop synchronousModeStrict',
  });
  check(!strict || spec.members >= 2, {
    path, field: 'synchronousModeStrict', value: strict,
    problem: `with ${spec.members} member would refuse every write (no standby can confirm a commit)`,
    fix: 'use 3 members, or drop synchronousModeStrict',
  });
  check(Number.isInteger(count) && count >= 1 && (!synchronous || spec.members === 1 || count <= spec.members - 1), {
    path, field: 'synchronousNodeCount', value: count,
    problem: `must be between 1 and members - 1 (${Math.max(1, spec.members - 1)})`,
    fix: 'use 1, or add members',
  });
  check(!(spec.standbyCluster && strict), {
    path, field: 'synchronousModeStrict', value: strict,
    problem: 'contradicts standbyCluster: the standby leader replicates asynchronously from the remote site, so no write there is confirmed synchronously',
    fix: 'drop synchronousModeStrict in the standby site (synchronousMode still applies locally once the site is promoted)',
  });
  const commit = spec.parameters?.synchronous_commit ?? spec.postgresql.parameters?.synchronous_commit;
  check(!(synchronous && (commit === 'off' || commit === 'local')), {
    path, field: 'parameters.synchronous_commit', value: commit,
    problem: 'contradicts synchronousMode: the primary would acknowledge commits before the synchronous standby has them',
    fix: 'use "on" or "remote_apply", or set synchronousMode: false',
  });
}

function checkDcs(path: string, dcs: PatroniDcs): void {
  if (dcs.kind === 'etcd3') {
    check(Array.isArray(dcs.hosts) && dcs.hosts.length > 0, {
      path, field: 'dcs.hosts', value: dcs.hosts, problem: 'must list at least one etcd member', fix: 'give every member as host:port',
    });
    dcs.hosts.forEach((host, i) => check(isHostPort(host), {
      path, field: `dcs.hosts[${i}]`, value: host, problem: 'must be host:port', fix: 'e.g. "etcd-0.etcd:2379"',
    }));
    return;
  }
  check(dcs.kind === 'kubernetes', {
    path, field: 'dcs.kind', value: (dcs as { kind: unknown }).kind, problem: 'is not a DCS this library renders', fix: 'use "kubernetes" or "etcd3"',
  });
  for (const [key, value] of Object.entries(dcs.labels ?? {})) {
    check(/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(key) && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value) && value.length <= 63, {
      path, field: `dcs.labels.${key}`, value, problem: 'must be a valid Kubernetes label', fix: 'use letters, digits, -, _ and . (at most 63 characters)',
    });
  }
  (dcs.ports ?? []).forEach((p, i) => check(isPort(p.port) && DNS_LABEL.test(p.name), {
    path, field: `dcs.ports[${i}]`, value: p, problem: 'must have a DNS-label name and a port from 1 to 65535', fix: 'e.g. { name: "postgresql", port: 5432 }',
  }));
}

function checkPostgresql(path: string, spec: PatroniConfigSpec): void {
  const pg = spec.postgresql;
  check(typeof pg.dataDir === 'string' && pg.dataDir.startsWith('/'), {
    path, field: 'postgresql.dataDir', value: pg.dataDir, problem: 'must be an absolute path', fix: 'e.g. "/home/postgres/pgdata/pgroot/data"',
  });
  check(isPort(pgPort(spec)), {
    path, field: 'postgresql.port', value: pgPort(spec), problem: 'must be a port from 1 to 65535', fix: 'use 5432',
  });
  check(isPort(apiPort(spec)) && apiPort(spec) !== pgPort(spec), {
    path, field: 'restApi.port', value: apiPort(spec), problem: 'must be a free port from 1 to 65535, not PostgreSQL\'s', fix: 'use 8008',
  });
  for (const [field, host] of [
    ['postgresql.connectAddress', pg.connectAddress], ['restApi.connectAddress', spec.restApi?.connectAddress],
  ] as const) {
    if (host !== undefined) {
      check(HOST.test(host), { path, field, value: host, problem: 'must be a host name or IP without a port', fix: 'the port comes from the port field' });
    }
  }
  const users = resolvedUsers(spec);
  for (const [role, user] of Object.entries(users)) {
    if (user) {
      check(ROLE_NAME.test(user.username), {
        path, field: `postgresql.authentication.${role}.username`, value: user.username,
        problem: 'must be a lowercase PostgreSQL role name', fix: 'use letters, digits and _ (at most 63)',
      });
    }
  }
  checkParameters(path, 'postgresql.parameters', pg.parameters);
  (pg.pgHba ?? []).forEach((line, i) => check(!/[\r\n]/.test(line) && line.trim().length > 0, {
    path, field: `postgresql.pgHba[${i}]`, value: line, problem: 'must be one non-empty pg_hba.conf line', fix: 'give one rule per entry',
  }));
  (pg.pgHba ?? []).forEach((line, i) => check(!/\btrust\s*$/.test(line) || line.startsWith('local'), {
    path, field: `postgresql.pgHba[${i}]`, value: line, problem: 'lets network clients in without a password', fix: 'use scram-sha-256',
  }));
}

function checkParameters(path: string, field: string, parameters: Readonly<Record<string, PgParameterValue>> | undefined): void {
  for (const [name, value] of Object.entries(parameters ?? {})) {
    check(PARAMETER_NAME.test(name), {
      path, field: `${field}.${name}`, value: name, problem: 'is not a PostgreSQL parameter name', fix: 'use lowercase names such as max_connections',
    });
    check(['string', 'number', 'boolean'].includes(typeof value), {
      path, field: `${field}.${name}`, value, problem: 'must be a string, number or boolean', fix: 'e.g. "256MB" or 200',
    });
  }
}

function checkStandbyCluster(path: string, standby: PatroniStandbyClusterSpec): void {
  check(typeof standby.host === 'string' && HOST.test(standby.host), {
    path, field: 'standbyCluster.host', value: standby.host, problem: 'must be the remote primary\'s host name or IP', fix: 'e.g. "db-primary.dc1.example.com"',
  });
  check(isPort(standby.port ?? 5432), {
    path, field: 'standbyCluster.port', value: standby.port, problem: 'must be a port from 1 to 65535', fix: 'use 5432',
  });
  if (standby.primarySlotName !== undefined) {
    check(SLOT_NAME.test(standby.primarySlotName), {
      path, field: 'standbyCluster.primarySlotName', value: standby.primarySlotName,
      problem: 'must be a replication slot name', fix: 'use lowercase letters, digits and _ (at most 63)',
    });
  }
  if (standby.recoveryMinApplyDelay !== undefined) {
    check(isDurationLike(standby.recoveryMinApplyDelay), {
      path, field: 'standbyCluster.recoveryMinApplyDelay', value: standby.recoveryMinApplyDelay, problem: 'must be a duration', fix: 'use Duration.minutes(n)',
    });
  }
}

function isPort(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}

function isHostPort(value: string): boolean {
  const i = value.lastIndexOf(':');
  return i > 0 && HOST.test(value.slice(0, i)) && isPort(Number(value.slice(i + 1)));
}
