/**
 * One measured synthesis, run in a process of its own by bench/synth-bench.ts:
 *
 *   tsx bench/synth-workload.ts <hadr|plain> <services> <clusters> <outdir>
 *
 * `hadr` writes N services with hadr-constructs: MultiReplica in one chart on 1 cluster, a
 * MultiCluster in a TopologyApp on several. `plain` writes the same objects directly with the
 * cdk8s-plus-27 `k8s` classes, one cdk8s App per cluster folder with its kustomization.yaml.
 * The clock runs from the first construct to the last file written (module loading excluded);
 * prints one JSON line: wall and CPU seconds, peak RSS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MultiCluster, MultiReplica, ServiceSpec, TopologyApp } from 'hadr-constructs';

export const NAMESPACE = 'bench';

/** The i-th service: what a platform team writes for one HTTP service. */
export function benchService(i: number): ServiceSpec {
  return { name: `svc-${i}`, image: 'ghcr.io/acme/svc:1.0.0', port: 8080, healthPath: '/healthz' };
}

/** Cluster names of a run. */
export function clusterNames(clusters: number): string[] {
  return Array.from({ length: clusters }, (_, i) => `dc-${i + 1}`);
}

/** The services written with hadr-constructs. */
export function synthHadr(services: number, clusters: number, outdir: string): void {
  const specs = Array.from({ length: services }, (_, i) => benchService(i));
  if (clusters === 1) {
    const app = new App({ outdir });
    const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
    for (const service of specs) new MultiReplica(chart, service.name, { service });
    app.synth();
    return;
  }
  const app = new TopologyApp({ outdir });
  new MultiCluster(app, NAMESPACE, { services: specs, clusters: clusterNames(clusters).map((name) => ({ name })) });
  app.synth();
}

const LABEL_KEYS = { name: 'app.kubernetes.io/name', instance: 'app.kubernetes.io/instance' };
const PULL_EXEMPTION = {
  'hadr-constructs.io/exempt-pullPolicyNotAlways': 'the image is pinned to a tag or digest: IfNotPresent lets pods restart and reschedule onto nodes '
    + "that have it while the registry is down (imagePullPolicy: 'Always' re-checks a tag that may be pushed again)",
  'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
};

function labelsOf(name: string, component = 'server', partOf = name, version?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'hadr-constructs',
    ...(version ? { 'app.kubernetes.io/version': version } : {}),
  };
}

/** One service as MultiReplica writes it, by hand with the `k8s` classes. */
export function plainService(scope: Construct, i: number): void {
  const name = `svc-${i}`;
  const labels = labelsOf(name, 'server', name, '1.0.0');
  const selector = { [LABEL_KEYS.instance]: name, [LABEL_KEYS.name]: name };
  const probe = (periodSeconds: number, timeoutSeconds: number, failureThreshold: number): k8s.Probe => ({
    httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(8080), scheme: 'HTTP' }, periodSeconds, timeoutSeconds, failureThreshold, successThreshold: 1,
  });
  const runAs = { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 };
  new k8s.KubeDeployment(scope, `${name}-deployment`, {
    metadata: { name, labels, annotations: PULL_EXEMPTION },
    spec: {
      replicas: 3,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'hadr-high-availability',
          terminationGracePeriodSeconds: 30,
          securityContext: { ...runAs, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' }],
            },
          },
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: selector }, matchLabelKeys: ['pod-template-hash'], nodeTaintsPolicy: 'Honor',
          }],
          containers: [{
            name,
            image: 'ghcr.io/acme/svc:1.0.0',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            resources: {
              requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
              limits: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('256Mi') },
            },
            readinessProbe: probe(5, 2, 2),
            livenessProbe: probe(10, 3, 3),
            // The 1.27 typings have no preStop sleep action: the class filters it out (see DIFFERENCES).
            lifecycle: { preStop: {} },
            securityContext: {
              ...runAs, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
  new k8s.KubeService(scope, `${name}-service`, {
    metadata: { name, labels },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 8080, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
  });
  new k8s.KubeServiceAccount(scope, `${name}-sa`, { metadata: { name, labels }, automountServiceAccountToken: false });
  new k8s.KubeNetworkPolicy(scope, `${name}-policy`, {
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: { [LABEL_KEYS.instance]: name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: {} } }], ports: [{ port: k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }] }],
      egress: [{ ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }] }],
    },
  });
  new k8s.KubePodDisruptionBudget(scope, `${name}-pdb`, {
    metadata: { name, labels },
    spec: { selector: { matchLabels: selector }, maxUnavailable: k8s.IntOrString.fromNumber(1), unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}

function plainPriorityClass(chart: Chart): void {
  const priorityClass = new k8s.KubePriorityClass(chart, 'priority-class', {
    metadata: { name: 'hadr-high-availability' },
    value: 1_000_000,
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'Replicas of highly available services: preempt ordinary workloads rather than stay pending.',
  });
  priorityClass.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/** The same objects written directly with the cdk8s-plus-27 `k8s` classes. */
export function synthPlain(services: number, clusters: number, outdir: string): void {
  if (clusters === 1) {
    const app = new App({ outdir });
    const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
    for (let i = 0; i < services; i++) plainService(chart, i);
    plainPriorityClass(chart);
    app.synth();
    return;
  }
  // The whole topology is built before anything is written, as one program describing every
  // cluster does (and as the hadr-constructs variant does): one App per cluster folder.
  const apps = clusterNames(clusters).map((cluster) => {
    const app = new App({ outdir: path.join(outdir, cluster) });
    const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
    const namespace = new k8s.KubeNamespace(chart, 'namespace', {
      metadata: {
        name: NAMESPACE,
        labels: {
          ...labelsOf(NAMESPACE, 'namespace', NAMESPACE),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
        annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      },
    });
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    for (let i = 0; i < services; i++) plainService(chart, i);
    plainPriorityClass(chart);
    return app;
  });
  for (const app of apps) {
    app.synth();
    fs.writeFileSync(path.join(app.outdir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - bench.k8s.yaml\n');
  }
}

/**
 * Fields the plain variant cannot write: the cdk8s-plus-27 classes filter out fields newer
 * than the Kubernetes 1.27 typings, even from JSON patches. The comparison drops them from both.
 */
export const DIFFERENCES = ['Deployment: preStop sleep action', 'Deployment: matchLabelKeys in pod anti-affinity'];

/** An object without the fields of {@link DIFFERENCES}, for comparing the two variants. */
export function comparable(object: any): any {
  if (object?.kind !== 'Deployment') return object;
  const copy = JSON.parse(JSON.stringify(object));
  const pod = copy.spec.template.spec;
  for (const container of pod.containers) if (container.lifecycle?.preStop) container.lifecycle.preStop = {};
  for (const term of pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) delete term.matchLabelKeys;
  return copy;
}

if (require.main === module) {
  const [variant, servicesArg, clustersArg, outdir] = process.argv.slice(2);
  const services = Number(servicesArg);
  const clusters = Number(clustersArg);
  if (!['hadr', 'plain'].includes(variant) || !(services > 0) || !(clusters > 0) || !outdir) {
    throw new Error('usage: synth-workload.ts <hadr|plain> <services> <clusters> <outdir>');
  }
  // The compiled package, as users run it (bench/synth-bench.ts clears tsx's tsconfig for this).
  if (!require.resolve('hadr-constructs').endsWith(path.join('build', 'index.js'))) throw new Error(`hadr-constructs resolved to ${require.resolve('hadr-constructs')}, not build/`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  (variant === 'hadr' ? synthHadr : synthPlain)(services, clusters, outdir);
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`);
}
