/**
 * The fence agent that runs next to every Redis server of a Sentinel topology: one pure function
 * rendering the bash script that the RedisSentinel pods run as a sidecar and the partition drill
 * runs next to real servers.
 */
import { check } from '../errors';
import { shellQuote } from './private/auth-include';
import { checkFenceTiming, checkPort } from './private/redis-checks';
import { addressWords, checkShellInputs, selfFromMemberName } from './private/redis-shell';
import { fencedMinReplicasToWrite, REDIS_PORT, RedisAddress } from './redis-config';
import { RedisPod } from './redis-start-script';
import { RedisDurability, SentinelTimingProfile } from './redis-timing';

/** The file the agent rewrites every second with the time and its decision, for its liveness probe. */
const HEARTBEAT = 'fence-heartbeat';

/** What {@link renderRedisFenceScript} needs. */
export interface RedisFenceScriptSpec {
  /** Construct path named in error messages, e.g. `firebackup/cache`. */
  readonly path: string;
  /** The name the Sentinels monitor the primary under. */
  readonly masterName: string;
  /**
   * Every Redis server: its pod name (`$POD_NAME` picks this server) and the address it announces,
   * which is what the Sentinels answer with. Their count gives the fenced `min-replicas-to-write`.
   */
  readonly members: readonly RedisPod[];
  /** Every Sentinel; a majority of them must name this server for it to take writes. */
  readonly sentinels: readonly RedisAddress[];
  /** The password file mounted from the Secret (Redis and the Sentinels use the same password). */
  readonly passwordFile: string;
  /** A pod-private writable directory for the agent's two FIFOs. */
  readonly runtimeDir: string;
  /** The topology's durability: its `min-replicas-to-write` is what a confirmed primary runs with. */
  readonly durability: RedisDurability;
  /** The lease, poll interval and ask timeout ({@link SentinelTimingProfile.fence}), and the down-after the bound must beat. */
  readonly timing: SentinelTimingProfile;
  /**
   * Port of the Redis server on 127.0.0.1 (the same pod).
   * @default 6379
   */
  readonly port?: number;
}

/**
 * The fence agent of one Redis server, a bash script: a server takes writes only while a
 * majority of the Sentinels names it the primary.
 *
 * For each Sentinel a watcher keeps one connection open and asks
 * `SENTINEL GET-MASTER-ADDR-BY-NAME` every `fence.pollIntervalMs`, stamping each answer with the
 * time the question was sent; a reply later than `fence.askTimeoutMs` drops the connection, so a
 * late answer is never taken for a fresh one. The main loop counts the Sentinels that named this
 * server within `fence.leaseMs`:
 * - a majority: `CONFIG SET min-replicas-to-write` to the durability's value (serving);
 * - fewer: `CONFIG SET min-replicas-to-write <servers>`, one more than the replicas that exist,
 *   so Redis refuses every write with NOREPLICAS (fenced). The server starts that way
 *   (`renderRedisConfig` with `fenced: true`), so it takes no write before the Sentinels vouch for it.
 *
 * The primary proxy's check expects the durability's value (`redisPrimaryCheck`), so the same
 * fence takes the server out of the route: one signal, read by Redis and by HAProxy. A cut-off
 * primary refuses writes at most {@link SentinelTimingProfile.fenceBoundSeconds} after it last
 * heard a Sentinel majority, which is below `down-after`: before the Sentinels may promote
 * another server.
 *
 * Why bash with `/dev/tcp`, not an HAProxy `agent-check`: an agent-check needs a TCP listener,
 * and the official redis image has no nc, socat, python or node; bash, coreutils and redis-cli
 * are there. Why not redis-cli per question: starting a process every 100 ms for each Sentinel
 * costs a large share of a CPU; the watchers here only read and write open sockets, and fork
 * only to replace a watcher stuck in a connect for longer than two ask timeouts and a poll.
 * The agent re-applies its decision every second, so a restarted server is set right within a
 * second.
 *
 * @throws HadrError on a bad value, naming the path, the field and the fix
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#obtaining-the-address-of-the-current-master
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
 */
