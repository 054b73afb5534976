/**
 * Defaults that help on a good day must not hurt during an outage: each is checked here as the
 * default, and as removable or replaceable per construct.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { hadrErrorMessage } from '../support/errors';
import { findObject, synthValid } from '../support/schema';
import {
  Baseline, KUBERNETES_VERSION_CONTEXT, MultiCluster, MultiReplica, PatroniCluster, PriorityClass, RedisSentinel, ServiceSpec, TopologyApp,
} from 'hadr-constructs';

const api: ServiceSpec = { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' };
const backup = { s3Prefix: 's3://acme-db-backups/shop', credentialsSecret: 'backup-s3' };

/** Every container of every pod template, by `<object>/<container>`. */
function containers(objects: readonly any[]): Record<string, any> {
  return Object.fromEntries(objects
    .filter((o) => o.spec?.template?.spec?.containers)
    .flatMap((o) => o.spec.template.spec.containers.map((c: any) => [`${o.metadata.name}/${c.name}`, c])));
}

function podSpecs(objects: readonly any[]): any[] {
  return objects.filter((o) => o.spec?.template?.spec).map((o) => o.spec.template.spec);
}

/** A chart in an App that declares the cluster's Kubernetes version. */
function chartOn(version: string): Chart {
  const app = Testing.app();
  app.node.setContext(KUBERNETES_VERSION_CONTEXT, version);
  return new Chart(app, 'shop', { namespace: 'shop' });
}

/** One of each construct, as most users write them. */
function everything(chart: Chart, options: { pullAlways?: boolean } = {}): void {
  const imagePullPolicy = options.pullAlways ? 'Always' as const : undefined;
  new Baseline(chart, 'web', { service: { ...api, name: 'web', imagePullPolicy } });
  new MultiReplica(chart, 'api', { service: { ...api, imagePullPolicy } });
  new PatroniCluster(chart, 'db', { storage: Size.gibibytes(10), backup, imagePullPolicy, pooler: { imagePullPolicy } });
  new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(1), imagePullPolicy, primaryProxy: { imagePullPolicy } });
}

describe('image pull policy', () => {
  it('is IfNotPresent in every container of every construct, so pods restart while the registry is down', () => {
    const chart = Testing.chart();
    everything(chart);
    const all = containers(synthValid(chart));
    expect(Object.keys(all).sort()).toEqual([
      'api/api', 'cache-primary/cache-primary', 'cache-sentinel/sentinel', 'cache/fence', 'cache/redis', 'db-pooler/db-pooler', 'db/backup', 'db/patroni', 'web/web',
    ]);
    expect(Object.entries(all).filter(([, c]) => c.imagePullPolicy !== 'IfNotPresent').map(([name]) => name)).toEqual([]);
  });

  it('can be set back to Always on each construct and each of its images', () => {
    const chart = Testing.chart();
    everything(chart, { pullAlways: true });
    const all = containers(synthValid(chart));
    expect(Object.entries(all).filter(([, c]) => c.imagePullPolicy !== 'Always').map(([name]) => name)).toEqual([]);
  });

  it('is exempted from Polaris\' pullPolicyNotAlways with the reason beside it, only where an image is pulled IfNotPresent', () => {
    const exempted = (pullAlways: boolean) => {
      const chart = Testing.chart();
      everything(chart, { pullAlways });
      return synthValid(chart).filter((o) => o.metadata.annotations?.['polaris.fairwinds.com/pullPolicyNotAlways-exempt'] === 'true')
        .map((o) => { expect(o.metadata.annotations['hadr-constructs.io/exempt-pullPolicyNotAlways']).toMatch(/^the image is pinned/); return o.metadata.name; })
        .sort();
    };
    expect(exempted(false)).toEqual(['api', 'cache', 'cache-primary', 'cache-sentinel', 'db', 'db-pooler', 'web']);
    expect(exempted(true)).toEqual([]);
  });

  it('refuses a policy Kubernetes would not take, naming the service', () => {
    expect(hadrErrorMessage(() => new Baseline(Testing.chart(), 'api', { service: { ...api, imagePullPolicy: 'Sometimes' as 'Always' } }))).toBe(
      "test/api: service.imagePullPolicy must be 'IfNotPresent' or 'Always' (got \"Sometimes\"); use 'IfNotPresent' (the default) so pods restart while the registry is down");
  });
});

