import { createHash } from 'crypto';
import { MULTI_REPLICA_DEFAULTS, SERVICE_DEFAULTS } from '../defaults';
import { EnvValue, SECRET_LOOKING_NAME } from './env-value';
import { QueueTrigger } from './queue-trigger';
import { check, HadrError } from '../errors';
import { FileMount, FileSource } from './file-source';
import { HealthCheck } from './health-check';
import { isLabelValue, LABEL, LabelSubject } from './labels';
import { EgressRule, IngressRule, NetworkPeer, NetworkPort } from './network-peer';
import { DurationLike, isDurationLike, isSizeLike, SizeLike } from '../units';
import {
  checkAnnotationKey, checkDataKey, checkEnvFieldPath, checkLabelKey, checkSecretName, checkSubdomainName, INT32_MAX,
} from '../validation/kubernetes';
import { checkCidr, cidrContains } from '../validation/network';
import { isSecretName } from '../validation/secrets';
import { checkServiceInput } from '../validation/service-input';
import { checkArray, checkObject, checkOneOf } from '../validation/shape';

/**
 * One stateless service, described once and rendered by any availability mode
 * (`Baseline`, `MultiReplica`) on any number of clusters.
 *
 * @example
 * const api: ServiceSpec = {
 *   name: 'api',
 *   image: 'ghcr.io/acme/api:1.4.2',
 *   port: 4000,
 *   healthPath: '/health',
 * };
 */
export interface ServiceSpec {
  /**
   * Name of the service: the name of its Deployment, Service and every other object, and
   * the `app.kubernetes.io/name` label. A DNS-1123 label starting with a letter; keep it stable
   * (names must match across clusters and sites).
   */
  readonly name: string;

  /**
   * Container image with a pinned tag or digest, e.g. `ghcr.io/acme/api:1.4.2`.
   * `latest` or no tag is refused: a rollout must be reproducible on every cluster.
   */
  readonly image: string;

  /**
   * When the kubelet pulls the image. The image is always pinned (a tag or digest), so a node
   * that has it does not ask the registry again: a pod restarts or moves while the registry is
   * down. `Always` re-checks a tag that may have been pushed again, and makes every restart
   * depend on the registry.
   *
   * @default 'IfNotPresent'
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * Shorthand for one TCP port named `http`. Give either `port` or `ports`.
   *
   * @default - no port
   */
  readonly port?: number;

  /**
   * The ports the container listens on, published by the Service.
   *
   * @default - no port: no Service is created, ingress is denied
   */
  readonly ports?: readonly ServicePort[];

  /**
   * Shorthand for `healthCheck: HealthCheck.http(healthPath)` on the first port.
   *
   * @default - see `healthCheck`
   */
  readonly healthPath?: string;

  /**
   * Readiness check, and liveness check unless `livenessCheck` is given.
   *
   * @default - a TCP check on the first port; a service without ports must give one
   * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
   */
  readonly healthCheck?: HealthCheck;

  /**
   * A separate liveness check, for services whose readiness depends on other services:
   * liveness must never fail because a dependency is down, or every replica restarts at once.
   *
   * @default - the health check, probed less often and with more failures allowed
   */
  readonly livenessCheck?: HealthCheck;

  /**
   * How often and how patiently the readiness and liveness checks probe.
   *
   * @default - readiness every 5 s, unready after 2 failures (2 s timeout); liveness every 10 s, restarted after 3 failures (3 s timeout)
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly probeTimings?: { readonly readiness?: ProbeTimingSpec; readonly liveness?: ProbeTimingSpec };

  /**
   * The longest a container may take to start; adds a startup probe so liveness does not
   * kill a slow start.
   *
   * @default - no startup probe
   * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/#startup-probe
   */
  readonly startupTimeout?: DurationLike;

  /**
   * CPU and memory requests and limits.
   *
   * @default - cpu 100m request / 1 limit, memory 256Mi request = limit
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly resources?: ResourceSpec;

  /**
   * Environment variables: plain strings, or {@link EnvValue} references to Secrets,
   * ConfigMaps and pod fields. A literal under a secret-looking name is refused.
   *
   * @default - none
   */
  readonly env?: Readonly<Record<string, string | EnvValue>>;

  /**
   * Entrypoint override.
   *
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];

  /**
   * Arguments.
   *
   * @default - the image's arguments
   */
  readonly args?: readonly string[];

  /**
   * Absolute paths the process writes to, each an emptyDir: the root filesystem is read-only.
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];

  /**
   * Read-only directories of files from ConfigMaps or Secrets (configuration, credentials).
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/configuration/configmap/#using-configmaps-as-files-from-a-pod
   */
  readonly files?: readonly FileMount[];

  /**
   * Use this existing ServiceAccount instead of creating one.
   *
   * @default - a ServiceAccount named after the service is created
   */
  readonly serviceAccountName?: string;

  /**
   * Mount the ServiceAccount token: only for services that call the Kubernetes API.
   *
   * @default false
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Extra labels on every object and on the pods.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;

  /**
   * Extra annotations on the pods (e.g. scrape settings).
   *
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;

  /**
   * The product this service belongs to (`app.kubernetes.io/part-of`).
   *
   * @default - the service name
   */
  readonly partOf?: string;

  /**
   * Role in the architecture (`app.kubernetes.io/component`).
   *
   * @default 'server'
   */
  readonly component?: string;

  /**
   * Numeric user and group the container runs as.
   *
   * @default - 10001:10001, unless `imageRunsAsNonRoot`
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   */
  readonly runAs?: { readonly user: number; readonly group: number };

