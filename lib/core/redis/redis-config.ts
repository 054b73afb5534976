/**
 * redis.conf for one Redis server of a Sentinel topology, rendered by one pure function used
 * both by the Kubernetes construct (ConfigMap) and by the failover drill (real redis-server).
 */
import { check, HadrError } from '../errors';
import { authIncludeScript, checkAuthFiles } from './private/auth-include';
import { ConfDirective, renderConfLines, yesNo } from '../private/conf-lines';
import { checkAbsolutePath, checkBind, checkDurability, checkExtraDirectives, checkHost, checkPort } from './private/redis-checks';
import { Durability, RedisDurability, replicasRequired } from './redis-timing';
import { millis } from '../units';
import { checkObject, checkShape } from '../validation/shape';
import { REDIS_CONFIG_SHAPE } from '../validation/spec-shapes';

/** Directive and argument types of the `extraDirectives` escape hatch. */
export type { ConfArg, ConfDirective } from '../private/conf-lines';

/** The port Redis listens on unless told otherwise. */
export const REDIS_PORT = 6379;

/** A Redis or Sentinel endpoint: an IP address or a DNS name, and a port. */
export interface RedisAddress {
  /** IP address or DNS name (a pod's stable DNS name in Kubernetes). */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/** The address a server tells its peers to use, when the one they would see is not reachable. */
export interface AnnounceAddress {
  /**
   * IP address or DNS name to announce; a DNS name needs Sentinel's hostname support
   * (`SentinelConfigSpec.hostnames`).
   */
  readonly host: string;
  /**
   * Port to announce.
   * @default - the port the server listens on
   */
  readonly port?: number;
}

/**
 * How the password reaches redis-server and redis-sentinel at run time without ever being
 * part of the rendered config.
 *
 * The rendered file ends with `include <includeFile>`. Before the server starts, a start step
 * (an init container, or the entrypoint before `exec`) runs the script from
 * `renderRedisAuthScript` / `renderSentinelAuthScript`, which reads `passwordFile` (a key
 * of a Kubernetes Secret mounted as a file) and writes the `requirepass` / `masterauth` /
 * `sentinel auth-pass` directives into `includeFile` with mode 0600. Why an include file:
 * - not server arguments: `--requirepass` would show in `/proc/<pid>/cmdline` and `ps` for
 *   every process in the pod;
 * - not environment variables: Redis reads none for its config, so they would end up as
 *   arguments anyway;
 * - redis-server and redis-sentinel both read `include`, so one mechanism covers both, and the
 *   drill runs the very same script with a password file it creates.
 *
 * Keep in mind:
 * - Redis (`CONFIG REWRITE`, which Sentinel sends during a failover) and Sentinel (on every
 *   state change) copy the password into the config file they run from. Run them from a
 *   writable copy on a pod-private volume (an emptyDir), and copy it fresh from the rendered
 *   config at every start so a rotated Secret wins over what a previous run wrote.
 * - The password must not contain whitespace, quotes or control characters: Sentinel writes
 *   `sentinel auth-pass` back unquoted (seen on Redis 7.0.15) and could not restart from its
 *   own file. The script refuses such a password, so the pod fails at start, not at its first
 *   restart.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/security/#authentication
 * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
 */
export interface RedisAuth {
  /** Absolute path of the password file, mounted from a Kubernetes Secret (never the password itself). */
  readonly passwordFile: string;
  /** Absolute path the start script writes the auth directives to, on a pod-private volume. */
  readonly includeFile: string;
}

/** `appendfsync`: when the append-only file is flushed to disk. */
export type AppendFsync = 'always' | 'everysec' | 'no';

/** What to render into one server's redis.conf. */
export interface RedisConfigSpec {
  /** Construct path (or config section) named in error messages, e.g. `firebackup/cache`. */
  readonly path: string;

  /**
   * How many replicas follow the primary in this topology (not counting the primary). At
   * least 1, so Sentinel has something to promote; checked against the durability setting.
   */
  readonly replicas: number;

  /** Where the password comes from at run time; see {@link RedisAuth}. */
  readonly auth: RedisAuth;

  /**
   * The primary this server replicates from at start (`replicaof`). Sentinel changes it at run
   * time.
   * @default - none: this server starts as the primary
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/
   */
  readonly replicaOf?: RedisAddress;

  /**
   * TCP port to listen on.
   * @default 6379
   * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
   */
  readonly port?: number;

  /**
   * Addresses to listen on. A `-` prefix makes an address optional (skipped where the pod
   * has no IPv6).
   * @default ['*', '-::*'] - every interface of the pod; the password and a NetworkPolicy guard it
   * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
   */
  readonly bind?: readonly string[];

  /**
   * Working directory for the append-only file and snapshots; put a PersistentVolume there.
   * @default '/data' - the data volume of the official redis image
   * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
   */
  readonly dir?: string;

