/**
 * patroni.yml from a typed spec: the one function behind the PatroniCluster ConfigMap and the
 * failover drill, so the config the drill proves is the config that runs.
 */
import { stringify } from 'yaml';
import { check, HadrError } from '../errors';
import { PgParameterValue } from '../intents';
import { PatroniTiming, PatroniTimingProfile, PATRONI_TIMING_FLOORS, patroniRaisesTiming, validatePatroniTiming } from './patroni-timing';
import { deepFreeze } from '../private/deep-freeze';
import { DurationLike, isDurationLike, isSizeLike, SizeLike, toSecondsCeil } from '../units';
import {
  checkClientCidr, checkListenAddress, checkParameters, checkPgHbaLine, checkSynchronousCommit, isHostOrIp,
} from './private/postgres-checks';
import { INT32_MAX, isLabelValueSyntax, qualifiedNameProblem } from '../validation/kubernetes';
import { parseIp } from '../validation/network';
import { findCredential } from '../validation/secrets';
import { checkObject, checkShape } from '../validation/shape';
import { PATRONI_CONFIG_SHAPE } from '../validation/spec-shapes';
import { checkTextTree } from '../validation/text';

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
  /**
   * The WAL archive of the source site, when the standby reads it rather than its own: WAL-G
   * fetches from this prefix (and endpoint) with the member's own credentials. The standby's own
   * archive, empty until it is promoted, would give it nothing to catch up from.
   * @default - the member's own archive
   * @see https://github.com/wal-g/wal-g/blob/master/docs/STORAGES.md#s3
   */
  readonly sourceArchive?: WalGArchiveLocation;
}