  /**
   * The image runs as a numeric non-root user of its own (its `USER`): keep it rather than force
   * `runAs`, for images whose files belong to that user. `runAsNonRoot` stays, so the kubelet
   * refuses to start the container as root, or as a user given by name.
   *
   * @default false - the container runs as `runAs` (10001:10001)
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
   */
  readonly imageRunsAsNonRoot?: boolean;

  /**
   * Graceful shutdown timings.
   *
   * @default - drain delay 5 s, grace period 30 s
   */
  readonly shutdown?: ShutdownSpec;

  /**
   * Who may connect to the service's ports. Nothing else is admitted.
   *
   * @default - every pod of the same namespace, on every declared port
   */
  readonly ingress?: readonly IngressRule[];

  /**
   * Where the service may connect besides DNS. Nothing else is allowed.
   *
   * @default - DNS only
   */
  readonly egress?: readonly EgressRule[];

  /**
   * Scale on CPU between `min` and `max` replicas (MultiReplica only).
   *
   * @default - no autoscaling
   */
  readonly autoscale?: AutoscaleSpec;
}

/**
 * When the kubelet pulls an image.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
 */
export type ImagePullPolicy = 'Always' | 'IfNotPresent';

/** A port the container listens on. */
export interface ServicePort {
  /** Container port, 1-65535. */
  readonly port: number;
  /**
   * Port name (IANA service name: at most 15 lowercase letters, digits and dashes).
   *
   * @default - `http` for the `port` shorthand, `<protocol>-<port>` otherwise
   */
  readonly name?: string;
  /**
   * Transport protocol.
   *
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP';
  /**
   * Port the Service publishes.
   *
   * @default - the container port
   */
  readonly servicePort?: number;
}

/** Cadence of one probe. */
export interface ProbeTimingSpec {
  /**
   * Time between probes.
   *
   * @default - 5 s for readiness, 10 s for liveness
   */
  readonly period?: DurationLike;
  /**
   * Time a probe may take; at most the period.
   *
   * @default - 2 s for readiness, 3 s for liveness
   */
  readonly timeout?: DurationLike;
  /**
   * Consecutive failures before the pod is unready (readiness) or restarted (liveness).
   *
   * @default - 2 for readiness, 3 for liveness
   */
  readonly failureThreshold?: number;
}

/** Probe cadence in the whole seconds Kubernetes takes. */
export interface ResolvedProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/** CPU and memory of one container. */
export interface ResourceSpec {
  /**
   * CPU as a Kubernetes quantity: `'250m'` or `'1'`.
   *
   * @default - request 100m, limit 1
   */
  readonly cpu?: { readonly request?: string; readonly limit?: string };
  /**
   * Memory; keep the limit equal to the request so node pressure never OOM-kills the pod first.
   *
   * @default - 256Mi request and limit
   */
  readonly memory?: { readonly request?: SizeLike; readonly limit?: SizeLike };
}

/** How a pod stops without dropping requests. */
export interface ShutdownSpec {
  /**
   * How long the pod keeps serving after it is asked to stop (a preStop sleep), while the
   * endpoint removal reaches every proxy and load balancer.
   *
   * @default - 5 seconds
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly drainDelay?: DurationLike;
  /**
   * Total time from the stop request to SIGKILL; must exceed the drain delay.
   *
   * @default - 30 seconds
   * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
   */
  readonly gracePeriod?: DurationLike;
}

/** Horizontal autoscaling on CPU. */
export interface AutoscaleSpec {
  /** Fewest replicas, at least 2 so one loss never leaves no pod. */
  readonly min: number;
  /** Most replicas, more than `min`. */
  readonly max: number;
  /**
   * Target average CPU utilisation, percent of the request.
   *
   * @default 70
   */
  readonly cpuUtilization?: number;
  /**
   * A queue whose backlog drives the replica count beside CPU: a KEDA ScaledObject takes the
   * place of the HorizontalPodAutoscaler (KEDA makes the HPA itself), with the same bounds and
   * the same scale-up and scale-down behaviour.
   *
   * @default - CPU only, with a HorizontalPodAutoscaler
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
   */
  readonly queue?: QueueTrigger;
}

/** An {@link AutoscaleSpec} checked, with its defaults applied. */
export interface ResolvedAutoscale {
  readonly min: number;
  readonly max: number;
  readonly cpuUtilization: number;
  readonly queue?: QueueTrigger;
}

/** A {@link ServiceSpec} checked and with every default applied: what renderers consume. */
export interface ResolvedService {
  readonly name: string;
  readonly image: string;
  readonly imageTag?: string;
  readonly imagePullPolicy: ImagePullPolicy;
  readonly ports: readonly Required<ServicePort>[];
  readonly readiness?: ResolvedHealthCheck;
  readonly liveness?: ResolvedHealthCheck;
  readonly readinessTiming: ResolvedProbeTiming;
  readonly livenessTiming: ResolvedProbeTiming;
  /** Startup probe failure threshold (periods of `SERVICE_DEFAULTS.startupPeriodSeconds`). */
  readonly startupFailureThreshold?: number;
  readonly cpu: { readonly request: string; readonly limit: string };
  readonly memory: { readonly request: string; readonly limit: string };
  readonly env: readonly { readonly name: string; readonly value: EnvValue }[];
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly writablePaths: readonly string[];
  readonly files: readonly FileMount[];
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly labelSubject: LabelSubject;
  readonly runAs: { readonly user: number; readonly group: number };
  /** Whether the pod forces `runAs` (false: the image's own non-root user, `runAs.group` only as fsGroup). */
  readonly forceRunAs: boolean;
  readonly drainDelaySeconds: number;
  readonly gracePeriodSeconds: number;
  readonly ingress: readonly IngressRule[];
  readonly egress: readonly EgressRule[];
  readonly autoscale?: ResolvedAutoscale;
}

