import { MULTI_REPLICA_DEFAULTS, SERVICE_DEFAULTS } from '../defaults';
import { EnvValue, SECRET_LOOKING_NAME } from './env-value';
import { check, HadrError } from '../errors';
import { FileMount, FileSource } from './file-source';
import { HealthCheck } from './health-check';
import { isLabelValue, LabelSubject } from './labels';
import { EgressRule, IngressRule, NetworkPeer } from './network-peer';
import { DurationLike, isDurationLike, isSizeLike, SizeLike } from '../units';

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
   * When the kubelet pulls the image.
   *
   * @default 'Always'
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent';

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
   * @default - 10001:10001
   */
  readonly runAs?: { readonly user: number; readonly group: number };

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
}

/** A {@link ServiceSpec} checked and with every default applied: what renderers consume. */
export interface ResolvedService {
  readonly name: string;
  readonly image: string;
  readonly imageTag?: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent';
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
  readonly drainDelaySeconds: number;
  readonly gracePeriodSeconds: number;
  readonly ingress: readonly IngressRule[];
  readonly egress: readonly EgressRule[];
  readonly autoscale?: Required<AutoscaleSpec>;
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
 * Checks a {@link ServiceSpec} and applies every default. Throws a {@link HadrError} naming
 * `path`, the field, the bad value and the fix.
 */
export function resolveServiceSpec(path: string, spec: ServiceSpec): ResolvedService {
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
  checkLabels(path, 'service.partOf/component', { partOf: labelSubject.partOf, component: labelSubject.component });
  if (spec.serviceAccountName !== undefined) checkName(path, 'service.serviceAccountName', spec.serviceAccountName, false);
  const runAs = spec.runAs ?? { user: SERVICE_DEFAULTS.runAsUser, group: SERVICE_DEFAULTS.runAsGroup };
  check(Number.isInteger(runAs.user) && runAs.user > 0 && Number.isInteger(runAs.group) && runAs.group > 0, {
    path, field: 'service.runAs', value: runAs,
    problem: 'must be a numeric non-root user and group', fix: 'use e.g. { user: 10001, group: 10001 }',
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
  check(tag !== 'latest', {
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
    check(Array.isArray(hc.command) && hc.command.length > 0, {
      path, field: `${field}.command`, value: hc.command, problem: 'must not be empty', fix: "give the command, e.g. ['/bin/healthcheck']",
    });
    return { kind: 'exec', command: hc.command };
  }
  if (hc.kind === 'http') {
    const healthPath = hc.path ?? '';
    check(healthPath.startsWith('/'), {
      path, field: field === 'service.healthPath' ? field : `${field}.path`, value: hc.path,
      problem: 'must start with a slash', fix: `use ${JSON.stringify('/' + healthPath.replace(/^\/*/, ''))}`,
    });
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
  check(Number.isInteger(failureThreshold) && failureThreshold >= 1, {
    path, field: `${field}.failureThreshold`, value: failureThreshold,
    problem: 'must be a whole number of at least 1', fix: 'use e.g. 3',
  });
  return { periodSeconds, timeoutSeconds, failureThreshold, successThreshold: defaults.successThreshold };
}

function resolveStartup(path: string, timeout: DurationLike | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  const ms = checkPositiveDuration(path, 'service.startupTimeout', timeout);
  return Math.ceil(ms / 1000 / SERVICE_DEFAULTS.startupPeriodSeconds);
}

/** Returns the duration in milliseconds; throws unless it is a positive duration. */
export function checkPositiveDuration(path: string, field: string, value: DurationLike): number {
  check(isDurationLike(value), {
    path, field, value, problem: 'must be a Duration', fix: 'use e.g. Duration.seconds(30)',
  });
  const ms = value.toMilliseconds();
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
    check(ENV_NAME.test(name), {
      path, field: `service.env.${name}`, value: name,
      problem: 'is not a valid environment variable name', fix: 'use letters, digits, _, - and . (not starting with a digit)',
    });
    const value = typeof raw === 'string' ? EnvValue.value(raw) : raw;
    check(value instanceof EnvValue, {
      path, field: `service.env.${name}`, value: raw,
      problem: 'must be a string or an EnvValue', fix: "use EnvValue.fromSecret('name', 'key') or a string",
    });
    check(value.source !== 'value' || !SECRET_LOOKING_NAME.test(name), {
      path, field: `service.env.${name}`, value: '<redacted>',
      problem: 'looks like a secret and would be written into the manifest in clear',
      fix: `reference it instead: EnvValue.fromSecret('<secret-name>', '${name.toLowerCase()}')`,
    });
    if (value.source === 'secret' || value.source === 'configMap') {
      checkName(path, `service.env.${name}`, value.sourceName ?? '', false);
    }
    return { name, value };
  });
}

function resolveWritablePaths(path: string, paths: readonly string[] | undefined): string[] {
  const resolved = [...(paths ?? SERVICE_DEFAULTS.writablePaths)];
  resolved.forEach((p, i) => {
    check(p.startsWith('/') && p !== '/', {
      path, field: `service.writablePaths[${i}]`, value: p,
      problem: 'must be an absolute path below /', fix: "use e.g. '/tmp' or '/var/cache/app'",
    });
    check(resolved.findIndex((other) => writableVolumeName(other) === writableVolumeName(p)) === i, {
      path, field: `service.writablePaths[${i}]`, value: p,
      problem: `is listed twice or shares its volume name (${writableVolumeName(p)}) with another path`, fix: 'list each path once',
    });
  });
  return resolved;
}

function resolveFiles(path: string, files: readonly FileMount[], writablePaths: readonly string[]): FileMount[] {
  files.forEach((file, i) => {
    const field = `service.files[${i}]`;
    check(file.from instanceof FileSource, {
      path, field: `${field}.from`, value: file.from, problem: 'must be a FileSource', fix: "use FileSource.configMap('name') or FileSource.secret('name')",
    });
    checkName(path, `${field}.from`, file.from.name, false);
    check(typeof file.path === 'string' && file.path.startsWith('/') && file.path !== '/', {
      path, field: `${field}.path`, value: file.path, problem: 'must be an absolute path below /', fix: "use e.g. '/etc/app'",
    });
    const taken = [...writablePaths, ...files.slice(0, i).map((f) => f.path)];
    check(!taken.includes(file.path), {
      path, field: `${field}.path`, value: file.path, problem: 'is already mounted', fix: 'mount each directory once',
    });
  });
  return [...files];
}

/** Name of the volume behind a mounted file source: `config-<name>` or `secret-<name>`. */
export function fileVolumeName(source: FileSource): string {
  return `${source.kind === 'secret' ? 'secret' : 'config'}-${source.name}`.slice(0, 63);
}

/** Name of the emptyDir volume behind a writable path: `/var/cache/app` -> `var-cache-app`. */
export function writableVolumeName(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-|-$/g, '').slice(0, 63) || 'root';
}

function checkLabels(path: string, field: string, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    check(isLabelValue(value), {
      path, field: `${field}.${key}`, value,
      problem: 'is not a valid label value', fix: 'use at most 63 letters, digits, -, _ and ., alphanumeric at both ends',
    });
  }
}

function resolveIngress(path: string, rules: readonly IngressRule[] | undefined, ports: readonly Required<ServicePort>[]): IngressRule[] {
  const resolved = rules ?? (ports.length > 0 ? [{ from: NetworkPeer.sameNamespace() }] : []);
  resolved.forEach((rule, i) => {
    checkPeer(path, `service.ingress[${i}].from`, rule.from);
    (rule.ports ?? []).forEach((p, j) => checkPortNumber(path, `service.ingress[${i}].ports[${j}].port`, p.port));
  });
  return [...resolved];
}

function resolveEgress(path: string, rules: readonly EgressRule[]): EgressRule[] {
  rules.forEach((rule, i) => {
    checkPeer(path, `service.egress[${i}].to`, rule.to);
    check(rule.ports.length > 0, {
      path, field: `service.egress[${i}].ports`, value: rule.ports,
      problem: 'must name at least one port', fix: 'give the destination ports, e.g. [{ port: 5432 }]',
    });
    rule.ports.forEach((p, j) => checkPortNumber(path, `service.egress[${i}].ports[${j}].port`, p.port));
  });
  return [...rules];
}

function checkPeer(path: string, field: string, peer: NetworkPeer): void {
  check(peer instanceof NetworkPeer, {
    path, field, value: peer, problem: 'must be a NetworkPeer', fix: "use e.g. NetworkPeer.namespace('ingress-nginx')",
  });
  if (peer.cidr !== undefined) {
    check(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/.test(peer.cidr), {
      path, field, value: peer.cidr, problem: 'is not a CIDR range', fix: "use e.g. '10.0.0.0/16'",
    });
  }
}

function resolveAutoscale(path: string, autoscale: AutoscaleSpec): Required<AutoscaleSpec> {
  const { min, max } = autoscale;
  check(Number.isInteger(min) && min >= 2, {
    path, field: 'service.autoscale.min', value: min,
    problem: 'must be at least 2, or a single pod failure or eviction leaves no replica serving',
    fix: 'use min: 2 or more',
  });
  check(Number.isInteger(max) && max > min, {
    path, field: 'service.autoscale.max', value: max,
    problem: `must be greater than min (${min})`, fix: `use max: ${min * 2} or more, or drop autoscale and set replicas`,
  });
  const cpuUtilization = autoscale.cpuUtilization ?? MULTI_REPLICA_DEFAULTS.cpuUtilization;
  check(Number.isInteger(cpuUtilization) && cpuUtilization > 0 && cpuUtilization <= 100, {
    path, field: 'service.autoscale.cpuUtilization', value: cpuUtilization,
    problem: 'must be a percentage from 1 to 100', fix: 'use e.g. 70',
  });
  return { min, max, cpuUtilization };
}
