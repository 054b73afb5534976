import { k8s } from 'cdk8s-plus-27';
import { SERVICE_DEFAULTS } from '../../core/defaults';
import { fileVolumeName, ResolvedHealthCheck, ResolvedProbeTiming, ResolvedService, writableVolumeName } from '../../core/service/service-spec';

/**
 * The restricted Pod Security Standard for a container: non-root, no privilege escalation,
 * every capability dropped, RuntimeDefault seccomp, read-only root filesystem.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedContainerSecurityContext(runAs: { user: number; group: number }): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod-level half of the restricted standard; fsGroup makes mounted volumes writable by the user. */
export function restrictedPodSecurityContext(runAs: { user: number; group: number }): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    fsGroup: runAs.group,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}


/** A probe from a resolved health check with the given timings. */
export function probe(check: ResolvedHealthCheck, timing: ResolvedProbeTiming): k8s.Probe {
  const handler: Partial<k8s.Probe> = check.kind === 'http'
    ? { httpGet: { path: check.path, port: k8s.IntOrString.fromNumber(check.port!), scheme: check.scheme } }
    : check.kind === 'tcp'
      ? { tcpSocket: { port: k8s.IntOrString.fromNumber(check.port!) } }
      : { exec: { command: [...check.command!] } };
  return { ...handler, ...timing };
}


function envVar(entry: ResolvedService['env'][number]): k8s.EnvVar {
  const { name, value } = entry;
  switch (value.source) {
    case 'secret':
      return { name, valueFrom: { secretKeyRef: { name: value.sourceName!, key: value.key!, optional: value.optional } } };
    case 'configMap':
      return { name, valueFrom: { configMapKeyRef: { name: value.sourceName!, key: value.key!, optional: value.optional } } };
    case 'field':
      return { name, valueFrom: { fieldRef: { fieldPath: value.key! } } };
    default:
      return { name, value: value.value };
  }
}

/** The one application container of a stateless service. */
export function serviceContainer(service: ResolvedService): k8s.Container {
  return {
    name: service.name,
    image: service.image,
    imagePullPolicy: service.imagePullPolicy,
    command: service.command && [...service.command],
    args: service.args && [...service.args],
    ports: nonEmpty(service.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }))),
    env: service.env.length > 0 ? service.env.map(envVar) : undefined,
    resources: containerResources(service),
    readinessProbe: service.readiness && probe(service.readiness, service.readinessTiming),
    livenessProbe: service.liveness && probe(service.liveness, service.livenessTiming),
    startupProbe: service.readiness && service.startupFailureThreshold !== undefined
      ? probe(service.liveness ?? service.readiness, {
        ...service.livenessTiming,
        periodSeconds: SERVICE_DEFAULTS.startupPeriodSeconds,
        failureThreshold: service.startupFailureThreshold,
      })
      : undefined,
    lifecycle: { preStop: { exec: { command: ['sleep', String(service.drainDelaySeconds)] } } },
    securityContext: restrictedContainerSecurityContext(service.runAs),
    volumeMounts: nonEmpty([
      ...service.writablePaths.map((path) => ({ name: writableVolumeName(path), mountPath: path })),
      ...service.files.map((file) => ({ name: fileVolumeName(file.from), mountPath: file.path, readOnly: true })),
    ]),
  };
}

/** CPU and memory requests and limits of a container. */
export function containerResources(resolved: Pick<ResolvedService, 'cpu' | 'memory'>): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(resolved.cpu.request), memory: k8s.Quantity.fromString(resolved.memory.request) },
    limits: { cpu: k8s.Quantity.fromString(resolved.cpu.limit), memory: k8s.Quantity.fromString(resolved.memory.limit) },
  };
}

/** emptyDir volumes backing the writable paths, and the ConfigMap/Secret volumes of the mounted files. */
export function serviceVolumes(service: ResolvedService): k8s.Volume[] | undefined {
  const files = new Map(service.files.map((file) => [fileVolumeName(file.from), file.from]));
  return nonEmpty([
    ...service.writablePaths.map((path) => ({ name: writableVolumeName(path), emptyDir: {} })),
    ...[...files].map(([name, from]) => from.kind === 'secret'
      // Readable by the pod's group (fsGroup), not by everyone.
      ? { name, secret: { secretName: from.name, defaultMode: 0o440 } }
      : { name, configMap: { name: from.name } }),
  ]);
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