/** A health check with its port resolved. */
export interface ResolvedHealthCheck {
  readonly kind: 'http' | 'tcp' | 'exec';
  readonly path?: string;
  readonly port?: number;
  readonly scheme?: 'HTTP' | 'HTTPS';
  readonly command?: readonly string[];
}

/** DNS-1123 label that also starts with a letter, as Service names require (DNS-1035). */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CPU_QUANTITY = /^(\d+(\.\d+)?|\d+m)$/;
/**
 * An image reference: optional registry (host, port), a lowercase repository path, an optional
 * tag, an optional sha256 digest.
 *
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */
const IMAGE_REFERENCE = new RegExp('^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?/)?'
  + '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\\w[\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$');
/** Label keys the library owns: the selector's (changing them detaches the pods) and those with their own prop. */
const RESERVED_LABELS: Readonly<Record<string, string>> = {
  [LABEL.name]: 'it selects the pods: overriding it would detach them from their Deployment, Service and budget',
  [LABEL.instance]: 'it selects the pods: overriding it would detach them from their Deployment, Service and budget',
  [LABEL.managedBy]: 'it marks what this library manages',
  [LABEL.partOf]: 'it is set from service.partOf',
  [LABEL.component]: 'it is set from service.component',
  'pod-template-hash': 'the Deployment controller sets it on every pod',
  'controller-revision-hash': 'the StatefulSet controller sets it on every pod',
};
/** Prefixes reserved for Kubernetes components and for this library (`app.kubernetes.io/` keys are checked one by one). */
const RESERVED_PREFIX = /^((?!app\.kubernetes\.io\/)([a-z0-9-]+\.)*(kubernetes\.io|k8s\.io)|hadr-constructs\.io)\//;

/**
 * Checks a {@link ServiceSpec} and applies every default. Throws a {@link HadrError} naming
 * `path`, the field, the bad value and the fix.
 */
export function resolveServiceSpec(path: string, spec: ServiceSpec): ResolvedService {
  checkServiceInput(path, spec);
  checkName(path, 'service.name', spec.name);
  const imageTag = checkImage(path, spec.image);
  const ports = resolvePorts(path, spec);
  const { readiness, liveness } = resolveHealthChecks(path, spec, ports);
  const cpu = resolveCpu(path, spec.resources);
  const memory = resolveMemory(path, spec.resources);
  const shutdown = resolveShutdown(path, spec.shutdown);
  const writablePaths = resolveWritablePaths(path, spec.writablePaths);
  const labelSubject: LabelSubject = {
    name: spec.name,
    instance: spec.name,
    component: spec.component ?? 'server',
    partOf: spec.partOf ?? spec.name,
    version: imageTag && isLabelValue(imageTag) ? imageTag : undefined,
  };
  checkLabels(path, 'service.labels', spec.labels ?? {});
  checkLabels(path, 'service', { partOf: labelSubject.partOf, component: labelSubject.component });
  checkAnnotations(path, 'service.annotations', spec.annotations ?? {});
  if (spec.serviceAccountName !== undefined) {
    checkSubdomainName(path, 'service.serviceAccountName', spec.serviceAccountName, 'a ServiceAccount', 'api');
  }
  check(!(spec.runAs !== undefined && spec.imageRunsAsNonRoot === true), {
    path, field: 'service.imageRunsAsNonRoot', value: true,
    problem: 'contradicts service.runAs: the pod either forces that user or keeps the image\'s own', fix: 'drop one of them',
  });
  check(['Always', 'IfNotPresent', undefined].includes(spec.imagePullPolicy), {
    path, field: 'service.imagePullPolicy', value: spec.imagePullPolicy,
    problem: "must be 'IfNotPresent' or 'Always'", fix: "use 'IfNotPresent' (the default) so pods restart while the registry is down",
  });
  const runAs = spec.runAs ?? { user: SERVICE_DEFAULTS.runAsUser, group: SERVICE_DEFAULTS.runAsGroup };
  const isId = (id: number) => Number.isInteger(id) && id > 0 && id <= INT32_MAX;
  check(isId(runAs.user) && isId(runAs.group), {
    path, field: 'service.runAs', value: runAs,
    problem: `must be a numeric non-root user and group, from 1 to ${INT32_MAX}`, fix: 'use e.g. { user: 10001, group: 10001 }',
  });

  return {
    name: spec.name,
    image: spec.image,
    imageTag,
    imagePullPolicy: spec.imagePullPolicy ?? SERVICE_DEFAULTS.imagePullPolicy,
    ports,
    readiness,
    liveness,
    readinessTiming: resolveProbeTiming(path, 'service.probeTimings.readiness', spec.probeTimings?.readiness, SERVICE_DEFAULTS.readiness),
    livenessTiming: resolveProbeTiming(path, 'service.probeTimings.liveness', spec.probeTimings?.liveness, SERVICE_DEFAULTS.liveness),
    startupFailureThreshold: resolveStartup(path, spec.startupTimeout),
    cpu,
    memory,
    env: resolveEnv(path, spec.env ?? {}),
    command: spec.command,
    args: spec.args,
    writablePaths,
    files: resolveFiles(path, spec.files ?? [], writablePaths),
    serviceAccountName: spec.serviceAccountName,
    automountServiceAccountToken: spec.automountServiceAccountToken ?? false,
    labels: spec.labels ?? {},
    annotations: spec.annotations ?? {},
    labelSubject,
    runAs,
    forceRunAs: spec.imageRunsAsNonRoot !== true,
    drainDelaySeconds: shutdown.drainDelaySeconds,
    gracePeriodSeconds: shutdown.gracePeriodSeconds,
    ingress: resolveIngress(path, spec.ingress, ports),
    egress: resolveEgress(path, spec.egress ?? []),
    autoscale: spec.autoscale && resolveAutoscale(path, spec.autoscale),
  };
}

