/**
 * The haproxy.cfg that routes clients without Sentinel support to the current Redis primary:
 * a TCP check per Redis server that authenticates and expects `role:master` with the replicas
 * the durability setting needs. Rendered by the one `renderHaproxyConfig`, for the construct's
 * ConfigMap and for the routing test with real HAProxy, Redis and Sentinel.
 */
import { REDIS_SENTINEL_DEFAULTS as DEFAULTS } from '../defaults';
import { check } from '../errors';
import { REDIS_PORT } from './redis-config';
import { RedisPod } from './redis-start-script';
import { Durability, RedisDurability } from './redis-timing';
import { wholeNumbersAtLeast } from '../private/number-pattern';
import { HaproxyConfigSpec, HaproxyListener, HaproxyServerChecks, haproxyServerChecks, HaproxyTcpCheckStep } from '../traffic/haproxy-config';
import { seconds } from '../units';

/** Environment variable of the HAProxy process that holds the Redis password (filled from a Secret). */
export const REDIS_PASSWORD_ENV = 'REDIS_PASSWORD';

/** What {@link redisPrimaryProxyConfig} needs. */
export interface RedisPrimaryProxySpec {
  /** Construct path named in error messages, e.g. `firebackup/cache`. */
  readonly path: string;
  /** Every Redis server of the topology (named as in HAProxy's stats); the check finds the primary among them. */
  readonly members: readonly RedisPod[];
  /**
   * The topology's durability: the check expects the replicas it needs to be attached, so a
   * primary that would refuse writes (NOREPLICAS) or could not confirm them takes no traffic.
   * @default Durability.minReplicas(1, 2 seconds)
   */
  readonly durability?: RedisDurability;
  /**
   * Port clients connect to.
   * @default 6379
   */
  readonly port?: number;
  /**
   * Address to listen on.
   * @default '0.0.0.0'
   */
  readonly bindAddress?: string;
  /**
   * Check cadence; keep `on-marked-down shutdown-sessions` so a demoted primary's clients reconnect.
   * @default - every second, DOWN after 2 failures 500 ms apart, UP after 1 success, 1 s timeout
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-inter
   */
  readonly checks?: HaproxyServerChecks;
  /**
   * Port of the stats page (CSV at `/;csv`), bound to 127.0.0.1.
   * @default 8404
   */
  readonly statsPort?: number;
  /**
   * Environment variable HAProxy reads the password from.
   * @default 'REDIS_PASSWORD'
   */
  readonly passwordEnv?: string;
}

/**
 * The check conversation with one Redis server: `AUTH` with the password from the HAProxy
 * process' environment (never written in the file), then `CONFIG GET min-replicas-to-write`,
 * which must be the durability's own value, and `INFO replication`, which must say
 * `role:master` and, when the durability needs replicas, show that many attached.
 *
 * Why `min-replicas-to-write`: it is the fence. The fence agent next to each server
 * (`renderRedisFenceScript`) raises it above the replica count as soon as a Sentinel majority
 * stops naming that server the primary, so the server refuses writes and, with this step, fails
 * its check: a primary cut off from the Sentinels leaves the route even where the proxy still
 * reaches it and a replica still follows it. The replica count alone cannot tell: a primary
 * cut off together with one of its replicas still says `role:master` with a replica attached.
 * Why the replica count too: a primary that needs replicas and has none refuses or cannot
 * confirm writes, so it takes no traffic until one follows it.
 *
 * @example
 * redisPrimaryCheck(Durability.minReplicas(1, Duration.seconds(2)));
 * // AUTH ${REDIS_PASSWORD}, expect +OK; CONFIG GET min-replicas-to-write, INFO replication, QUIT;
 * // expect 1, then role:master\r\nconnected_slaves:([1-9]|[1-9][0-9]+)\r\n
 * @see https://redis.io/docs/latest/commands/info/
 * @see https://redis.io/docs/latest/commands/config-get/
 * @see https://docs.haproxy.org/2.6/configuration.html#4.2-tcp-check%20expect
 */
export function redisPrimaryCheck(durability: RedisDurability, passwordEnv = REDIS_PASSWORD_ENV): HaproxyTcpCheckStep[] {
  const replicas = Math.max(durability.minReplicasToWrite, durability.waitReplicas);
  const attached = replicas > 0 ? `connected_slaves:${wholeNumbersAtLeast(replicas)}\r\n` : '';
  const serving = String(durability.minReplicasToWrite);
  return [
    { send: `AUTH \${${passwordEnv}}\r\n` },
    { expectString: '+OK' },
    // One send, ending with QUIT: the server closes the connection after its replies, so a
    // reply that does not match fails the check at once instead of waiting for the check timeout.
    { send: 'CONFIG GET min-replicas-to-write\r\nINFO replication\r\nQUIT\r\n' },
    // The bulk string's length, then the value: `$1\r\n1\r\n` for 1.
    { expectRegex: `min-replicas-to-write\r\n\\$${serving.length}\r\n${serving}\r\n` },
    { expectRegex: `role:master\r\n${attached}` },
  ];
}

/**
 * haproxy.cfg spec (for `renderHaproxyConfig`) of the primary proxy: one TCP listener over every
 * Redis server, only the primary passing its check, and a stats page on loopback. For HAProxy
 * outside Kubernetes too: test/e2e/redis-primary-routing.test.ts runs real HAProxy from it.
 *
 * @example
 * renderHaproxyConfig(redisPrimaryProxyConfig({
 *   path: 'firebackup/cache',
 *   members: [0, 1, 2].map((i) => ({ name: `cache-${i}`, host: `cache-${i}.cache-members.firebackup.svc.cluster.local`, port: 6379 })),
 * }));
 * @throws HadrError on a bad value, naming the path, the field and the fix
 */
export function redisPrimaryProxyConfig(spec: RedisPrimaryProxySpec): HaproxyConfigSpec {
  const { path } = spec;
  check(Array.isArray(spec.members) && spec.members.length >= 2, {
    path, field: 'members', value: spec.members?.length, problem: 'must list the primary and at least one replica', fix: 'list every Redis server',
  });
  const passwordEnv = spec.passwordEnv ?? REDIS_PASSWORD_ENV;
  check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(passwordEnv), {
    path, field: 'passwordEnv', value: passwordEnv, problem: 'must be an environment variable name', fix: `use ${REDIS_PASSWORD_ENV}`,
  });
  const timing = DEFAULTS.proxyChecks;
  const durability = spec.durability ?? Durability.minReplicas(DEFAULTS.durability.minReplicas, seconds(DEFAULTS.durability.maxLagSeconds));
  const listener: HaproxyListener = {
    name: 'redis-primary',
    bindAddress: spec.bindAddress,
    port: spec.port ?? REDIS_PORT,
    mode: 'tcp',
    tcpCheck: redisPrimaryCheck(durability, passwordEnv),
    serverChecks: spec.checks ?? haproxyServerChecks(timing),
    servers: spec.members.map((m) => ({ name: m.name, address: m.host, port: m.port })),
  };
  return { path, listeners: [listener], stats: { port: spec.statsPort ?? DEFAULTS.proxyStatsPort, bindAddress: '127.0.0.1' } };
}