/** Where a WAL-G archive lives. */
export interface WalGArchiveLocation {
  /** `s3://bucket/path` of the archive. */
  readonly s3Prefix: string;
  /** Endpoint of S3-compatible storage. @default - AWS S3 */
  readonly endpoint?: string;
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
   * Permanent physical replication slots on the primary, one per standby site, so the primary
   * keeps the WAL a standby site still needs while the link between sites is down.
   * @default - none
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html#permanent-replication-slots
   */
  readonly permanentSlots?: readonly string[];
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

const DEFAULT_LABELS = deepFreeze({ application: 'patroni' });
const DEFAULT_INITDB: Readonly<Record<string, string | true>> = deepFreeze({ 'encoding': 'UTF8', 'data-checksums': true });
const DEFAULT_CLIENT_CIDRS = deepFreeze(['0.0.0.0/0', '::/0']);
const DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 60;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Longest scope whose `<scope>-failover` Endpoints name still fits Kubernetes' 63 characters. */
const MAX_SCOPE_LENGTH = 63 - '-failover'.length;
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SLOT_NAME = /^[a-z0-9_]{1,63}$/;
/** A path that goes into shell commands (archive_command, backup-push) as one word. */
const SHELL_SAFE_PATH = /^\/[A-Za-z0-9_.\/-]*$/;
/** A program: an absolute shell-safe path or a bare name found on PATH. */
const PROGRAM = /^(\/[A-Za-z0-9_.\/-]+|[A-Za-z0-9_.-]+)$/;
const MEMBER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const CONNINFO_PASSWORD = /password\s*=/i;
/** Secrets never appear in messages either. */
const REDACTED = '***';

/** Environment names Patroni reads each role's password from. */
export const PATRONI_PASSWORD_ENV = deepFreeze({
  superuser: 'PATRONI_SUPERUSER_PASSWORD',
  replication: 'PATRONI_REPLICATION_PASSWORD',
  rewind: 'PATRONI_REWIND_PASSWORD',
} as const);

/**
 * Renders one member's patroni.yml (YAML 1.1, as Patroni's PyYAML reads it: strings such as
 * `on` or `10:30` stay strings). Passwords are never rendered: see {@link patroniEnvironment}.
 *
 * For Patroni outside Kubernetes too (VMs with an etcd DCS): the failover drill starts real
 * Patroni members on 127.0.0.1 from this file (test/e2e/patroni-drill.ts).
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
  checkObject(path, 'spec', spec, "{ scope: 'db', members: 3, dcs: { kind: 'kubernetes' }, postgresql: { dataDir: '/data' } }");
  checkObject(path, 'dcs', spec.dcs, "{ kind: 'kubernetes' }");
  checkObject(path, 'postgresql', spec.postgresql, "{ dataDir: '/home/postgres/pgdata/pgroot/data' }");
  checkShape(path, '', spec, PATRONI_CONFIG_SHAPE);
  rejectLiteralPasswords(path, spec, '');
  // Every string lands in patroni.yml, which PyYAML (YAML 1.1) reads: one line, no controls.
  checkTextTree(path, spec, '');
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
  (spec.permanentSlots ?? []).forEach((slot, i) => check(SLOT_NAME.test(slot) && spec.permanentSlots!.indexOf(slot) === i, {
    path, field: `permanentSlots[${i}]`, value: slot, problem: 'must be a replication slot name listed once', fix: 'use lowercase letters, digits and _ (at most 63)',
  }));
  if (spec.maximumLagOnFailover !== undefined) {
    check(isSizeLike(spec.maximumLagOnFailover), {
      path, field: 'maximumLagOnFailover', value: spec.maximumLagOnFailover, problem: 'must be a size', fix: 'use Size.mebibytes(1)',
    });
  }
  checkMemberSettings(path, spec);
}

/**
 * Environment variables the member needs besides the rendered file: the passwords (always, from
 * Secrets) and the per-pod values the spec left to the environment (name, addresses, pod IP).
 * Outside Kubernetes, set these in the Patroni service's environment.
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
    slots: spec.permanentSlots?.length ? Object.fromEntries(spec.permanentSlots.map((slot) => [slot, { type: 'physical' }])) : undefined,
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
    restore_command: restore ? sourceArchiveRestore(walgFor(spec).restoreCommand, standby.sourceArchive) : undefined,
    recovery_min_apply_delay: standby.recoveryMinApplyDelay ? `${standby.recoveryMinApplyDelay.toMilliseconds()}ms` : undefined,
  };
}

/** The restore command, pointed at another site's archive when one is given. */
function sourceArchiveRestore(restoreCommand: string, source: WalGArchiveLocation | undefined): string {
  if (source === undefined) return restoreCommand;
  const env = [`WALG_S3_PREFIX=${source.s3Prefix}`, ...(source.endpoint ? [`AWS_ENDPOINT=${source.endpoint}`, 'AWS_S3_FORCE_PATH_STYLE=true'] : [])];
  return `env ${env.join(' ')} ${restoreCommand}`;
}

/**
 * The restore command of a standby cluster that reads another site's WAL archive, as it goes
 * into `standby_cluster.restore_command`.
 *
 * @example
 * archiveRestoreCommand({ s3Prefix: 's3://acme-wal/dc1' }); // 'env WALG_S3_PREFIX=s3://acme-wal/dc1 wal-g wal-fetch %f %p'
 */
export function archiveRestoreCommand(location: WalGArchiveLocation, walg = 'wal-g'): string {
  return sourceArchiveRestore(walgCommands({ dataDir: '', command: walg }).restoreCommand, location);
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
    const credential = findCredential(value);
    if (credential) {
      throw new HadrError({
        path, field, value: credential.redacted, problem: `holds a credential (${credential.what}) that would be written into patroni.yml in clear`,
        fix: 'remove it; Patroni reads passwords from PATRONI_*_PASSWORD environment variables filled from a Secret',
      });
    }
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
  check(Number.isInteger(count) && count <= INT32_MAX, {
    path, field: 'synchronousNodeCount', value: count, problem: 'must be a whole number', fix: 'use 1',
  });
  checkSynchronousCommit(path, 'parameters.synchronous_commit', spec.parameters?.synchronous_commit, synchronous);
  checkSynchronousCommit(path, 'postgresql.parameters.synchronous_commit', spec.postgresql.parameters?.synchronous_commit, synchronous);
}

function checkDcs(path: string, dcs: PatroniDcs): void {
  if (dcs.kind === 'etcd3') {
    check(Array.isArray(dcs.hosts) && dcs.hosts.length > 0, {
      path, field: 'dcs.hosts', value: dcs.hosts, problem: 'must list at least one etcd member', fix: 'give every member as host:port',
    });
    dcs.hosts.forEach((host, i) => check(isHostPort(host) && dcs.hosts.indexOf(host) === i, {
      path, field: `dcs.hosts[${i}]`, value: host, problem: 'must be host:port, listed once', fix: 'e.g. "etcd-0.etcd:2379"',
    }));
    check(dcs.protocol === undefined || dcs.protocol === 'http' || dcs.protocol === 'https', {
      path, field: 'dcs.protocol', value: dcs.protocol, problem: 'must be "http" or "https"', fix: 'use "https" for etcd with TLS',
    });
    return;
  }
  check(dcs.kind === 'kubernetes', {
    path, field: 'dcs.kind', value: (dcs as { kind: unknown }).kind, problem: 'is not a DCS this library renders', fix: 'use "kubernetes" or "etcd3"',
  });
  for (const [key, value] of Object.entries(dcs.labels ?? {})) {
    check(qualifiedNameProblem(key) === undefined && isLabelValueSyntax(value), {
      path, field: `dcs.labels.${key}`, value, problem: 'must be a valid Kubernetes label', fix: 'use letters, digits, -, _ and . (at most 63 characters)',
    });
  }
  for (const [field, key] of [['dcs.scopeLabel', dcs.scopeLabel], ['dcs.roleLabel', dcs.roleLabel]] as const) {
    check(key === undefined || qualifiedNameProblem(key) === undefined, {
      path, field, value: key, problem: 'must be a label key', fix: 'e.g. "app.kubernetes.io/instance"',
    });
  }
  for (const [field, value] of [
    ['dcs.leaderLabelValue', dcs.leaderLabelValue], ['dcs.followerLabelValue', dcs.followerLabelValue], ['dcs.standbyLeaderLabelValue', dcs.standbyLeaderLabelValue],
  ] as const) {
    check(value === undefined || (isLabelValueSyntax(value) && value !== ''), {
      path, field, value, problem: 'must be a label value', fix: 'e.g. "primary"',
    });
  }
  check(dcs.namespace === undefined || DNS_LABEL.test(dcs.namespace), {
    path, field: 'dcs.namespace', value: dcs.namespace, problem: 'must be a namespace name', fix: 'e.g. "shop"',
  });
  check(dcs.podIp === undefined || parseIp(dcs.podIp) !== undefined, {
    path, field: 'dcs.podIp', value: dcs.podIp, problem: 'must be an IP address', fix: 'leave it to PATRONI_KUBERNETES_POD_IP',
  });
  (dcs.ports ?? []).forEach((p, i) => check(isPort(p.port) && DNS_LABEL.test(p.name), {
    path, field: `dcs.ports[${i}]`, value: p, problem: 'must have a DNS-label name and a port from 1 to 65535', fix: 'e.g. { name: "postgresql", port: 5432 }',
  }));
}

function checkPostgresql(path: string, spec: PatroniConfigSpec): void {
  const pg = spec.postgresql;
  check(typeof pg.dataDir === 'string' && pg.dataDir.startsWith('/'), {
    path, field: 'postgresql.dataDir', value: pg.dataDir, problem: 'must be an absolute path', fix: 'e.g. "/home/postgres/pgdata/pgroot/data"',
  });
  for (const [field, value] of [['postgresql.dataDir', pg.dataDir], ['postgresql.binDir', pg.binDir], ['postgresql.pgpass', pg.pgpass]] as const) {
    check(value === undefined || (SHELL_SAFE_PATH.test(value) && !value.split('/').includes('..')), {
      path, field, value, problem: "must be an absolute path of letters, digits, '_', '.', '-' and '/': it is written into shell commands",
      fix: 'e.g. "/home/postgres/pgdata/pgroot/data"',
    });
  }
  for (const [field, value] of [['postgresql.listenAddress', pg.listenAddress], ['restApi.listenAddress', spec.restApi?.listenAddress]] as const) {
    if (value !== undefined) checkListenAddress(path, field, value);
  }
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
      check(isHostOrIp(host), { path, field, value: host, problem: 'must be a host name or IP without a port', fix: 'the port comes from the port field' });
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
  check(pg.pgHba === undefined || Array.isArray(pg.pgHba), {
    path, field: 'postgresql.pgHba', value: pg.pgHba, problem: 'must be a list of pg_hba.conf lines', fix: 'e.g. ["host all all 10.0.0.0/8 scram-sha-256"]',
  });
  (pg.pgHba ?? []).forEach((line, i) => checkPgHbaLine(path, `postgresql.pgHba[${i}]`, line));
  check(pg.clientCidrs === undefined || (Array.isArray(pg.clientCidrs) && pg.clientCidrs.length > 0), {
    path, field: 'postgresql.clientCidrs', value: pg.clientCidrs, problem: 'must list at least one CIDR range', fix: "e.g. ['10.0.0.0/8']",
  });
  (pg.clientCidrs ?? []).forEach((cidr, i) => checkClientCidr(path, `postgresql.clientCidrs[${i}]`, cidr));
}

/** Member-level names and commands: they land in patroni.yml and in shell commands. */
function checkMemberSettings(path: string, spec: PatroniConfigSpec): void {
  check(spec.name === undefined || MEMBER_NAME.test(spec.name), {
    path, field: 'name', value: spec.name, problem: 'must be a member name of letters, digits, -, _ and .', fix: 'leave it to PATRONI_NAME (the pod name)',
  });
  check(spec.namespace === undefined || /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/?$/.test(spec.namespace), {
    path, field: 'namespace', value: spec.namespace, problem: 'must be a DCS path prefix such as /service/', fix: 'leave it out for /service/',
  });
  check(spec.walArchive?.command === undefined || PROGRAM.test(spec.walArchive.command), {
    path, field: 'walArchive.command', value: spec.walArchive?.command,
    problem: 'must be the wal-g program (a bare name or an absolute path): it is written into archive_command, which a shell runs',
    fix: 'e.g. "wal-g" or "/usr/local/bin/wal-g"',
  });
  for (const [key, value] of Object.entries(spec.initdb ?? {})) {
    check(/^[a-z][a-z0-9-]*$/.test(key) && (value === true || (typeof value === 'string' && /^[^\s'"\\$`;]*$/.test(value))), {
      path, field: `initdb.${key}`, value, problem: 'must be an initdb option name with true or a plain value', fix: "e.g. { encoding: 'UTF8', 'data-checksums': true }",
    });
  }
  check(spec.tags?.replicatefrom === undefined || MEMBER_NAME.test(spec.tags.replicatefrom), {
    path, field: 'tags.replicatefrom', value: spec.tags?.replicatefrom, problem: 'must be a member name', fix: 'e.g. "db-1"',
  });
  (spec.standbyCluster?.createReplicaMethods ?? []).forEach((method, i) => check(/^[a-z_][a-z0-9_]*$/.test(method), {
    path, field: `standbyCluster.createReplicaMethods[${i}]`, value: method, problem: 'must be a replica method name', fix: 'e.g. "basebackup"',
  }));
}

function checkStandbyCluster(path: string, standby: PatroniStandbyClusterSpec): void {
  check(isHostOrIp(standby.host), {
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
    const delay = standby.recoveryMinApplyDelay;
    check(isDurationLike(delay) && delay.toMilliseconds() >= 0 && delay.toMilliseconds() <= INT32_MAX, {
      path, field: 'standbyCluster.recoveryMinApplyDelay', value: standby.recoveryMinApplyDelay, problem: 'must be a duration', fix: 'use Duration.minutes(n)',
    });
  }
  if (standby.sourceArchive !== undefined) checkArchiveLocation(path, 'standbyCluster.sourceArchive', standby.sourceArchive);
}

/** An archive location goes into a shell command: only the characters of a bucket path and a URL. */
export function checkArchiveLocation(path: string, field: string, location: WalGArchiveLocation): void {
  // Before the syntax checks, so a key in the location is never shown in a message.
  for (const [name, value] of [['s3Prefix', location.s3Prefix], ['endpoint', location.endpoint]] as const) {
    const credential = typeof value === 'string' ? findCredential(value) : undefined;
    if (credential || (typeof value === 'string' && /\/\/[^/]*@/.test(value))) {
      throw new HadrError({
        // The whole user info is hidden: a key id is half of the credential.
        path, field: `${field}.${name}`, value: /\/\/[^/]*@/.test(String(value)) ? String(value).replace(/\/\/[^/]*@/, '//<redacted>@') : credential!.redacted,
        problem: 'holds a credential that would be written into the pods\' environment in clear',
        fix: 'keep the keys in the backup credentials Secret and give the bare location',
      });
    }
  }
  check(typeof location.s3Prefix === 'string' && /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._\/-]*)?$/.test(location.s3Prefix), {
    path, field: `${field}.s3Prefix`, value: location.s3Prefix, problem: 'must be s3://<bucket>/<path>', fix: "use e.g. 's3://acme-db-wal/dc1'",
  });
  check(location.endpoint === undefined || (typeof location.endpoint === 'string' && /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/.test(location.endpoint)), {
    path, field: `${field}.endpoint`, value: location.endpoint, problem: 'must be an http(s) URL of a host and port', fix: "use e.g. 'https://objects.dc1.example.com'",
  });
}

function isPort(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}

function isHostPort(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const i = value.lastIndexOf(':');
  const host = value.slice(0, i);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return i > 0 && isHostOrIp(bare) && /^[0-9]+$/.test(value.slice(i + 1)) && isPort(Number(value.slice(i + 1)));
}