describe('preStop drain', () => {
  it('uses the kubelet\'s sleep action, so an image without a shell or sleep binary drains too', () => {
    const chart = Testing.chart();
    new MultiReplica(chart, 'api', { service: { ...api, image: 'gcr.io/distroless/static-debian12:nonroot', shutdown: { drainDelay: Duration.seconds(8) } } });
    const container = findObject(synthValid(chart), 'Deployment').spec.template.spec.containers[0];
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 8 } } });
  });

  it('keeps a user patch of the lifecycle, applied after the sleep action', () => {
    const chart = Testing.chart();
    const workload = new Baseline(chart, 'api', { service: api });
    workload.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/lifecycle/preStop', { sleep: { seconds: 20 } }));
    expect(findObject(synthValid(chart), 'Deployment').spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
  });
});

describe('user ID', () => {
  it('is forced to 10001:10001 by default, with runAsNonRoot', () => {
    const chart = Testing.chart();
    new Baseline(chart, 'api', { service: api });
    const pod = findObject(synthValid(chart), 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 });
  });

  it('is left to the image when the user says it runs as non-root; runAsNonRoot and the volumes\' fsGroup stay', () => {
    const chart = Testing.chart();
    new Baseline(chart, 'api', { service: { ...api, imageRunsAsNonRoot: true } });
    new PatroniCluster(chart, 'db', { storage: Size.gibibytes(10), backup, imageRunsAsNonRoot: true, pooler: false });
    new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(1), imageRunsAsNonRoot: true, primaryProxy: false });
    const objects = synthValid(chart);
    for (const pod of podSpecs(objects)) {
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.fsGroup).toBeGreaterThan(0);
      expect(pod.securityContext).not.toHaveProperty('runAsUser');
      expect(pod.securityContext).not.toHaveProperty('runAsGroup');
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(container.securityContext).not.toHaveProperty('runAsUser');
        expect(container.securityContext).not.toHaveProperty('runAsGroup');
      }
    }
    expect(podSpecs(objects)).toHaveLength(4);
  });

  it('is the image user of Patroni and Redis by default', () => {
    const chart = Testing.chart();
    new PatroniCluster(chart, 'db', { storage: Size.gibibytes(10), pooler: false });
    new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(1), primaryProxy: false });
    const objects = synthValid(chart);
    expect(findObject(objects, 'StatefulSet', 'db').spec.template.spec.securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 103 });
    expect(findObject(objects, 'StatefulSet', 'cache').spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999 });
  });

  it('refuses runAs together with imageRunsAsNonRoot', () => {
    expect(hadrErrorMessage(() => new Baseline(Testing.chart(), 'api', {
      service: { ...api, runAs: { user: 2000, group: 2000 }, imageRunsAsNonRoot: true },
    }))).toBe("test/api: service.imageRunsAsNonRoot contradicts service.runAs: the pod either forces that user or keeps the image's own (got true); drop one of them");
  });
});

