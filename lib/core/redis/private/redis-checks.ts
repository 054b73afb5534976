/**
 * Input checks shared by the redis.conf and sentinel.conf renderers. Each throws a
 * HadrError naming the construct path, the field, the bad value and the fix.
 */
import { isIP } from 'net';
import { check, HadrError } from '../../errors';
import { ConfArg, ConfDirective, isDirectiveName } from '../../private/conf-lines';
import { millis } from '../../units';
import { INT32_MAX } from '../../validation/kubernetes';
import { findCredential, isSecretName } from '../../validation/secrets';

/** Shown instead of anything that may be a password. */
export const REDACTED = '<redacted>';

/** A DNS name as Kubernetes writes them for pods and Services (RFC 1123). */
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** True when `host` is an IPv4 or IPv6 address rather than a DNS name. */
export function isIpAddress(host: string): boolean {
  return isIP(host) !== 0;
}

/** A TCP port, 1 to 65535. */
export function checkPort(path: string, field: string, port: number): void {
  check(Number.isInteger(port) && port >= 1 && port <= 65535, {
    path, field, value: port, problem: 'must be a TCP port', fix: 'use a whole number from 1 to 65535',
  });
}

/** An IP address or an RFC 1123 DNS name (what Kubernetes gives pods and Services). */
export function checkHost(path: string, field: string, host: string): void {
  check(typeof host === 'string' && (isIpAddress(host) || DNS_NAME.test(host)), {
    path, field, value: host, problem: 'must be an IP address or a DNS name',
    fix: 'use the pod or Service DNS name, e.g. redis-0.redis.default.svc.cluster.local',
  });
}

/** An absolute path without control characters. */
export function checkAbsolutePath(path: string, field: string, file: string): void {
  check(typeof file === 'string' && file.startsWith('/') && !/[\u0000-\u001f\u007f]/.test(file), {
    path, field, value: file, problem: 'must be an absolute path', fix: 'use a path that starts with / and has no control characters',
  });
}

/** `bind` addresses: IPs, `*` (all IPv4) or `::*` (all IPv6), each optionally `-`-prefixed (skip if unavailable). */
export function checkBind(path: string, field: string, bind: readonly string[]): void {
  const valid = (entry: string) => {
    const address = entry.startsWith('-') ? entry.slice(1) : entry;
    return address === '*' || address === '::*' || isIpAddress(address);
  };
  check(Array.isArray(bind) && bind.length > 0 && bind.every(valid), {
    path, field, value: bind, problem: 'must list addresses to listen on',
    fix: 'use ["*", "-::*"] for every interface of a pod or ["127.0.0.1"] for loopback only',
  });
}

/**
 * Escape-hatch directives: well-formed, and never a password, which must only reach the
 * servers from the Secret file at start.
 */
export function checkExtraDirectives(
  path: string,
  directives: readonly ConfDirective[],
  carriesPassword: (directive: ConfDirective) => boolean,
): void {
  check(Array.isArray(directives), {
    path, field: 'extraDirectives', value: directives, problem: 'must be a list of directives', fix: "write e.g. [['maxmemory-policy', 'noeviction']]",
  });
  directives.forEach((directive, index) => {
    const field = `extraDirectives[${index}]`;
    const [name, ...args] = Array.isArray(directive) ? directive : [];
    // Before the format check, so a password in a malformed directive is never echoed. Redis and
    // Sentinel read directive names case-insensitively: AUTH-PASS is auth-pass.
    const lowered = [typeof name === 'string' ? name.trim().toLowerCase() : name, ...args.map((a) => (typeof a === 'string' ? a.trim().toLowerCase() : a))] as ConfDirective;
    if (carriesPassword(lowered) || isSecretName(String(name ?? ''))) {
      throw new HadrError({
        path, field, value: `${String(name)} ${REDACTED}`, problem: 'must not carry a password',
        fix: 'mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it',
      });
    }
    const credential = args.map((a) => (typeof a === 'string' ? findCredential(a) : undefined)).find((found) => found !== undefined);
    if (credential) {
      throw new HadrError({
        path, field, value: `${String(name)} ${REDACTED}`, problem: `must not carry a credential (${credential.what})`,
        fix: 'mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it',
      });
    }
    check(typeof name === 'string' && isDirectiveName(name) && args.every(isConfArg), {
      // The arguments are not shown: a malformed directive may still hold a secret.
      path, field, value: `${String(name)} <${args.length} argument${args.length === 1 ? '' : 's'}>`, problem: 'must be a directive name followed by its arguments',
      fix: "write it as ['maxmemory-policy', 'noeviction']",
    });
  });
}