/** Throws unless `value` is a DNS-1123 label starting with a letter (Service names require it). */
export function checkName(path: string, field: string, value: string, mustStartWithLetter = true): void {
  const pattern = mustStartWithLetter ? DNS_LABEL : /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  check(typeof value === 'string' && value.length <= 63 && pattern.test(value), {
    path, field, value,
    problem: `must be a DNS-1123 label${mustStartWithLetter ? ' starting with a letter' : ''} (lowercase letters, digits and '-', at most 63 characters)`,
    fix: `use e.g. ${JSON.stringify(suggestName(String(value ?? '')))}`,
  });
}

function suggestName(value: string): string {
  const cleaned = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63);
  return cleaned || 'api';
}

/** Returns the image tag (undefined for a digest-only reference); throws on no tag or `latest`. */
function checkImage(path: string, image: string): string | undefined {
  check(typeof image === 'string' && image.length > 0 && !/\s/.test(image), {
    path, field: 'service.image', value: image,
    problem: 'must be an image reference', fix: "use e.g. 'ghcr.io/acme/api:1.4.2'",
  });
  const [name, digest] = image.split('@');
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
  check(tag?.toLowerCase() !== 'latest', {
    path, field: 'service.image', value: image,
    problem: "must not use the 'latest' tag: each cluster would run whatever was pushed last",
    fix: `pin a version, e.g. '${name.slice(0, name.length - lastSegment.length)}${lastSegment.slice(0, colon)}:1.0.0', or a digest`,
  });
  check(tag !== undefined || digest !== undefined, {
    path, field: 'service.image', value: image,
    problem: 'has no tag or digest, so it means latest',
    fix: `pin a version, e.g. '${image}:1.0.0', or a digest '${image}@sha256:...'`,
  });
  check(digest === undefined || /^sha256:[a-f0-9]{64}$/.test(digest), {
    path, field: 'service.image', value: image,
    problem: 'has a malformed digest', fix: "use '@sha256:' followed by 64 hex digits",
  });
  check(IMAGE_REFERENCE.test(image) && name.length <= 255, {
    path, field: 'service.image', value: image,
    problem: 'is not an image reference a container runtime can pull: the repository path is lowercase letters, digits and separators (._-), the tag at most 128 word characters',
    fix: "use e.g. 'ghcr.io/acme/api:1.4.2'",
  });
  return tag;
}

function resolvePorts(path: string, spec: ServiceSpec): Required<ServicePort>[] {
  if (spec.port !== undefined && spec.ports !== undefined) {
    throw new HadrError({
      path, field: 'service.port', value: spec.port,
      problem: 'cannot be given together with service.ports', fix: 'list every port in service.ports',
    });
  }
  const declared: ServicePort[] = spec.port !== undefined ? [{ port: spec.port, name: 'http' }] : [...(spec.ports ?? [])];
  const resolved = declared.map((p, i) => {
    const field = spec.port !== undefined ? 'service.port' : `service.ports[${i}]`;
    checkPortNumber(path, spec.port !== undefined ? field : `${field}.port`, p.port);
    if (p.servicePort !== undefined) checkPortNumber(path, `${field}.servicePort`, p.servicePort);
    const protocol = p.protocol ?? 'TCP';
    const name = p.name ?? `${protocol.toLowerCase()}-${p.port}`;
    check(name.length <= 15 && PORT_NAME.test(name) && !name.includes('--'), {
      path, field: `${field}.name`, value: name,
      problem: 'must be an IANA service name: at most 15 lowercase letters, digits and single dashes, with a letter',
      fix: "use e.g. 'http' or 'grpc'",
    });
    return { port: p.port, name, protocol, servicePort: p.servicePort ?? p.port };
  });
  resolved.forEach((p, i) => {
    const earlier = resolved.slice(0, i);
    check(!earlier.some((e) => e.port === p.port && e.protocol === p.protocol), {
      path, field: `service.ports[${i}].port`, value: p.port,
      problem: `is declared twice for ${p.protocol}`, fix: 'declare each port once',
    });
    check(!earlier.some((e) => e.name === p.name), {
      path, field: `service.ports[${i}].name`, value: p.name,
      problem: 'is used by another port', fix: 'give each port its own name',
    });
    check(!earlier.some((e) => e.servicePort === p.servicePort && e.protocol === p.protocol), {
      path, field: `service.ports[${i}].servicePort`, value: p.servicePort,
      problem: 'is published twice by the Service', fix: 'give each port its own servicePort',
    });
  });
  return resolved;
}

/** Throws unless `port` is a whole number from 1 to 65535. */
export function checkPortNumber(path: string, field: string, port: number): void {
  check(Number.isInteger(port) && port >= 1 && port <= 65535, {
    path, field, value: port, problem: 'must be a port number from 1 to 65535', fix: 'use e.g. 8080',
  });
}

function resolveHealthChecks(path: string, spec: ServiceSpec, ports: readonly Required<ServicePort>[]) {
  if (spec.healthPath !== undefined && spec.healthCheck !== undefined) {
    throw new HadrError({
      path, field: 'service.healthPath', value: spec.healthPath,
      problem: 'cannot be given together with service.healthCheck', fix: 'use HealthCheck.http(path) in healthCheck',
    });
  }
  const given = spec.healthPath !== undefined ? HealthCheck.http(spec.healthPath) : spec.healthCheck;
  const firstTcpPort = ports.find((p) => p.protocol === 'TCP')?.port;
  const readinessCheck = given ?? (firstTcpPort !== undefined ? HealthCheck.tcp(firstTcpPort) : undefined);
  if (readinessCheck === undefined) {
    throw new HadrError({
      path, field: 'service.healthCheck', value: undefined,
      problem: 'is required for a service without TCP ports: Kubernetes could not tell a hung pod from a healthy one',
      fix: "give e.g. HealthCheck.exec(['/bin/worker', 'healthcheck']), or declare a port",
    });
  }
  const field = spec.healthPath !== undefined ? 'service.healthPath' : 'service.healthCheck';
  const readiness = resolveHealthCheck(path, field, readinessCheck, firstTcpPort);
  const liveness = spec.livenessCheck
    ? resolveHealthCheck(path, 'service.livenessCheck', spec.livenessCheck, firstTcpPort)
    : readiness;
  return { readiness, liveness };
}

