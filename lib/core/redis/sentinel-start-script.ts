/**
 * The start step of a Redis Sentinel: one pure function rendering the sh script a Sentinel pod
 * runs as its entrypoint.
 */
import { check } from '../errors';
import { shellQuote } from './private/auth-include';
import {
  addressWords, askFunctions, checkShellInputs, passwordForCli, prologue, selfFromMemberName,
} from './private/redis-shell';
import { RedisAddress } from './redis-config';
import { RedisPod } from './redis-start-script';
import { SentinelConfigSpec, renderSentinelAuthScript } from './sentinel-config';

/** What {@link renderSentinelStartScript} needs. */
export interface SentinelStartScriptSpec {
  /**
   * The spec every Sentinel's sentinel.conf is rendered from (`renderSentinelConfig`); its
   * `path`, `masterName` and `auth` are used here.
   */
  readonly config: SentinelConfigSpec;
  /** Every Sentinel: its pod name (`$POD_NAME`; its config is `<name>.conf`) and the address it announces. */
  readonly sentinels: readonly RedisPod[];
  /** Every Redis server, to ask who the primary is when no other Sentinel answers. */
  readonly redisServers: readonly RedisAddress[];
  /** Directory holding `<sentinel name>.conf` for every Sentinel (a mounted ConfigMap). */
  readonly configDir: string;
  /** The writable copy redis-sentinel runs from and rewrites (on a pod-private emptyDir). */
  readonly runtimeConfig: string;
  /**
   * redis-sentinel to exec.
   * @default 'redis-sentinel'
   */
  readonly redisSentinel?: string;
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
 * The sh script a Sentinel pod runs at every container start. Sentinel keeps its state (the
 * current primary, the epoch) only in the config file it rewrites, and the pod starts from the
 * rendered file, which names the initial primary. Monitoring a server that has since become a
 * replica, Sentinel would call it down and try a failover with no replica to promote: with
 * every Sentinel restarted at once the topology would stay without a primary. So the script:
 *
 * 1. copies `<configDir>/$POD_NAME.conf` to `runtimeConfig` and writes the auth include
 *    (`renderSentinelAuthScript`);
 * 2. asks the other Sentinels `SENTINEL GET-MASTER-ADDR-BY-NAME`, then, when none answers, the
 *    Redis servers `ROLE`, and rewrites the `sentinel monitor` line (the first directive of the
 *    rendered file) to the primary found; otherwise keeps the rendered one;
 * 3. execs redis-sentinel.
 *
 * A Sentinel that restarts alone would also learn the current primary from its peers' hello
 * messages (the higher config epoch wins); asking first avoids the window where it votes on a
 * primary that no longer is one.
 *
 * @throws HadrError on a bad value, naming the path, the field and the fix
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinels-and-replicas-auto-discovery
 */
export function renderSentinelStartScript(spec: SentinelStartScriptSpec): string {
  const { path, masterName, auth } = spec.config;
  const redisSentinel = spec.redisSentinel ?? 'redis-sentinel';
  const redisCli = spec.redisCli ?? 'redis-cli';
  const timeoutSeconds = spec.askTimeoutSeconds ?? 2;
  const authScript = renderSentinelAuthScript(spec.config);
  checkShellInputs(path, {
    members: spec.sentinels,
    membersField: 'sentinels',
    addresses: spec.redisServers,
    addressesField: 'redisServers',
    files: { configDir: spec.configDir, runtimeConfig: spec.runtimeConfig },
    programs: { redisSentinel, redisCli },
    timeoutSeconds,
  });
  check(Array.isArray(spec.redisServers) && spec.redisServers.length > 0, {
    path, field: 'redisServers', value: spec.redisServers, problem: 'must list at least one Redis server', fix: 'list every Redis server',
  });
  const runtime = shellQuote(spec.runtimeConfig);
  const name = shellQuote(masterName);
  return [
    ...prologue('sentinel start'),
    ...selfFromMemberName(spec.sentinels, 'Sentinels'),
    `cat ${shellQuote(`${spec.configDir}/`)}"$member.conf" > ${runtime}.tmp`,
    `sh -c ${shellQuote(authScript)}`,
    ...passwordForCli(auth.passwordFile),
    ...askFunctions(redisCli, timeoutSeconds),
    'primary=',
    `for peer in ${addressWords(spec.sentinels)}; do`,
    '  [ "$peer" != "$self" ] || continue',
    '  set -- $peer',
    `  set -- $(ask "$1" "$2" SENTINEL get-master-addr-by-name ${name})`,
    '  if [ "$#" -eq 2 ] && valid_address "$1" "$2"; then primary="$1 $2"; break; fi',
    'done',
    'if [ -z "$primary" ]; then',
    `  for server in ${addressWords(spec.redisServers)}; do`,
    '    set -- $server',
    '    if [ "$(ask "$1" "$2" ROLE | sed -n 1p)" = master ]; then primary="$1 $2"; break; fi',
    '  done',
    'fi',
    'if [ -n "$primary" ]; then',
    '  set -- $primary',
    '  # The rendered file has one monitor line: sentinel monitor <name> <host> <port> <quorum>.',
    `  sed "s/^sentinel monitor ${masterName.replace(/\./g, '\\.')} [^ ]* [0-9]* \\([0-9]*\\)\\$/sentinel monitor ${masterName} $1 $2 \\1/" ${runtime}.tmp > ${runtime}.new`,
    `  grep -q "^sentinel monitor ${masterName.replace(/\./g, '\\.')} $1 $2 " ${runtime}.new || fail "no sentinel monitor line to point at $1 $2"`,
    `  mv -f ${runtime}.new ${runtime}.tmp`,
    '  log "monitoring $1 $2, the current primary"',
    'else',
    '  log "no Sentinel or server knows a primary: monitoring the rendered one"',
    'fi',
    `mv -f ${runtime}.tmp ${runtime}`,
    'unset REDISCLI_AUTH',
    `exec ${shellQuote(redisSentinel)} ${runtime}`,
    '',
  ].join('\n');
}
