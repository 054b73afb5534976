/**
 * The syntax the Kubernetes API server enforces on names, keys and numbers, checked when the
 * construct is built so nothing the server would reject ever reaches a manifest.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
import { HadrError } from '../errors';

/** The largest value of a Kubernetes int32 field (replicas, probe seconds, thresholds, user ids). */
export const INT32_MAX = 2_147_483_647;

/**
 * The longest StatefulSet name: its pods carry `controller-revision-hash: <name>-<10-character
 * hash>`, a label value of at most 63 characters, so a longer name gets pods that are never
 * created.
 *
 * @see https://github.com/kubernetes/kubernetes/issues/64023
 */
export const MAX_STATEFUL_SET_NAME = 52;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** True for a DNS-1123 subdomain: lowercase labels joined by dots, at most 253 characters. */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** True for a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters. */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

/** True for a label value: at most 63 characters, alphanumeric at both ends, or empty. */
export function isLabelValueSyntax(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * Why `key` is not a label or annotation key (an optional DNS-subdomain prefix of at most 253
 * characters and `/`, then a name of at most 63), or undefined when it is one.
 */
export function qualifiedNameProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'must not be empty';
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return 'has a prefix that is not a lowercase DNS subdomain of at most 253 characters';
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'must be a name of at most 63 letters, digits, -, _ and ., alphanumeric at both ends, after an optional prefix such as example.com/';
  }
  return undefined;
}

/** Throws unless `value` is a DNS-1123 subdomain (Secret, ConfigMap, PriorityClass, StorageClass names). */
export function checkSubdomainName(path: string, field: string, value: unknown, what: string, example: string): asserts value is string {
  if (!isDnsSubdomain(value)) {
    throw new HadrError({
      path, field, value,
      problem: `must be the name of ${what}: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters)`,
      fix: `use e.g. ${JSON.stringify(example)}`,
    });
  }
}

/** Throws unless `value` names a PriorityClass. */
export function checkPriorityClassName(path: string, field: string, value: unknown): asserts value is string {
  checkSubdomainName(path, field, value, 'a PriorityClass', 'hadr-high-availability');
}

/** Throws unless `value` names a StorageClass. */
export function checkStorageClassName(path: string, field: string, value: unknown): asserts value is string {
  checkSubdomainName(path, field, value, 'a StorageClass', 'fast-ssd');
}

/** Throws unless `value` names a Secret. */
export function checkSecretName(path: string, field: string, value: unknown): asserts value is string {
  checkSubdomainName(path, field, value, 'a Secret', 'app-credentials');
}

/**
 * Throws unless `value` is a key of a Secret or ConfigMap: letters, digits, '-', '_' and '.',
 * at most 253 characters, not `.` or `..` and not starting with `..`.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
 */
export function checkDataKey(path: string, field: string, value: unknown, what = 'Secret'): asserts value is string {
  const ok = typeof value === 'string' && value.length <= 253 && CONFIG_KEY.test(value) && value !== '.' && !value.startsWith('..');
  if (!ok) {
    throw new HadrError({
      path, field, value,
      problem: `must be a key of a ${what}: letters, digits, '-', '_' and '.' (not '.', '..' or starting with '..'), at most 253 characters`,
      fix: `use e.g. ${what === 'Secret' ? "'password'" : "'config.yaml'"}`,
    });
  }
}

/** Throws unless `key` is a label key. */
export function checkLabelKey(path: string, field: string, key: string): void {
  const problem = qualifiedNameProblem(key);
  if (problem) throw new HadrError({ path, field, value: key, problem: `is not a label key: it ${problem}`, fix: "use e.g. 'example.com/site' or 'tier'" });
}

/** Throws unless `key` is an annotation key. */
export function checkAnnotationKey(path: string, field: string, key: string): void {
  const problem = qualifiedNameProblem(key);
  if (problem) {
    throw new HadrError({ path, field, value: key, problem: `is not an annotation key: it ${problem}`, fix: "use e.g. 'example.com/owner' or 'prometheus.io/scrape'" });
  }
}

/** Throws unless `value` is a label value. */
export function checkLabelValue(path: string, field: string, value: unknown): void {
  if (!isLabelValueSyntax(value)) {
    throw new HadrError({
      path, field, value, problem: 'is not a valid label value', fix: 'use at most 63 letters, digits, -, _ and ., alphanumeric at both ends',
    });
  }
}

/**
 * Throws unless `value` is a whole number from `min` to `max` (at most {@link INT32_MAX}, the
 * range of the Kubernetes field it is written to).
 */
export function checkInt32(path: string, field: string, value: unknown, min: number, fix: string, max = INT32_MAX): asserts value is number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    throw new HadrError({
      path, field, value,
      problem: max === INT32_MAX ? `must be a whole number from ${min} to ${INT32_MAX} (a Kubernetes int32)` : `must be a whole number from ${min} to ${max}`,
      fix,
    });
  }
}

/**
 * Throws when a name made from `base` and `suffix` would exceed `limit` characters (a DNS label
 * is 63, a StatefulSet name 52).
 */
export function checkGeneratedNameLength(
  path: string, field: string, base: string, suffixes: readonly { readonly suffix: string; readonly limit: number; readonly what: string }[],
): void {
  for (const { suffix, limit, what } of suffixes) {
    if (base.length + suffix.length > limit) {
      throw new HadrError({
        path, field, value: base,
        problem: `must be at most ${limit - suffix.length} characters: ${what} "<name>${suffix}" must stay within ${limit}`,
        fix: `use a shorter name, e.g. ${JSON.stringify(base.slice(0, Math.max(1, limit - suffix.length)).replace(/-+$/, ''))}`,
      });
    }
  }
}

/**
 * Field paths the downward API gives an environment variable.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/downward-api/#downwardapi-fieldRef
 */
const ENV_FIELD_PATHS = new Set([
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

/** Throws unless `value` is a `fieldRef` path Kubernetes resolves for an environment variable. */
export function checkEnvFieldPath(path: string, field: string, value: unknown): void {
  const subscript = typeof value === 'string' ? /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(value) : null;
  const ok = typeof value === 'string' && (ENV_FIELD_PATHS.has(value) || (subscript !== null && qualifiedNameProblem(subscript[2]) === undefined));
  if (!ok) {
    throw new HadrError({
      path, field, value,
      problem: 'is not a field the downward API gives an environment variable',
      fix: `use one of ${[...ENV_FIELD_PATHS].join(', ')}, metadata.labels['<key>'] or metadata.annotations['<key>']`,
    });
  }
}