function resolveHealthCheck(path: string, field: string, hc: HealthCheck, firstTcpPort: number | undefined): ResolvedHealthCheck {
  if (hc.kind === 'exec') {
    check(Array.isArray(hc.command) && hc.command.length > 0 && hc.command.every((word) => typeof word === 'string' && word.length > 0), {
      path, field: `${field}.command`, value: hc.command, problem: 'must be a non-empty list of non-empty words', fix: "give the command, e.g. ['/bin/healthcheck']",
    });
    return { kind: 'exec', command: hc.command };
  }
  if (hc.kind === 'http') {
    const healthPath = typeof hc.path === 'string' ? hc.path : '';
    const pathField = field === 'service.healthPath' ? field : `${field}.path`;
    check(healthPath.startsWith('/'), {
      path, field: pathField, value: hc.path,
      problem: 'must start with a slash', fix: `use ${JSON.stringify('/' + healthPath.replace(/^\/*/, ''))}`,
    });
    check(/^\/[\x21-\x7e]*$/.test(healthPath), {
      path, field: pathField, value: hc.path,
      problem: 'must be a request path without spaces or non-ASCII characters (percent-encode them)', fix: `use ${JSON.stringify(encodeURI(healthPath.trim()))}`,
    });
    checkOneOf(path, `${field}.scheme`, hc.scheme ?? 'HTTP', ['HTTP', 'HTTPS']);
  }
  const port = hc.port ?? firstTcpPort;
  if (port === undefined) {
    throw new HadrError({
      path, field: `${field}.port`, value: undefined,
      problem: 'is needed because the service declares no TCP port', fix: 'give the port to check, or declare a port',
    });
  }
  checkPortNumber(path, `${field}.port`, port);
  return { kind: hc.kind, path: hc.path, port, scheme: hc.scheme };
}

function resolveProbeTiming(path: string, field: string, given: ProbeTimingSpec | undefined, defaults: ResolvedProbeTiming): ResolvedProbeTiming {
  const periodSeconds = given?.period !== undefined
    ? Math.ceil(checkPositiveDuration(path, `${field}.period`, given.period) / 1000) : defaults.periodSeconds;
  const timeoutSeconds = given?.timeout !== undefined
    ? Math.ceil(checkPositiveDuration(path, `${field}.timeout`, given.timeout) / 1000) : Math.min(defaults.timeoutSeconds, periodSeconds);
  const failureThreshold = given?.failureThreshold ?? defaults.failureThreshold;
  check(timeoutSeconds <= periodSeconds, {
    path, field: `${field}.timeout`, value: given?.timeout,
    problem: `must not exceed the period (${periodSeconds} seconds), or probes overlap`, fix: `use at most ${periodSeconds} seconds`,
  });
  check(Number.isInteger(failureThreshold) && failureThreshold >= 1 && failureThreshold <= INT32_MAX, {
    path, field: `${field}.failureThreshold`, value: failureThreshold,
    problem: `must be a whole number from 1 to ${INT32_MAX}`, fix: 'use e.g. 3',
  });
  for (const [name, value, seconds] of [['period', given?.period, periodSeconds], ['timeout', given?.timeout, timeoutSeconds]] as const) {
    check(seconds <= INT32_MAX, {
      path, field: `${field}.${name}`, value, problem: `must be at most ${INT32_MAX} seconds (a Kubernetes int32)`, fix: 'use e.g. Duration.seconds(10)',
    });
  }
  return { periodSeconds, timeoutSeconds, failureThreshold, successThreshold: defaults.successThreshold };
}

function resolveStartup(path: string, timeout: DurationLike | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  const ms = checkPositiveDuration(path, 'service.startupTimeout', timeout);
  const threshold = Math.ceil(ms / 1000 / SERVICE_DEFAULTS.startupPeriodSeconds);
  check(threshold <= INT32_MAX, {
    path, field: 'service.startupTimeout', value: timeout,
    problem: `must be at most ${INT32_MAX * SERVICE_DEFAULTS.startupPeriodSeconds} seconds (the probe's failure threshold is a Kubernetes int32)`,
    fix: 'use e.g. Duration.minutes(5)',
  });
  return threshold;
}

/** Returns the duration in milliseconds; throws unless it is a positive duration. */
export function checkPositiveDuration(path: string, field: string, value: DurationLike): number {
  check(isDurationLike(value), {
    path, field, value, problem: 'must be a Duration', fix: 'use e.g. Duration.seconds(30)',
  });
  const ms = value.toMilliseconds();
  check(typeof ms === 'number' && Number.isFinite(ms), {
    path, field, value, problem: 'must be a finite Duration', fix: 'use e.g. Duration.seconds(30)',
  });
  check(ms > 0, {
    path, field, value, problem: 'must be longer than zero', fix: 'use e.g. Duration.seconds(30)',
  });
  return ms;
}

