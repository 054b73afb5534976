/**
 * Kubernetes versions, as plain data: which fields the library writes need which version, and
 * the comparison that decides whether a declared cluster has them.
 */
import { check } from './errors';
import { deepFreeze } from './private/deep-freeze';

/** A Kubernetes minor release, e.g. `{ major: 1, minor: 30 }`. */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
}

/**
 * The oldest Kubernetes the library writes for: topology spread `matchLabelKeys` (beta, on by
 * default) and `nodeTaintsPolicy` need 1.27.
 */
export const MINIMUM_KUBERNETES_VERSION = '1.27';

/**
 * The newest fields the library writes, and the first version that honours each with its
 * default feature gates. On an older declared cluster the library falls back (see each entry).
 *
 * @see https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/
 */
export const KUBERNETES_FEATURES = deepFreeze({
  /**
   * `lifecycle.preStop.sleep` (PodLifecycleSleepAction, on by default from 1.30): the kubelet
   * sleeps, so images without a shell or a `sleep` binary (distroless) drain too. Older:
   * `exec: ['sleep', <seconds>]`, which needs a `sleep` binary in the image.
   *
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
   */
  preStopSleep: { since: '1.30', field: 'lifecycle.preStop.sleep' },
  /**
   * `matchLabelKeys` in pod anti-affinity (MatchLabelKeysInPodAffinity, on by default from
   * 1.31): replicas are kept apart from pods of their own revision only, so a surge rollout
   * starts with exactly as many nodes as replicas. Older: the key is left out (older API
   * servers refuse or drop it), and a rollout under required anti-affinity needs a spare node.
   *
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#matchlabelkeys
   */
  podAffinityMatchLabelKeys: { since: '1.31', field: 'affinity.podAntiAffinity[].matchLabelKeys' },
} as const);

/** The newest version any default needs: with it (or undeclared), every default applies as written. */
export const FULLY_SUPPORTED_KUBERNETES_VERSION = '1.31';

const VERSION = /^v?(\d+)\.(\d+)(\.\d+)?([-+].*)?$/;

/**
 * Parses `1.30`, `v1.30` or `1.30.4` (the patch is ignored). Throws a HadrError naming `path`
 * and `field` on anything else, or on a version older than {@link MINIMUM_KUBERNETES_VERSION}.
 *
 * @example
 * parseKubernetesVersion('shop', 'kubernetesVersion', 'v1.29.3'); // { major: 1, minor: 29 }
 */
export function parseKubernetesVersion(path: string, field: string, value: unknown): KubernetesVersion {
  const match = typeof value === 'string' ? VERSION.exec(value.trim()) : null;
  check(match !== null, {
    path, field, value, problem: 'must be a Kubernetes version', fix: "use e.g. '1.30' (the cluster's server version)",
  });
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  check(!isOlder(version, toVersion(MINIMUM_KUBERNETES_VERSION)), {
    path, field, value,
    problem: `is older than ${MINIMUM_KUBERNETES_VERSION}, the oldest Kubernetes this library writes manifests for`,
    fix: `upgrade the cluster to ${MINIMUM_KUBERNETES_VERSION} or later`,
  });
  return version;
}

/**
 * Whether `version` has what `since` introduced.
 *
 * @example
 * kubernetesVersionAtLeast({ major: 1, minor: 30 }, KUBERNETES_FEATURES.preStopSleep.since); // true
 * kubernetesVersionAtLeast({ major: 1, minor: 30 }, '1.31'); // false
 */
export function kubernetesVersionAtLeast(version: KubernetesVersion, since: string): boolean {
  return !isOlder(version, toVersion(since));
}

/** `1.29` for a version, as errors and annotations show it. */
export function formatKubernetesVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}`;
}

function toVersion(text: string): KubernetesVersion {
  const [major, minor] = text.split('.').map(Number);
  return { major, minor };
}

function isOlder(a: KubernetesVersion, b: KubernetesVersion): boolean {
  return a.major < b.major || (a.major === b.major && a.minor < b.minor);
}