  /**
   * When the append-only file is fsynced. Persistence is always on (`appendonly yes`): a
   * restarted server that came back empty and was then promoted would wipe its replicas.
   * @default 'everysec' - at most about one second of writes lost on a crash of the whole pod, without an fsync per write
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/
   */
  readonly appendFsync?: AppendFsync;

  /**
   * What an acknowledged write survives (`min-replicas-to-write`, `min-replicas-max-lag`).
   * The cost of the default: after a failover the new primary refuses writes until a replica
   * follows it, which adds little after a partial resync and as long as a full resync takes
   * when the remaining replica had received more of the stream than the promoted one.
   * A primary cut off together with one of its replicas keeps taking writes under any
   * durability: only the fence agent ({@link RedisConfigSpec.fenced}) stops it.
   * @default Durability.minReplicas(1, 2 seconds) - a replica stall loses at most its first 2-4 s of writes instead of all of it, and an old primary that restarts without its replicas refuses writes instead of taking writes a failover would discard (measured: NOREPLICAS right after its restart)
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
   */
  readonly durability?: RedisDurability;

  /**
   * Start fenced: `min-replicas-to-write` above the replica count, so the server refuses every
   * write until its fence agent (`renderRedisFenceScript`) has heard a Sentinel majority name it
   * the primary and set the durability's own value. A server that restarts, or comes back from
   * a partition, then never takes a write before the Sentinels have vouched for it.
   * @default false - the durability's value from the start (no fence agent)
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
   */
  readonly fenced?: boolean;

  /**
   * The address the primary and Sentinel should use for this server when it is a replica
   * (`replica-announce-ip` / `replica-announce-port`): the pod's stable DNS name in Kubernetes,
   * since a pod IP changes on every restart.
   * @default - none: peers use the address they see the connection come from
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#ip-addresses-and-dns-names
   */
  readonly announce?: AnnounceAddress;

  /**
   * `protected-mode`: refuse clients from other hosts while no password is set.
   * @default true - a second lock: should the include with the password ever be empty, the server answers only on loopback
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/security/#protected-mode
   */
  readonly protectedMode?: boolean;