function isConfArg(arg: unknown): arg is ConfArg {
  return typeof arg === 'string' || (typeof arg === 'number' && Number.isSafeInteger(arg));
}

/** The numbers of a SentinelTiming, also when built by hand as a plain object. */
export interface SentinelTimingValues {
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  readonly parallelSyncs: number;
}

/**
 * Checks a timing (also a hand-built plain object): positive whole milliseconds, down-after no
 * longer than failover-timeout, at least one parallel sync.
 */
export function checkSentinelTiming(timing: SentinelTimingValues, path: string, fieldPrefix: string): void {
  const field = (name: string) => `${fieldPrefix}${name}`;
  for (const [name, ms] of [['downAfter', timing.downAfterMs], ['failoverTimeout', timing.failoverTimeoutMs]] as const) {
    check(Number.isInteger(ms) && ms >= 1, {
      path, field: field(name), value: millis(ms), problem: 'must be a positive whole number of milliseconds', fix: 'use e.g. Duration.seconds(5)',
    });
    check(ms <= INT32_MAX, {
      path, field: field(name), value: millis(ms),
      problem: 'must be below 2^31 milliseconds (about 24.8 days): Sentinel reads it as a 32-bit number, and a larger one wraps around',
      fix: 'use e.g. Duration.seconds(5)',
    });
  }
  check(timing.downAfterMs <= timing.failoverTimeoutMs, {
    path, field: field('downAfter'), value: millis(timing.downAfterMs),
    problem: `must not be longer than ${field('failoverTimeout')}`,
    fix: `use a downAfter of at most ${millis(timing.failoverTimeoutMs).toHumanString()} or a failoverTimeout of at least ${millis(timing.downAfterMs).toHumanString()}`,
  });
  check(Number.isInteger(timing.parallelSyncs) && timing.parallelSyncs >= 1 && timing.parallelSyncs <= INT32_MAX, {
    path, field: field('parallelSyncs'), value: timing.parallelSyncs, problem: 'must be a whole number of at least 1', fix: 'use 1',
  });
}

/** The fence agent's timing and the down-after it must beat, also when built by hand. */
export interface FenceTimingValues {
  readonly downAfterMs: number;
  readonly fence: { readonly pollIntervalMs: number; readonly leaseMs: number; readonly askTimeoutMs: number };
}

/** Time the fence agent takes to apply a decision on the local server, beyond its lease and one loop. */
const FENCE_APPLY_MS = 100;

/** Longest time from losing the Sentinel majority to refusing writes: lease + one loop + applying it. */
export function fenceBoundMs(fence: FenceTimingValues['fence']): number {
  return fence.leaseMs + fence.pollIntervalMs + FENCE_APPLY_MS;
}

/**
 * Checks a fence timing: whole milliseconds, at least two polls per lease (one late answer must
 * not fence a healthy primary), an ask timeout within the lease, and a bound below down-after
 * (a cut-off primary must refuse writes before the Sentinels may promote another server).
 */
