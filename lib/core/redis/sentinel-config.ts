/**
 * sentinel.conf for one Redis Sentinel, rendered by one pure function used both by the
 * Kubernetes construct (ConfigMap) and by the failover drill (real redis-sentinel).
 */
import { check, HadrError } from '../errors';
import { authIncludeScript, checkAuthFiles } from './private/auth-include';
import { ConfDirective, renderConfLines, yesNo } from '../private/conf-lines';
import {
  checkAbsolutePath, checkBind, checkExtraDirectives, checkHost, checkPort, checkSentinelTiming, isIpAddress,
} from './private/redis-checks';
import { AnnounceAddress, RedisAddress, RedisAuth } from './redis-config';
import { SentinelTiming, SentinelTimingProfile } from './redis-timing';
import { INT32_MAX } from '../validation/kubernetes';
import { isSecretName } from '../validation/secrets';
import { checkObject, checkShape } from '../validation/shape';
import { SENTINEL_CONFIG_SHAPE } from '../validation/spec-shapes';

/** The port Sentinel listens on unless told otherwise. */
export const SENTINEL_PORT = 26379;

/** What to render into one Sentinel's sentinel.conf. */
export interface SentinelConfigSpec {
  /** Construct path (or config section) named in error messages, e.g. `firebackup/cache`. */
  readonly path: string;

  /**
   * The name clients ask Sentinel for (`SENTINEL GET-MASTER-ADDR-BY-NAME <name>`): letters,
   * digits, `.`, `-` and `_`.
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel
   */
  readonly masterName: string;

  /**
   * The primary to monitor at start; Sentinel discovers the replicas and the other Sentinels
   * from it, and follows failovers on its own afterwards.
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel
   */
  readonly primary: RedisAddress;

  /** How many Sentinels watch the primary: odd, so a majority always exists. */
  readonly sentinels: number;

  /** Where the password comes from at run time; see {@link RedisAuth}. */
  readonly auth: RedisAuth;

  /**
   * How many Sentinels must agree the primary is down before a failover starts. A failover
   * still needs a majority to elect its leader, so a quorum above the majority only adds a
   * way to block failover.
   * @default - the majority of `sentinels` (2 of 3): survives the loss of a minority of Sentinels
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel
   */
  readonly quorum?: number;

  /**
   * Failure detection and failover timing.
   * @default SentinelTiming.default() - down-after 5 s: measured 6.3 s from a crash of the primary to the next acknowledged write
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#other-sentinel-options
   */
  readonly timing?: SentinelTimingProfile;

  /**
   * TCP port to listen on.
   * @default 26379
   * @see https://raw.githubusercontent.com/redis/redis/7.0/sentinel.conf
   */
  readonly port?: number;

  /**
   * Addresses to listen on; a `-` prefix makes an address optional.
   * @default ['*', '-::*'] - every interface of the pod, so Sentinels in other pods and clients reach it
   * @see https://raw.githubusercontent.com/redis/redis/7.0/sentinel.conf
   */
  readonly bind?: readonly string[];

  /**
   * Working directory (Sentinel keeps no data there; its state is in this config file).
   * @default '/tmp' - Sentinel's own default, an emptyDir under a read-only root filesystem
   * @see https://raw.githubusercontent.com/redis/redis/7.0/sentinel.conf
   */
  readonly dir?: string;

  /**
   * The address this Sentinel tells the others and clients to use (`sentinel announce-ip` /
   * `announce-port`): the pod's stable DNS name in Kubernetes.
   * @default - none: peers use the address they see the connection come from
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinel-docker-nat-and-possible-issues
   */
  readonly announce?: AnnounceAddress;

  /**
   * Hostname support (`sentinel resolve-hostnames` and `sentinel announce-hostnames`): accept
   * DNS names for the primary and replicas, and hand DNS names, not IPs, to clients, which is
   * what survives pod restarts.
   * @default - true when `primary.host` or `announce.host` is a DNS name
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#ip-addresses-and-dns-names
   */
  readonly hostnames?: boolean;

  /**
   * Whether Sentinel itself requires the password (`requirepass`, and `sentinel sentinel-pass`
   * between Sentinels). Clients then need it for Sentinel too (ioredis `sentinelPassword`).
   * @default true - whoever reaches an open Sentinel can force a failover or repoint it with SENTINEL SET
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel-instances-with-authentication
   */
  readonly protectSentinels?: boolean;

  /**
   * Absolute path of a script Sentinel runs after every failover with
   * `<master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>`, e.g. to move the
   * label that routes a plain Service to the new primary. Sentinel retries a script that exits
   * 1 and kills one that runs longer than 60 s.
   * @default - none
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#other-sentinel-options
   */
  readonly clientReconfigScript?: string;