describe('PriorityClass', () => {
  it('is created once per cluster: once for several charts of one App', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const data = new Chart(app, 'data', { namespace: 'data' });
    new MultiReplica(shop, 'api', { service: api });
    new PatroniCluster(data, 'db', { storage: Size.gibibytes(10) });
    new RedisSentinel(data, 'cache', { storage: Size.gibibytes(1) });
    const classes = [...synthValid(shop), ...synthValid(data)].filter((o) => o.kind === 'PriorityClass');
    expect(classes).toHaveLength(1);
    expect(classes[0]).toMatchObject({ metadata: { name: 'hadr-high-availability' }, value: 1_000_000, globalDefault: false });
    expect(classes[0].metadata.namespace).toBeUndefined();
  });

  it('is created once in each cluster folder of a TopologyApp', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-priority-'));
    try {
      const app = new TopologyApp({ outdir });
      new MultiCluster(app, 'shop', { services: [api, { ...api, name: 'web' }], clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }] });
      app.synth();
      for (const cluster of ['dc1-a', 'dc1-b']) {
        const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, cluster, 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
        expect(objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name)).toEqual(['hadr-high-availability']);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('can be one of your own, created once with its value', () => {
    const chart = Testing.chart();
    const critical = PriorityClass.create('shop-critical', 500_000);
    new MultiReplica(chart, 'api', { service: api, priorityClass: critical });
    new MultiReplica(chart, 'web', { service: { ...api, name: 'web' }, priorityClass: critical });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'PriorityClass').map((o) => [o.metadata.name, o.value])).toEqual([['shop-critical', 500_000]]);
    expect(podSpecs(objects).map((pod) => pod.priorityClassName)).toEqual(['shop-critical', 'shop-critical']);
  });

  it('can already exist on the cluster, or be left out; the pooler and the primary proxy follow their construct', () => {
    const chart = Testing.chart();
    new PatroniCluster(chart, 'db', { storage: Size.gibibytes(10), priorityClass: PriorityClass.existing('business-critical') });
    new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(1), priorityClass: PriorityClass.none() });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'PriorityClass')).toEqual([]);
    const classOf = (o: any) => [o.metadata.name, o.spec.template.spec.priorityClassName ?? null];
    expect(Object.fromEntries(objects.filter((o) => o.spec?.template?.spec).map(classOf)))
      .toEqual({ 'db': 'business-critical', 'db-pooler': 'business-critical', 'cache': null, 'cache-sentinel': null, 'cache-primary': null });
  });

  it.each<[string, () => void, string]>([
    ['two values for one name in a cluster', () => {
      const app = Testing.app();
      new MultiReplica(new Chart(app, 'a'), 'api', { service: api, priorityClass: PriorityClass.create('shop', 1000) });
      new MultiReplica(new Chart(app, 'b'), 'web', { service: { ...api, name: 'web' }, priorityClass: PriorityClass.create('shop', 2000) });
    }, 'b/web: priorityClass.value differs from the value 1000 a/api gave the PriorityClass "shop" in this cluster (got 2000); give one class one value, or another name'],
    ['a system class to create', () => new MultiReplica(Testing.chart(), 'api', { service: api, priorityClass: PriorityClass.create('system-mine', 1000) }),
      'test/api: priorityClass starts with system-, a prefix Kubernetes keeps for its own classes (got "system-mine"); reference it with PriorityClass.existing("system-mine"), or create a class of another name'],
    ['a value in the system range', () => new MultiReplica(Testing.chart(), 'api', { service: api, priorityClass: PriorityClass.create('shop', 2_000_000_000) }),
      'test/api: priorityClass.value must be a whole number up to 1,000,000,000 (higher values are for system classes) (got 2000000000); use e.g. 1000000, above ordinary workloads (0)'],
    ['a name that is not a DNS subdomain', () => new MultiReplica(Testing.chart(), 'api', { service: api, priorityClass: PriorityClass.existing('Business Critical') }),
      'test/api: priorityClass must be the name of a PriorityClass: a DNS-1123 subdomain (lowercase letters, digits, \'-\' and \'.\', alphanumeric at both ends, at most 253 characters) (got "Business Critical"); use e.g. "hadr-high-availability"'],
  ])('refuses %s', (_what, build, message) => {
    expect(hadrErrorMessage(build)).toBe(message);
  });
});