export function renderRedisFenceScript(spec: RedisFenceScriptSpec): string {
  const { path, timing } = spec;
  const port = spec.port ?? REDIS_PORT;
  check(/^[A-Za-z0-9._-]+$/.test(spec.masterName ?? ''), {
    path, field: 'masterName', value: spec.masterName, problem: 'must use only letters, digits, ".", "-" and "_"', fix: 'use e.g. "cache"',
  });
  checkShellInputs(path, {
    members: spec.members,
    addresses: spec.sentinels,
    addressesField: 'sentinels',
    files: { passwordFile: spec.passwordFile, runtimeDir: spec.runtimeDir },
  });
  checkPort(path, 'port', port);
  check(Array.isArray(spec.sentinels) && spec.sentinels.length > 0, {
    path, field: 'sentinels', value: spec.sentinels, problem: 'must list at least one Sentinel', fix: 'list every Sentinel',
  });
  check(spec.members.length >= 2, {
    path, field: 'members', value: spec.members.length, problem: 'must list the primary and at least one replica', fix: 'list every Redis server',
  });
  checkFenceTiming(timing, path, 'timing.fence.');
  const { pollIntervalMs, leaseMs, askTimeoutMs } = timing.fence;
  const majority = Math.floor(spec.sentinels.length / 2) + 1;
  // A watcher reports at least once per ask timeout and poll, except while stuck in a connect.
  const stuckMs = 2 * askTimeoutMs + pollIntervalMs;
  const serving = spec.durability.minReplicasToWrite;
  const fenced = fencedMinReplicasToWrite(spec.members.length - 1);
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const fifo = (name: string) => shellQuote(`${spec.runtimeDir}/${name}`);
  return [
    '#!/bin/bash',
    `# Fence agent of ${spec.members.map((m) => m.name).join(', ')} (${path}): this server takes writes only while`,
    `# ${majority} of the ${spec.sentinels.length} Sentinels name it the primary within ${leaseMs} ms; otherwise min-replicas-to-write ${fenced}.`,
    'set -uf',
    'export LC_ALL=C',
    'umask 077',
    // A write to a closed socket must fail, not kill the agent.
    "trap '' PIPE",
    'log() { echo "redis fence: $*" >&2; }',
    'fail() { log "$*"; exit 1; }',
    ...selfFromMemberName(spec.members, 'Redis servers'),
    `secret=$(cat ${shellQuote(spec.passwordFile)}) || fail 'cannot read the password file'`,
    "secret=${secret%$'\\r'}",
    "[ -n \"$secret\" ] || fail 'the password file is empty'",
    `master=${shellQuote(spec.masterName)}`,
    `sentinels=(${addressWords(spec.sentinels)})`,
    `majority=${majority}`,
    `port=${port}`,
    `poll=${secs(pollIntervalMs)}`,
    `ask=${secs(askTimeoutMs)}`,
    `lease_ms=${leaseMs}`,
    `stuck_ms=${stuckMs}`,
    `serving_value=${serving}`,
    `fenced_value=${fenced}`,
    '',
    '# One RESP command on stdout; LC_ALL=C makes ${#arg} count bytes.',
    "resp() { local arg; printf '*%d\\r\\n' \"$#\"; for arg in \"$@\"; do printf '$%d\\r\\n%s\\r\\n' \"${#arg}\" \"$arg\"; done; }",
    '# Milliseconds since boot, without starting a process: a clock no one can set back.',
    'now_ms() { local up; read -r up _ < /proc/uptime; now=$(( (${up%.*} * 100 + 10#${up#*.}) * 10 )); }',
    '# Sleep without starting a process: a read that times out on a FIFO nobody writes to.',
    'idle() { read -r -t "$1" _ <&8; }',
    '',
    `rm -f ${fifo('fence-reports')} ${fifo('fence-idle')}`,
    `mkfifo ${fifo('fence-reports')} ${fifo('fence-idle')} || fail 'cannot create the FIFOs in ${spec.runtimeDir}'`,
    `exec 4<>${fifo('fence-reports')} 8<>${fifo('fence-idle')}`,
    '',
    '# Watcher of Sentinel $1 at $2:$3: reports "<index> <time the question was sent> yes|no|down".',
    'watch_sentinel() {',
    '  local i=$1 host=$2 sentinel_port=$3 line h p sent',
    '  exec 5<&- 5>&-',
    '  while :; do',
    '    if ! { exec 3<>"/dev/tcp/$host/$sentinel_port"; } 2>/dev/null; then echo "$i 0 down" >&4; idle "$poll"; continue; fi',
    '    # Without Sentinel authentication the reply is an error, and the questions work all the same.',
    '    resp AUTH "$secret" >&3 && read -r -t "$ask" line <&3',
    '    while :; do',
    '      now_ms; sent=$now',
    '      resp SENTINEL get-master-addr-by-name "$master" >&3 || break',
    '      read -r -t "$ask" line <&3 || break',
    "      if [ \"${line%$'\\r'}\" = '*2' ]; then",
    '        read -r -t "$ask" _ <&3 && read -r -t "$ask" h <&3 && read -r -t "$ask" _ <&3 && read -r -t "$ask" p <&3 || break',
    "        if [ \"${h%$'\\r'} ${p%$'\\r'}\" = \"$self\" ]; then echo \"$i $sent yes\" >&4; else echo \"$i $sent no\" >&4; fi",
    '      else',
    '        echo "$i $sent no" >&4',
    '      fi',
    '      idle "$poll"',
    '    done',
    '    # A late or missing reply: drop the connection, so its answer is never read as a fresh one.',
    '    exec 3<&- 3>&-',
    '    echo "$i 0 down" >&4',
    '    idle "$poll"',
    '  done',
    '}',
    '',
    'declare -a confirmed seen watchers',
    'start_watcher() { watch_sentinel "$1" ${sentinels[$1]} & watchers[$1]=$!; now_ms; seen[$1]=$now; }',
    'for i in "${!sentinels[@]}"; do confirmed[i]=-1000000000; start_watcher "$i"; done',
    'trap \'kill "${watchers[@]}" 2>/dev/null; exit 0\' TERM INT',
    '',
    '# The local server: one connection, opened again after any failure.',
    'local_up=',
    'close_local() { exec 5<&- 5>&-; local_up=; }',
    'connect_local() {',
    '  local line',
    '  { exec 5<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1',
    '  resp AUTH "$secret" >&5 && read -r -t "$ask" line <&5 || { close_local; return 1; }',
    '  local_up=yes',
    '}',
    'apply() {',
    '  local value=$serving_value line',
    '  [ "$1" = fenced ] && value=$fenced_value',
    '  [ -n "$local_up" ] || connect_local || return 1',
    "  if resp CONFIG SET min-replicas-to-write \"$value\" >&5 && read -r -t \"$ask\" line <&5 && [ \"${line%$'\\r'}\" = +OK ]; then return 0; fi",
    '  close_local',
    '  return 1',
    '}',
    '',
    'log "refusing writes until $majority of ${#sentinels[@]} Sentinels name $self the primary"',
    'state=unknown',
    'reassert=0',
    'beat=0',
    '# A read that times out keeps what it got of a line; the rest comes with the next read.',
    'pending=',
    'while :; do',
    '  if read -r -t "$poll" line <&4; then',
    '    set -- $pending$line',
    '    pending=',
    '    now_ms',
    '    # Only what a watcher writes: "<index> <ms> yes|no|down"; anything else is skipped, never fatal.',
    '    if [ "$#" -eq 3 ] && [ -n "${1##*[!0-9]*}" ] && [ -n "${2##*[!0-9]*}" ] && [ "$1" -lt "${#sentinels[@]}" ]; then',
    '      seen[$1]=$now',
    '      if [ "$3" = yes ] && (( $2 > confirmed[$1] )); then confirmed[$1]=$2; fi',
    '    fi',
    '  else',
    '    pending=$pending$line',
    '  fi',
    '  now_ms',
    '  votes=0',
    '  for i in "${!sentinels[@]}"; do',
    '    if (( now - seen[i] > stuck_ms )); then kill "${watchers[i]}" 2>/dev/null; start_watcher "$i"; fi',
    '    if (( now - confirmed[i] < lease_ms )); then votes=$((votes + 1)); fi',
    '  done',
    '  if (( votes >= majority )); then want=serving; else want=fenced; fi',
    '  # The liveness probe reads this: the loop ran within the last seconds, and what it decided.',
    `  if (( now >= beat )); then echo "$now $state" > ${fifo(HEARTBEAT)}; beat=$((now + 1000)); fi`,
    '  if [ "$want" != "$state" ] || (( now >= reassert )); then',
    '    if apply "$want"; then',
    '      if [ "$want" != "$state" ]; then',
    '        if [ "$want" = serving ]; then log "taking writes: $votes of ${#sentinels[@]} Sentinels name $self the primary"',
    '        else log "refusing writes: $votes of ${#sentinels[@]} Sentinels named $self the primary in the last $lease_ms ms"; fi',
    '      fi',
    '      state=$want',
    '      reassert=$((now + 1000))',
    '    else',
    '      state=unknown',
    '    fi',
    '  fi',
    'done',
    '',
  ].join('\n');
}