export function checkFenceTiming(timing: FenceTimingValues, path: string, fieldPrefix: string): void {
  const field = (name: string) => `${fieldPrefix}${name}`;
  const fence = timing.fence ?? {};
  for (const [name, ms] of [['pollInterval', fence.pollIntervalMs], ['lease', fence.leaseMs], ['askTimeout', fence.askTimeoutMs]] as const) {
    check(Number.isInteger(ms) && ms >= 10, {
      path, field: field(name), value: millis(ms), problem: 'must be a whole number of milliseconds, at least 10', fix: 'use e.g. Duration.millis(100)',
    });
  }
  check(fence.leaseMs >= 2 * fence.pollIntervalMs, {
    path, field: field('lease'), value: millis(fence.leaseMs), problem: `must cover at least two poll intervals (${2 * fence.pollIntervalMs} ms), or one late answer fences a healthy primary`,
    fix: `use a lease of at least ${2 * fence.pollIntervalMs} ms or poll more often`,
  });
  check(fence.askTimeoutMs <= fence.leaseMs, {
    path, field: field('askTimeout'), value: millis(fence.askTimeoutMs), problem: `must not be longer than the lease (${fence.leaseMs} ms)`,
    fix: `use at most ${fence.leaseMs} ms`,
  });
  const bound = fenceBoundMs(fence);
  check(bound < timing.downAfterMs, {
    path, field: field('lease'), value: millis(fence.leaseMs),
    problem: `gives a fence bound (lease + poll interval + ${FENCE_APPLY_MS} ms = ${bound} ms) that is not below downAfter (${timing.downAfterMs} ms), `
      + 'so the Sentinels could promote a new primary while the cut-off one still takes writes',
    fix: `use a lease of at most ${timing.downAfterMs - fence.pollIntervalMs - FENCE_APPLY_MS - 1} ms or a longer downAfter`,
  });
}

/** The numbers of a RedisDurability, also when built by hand as a plain object. */
export interface DurabilityValues {
  readonly minReplicasToWrite: number;
  readonly minReplicasMaxLagSeconds: number;
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
}

/**
 * Checks a durability (also a hand-built plain object): whole numbers, a lag of at least 1 s
 * when replicas are required, and a WAIT timeout above 0 (0 would block forever).
 */
export function checkDurability(durability: DurabilityValues, path: string, fieldPrefix: string): void {
  const field = (name: string) => `${fieldPrefix}${name}`;
  const { minReplicasToWrite, minReplicasMaxLagSeconds, waitReplicas, waitTimeoutMs } = durability;
  check(Number.isInteger(minReplicasToWrite) && minReplicasToWrite >= 0 && minReplicasToWrite <= INT32_MAX, {
    path, field: field('minReplicasToWrite'), value: minReplicasToWrite, problem: 'must be a whole number, at least 0', fix: 'use Durability.minReplicas(1, ...)',
  });
  if (minReplicasToWrite > 0) {
    check(Number.isInteger(minReplicasMaxLagSeconds) && minReplicasMaxLagSeconds >= 1 && minReplicasMaxLagSeconds <= INT32_MAX, {
      path, field: field('minReplicasMaxLagSeconds'), value: minReplicasMaxLagSeconds, problem: 'must be a whole number of seconds, at least 1', fix: 'use 2',
    });
  }
  check(Number.isInteger(waitReplicas) && waitReplicas >= 0 && waitReplicas <= INT32_MAX, {
    path, field: field('waitReplicas'), value: waitReplicas, problem: 'must be a whole number, at least 0', fix: 'use Durability.waitForReplicas(1)',
  });
  if (waitReplicas > 0) {
    check(Number.isInteger(waitTimeoutMs) && waitTimeoutMs >= 1, {
      path, field: field(fieldPrefix ? 'waitTimeoutMs' : 'timeout'), value: millis(waitTimeoutMs),
      problem: 'must be a positive whole number of milliseconds (WAIT 0 blocks forever)', fix: 'use e.g. Duration.seconds(1)',
    });
  }
}