  /**
   * Further directives, written after the rendered ones so they win over them (Redis keeps the
   * last value of a directive), e.g. `[['maxmemory', '2gb'], ['maxmemory-policy', 'noeviction']]`.
   * Passwords are refused here: they come only from {@link RedisAuth}.
   * @default - none
   * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
   */
  readonly extraDirectives?: readonly ConfDirective[];
}

/** Directives that carry a password (`user` can, through `>password` rules). */
const REDIS_SECRET_DIRECTIVES = new Set(['requirepass', 'masterauth', 'user', 'tls-key-file-pass', 'tls-client-key-file-pass']);

/**
 * redis.conf for one server: listener, persistence, replication, durability and announcement,
 * ending with the `include` of the auth file written at start (see {@link RedisAuth}). For
 * Redis outside Kubernetes too: the failover drill starts real servers from it.
 *
 * @example
 * renderRedisConfig({
 *   path: 'firebackup/cache', replicas: 2,
 *   auth: { passwordFile: '/etc/redis-secret/password', includeFile: '/run/redis-auth/redis.conf' },
 *   replicaOf: { host: 'cache-0.cache.default.svc.cluster.local', port: 6379 },
 *   announce: { host: 'cache-1.cache.default.svc.cluster.local' },
 * });
 * @throws HadrError on a bad value, naming the path, the field and the fix
 * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
 */
export function renderRedisConfig(spec: RedisConfigSpec): string {
  const settings = resolveRedisConfig(spec);
  const role = settings.replicaOf ? `replica of ${settings.replicaOf.host}:${settings.replicaOf.port}` : 'primary at start';
  return renderConfLines(
    [`redis.conf for ${spec.path} (${role}).`, 'Redis rewrites this file: run it from a writable copy.'],
    [
      ['port', settings.port],
      ['bind', ...settings.bind],
      ['protected-mode', yesNo(settings.protectedMode)],
      ['dir', settings.dir],
      ['appendonly', 'yes'],
      ['appendfsync', settings.appendFsync],
      ...replicationDirectives(settings),
      ...durabilityDirectives(settings.durability, settings.fenced ? settings.replicas : undefined),
      ...settings.extraDirectives,
      ['include', spec.auth.includeFile],
    ],
  );
}

/**
 * The sh script a start step runs before redis-server: it writes `requirepass` and
 * `masterauth` from the Secret's file into the include file (see {@link RedisAuth}).
 */
export function renderRedisAuthScript(spec: Pick<RedisConfigSpec, 'path' | 'auth'>): string {
  checkAuthFiles(spec.path, spec.auth);
  return authIncludeScript(spec.auth, ['requirepass', 'masterauth']);
}

type ResolvedRedisConfig = Required<Omit<RedisConfigSpec, 'replicaOf' | 'announce'>> & Pick<RedisConfigSpec, 'replicaOf' | 'announce'>;

/** Defaults filled in and every value checked. */
function resolveRedisConfig(spec: RedisConfigSpec): ResolvedRedisConfig {
  checkObject(String(spec?.path ?? 'redis'), 'spec', spec, "{ path: 'shop/cache', replicas: 2, auth: { passwordFile, includeFile } }");
  checkShape(String(spec.path ?? 'redis'), '', spec, REDIS_CONFIG_SHAPE);
  const { path } = spec;
  const resolved: ResolvedRedisConfig = {
    ...spec,
    port: spec.port ?? REDIS_PORT,
    bind: spec.bind ?? ['*', '-::*'],
    dir: spec.dir ?? '/data',
    appendFsync: spec.appendFsync ?? 'everysec',
    durability: spec.durability ?? Durability.minReplicas(1, millis(2000)),
    protectedMode: spec.protectedMode ?? true,
    fenced: spec.fenced ?? false,
    extraDirectives: spec.extraDirectives ?? [],
  };
  checkAuthFiles(path, spec.auth);
  check(Number.isInteger(resolved.replicas) && resolved.replicas >= 1, {
    path, field: 'replicas', value: resolved.replicas, problem: 'must be at least 1 so Sentinel has a replica to promote',
    fix: 'use 2, so a failover still leaves the new primary a replica',
  });
  checkPort(path, 'port', resolved.port);
  checkBind(path, 'bind', resolved.bind);
  checkAbsolutePath(path, 'dir', resolved.dir);
  check(['always', 'everysec', 'no'].includes(resolved.appendFsync), {
    path, field: 'appendFsync', value: resolved.appendFsync, problem: 'must be always, everysec or no', fix: 'use everysec',
  });
  checkDurability(resolved.durability, path, 'durability.');
  checkDurabilityFits(path, resolved.durability, resolved.replicas);
  if (resolved.replicaOf) {
    checkHost(path, 'replicaOf.host', resolved.replicaOf.host);
    checkPort(path, 'replicaOf.port', resolved.replicaOf.port);
  }
  if (resolved.announce) {
    checkHost(path, 'announce.host', resolved.announce.host);
    if (resolved.announce.port !== undefined) checkPort(path, 'announce.port', resolved.announce.port);
  }
  checkExtraDirectives(path, resolved.extraDirectives, ([name]) => REDIS_SECRET_DIRECTIVES.has(name));
  return resolved;
}

/** A durability setting that needs more current replicas than exist would refuse every write. */
function checkDurabilityFits(path: string, durability: RedisDurability, replicas: number): void {
  const required = replicasRequired(durability);
  if (required > replicas) {
    throw new HadrError({
      path, field: 'durability', value: `${durability.kind} with ${required} replicas`,
      problem: `must not need more replicas than the ${replicas} in the topology, or every write would fail`,
      fix: `use at most ${replicas} or add replicas`,
    });
  }
}

function replicationDirectives(settings: ResolvedRedisConfig): ConfDirective[] {
  const directives: ConfDirective[] = [];
  if (settings.replicaOf) directives.push(['replicaof', settings.replicaOf.host, settings.replicaOf.port]);
  if (settings.announce) {
    directives.push(['replica-announce-ip', settings.announce.host]);
    if (settings.announce.port !== undefined) directives.push(['replica-announce-port', settings.announce.port]);
  }
  return directives;
}

/**
 * `min-replicas-to-write` of a fenced server: one more than the replicas that exist, so no
 * write can ever meet it (every write is refused with NOREPLICAS), whatever the lag setting.
 */
export function fencedMinReplicasToWrite(replicas: number): number {
  return replicas + 1;
}

/** Redis' own `min-replicas-max-lag`: the check needs a non-zero lag to count replicas at all. */
const REDIS_DEFAULT_MAX_LAG_SECONDS = 10;

/**
 * `min-replicas-to-write 0` turns the check off, and then its lag has no meaning. A fenced
 * server starts above its replica count, with a lag so the check is on.
 */
function durabilityDirectives(durability: RedisDurability, fencedReplicas: number | undefined): ConfDirective[] {
  const lag = durability.minReplicasToWrite === 0 ? REDIS_DEFAULT_MAX_LAG_SECONDS : durability.minReplicasMaxLagSeconds;
  if (fencedReplicas !== undefined) return [['min-replicas-to-write', fencedMinReplicasToWrite(fencedReplicas)], ['min-replicas-max-lag', lag]];
  if (durability.minReplicasToWrite === 0) return [['min-replicas-to-write', 0]];
  return [['min-replicas-to-write', durability.minReplicasToWrite], ['min-replicas-max-lag', lag]];
}
