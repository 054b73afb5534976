/**
 * Kubernetes probes for Redis and Sentinel that understand roles: pure functions rendering one
 * sh script each, run with `sh <file>` by the kubelet inside the container.
 */
import { check } from '../errors';
import { shellQuote } from './private/auth-include';
import { checkAbsolutePath, checkPort } from './private/redis-checks';
import { prologue, passwordForCli } from './private/redis-shell';

/** Where a probe finds the server it checks. */
export interface RedisProbeSpec {
  /** Construct path named in error messages. */
  readonly path: string;
  /** Port of the server in the same container (probes go to 127.0.0.1). */
  readonly port: number;
  /** The password file mounted from the Secret (not needed by the liveness script). */
  readonly passwordFile: string;
  /**
   * redis-cli to ask with.
   * @default 'redis-cli'
   */
  readonly redisCli?: string;
  /**
   * Longest a probe waits for the reply; keep it below the probe's `timeoutSeconds`.
   * @default 2
   */
  readonly timeoutSeconds?: number;
}

/**
 * Readiness of a Redis server: ready as the primary, or as a replica whose link to the primary
 * is up (`master_link_status:up`, the initial sync done). A StatefulSet rolls its pods one at a
 * time and waits for each to be ready, so a rollout never takes a second server down while a
 * restarted replica is still copying the data set; a disruption budget counts a syncing
 * replica as already unavailable.
 *
 * @see https://redis.io/docs/latest/commands/info/
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#rolling-updates
 */
export function renderRedisReadinessScript(spec: RedisProbeSpec): string {
  const cli = checkProbe(spec);
  return [
    ...prologue('redis readiness'),
    ...passwordForCli(spec.passwordFile),
    `info=$(timeout ${spec.timeoutSeconds ?? 2} ${cli} -h 127.0.0.1 -p ${spec.port} INFO replication 2>/dev/null | tr -d '\\r') || fail 'no reply'`,
    'if printf \'%s\\n\' "$info" | grep -qx \'role:master\'; then exit 0; fi',
    'if printf \'%s\\n\' "$info" | grep -qx \'master_link_status:up\'; then exit 0; fi',
    'fail "neither the primary nor a replica in sync: $(printf \'%s\\n\' "$info" | grep -E \'^(role|master_link_status|master_sync_in_progress):\' | tr \'\\n\' \' \')"',
    '',
  ].join('\n');
}

/**
 * Liveness of a Redis server or a Sentinel: alive while it answers PING with anything at all.
 * `LOADING` (reading the append-only file), `MASTERDOWN` and `BUSY` are answers, so a replica
 * that is loading or syncing a large data set is never killed for being slow; so is `NOAUTH`,
 * so a rotated Secret does not restart every pod at once (no password is sent).
 *
 * @see https://redis.io/docs/latest/commands/ping/
 */
export function renderRedisLivenessScript(spec: Omit<RedisProbeSpec, 'passwordFile'>): string {
  const cli = checkProbe({ ...spec, passwordFile: '/' });
  return [
    ...prologue('redis liveness'),
    `reply=$(timeout ${spec.timeoutSeconds ?? 2} ${cli} -h 127.0.0.1 -p ${spec.port} PING 2>/dev/null) || fail 'no reply'`,
    '[ -n "$reply" ] || fail \'empty reply\'',
    '',
  ].join('\n');
}

/**
 * Readiness of a Sentinel: ready once it names a primary for `masterName`
 * (`SENTINEL GET-MASTER-ADDR-BY-NAME`), which is what clients ask it. Not tied to the quorum: a
 * Sentinel left alone still tells clients the last primary it knew.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#obtaining-the-address-of-the-current-master
 */
export function renderSentinelReadinessScript(spec: RedisProbeSpec & { readonly masterName: string }): string {
  const cli = checkProbe(spec);
  check(/^[A-Za-z0-9._-]+$/.test(spec.masterName ?? ''), {
    path: spec.path, field: 'masterName', value: spec.masterName, problem: 'must use only letters, digits, ".", "-" and "_"', fix: 'use e.g. "cache"',
  });
  return [
    ...prologue('sentinel readiness'),
    ...passwordForCli(spec.passwordFile),
    `set -- $(timeout ${spec.timeoutSeconds ?? 2} ${cli} -h 127.0.0.1 -p ${spec.port} SENTINEL get-master-addr-by-name ${shellQuote(spec.masterName)} 2>/dev/null || true)`,
    '[ "$#" -eq 2 ] || fail "no primary known for ' + spec.masterName + '"',
    'case "$2" in \'\'|*[!0-9]*) fail "no primary known for ' + spec.masterName + ': $*" ;; esac',
    '',
  ].join('\n');
}

function checkProbe(spec: RedisProbeSpec): string {
  checkPort(spec.path, 'port', spec.port);
  checkAbsolutePath(spec.path, 'passwordFile', spec.passwordFile);
  const timeout = spec.timeoutSeconds ?? 2;
  check(Number.isInteger(timeout) && timeout >= 1, {
    path: spec.path, field: 'timeoutSeconds', value: timeout, problem: 'must be a whole number of seconds, at least 1', fix: 'use 2',
  });
  const cli = spec.redisCli ?? 'redis-cli';
  check(/^(\/[^\0\n]*|[A-Za-z0-9_.-]+)$/.test(cli), {
    path: spec.path, field: 'redisCli', value: cli, problem: 'must be an absolute path or a program name', fix: 'use "redis-cli"',
  });
  return shellQuote(cli);
}