function resolveShutdown(path: string, shutdown: ShutdownSpec | undefined) {
  const drainMs = shutdown?.drainDelay !== undefined
    ? checkPositiveDuration(path, 'service.shutdown.drainDelay', shutdown.drainDelay)
    : SERVICE_DEFAULTS.drainDelaySeconds * 1000;
  const graceMs = shutdown?.gracePeriod !== undefined
    ? checkPositiveDuration(path, 'service.shutdown.gracePeriod', shutdown.gracePeriod)
    : SERVICE_DEFAULTS.terminationGracePeriodSeconds * 1000;
  check(graceMs > drainMs, {
    path, field: 'service.shutdown.gracePeriod', value: shutdown?.gracePeriod ?? `${graceMs / 1000} seconds`,
    problem: `must be longer than the drain delay (${drainMs / 1000} seconds), or the process is killed before it finishes in-flight work`,
    fix: `use at least ${Math.ceil(drainMs / 1000) + 10} seconds`,
  });
  check(graceMs / 1000 <= INT32_MAX, {
    path, field: 'service.shutdown.gracePeriod', value: shutdown?.gracePeriod,
    problem: `must be at most ${INT32_MAX} seconds`, fix: 'use e.g. Duration.seconds(30)',
  });
  return { drainDelaySeconds: Math.ceil(drainMs / 1000), gracePeriodSeconds: Math.ceil(graceMs / 1000) };
}

function resolveCpu(path: string, resources: ResourceSpec | undefined) {
  const request = resources?.cpu?.request ?? SERVICE_DEFAULTS.cpuRequest;
  const limit = resources?.cpu?.limit ?? SERVICE_DEFAULTS.cpuLimit;
  for (const [field, value] of [['request', request], ['limit', limit]] as const) {
    check(CPU_QUANTITY.test(value) && millicores(value) > 0, {
      path, field: `service.resources.cpu.${field}`, value,
      problem: 'must be a positive CPU quantity', fix: "use e.g. '250m' or '1'",
    });
  }
  check(millicores(request) <= millicores(limit), {
    path, field: 'service.resources.cpu.request', value: request,
    problem: `is above the limit (${limit})`, fix: `lower the request or raise the limit to at least ${request}`,
  });
  return { request, limit };
}

function millicores(quantity: string): number {
  return quantity.endsWith('m') ? parseInt(quantity, 10) : Math.round(parseFloat(quantity) * 1000);
}

function resolveMemory(path: string, resources: ResourceSpec | undefined) {
  const given = resources?.memory;
  for (const field of ['request', 'limit'] as const) {
    const value = given?.[field];
    check(value === undefined || (isSizeLike(value) && value.toKibibytes() > 0), {
      path, field: `service.resources.memory.${field}`, value,
      problem: 'must be a positive Size', fix: 'use e.g. Size.mebibytes(512)',
    });
  }
  const requestKib = given?.request?.toKibibytes() ?? SERVICE_DEFAULTS.memoryRequestMebibytes * 1024;
  // A request alone raises the limit with it, keeping request = limit.
  const limitKib = given?.limit?.toKibibytes() ?? Math.max(requestKib, SERVICE_DEFAULTS.memoryLimitMebibytes * 1024);
  check(requestKib <= limitKib, {
    path, field: 'service.resources.memory.request', value: given?.request,
    problem: `is above the limit (${given?.limit?.asString() ?? `${limitKib / 1024}Mi`})`,
    fix: 'lower the request or raise the limit to at least the request',
  });
  return { request: given?.request?.asString() ?? kibToQuantity(requestKib), limit: given?.limit?.asString() ?? kibToQuantity(limitKib) };
}

function kibToQuantity(kib: number): string {
  return kib % 1024 === 0 ? `${kib / 1024}Mi` : `${kib}Ki`;
}

function resolveEnv(path: string, env: Readonly<Record<string, string | EnvValue>>) {
  return Object.entries(env).map(([name, raw]) => {
    const field = `service.env.${name}`;
    check(ENV_NAME.test(name), {
      path, field, value: name,
      problem: 'is not a valid environment variable name', fix: 'use letters, digits, _, - and . (not starting with a digit)',
    });
    const value = typeof raw === 'string' ? EnvValue.value(raw) : raw;
    check(value instanceof EnvValue, {
      path, field, value: raw,
      problem: 'must be a string or an EnvValue', fix: "use EnvValue.fromSecret('name', 'key') or a string",
    });
    check(value.source !== 'value' || !(SECRET_LOOKING_NAME.test(name) || isSecretName(name)), {
      path, field, value: '<redacted>',
      problem: 'looks like a secret and would be written into the manifest in clear',
      fix: `reference it instead: EnvValue.fromSecret('<secret-name>', '${name.toLowerCase()}')`,
    });
    if (value.source === 'value') {
      check(typeof value.value === 'string', {
        path, field, value: value.value, problem: 'must be a string', fix: "use EnvValue.value('text')",
      });
    }
    if (value.source === 'secret') {
      checkSecretName(path, `${field}.secretName`, value.sourceName);
      checkDataKey(path, `${field}.key`, value.key, 'Secret');
    }
    if (value.source === 'configMap') {
      checkSubdomainName(path, `${field}.configMapName`, value.sourceName, 'a ConfigMap', 'app-config');
      checkDataKey(path, `${field}.key`, value.key, 'ConfigMap');
    }
    if (value.source === 'field') checkEnvFieldPath(path, `${field}.fieldPath`, value.key);
    check(value.optional === undefined || typeof value.optional === 'boolean', {
      path, field: `${field}.optional`, value: value.optional, problem: 'must be true or false', fix: 'give a boolean',
    });
    return { name, value };
  });
}