/** What {@link renderRedisFenceLivenessScript} needs. */
export interface RedisFenceProbeSpec {
  /** Construct path named in error messages. */
  readonly path: string;
  /** The agent's runtime directory, as given to {@link renderRedisFenceScript}. */
  readonly runtimeDir: string;
  /**
   * How old the agent's heartbeat may be.
   * @default 10
   */
  readonly maxAgeSeconds?: number;
}

/**
 * Liveness (and readiness) of the fence agent: its loop wrote its heartbeat within
 * `maxAgeSeconds`. Fenced or not does not matter here: a fenced replica is healthy; an agent
 * whose loop stopped is restarted, and until it runs again its server keeps its last setting.
 */
export function renderRedisFenceLivenessScript(spec: RedisFenceProbeSpec): string {
  const maxAge = spec.maxAgeSeconds ?? 10;
  checkShellInputs(spec.path, { files: { runtimeDir: spec.runtimeDir } });
  check(Number.isInteger(maxAge) && maxAge >= 2, {
    path: spec.path, field: 'maxAgeSeconds', value: maxAge, problem: 'must be a whole number of seconds, at least 2 (the agent writes every second)', fix: 'use 10',
  });
  return [
    'set -euf',
    `read -r beat state < ${shellQuote(`${spec.runtimeDir}/${HEARTBEAT}`)} || { echo "redis fence: no heartbeat yet" >&2; exit 1; }`,
    'read -r up _ < /proc/uptime',
    'now=$(( ${up%.*} * 1000 ))',
    `if [ $(( now - beat )) -gt ${maxAge * 1000} ]; then echo "redis fence: loop stalled (last beat $(( (now - beat) / 1000 )) s ago, $state)" >&2; exit 1; fi`,
    '',
  ].join('\n');
}
