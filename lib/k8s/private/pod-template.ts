import { k8s } from 'cdk8s-plus-27';
import { SERVICE_DEFAULTS } from '../../core/defaults';
import { fileVolumeName, ResolvedHealthCheck, ResolvedProbeTiming, ResolvedService, writableVolumeName } from '../../core/service/service-spec';

/**
 * The restricted Pod Security Standard for a container: non-root, no privilege escalation,
 * every capability dropped, RuntimeDefault seccomp, read-only root filesystem.
 *
 * @param forceRunAs run as `runAs`; false keeps the image's own user (`runAsNonRoot` still holds)
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedContainerSecurityContext(runAs: { user: number; group: number }, forceRunAs = true): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: forceRunAs ? runAs.user : undefined,
    runAsGroup: forceRunAs ? runAs.group : undefined,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Pod-level half of the restricted standard; fsGroup makes mounted volumes writable and Secrets
 * readable by the pod's processes, whichever user they run as.
 *
 * @param forceRunAs run as `runAs`; false keeps the image's own user (`runAsNonRoot` still holds)
 */
export function restrictedPodSecurityContext(runAs: { user: number; group: number }, forceRunAs = true): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: forceRunAs ? runAs.user : undefined,
    runAsGroup: forceRunAs ? runAs.group : undefined,
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

/**
 * How a container waits before SIGTERM while its endpoint is removed: the kubelet's own `sleep`
 * action (Kubernetes 1.30+; needs nothing in the image), or `sleep` run in the container.
 */
export type PreStopDrain = 'kubelet-sleep' | 'exec-sleep';

/**
 * The one application container of a stateless service. With `kubelet-sleep`, `lifecycle.preStop`
 * is an empty placeholder: the 1.27 typings cannot hold the sleep action, so
 * {@link withPreStopSleep} fills it in after serialization.
 */
export function serviceContainer(service: ResolvedService, preStop: PreStopDrain = 'kubelet-sleep'): k8s.Container {
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
    lifecycle: { preStop: preStop === 'exec-sleep' ? { exec: { command: ['sleep', String(service.drainDelaySeconds)] } } : {} },
    securityContext: restrictedContainerSecurityContext(service.runAs, service.forceRunAs),
    volumeMounts: nonEmpty([
      ...service.writablePaths.map((path) => ({ name: writableVolumeName(path), mountPath: path })),
      ...service.files.map((file) => ({ name: fileVolumeName(file.from), mountPath: file.path, readOnly: true })),
    ]),
  };
}

/**
 * Writes the kubelet's preStop `sleep` action (Kubernetes 1.30+) into a serialized container
 * whose `lifecycle.preStop` is the placeholder {@link serviceContainer} leaves.
 *
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
 */
export function withPreStopSleep(container: { lifecycle?: { preStop?: Record<string, unknown> } }, seconds: number): void {
  if (container.lifecycle?.preStop !== undefined && Object.keys(container.lifecycle.preStop).length === 0) {
    container.lifecycle.preStop.sleep = { seconds };
  }
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