function resolveWritablePaths(path: string, paths: readonly string[] | undefined): string[] {
  const resolved = [...(paths ?? SERVICE_DEFAULTS.writablePaths)];
  resolved.forEach((p, i) => {
    checkMountPath(path, `service.writablePaths[${i}]`, p, "use e.g. '/tmp' or '/var/cache/app'");
    check(resolved.findIndex((other) => writableVolumeName(other) === writableVolumeName(p)) === i, {
      path, field: `service.writablePaths[${i}]`, value: p,
      problem: `is listed twice or shares its volume name (${writableVolumeName(p)}) with another path`, fix: 'list each path once',
    });
  });
  return resolved;
}

/** An absolute directory below `/`, in one spelling: no `.` or `..` segments, no doubled or trailing slash. */
function checkMountPath(path: string, field: string, value: unknown, fix: string): void {
  check(typeof value === 'string' && value.startsWith('/') && value !== '/', {
    path, field, value, problem: 'must be an absolute path below /', fix,
  });
  const segments = value.slice(1).split('/');
  check(value.length <= 4096 && segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..') && !value.includes(':'), {
    path, field, value,
    problem: "must be written plainly: no '.' or '..' segments, no doubled or trailing slash, no ':'",
    fix: `use ${JSON.stringify('/' + segments.filter((segment) => segment !== '' && segment !== '.' && segment !== '..').join('/').replace(/:/g, '-'))}`,
  });
}

function resolveFiles(path: string, files: readonly FileMount[], writablePaths: readonly string[]): FileMount[] {
  files.forEach((file, i) => {
    const field = `service.files[${i}]`;
    check(file.from instanceof FileSource, {
      path, field: `${field}.from`, value: file.from, problem: 'must be a FileSource', fix: "use FileSource.configMap('name') or FileSource.secret('name')",
    });
    if (file.from.kind === 'secret') checkSecretName(path, `${field}.from`, file.from.name);
    else checkSubdomainName(path, `${field}.from`, file.from.name, 'a ConfigMap', 'app-config');
    checkMountPath(path, `${field}.path`, file.path, "use e.g. '/etc/app'");
    const taken = [...writablePaths, ...files.slice(0, i).map((f) => f.path)];
    check(!taken.includes(file.path), {
      path, field: `${field}.path`, value: file.path, problem: 'is already mounted', fix: 'mount each directory once',
    });
    check(!writablePaths.some((w) => writableVolumeName(w) === fileVolumeName(file.from)), {
      path, field: `${field}.from`, value: file.from.name,
      problem: `would share its volume name (${fileVolumeName(file.from)}) with a writable path`, fix: 'rename the writable path or the source',
    });
  });
  return [...files];
}

/**
 * Name of the volume behind a mounted file source: `config-<name>` or `secret-<name>`, made a
 * DNS label (dots replaced, a digest of the full name when it must be shortened, so two long
 * names never share a volume).
 */
export function fileVolumeName(source: FileSource): string {
  const name = `${source.kind === 'secret' ? 'secret' : 'config'}-${source.name}`;
  if (name.length <= 63 && /^[a-z0-9-]+$/.test(name)) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.replace(/[^a-z0-9-]+/g, '-').slice(0, 54).replace(/-+$/, '')}-${digest}`;
}

/** Name of the emptyDir volume behind a writable path: `/var/cache/app` -> `var-cache-app`. */
export function writableVolumeName(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-|-$/g, '').slice(0, 63).replace(/-+$/, '') || 'root';
}

function checkLabels(path: string, field: string, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (field === 'service.labels') {
      checkLabelKey(path, `${field}.${key}`, key);
      const reserved = RESERVED_LABELS[key] ?? (RESERVED_PREFIX.test(key) ? 'its prefix is reserved for Kubernetes and this library' : undefined);
      check(reserved === undefined, {
        path, field: `${field}.${key}`, value: key,
        problem: `is a label the library sets: ${reserved}`,
        fix: key === LABEL.partOf ? 'set service.partOf instead' : key === LABEL.component ? 'set service.component instead' : 'use a label key of your own, e.g. example.com/team',
      });
    }
    check(isLabelValue(value), {
      path, field: `${field}.${key}`, value,
      problem: 'is not a valid label value', fix: 'use at most 63 letters, digits, -, _ and ., alphanumeric at both ends',
    });
  }
}

/** Annotations: valid keys, at most 256 KiB in all. */
function checkAnnotations(path: string, field: string, annotations: Readonly<Record<string, string>>): void {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    checkAnnotationKey(path, `${field}.${key}`, key);
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  check(size <= 256 * 1024, {
    path, field, value: `${size} bytes`,
    problem: 'must total at most 256 KiB, the limit the API server enforces', fix: 'move large data into a ConfigMap mounted with service.files',
  });
}

function resolveIngress(path: string, rules: readonly IngressRule[] | undefined, ports: readonly Required<ServicePort>[]): IngressRule[] {
  const resolved = rules ?? (ports.length > 0 ? [{ from: NetworkPeer.sameNamespace() }] : []);
  resolved.forEach((rule, i) => checkIngressRule(path, `service.ingress[${i}]`, rule, ports));
  return [...resolved];
}

function resolveEgress(path: string, rules: readonly EgressRule[]): EgressRule[] {
  rules.forEach((rule, i) => checkEgressRule(path, `service.egress[${i}]`, rule));
  return [...rules];
}

/**
 * Throws unless an ingress rule admits only what the service declares: a valid peer, and
 * either no `ports` (every declared port) or a non-empty list of declared ports. An empty list
 * in a NetworkPolicy means every port, so it is refused, as is a rule without ports on a
 * service that declares none.
 *
 * @internal
 */
export function checkIngressRule(path: string, field: string, rule: IngressRule, declared: readonly Required<ServicePort>[]): void {
  checkObject(path, field, rule, "{ from: NetworkPeer.namespace('ingress-nginx') }");
  checkPeer(path, `${field}.from`, rule.from);
  if (rule.ports === undefined) {
    check(declared.length > 0, {
      path, field: `${field}.ports`, value: undefined,
      problem: 'must be given because the service declares no ports: a NetworkPolicy rule without ports admits every port',
      fix: 'declare the ports in service.ports, or give the ports the rule admits',
    });
    return;
  }
  checkRulePorts(path, `${field}.ports`, rule.ports);
  rule.ports.forEach((p, j) => {
    const protocol = p.protocol ?? 'TCP';
    const behindServicePort = declared.find((d) => d.servicePort === p.port && d.protocol === protocol && d.port !== p.port);
    check(declared.some((d) => d.port === p.port && d.protocol === protocol), {
      path, field: `${field}.ports[${j}].port`, value: p.port,
      problem: `is not a port the service declares (${declared.map((d) => `${d.port}/${d.protocol}`).join(', ') || 'none'}): the rule would admit traffic the service was not declared to take`,
      fix: behindServicePort
        ? `use ${behindServicePort.port}: NetworkPolicy ports are the pod's, and servicePort ${p.port} forwards to ${behindServicePort.port}`
        : 'declare it in service.ports, or admit one of the declared ports',
    });
  });
}