  /**
   * Further directives, written after the rendered ones, e.g.
   * `[['sentinel', 'master-reboot-down-after-period', 'cache', 0]]`. Passwords are refused here:
   * they come only from {@link RedisAuth}.
   * @default - none
   * @see https://raw.githubusercontent.com/redis/redis/7.0/sentinel.conf
   */
  readonly extraDirectives?: readonly ConfDirective[];
}

/**
 * Sentinels that must agree: the majority of `sentinels`. A failover needs a majority to elect
 * its leader, so `sentinels - majority` Sentinels may be lost.
 *
 * @example
 * sentinelMajority(3); // 2: one Sentinel may be lost
 * sentinelMajority(5); // 3: two may be lost
 */
export function sentinelMajority(sentinels: number): number {
  return Math.floor(sentinels / 2) + 1;
}

const MASTER_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * sentinel.conf for one Sentinel. The `sentinel monitor` line comes first, before every
 * directive that names the master; the file ends with the `include` of the auth file written
 * at start (see {@link RedisAuth}). Redis 7 loads `resolve-hostnames` before `monitor` wherever
 * it stands in the file. For Sentinel outside Kubernetes too: the failover drill starts real
 * Sentinels from it.
 *
 * @example
 * renderSentinelConfig({
 *   path: 'firebackup/cache', masterName: 'cache', sentinels: 3,
 *   primary: { host: 'cache-0.cache.default.svc.cluster.local', port: 6379 },
 *   auth: { passwordFile: '/etc/redis-secret/password', includeFile: '/run/redis-auth/sentinel.conf' },
 *   announce: { host: 'cache-sentinel-0.cache-sentinel.default.svc.cluster.local' },
 * });
 * // sentinel monitor cache cache-0.cache.default.svc.cluster.local 6379 2
 * // sentinel down-after-milliseconds cache 5000 ...
 * @throws HadrError on a bad value, naming the path, the field and the fix
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 */
export function renderSentinelConfig(spec: SentinelConfigSpec): string {
  const s = resolveSentinelConfig(spec);
  const name = s.masterName;
  return renderConfLines(
    [`sentinel.conf for ${spec.path}.`, 'Sentinel rewrites this file: run it from a writable copy.'],
    [
      ['sentinel', 'monitor', name, s.primary.host, s.primary.port, s.quorum],
      ['sentinel', 'down-after-milliseconds', name, s.timing.downAfterMs],
      ['sentinel', 'failover-timeout', name, s.timing.failoverTimeoutMs],
      ['sentinel', 'parallel-syncs', name, s.timing.parallelSyncs],
      ...(s.clientReconfigScript ? [['sentinel', 'client-reconfig-script', name, s.clientReconfigScript] as const] : []),
      ['port', s.port],
      ['bind', ...s.bind],
      ['dir', s.dir],
      // Protected mode only bites without a password; an open Sentinel must take remote peers.
      ['protected-mode', yesNo(s.protectSentinels)],
      ['sentinel', 'resolve-hostnames', yesNo(s.hostnames)],
      ['sentinel', 'announce-hostnames', yesNo(s.hostnames)],
      ...announceDirectives(s.announce),
      ['sentinel', 'deny-scripts-reconfig', 'yes'],
      ...s.extraDirectives,
      ['include', spec.auth.includeFile],
    ],
  );
}

/**
 * The sh script a start step runs before redis-sentinel: it writes `sentinel auth-pass` (and,
 * when Sentinels are protected, `requirepass` and `sentinel sentinel-pass`) from the Secret's
 * file into the include file (see {@link RedisAuth}).
 */
export function renderSentinelAuthScript(spec: SentinelConfigSpec): string {
  const s = resolveSentinelConfig(spec);
  const directives = [`sentinel auth-pass ${s.masterName}`];
  if (s.protectSentinels) directives.push('requirepass', 'sentinel sentinel-pass');
  return authIncludeScript(spec.auth, directives);
}

type ResolvedSentinelConfig = Required<Omit<SentinelConfigSpec, 'announce' | 'clientReconfigScript'>>
  & Pick<SentinelConfigSpec, 'announce' | 'clientReconfigScript'>;

