/**
 * The start step of a Redis server in a Sentinel topology: one pure function rendering the sh
 * script that a pod runs as its entrypoint, and the routing test runs with real servers.
 */
import { check } from '../errors';
import { shellQuote } from './private/auth-include';
import {
  addressWords, askFunctions, checkShellInputs, passwordForCli, prologue, selfFromMemberName,
} from './private/redis-shell';
import { RedisAddress, RedisAuth, renderRedisAuthScript } from './redis-config';

/** A pod of the topology (a Redis server or a Sentinel): its name and the address it announces. */
export interface RedisPod {
  /** Pod name, the value of `$POD_NAME` in its container, e.g. `cache-1`; its config is `<name>.conf`. */
  readonly name: string;
  /** The address it announces (`replica-announce-ip`, `sentinel announce-ip`), which Sentinel hands out: its stable pod DNS name. */
  readonly host: string;
  /** Its port (6379 for Redis, 26379 for Sentinel). */
  readonly port: number;
}

/** What {@link renderRedisStartScript} needs. */
export interface RedisStartScriptSpec {
  /** Construct path named in error messages, e.g. `firebackup/cache`. */
  readonly path: string;
  /** The name Sentinel monitors the primary under. */
  readonly masterName: string;
  /**
   * Every Redis server, the initial primary first: its rendered config is the fallback when
   * nobody knows a current primary.
   */
  readonly members: readonly RedisPod[];
  /** The Sentinels to ask for the current primary, in order. */
  readonly sentinels: readonly RedisAddress[];
  /** Directory holding `<member name>.conf` for every member, each rendered by `renderRedisConfig` (a mounted ConfigMap). */
  readonly configDir: string;
  /** The writable copy redis-server runs from and rewrites (on a pod-private emptyDir). */
  readonly runtimeConfig: string;
  /** The password file and the include file, as given to `renderRedisConfig`. */
  readonly auth: RedisAuth;
  /**
   * redis-server to exec.
   * @default 'redis-server'
   */
  readonly redisServer?: string;
  /**
   * redis-cli to ask with.
   * @default 'redis-cli'
   */
  readonly redisCli?: string;
  /**
   * How long to wait for one Sentinel or server before asking the next.
   * @default 2
   */
  readonly askTimeoutSeconds?: number;
}

/**
 * The sh script a Redis pod runs at every container start, so a restarted server rejoins the
 * CURRENT primary instead of the one in its rendered config:
 *
 * 1. copies `<configDir>/$POD_NAME.conf` to `runtimeConfig`, fresh at every start (what a
 *    previous run rewrote does not survive; a rotated Secret wins);
 * 2. writes the auth include from the Secret's file (`renderRedisAuthScript`);
 * 3. asks every Sentinel `SENTINEL GET-MASTER-ADDR-BY-NAME`: when one names another server it
 *    appends `replicaof <that server>`; when all that answer name this server it appends
 *    `replicaof no one`: a server starts as primary only if no answering Sentinel says otherwise;
 * 4. when no Sentinel answers (all down, or a first start before any runs), asks the other
 *    servers `ROLE` and replicates from one that says `master`;
 * 5. otherwise starts as rendered: the initial topology, member 0 primary, the others its replicas;
 * 6. execs redis-server, so it gets the signals and the exit status.
 *
 * An entrypoint rather than an init container: the decision is taken again when only the
 * container restarts (after an OOM kill), which init containers do not rerun. Redis keeps the
 * last `replicaof` of the file, so the appended line wins over the rendered one.
 *
 * @throws HadrError on a bad value, naming the path, the field and the fix
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#obtaining-the-address-of-the-current-master
 * @see https://redis.io/docs/latest/commands/role/
 */
export function renderRedisStartScript(spec: RedisStartScriptSpec): string {
  const { path } = spec;
  const redisServer = spec.redisServer ?? 'redis-server';
  const redisCli = spec.redisCli ?? 'redis-cli';
  const timeoutSeconds = spec.askTimeoutSeconds ?? 2;
  check(/^[A-Za-z0-9._-]+$/.test(spec.masterName ?? ''), {
    path, field: 'masterName', value: spec.masterName, problem: 'must use only letters, digits, ".", "-" and "_"', fix: 'use e.g. "cache"',
  });
  checkShellInputs(path, {
    members: spec.members,
    addresses: spec.sentinels,
    addressesField: 'sentinels',
    files: { configDir: spec.configDir, runtimeConfig: spec.runtimeConfig },
    programs: { redisServer, redisCli },
    timeoutSeconds,
  });
  check(Array.isArray(spec.sentinels) && spec.sentinels.length > 0, {
    path, field: 'sentinels', value: spec.sentinels, problem: 'must list at least one Sentinel', fix: 'list every Sentinel',
  });
  const authScript = renderRedisAuthScript({ path, auth: spec.auth });
  const runtime = shellQuote(spec.runtimeConfig);
  const [initial] = spec.members;
  return [
    ...prologue('redis start'),
    ...selfFromMemberName(spec.members, 'Redis servers'),
    '# A fresh copy at every start: a previous run\'s rewrites do not survive, a rotated Secret wins.',
    `cat ${shellQuote(`${spec.configDir}/`)}"$member.conf" > ${runtime}.tmp`,
    `sh -c ${shellQuote(authScript)}`,
    ...passwordForCli(spec.auth.passwordFile),
    ...askFunctions(redisCli, timeoutSeconds),
    'primary=',
    'named_self=',
    `for sentinel in ${addressWords(spec.sentinels)}; do`,
    '  set -- $sentinel',
    `  set -- $(ask "$1" "$2" SENTINEL get-master-addr-by-name ${shellQuote(spec.masterName)})`,
    '  [ "$#" -eq 2 ] && valid_address "$1" "$2" || continue',
    '  if [ "$1 $2" = "$self" ]; then named_self=yes; continue; fi',
    '  primary="$1 $2"',
    '  break',
    'done',
    'if [ -z "$primary" ] && [ -z "$named_self" ]; then',
    '  # No Sentinel answers: a server that says it is the primary is the best witness left.',
    `  for peer in ${addressWords(spec.members)}; do`,
    '    [ "$peer" != "$self" ] || continue',
    '    set -- $peer',
    '    if [ "$(ask "$1" "$2" ROLE | sed -n 1p)" = master ]; then primary="$1 $2"; break; fi',
    '  done',
    'fi',
    'if [ -n "$primary" ]; then',
    '  log "replicating from $primary, the current primary"',
    `  echo "replicaof $primary" >> ${runtime}.tmp`,
    'elif [ -n "$named_self" ]; then',
    '  log "starting as the primary: the Sentinels name this server"',
    `  echo 'replicaof no one' >> ${runtime}.tmp`,
    'else',
    `  log "no Sentinel or server knows a primary: starting as rendered (${initial.name} primary, the others its replicas)"`,
    'fi',
    `mv -f ${runtime}.tmp ${runtime}`,
    'unset REDISCLI_AUTH',
    `exec ${shellQuote(redisServer)} ${runtime}`,
    '',
  ].join('\n');
}