/**
 * Throws unless an egress rule names a valid peer and at least one port.
 *
 * @internal
 */
export function checkEgressRule(path: string, field: string, rule: EgressRule): void {
  checkObject(path, field, rule, "{ to: NetworkPeer.cidr('10.0.0.0/16'), ports: [{ port: 5432 }] }");
  checkPeer(path, `${field}.to`, rule.to);
  checkRulePorts(path, `${field}.ports`, rule.ports);
}

/** A non-empty list of ports with valid numbers and protocols: an empty list would mean every port. */
function checkRulePorts(path: string, field: string, ports: readonly NetworkPort[] | undefined): void {
  checkArray(path, field, ports, '[{ port: 5432 }]');
  check(ports.length > 0, {
    path, field, value: ports,
    problem: 'must name at least one port: an empty list in a NetworkPolicy opens every port', fix: 'give the ports, e.g. [{ port: 5432 }]',
  });
  ports.forEach((p, j) => {
    checkObject(path, `${field}[${j}]`, p, '{ port: 5432 }');
    checkPortNumber(path, `${field}[${j}].port`, p.port);
    if (p.protocol !== undefined) checkOneOf(path, `${field}[${j}].protocol`, p.protocol, ['TCP', 'UDP']);
  });
}

/**
 * Throws unless `peer` is a NetworkPeer whose labels, namespace and ranges Kubernetes accepts:
 * label keys and values, a DNS-label namespace, canonical CIDR ranges, and exceptions of the
 * same family strictly inside the range.
 *
 * @internal
 */
export function checkPeer(path: string, field: string, peer: NetworkPeer): void {
  check(peer instanceof NetworkPeer, {
    path, field, value: peer, problem: 'must be a NetworkPeer', fix: "use e.g. NetworkPeer.namespace('ingress-nginx')",
  });
  for (const [key, value] of Object.entries(peer.podLabels ?? {})) {
    checkLabelKey(path, `${field}.labels.${key}`, key);
    check(typeof value === 'string' && isLabelValue(value), {
      path, field: `${field}.labels.${key}`, value, problem: 'is not a valid label value', fix: 'use at most 63 letters, digits, -, _ and ., alphanumeric at both ends',
    });
  }
  if (peer.namespace !== undefined) checkName(path, `${field}.namespace`, peer.namespace, false);
  if (peer.cidr !== undefined) {
    const range = checkCidr(path, `${field}.cidr`, peer.cidr);
    (peer.except ?? []).forEach((excepted, i) => {
      const inner = checkCidr(path, `${field}.except[${i}]`, excepted);
      check(cidrContains(range, inner) && inner.prefix > range.prefix, {
        path, field: `${field}.except[${i}]`, value: excepted,
        problem: `must be a smaller range inside ${peer.cidr}`, fix: 'list only ranges inside the admitted one',
      });
    });
  }
}

function resolveAutoscale(path: string, autoscale: AutoscaleSpec): ResolvedAutoscale {
  const { min, max } = autoscale;
  check(Number.isInteger(min) && min >= 2 && min < INT32_MAX, {
    path, field: 'service.autoscale.min', value: min,
    problem: 'must be at least 2, or a single pod failure or eviction leaves no replica serving',
    fix: 'use min: 2 or more',
  });
  check(Number.isInteger(max) && max > min, {
    path, field: 'service.autoscale.max', value: max,
    problem: `must be greater than min (${min})`, fix: `use max: ${min * 2} or more, or drop autoscale and set replicas`,
  });
  check(max <= INT32_MAX, {
    path, field: 'service.autoscale.max', value: max, problem: `must be at most ${INT32_MAX} (a Kubernetes int32)`, fix: 'use e.g. 20',
  });
  const cpuUtilization = autoscale.cpuUtilization ?? MULTI_REPLICA_DEFAULTS.cpuUtilization;
  check(Number.isInteger(cpuUtilization) && cpuUtilization > 0 && cpuUtilization <= 100, {
    path, field: 'service.autoscale.cpuUtilization', value: cpuUtilization,
    problem: 'must be a percentage from 1 to 100', fix: 'use e.g. 70',
  });
  check(autoscale.queue === undefined || autoscale.queue instanceof QueueTrigger, {
    path, field: 'service.autoscale.queue', value: autoscale.queue,
    problem: 'must be a QueueTrigger', fix: 'use QueueTrigger.redisList({...}) or QueueTrigger.rabbitmq({...})',
  });
  return { min, max, cpuUtilization, queue: autoscale.queue };
}