describe('declared Kubernetes version', () => {
  const deployment = (chart: Chart) => {
    new MultiReplica(chart, 'api', { service: api });
    return findObject(synthValid(chart), 'Deployment');
  };

  it('undeclared: writes the kubelet sleep action and same-revision anti-affinity, with no fallback note', () => {
    const written = deployment(Testing.chart());
    expect(written.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
    expect(written.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys).toEqual(['pod-template-hash']);
    expect(written.metadata.annotations ?? {}).not.toHaveProperty(['hadr-constructs.io/kubernetes-version-fallbacks']);
  });

  it('1.31 and later: the same as undeclared', () => {
    expect(deployment(chartOn('v1.31.2')).spec).toEqual(deployment(Testing.chart()).spec);
  });

  it('1.30: keeps the sleep action, leaves matchLabelKeys out of anti-affinity, and says what that costs', () => {
    const written = deployment(chartOn('1.30'));
    expect(written.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
    expect(written.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).not.toHaveProperty('matchLabelKeys');
    expect(written.spec.template.spec.topologySpreadConstraints[0].matchLabelKeys).toEqual(['pod-template-hash']);
    expect(written.metadata.annotations['hadr-constructs.io/kubernetes-version-fallbacks']).toBe(
      'Kubernetes 1.30: anti-affinity counts pods of every revision, so a surge rollout needs one node more than replicas (1.31 counts the new revision only)');
  });

  it('1.29: falls back to sleep in the container as well, and says the image needs it', () => {
    const written = deployment(chartOn('1.29'));
    expect(written.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ exec: { command: ['sleep', '5'] } });
    expect(written.metadata.annotations['hadr-constructs.io/kubernetes-version-fallbacks']).toMatch(
      /^Kubernetes 1\.29: preStop runs sleep in the container, so the image needs a sleep binary \(the kubelet sleeps from 1\.30\); anti-affinity/);
  });

  it('is read from a cluster folder\'s chart, and from the TopologyApp for every folder', () => {
    const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-version-')) });
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.29');
    const fromApp = new MultiReplica(app.addFolderChart('dc1-a', 'shop', {}, new Construct(app, 'a')), 'api', { service: api });
    const folderChart = app.addFolderChart('dc1-b', 'shop', {}, new Construct(app, 'b'));
    folderChart.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.31');
    const fromChart = new MultiReplica(folderChart, 'api', { service: api });
    expect(findObject(Testing.synth(fromApp.deployment.chart), 'Deployment').spec.template.spec.containers[0].lifecycle.preStop).toHaveProperty('exec');
    expect(findObject(Testing.synth(fromChart.deployment.chart), 'Deployment').spec.template.spec.containers[0].lifecycle.preStop).toHaveProperty('sleep');
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  it("is declared per cluster of a topology, so each cluster's folder gets the form its API server takes", () => {
    const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-version-')) });
    new MultiCluster(app, 'shop', {
      services: [api],
      clusters: [{ name: 'old', kubernetesVersion: 'v1.29.7' }, { name: 'new' }],
    });
    app.synth();
    const podOf = (cluster: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(app.outdir, cluster, 'shop.k8s.yaml'), 'utf8'))
      .map((d) => d.toJSON()).find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(podOf('old').containers[0].lifecycle.preStop).toEqual({ exec: { command: ['sleep', '5'] } });
    expect(podOf('old').affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).not.toHaveProperty('matchLabelKeys');
    expect(podOf('new').containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
    expect(podOf('new').affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys).toEqual(['pod-template-hash']);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  it("refuses a cluster's version older than the minimum, naming the cluster's field", () => {
    const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-version-')) });
    expect(hadrErrorMessage(() => new MultiCluster(app, 'shop', { services: [api], clusters: [{ name: 'a' }, { name: 'b', kubernetesVersion: '1.25' }] }))).toBe(
      'shop: clusters[1].kubernetesVersion is older than 1.27, the oldest Kubernetes this library writes manifests for (got "1.25"); upgrade the cluster to 1.27 or later');
  });

  it.each([
    ['1.26', 'shop/api: context "hadr-constructs/kubernetesVersion" is older than 1.27, the oldest Kubernetes this library writes manifests for (got "1.26"); upgrade the cluster to 1.27 or later'],
    ['latest', 'shop/api: context "hadr-constructs/kubernetesVersion" must be a Kubernetes version (got "latest"); use e.g. \'1.30\' (the cluster\'s server version)'],
  ])('refuses %s', (version, message) => {
    expect(hadrErrorMessage(() => new MultiReplica(chartOn(version), 'api', { service: api }))).toBe(message);
  });

  it('is declared on a plain App too, before its charts exist', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-version-')) });
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.30');
    const chart = new Chart(app, 'shop');
    expect(deployment(chart).metadata.annotations).toHaveProperty(['hadr-constructs.io/kubernetes-version-fallbacks']);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });
});