/** Defaults filled in and every value checked. */
function resolveSentinelConfig(spec: SentinelConfigSpec): ResolvedSentinelConfig {
  checkObject(String(spec?.path ?? 'sentinel'), 'spec', spec, "{ path: 'shop/cache', masterName: 'cache', primary: { host, port }, sentinels: 3, auth }");
  checkShape(String(spec.path ?? 'sentinel'), '', spec, SENTINEL_CONFIG_SHAPE);
  const { path } = spec;
  checkSentinelCount(path, spec.sentinels);
  const majority = sentinelMajority(spec.sentinels);
  const namesHosts = !isIpAddress(spec.primary?.host ?? '') || (spec.announce !== undefined && !isIpAddress(spec.announce.host));
  const s: ResolvedSentinelConfig = {
    ...spec,
    quorum: spec.quorum ?? majority,
    timing: spec.timing ?? SentinelTiming.default(),
    port: spec.port ?? SENTINEL_PORT,
    bind: spec.bind ?? ['*', '-::*'],
    dir: spec.dir ?? '/tmp',
    hostnames: spec.hostnames ?? namesHosts,
    protectSentinels: spec.protectSentinels ?? true,
    extraDirectives: spec.extraDirectives ?? [],
  };
  check(Number.isInteger(s.quorum) && s.quorum >= 1 && s.quorum <= majority, {
    path, field: 'quorum', value: s.quorum,
    problem: `must be between 1 and the majority of ${spec.sentinels} sentinels`,
    fix: `use ${majority}`,
  });
  check(typeof s.masterName === 'string' && MASTER_NAME.test(s.masterName), {
    path, field: 'masterName', value: s.masterName, problem: 'must use only letters, digits, ".", "-" and "_"', fix: 'use e.g. "cache"',
  });
  checkAuthFiles(path, spec.auth);
  checkSentinelTiming(s.timing, path, 'timing.');
  checkHost(path, 'primary.host', s.primary?.host);
  checkPort(path, 'primary.port', s.primary.port);
  checkPort(path, 'port', s.port);
  checkBind(path, 'bind', s.bind);
  checkAbsolutePath(path, 'dir', s.dir);
  if (s.announce) {
    checkHost(path, 'announce.host', s.announce.host);
    if (s.announce.port !== undefined) checkPort(path, 'announce.port', s.announce.port);
  }
  if (!s.hostnames) checkNoHostnames(s);
  if (s.clientReconfigScript !== undefined) checkAbsolutePath(path, 'clientReconfigScript', s.clientReconfigScript);
  checkExtraDirectives(path, s.extraDirectives, carriesSentinelPassword);
  checkSentinelNumbers(path, s.extraDirectives);
  return s;
}

function checkSentinelCount(path: string, sentinels: number): void {
  if (!Number.isInteger(sentinels) || sentinels < 1) {
    throw new HadrError({ path, field: 'sentinels', value: sentinels, problem: 'must be a positive odd number', fix: 'use 3' });
  }
  if (sentinels % 2 === 0) {
    throw new HadrError({
      path, field: 'sentinels', value: sentinels, problem: 'must be odd to keep a quorum',
      fix: sentinels > 2 ? `use ${sentinels - 1} or ${sentinels + 1}` : 'use 3',
    });
  }
}

/** With hostname support off, Sentinel cannot resolve a DNS name and would not start. */
function checkNoHostnames(s: ResolvedSentinelConfig): void {
  for (const [field, host] of [['primary.host', s.primary.host], ['announce.host', s.announce?.host]] as const) {
    if (host !== undefined && !isIpAddress(host)) {
      throw new HadrError({
        path: s.path, field, value: host, problem: 'must be an IP address when hostnames is false',
        fix: 'set hostnames to true (the default for DNS names) or use an IP address',
      });
    }
  }
}

function announceDirectives(announce: AnnounceAddress | undefined): ConfDirective[] {
  if (!announce) return [];
  const directives: ConfDirective[] = [['sentinel', 'announce-ip', announce.host]];
  if (announce.port !== undefined) directives.push(['sentinel', 'announce-port', announce.port]);
  return directives;
}

/**
 * Directives that carry a password, or a number Sentinel would overflow: timers are read as
 * 32-bit milliseconds, so `down-after-milliseconds` of 2^31 or more wraps around.
 */
function carriesSentinelPassword([name, subcommand]: ConfDirective): boolean {
  return ['requirepass', 'masterauth', 'user'].includes(name)
    || (name === 'sentinel' && (['auth-pass', 'sentinel-pass'].includes(String(subcommand)) || isSecretName(String(subcommand))));
}

/** Sentinel reads its numbers as 32-bit integers: a larger one in an extra directive wraps around. */
function checkSentinelNumbers(path: string, directives: readonly ConfDirective[]): void {
  directives.forEach(([, ...args], index) => args.forEach((arg) => {
    const number = typeof arg === 'number' ? arg : typeof arg === 'string' && /^[-+]?[0-9]+$/.test(arg.trim()) ? Number(arg) : undefined;
    check(number === undefined || Math.abs(number) <= INT32_MAX, {
      path, field: `extraDirectives[${index}]`, value: arg,
      problem: 'has a number of 2^31 or more, which Sentinel reads as a 32-bit integer and wraps around', fix: 'use a value below 2147483648 (for timers, about 24.8 days)',
    });
  }));
}
