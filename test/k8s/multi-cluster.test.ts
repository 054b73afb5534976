import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { serversAvailable } from '../e2e/support/processes';
import { findObject, synthValid, validateManifests } from '../support/schema';
import { GitOps, EnvValue, ServiceSpec, AvailabilityMode, ISharedEndpointSource, IStatefulComponent, SharedEndpointSpec, StatefulKind, CrossClusterBalancer, MultiCluster, MultiClusterProps, TopologyApp } from 'hadr-constructs';

const web: ServiceSpec = {
  name: 'web', partOf: 'chat', image: 'ghcr.io/acme/chat-web:2.3.0', port: 8080, healthPath: '/healthz',
  env: { LOG_LEVEL: 'info' },
};
const worker: ServiceSpec = {
  name: 'worker', partOf: 'chat', component: 'worker', image: 'ghcr.io/acme/chat-worker:2.3.0',
  ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready', autoscale: { min: 2, max: 8 },
};
const postgres: SharedEndpointSpec = { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.acme.internal', network: '10.30.0.0/24' };
const redis: SharedEndpointSpec = { name: 'redis', kind: StatefulKind.REDIS, addresses: ['10.30.0.21', '10.30.0.22'], usedBy: ['worker'] };
const REPO = 'https://git.acme.example/platform/chat.git';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-multi-cluster-'));
  outdirs.push(dir);
  return dir;
}

const twoClusters: MultiClusterProps = {
  services: [web, worker],
  clusters: [
    {
      name: 'dc1-a', zones: ['room-1', 'room-2'], ingress: { address: 'ingress.dc1-a.acme.internal', host: 'chat.dc1-a.acme.example' },
      services: { web: { replicas: 4, env: { CLUSTER: 'dc1-a' } } },
    },
    { name: 'dc1-b', zones: ['room-3'], ingress: { address: '10.2.0.10' }, services: { worker: { autoscale: { min: 3, max: 12 } } } },
  ],
  sharedEndpoints: [postgres, redis],
  gitOps: GitOps.argoCd({ repoURL: REPO, path: 'deploy/chat' }),
  loadBalancing: { service: 'web', host: 'chat.acme.example', stickySessions: { cookieName: 'CHAT_SITE' } },
};

function topology(props: Partial<MultiClusterProps> = {}, appProps: ConstructorParameters<typeof TopologyApp>[0] = {}) {
  const app = new TopologyApp({ outdir: tempDir(), ...appProps });
  const multiCluster = new MultiCluster(app, 'chat', { ...twoClusters, ...props });
  return { app, multiCluster };
}

/** Every object of every chart the topology writes, by folder. */
function synthAll(multiCluster: MultiCluster): Record<string, any[]> {
  const folders: Record<string, any[]> = {};
  for (const cluster of multiCluster.clusters) folders[cluster.name] = synthValid(cluster.chart);
  multiCluster.gitOpsCharts.forEach((chart, i) => folders[multiCluster.summary.gitOps!.bootstrapFolders[i]] = synthValid(chart));
  return folders;
}

/** A Deployment without what a cluster may override, to compare workloads across clusters. */
function workloadShape(deployment: any): any {
  const copy = JSON.parse(JSON.stringify(deployment));
  delete copy.spec.replicas;
  // The exemption note quotes the autoscaler's minimum, which a cluster may override.
  delete copy.metadata.annotations;
  for (const container of copy.spec.template.spec.containers) delete container.env;
  return copy;
}

function readYamlFolder(dir: string): any[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.k8s.yaml'))
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()));
}

const identity = (o: any) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** A stand-in for a PostgreSQL construct (PatroniCluster): holds state and describes its endpoint. */
class StandInDatabase extends Construct implements IStatefulComponent, ISharedEndpointSource {
  public readonly statefulKind = StatefulKind.POSTGRESQL;
  public sharedEndpoint(): SharedEndpointSpec {
    return { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.acme.internal' };
  }
}

describe('MultiCluster', () => {
  describe('GIVEN two clusters, each with an override, and two shared endpoints', () => {
    const { multiCluster } = topology();
    const folders = synthAll(multiCluster);
    const [a, b] = [folders['dc1-a'], folders['dc1-b']];

    it('matches the snapshot', () => {
      expect({ folders, summary: multiCluster.summary }).toMatchSnapshot();
    });

    it('runs the same workloads on every cluster', () => {
      for (const name of ['web', 'worker']) {
        expect(workloadShape(findObject(b, 'Deployment', name))).toEqual(workloadShape(findObject(a, 'Deployment', name)));
      }
      const kinds = (objects: any[]) => objects.map(identity).sort();
      expect(kinds(b)).toEqual(kinds(a));
    });

    it("applies each cluster's overrides on that cluster only", () => {
      expect(findObject(a, 'Deployment', 'web').spec.replicas).toBe(4);
      expect(findObject(b, 'Deployment', 'web').spec.replicas).toBe(3);
      expect(findObject(a, 'Deployment', 'web').spec.template.spec.containers[0].env)
        .toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'CLUSTER', value: 'dc1-a' }]);
      expect(findObject(b, 'Deployment', 'web').spec.template.spec.containers[0].env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
      expect(findObject(a, 'HorizontalPodAutoscaler', 'worker').spec).toMatchObject({ minReplicas: 2, maxReplicas: 8 });
      expect(findObject(b, 'HorizontalPodAutoscaler', 'worker').spec).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
    });

    it('reaches each shared endpoint by the same in-cluster name and target from every cluster', () => {
      const endpointObjects = (objects: any[]) => objects.filter((o) => ['postgres', 'redis'].includes(o.metadata.name));
      expect(endpointObjects(b)).toEqual(endpointObjects(a));
      expect(findObject(a, 'Service', 'postgres').spec).toEqual({
        type: 'ExternalName', externalName: 'pg.data.acme.internal', ports: [{ name: 'postgresql', port: 5432, protocol: 'TCP' }],
      });
      const redisService = findObject(a, 'Service', 'redis');
      const slice = findObject(a, 'EndpointSlice', 'redis');
      expect(redisService.spec.selector).toBeUndefined();
      expect(slice.metadata.labels['kubernetes.io/service-name']).toBe('redis');
      expect(slice.metadata.labels['endpointslice.kubernetes.io/managed-by']).not.toBe('endpointslice-controller.k8s.io');
      expect(slice.endpoints.map((e: any) => e.addresses[0])).toEqual(['10.30.0.21', '10.30.0.22']);
      expect(slice.ports.map((p: any) => p.name)).toEqual(redisService.spec.ports.map((p: any) => p.name));
    });

    it('lets only the declared clients reach each shared endpoint, on its ports', () => {
      const egressOf = (name: string) => findObject(a, 'NetworkPolicy', name).spec.egress.slice(1);
      expect(egressOf('web')).toEqual([{ to: [{ ipBlock: { cidr: '10.30.0.0/24' } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
      expect(egressOf('worker')).toEqual([
        { to: [{ ipBlock: { cidr: '10.30.0.0/24' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '10.30.0.21/32' } }], ports: [{ port: 6379, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '10.30.0.22/32' } }], ports: [{ port: 6379, protocol: 'TCP' }] },
      ]);
    });

    it('creates the namespace under the restricted standard, and neither GitOps tool may prune it', () => {
      const namespace = findObject(a, 'Namespace', 'chat');
      expect(namespace.metadata.namespace).toBeUndefined();
      expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(namespace.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
      expect(a.filter((o) => o.kind !== 'Namespace' && o.kind !== 'PriorityClass').every((o) => o.metadata.namespace === 'chat')).toBe(true);
    });

    it('points one ApplicationSet at each cluster folder of one repository', () => {
      const appSet = findObject(folders.gitops, 'ApplicationSet', 'chat');
      expect(appSet.metadata.namespace).toBe('argocd');
      expect(appSet.spec.generators).toEqual([{ list: { elements: [{ name: 'dc1-a' }, { name: 'dc1-b' }] } }]);
      expect(appSet.spec.template.spec.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: 'deploy/chat/{{.name}}' });
      expect(appSet.spec.template.spec.destination).toEqual({ name: '{{.name}}', namespace: 'chat' });
    });

    it('never deletes the workloads when the ApplicationSet or a generated Application goes away', () => {
      const spec = findObject(folders.gitops, 'ApplicationSet', 'chat').spec;
      expect(spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true, applicationsSync: 'create-update' });
      expect(spec.template.metadata.finalizers).toBeUndefined();
      expect(spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
      expect(spec.template.spec.syncPolicy.syncOptions).toContain('PruneLast=true');
      expect(spec.goTemplateOptions).toEqual(['missingkey=error']);
    });

    it('summarizes the site, its clusters and replicas, the services and the data with its reach', () => {
      const { summary } = multiCluster;
      expect(summary).toMatchObject({ formatVersion: 2, topology: 'chat', mode: 'multi-cluster', namespace: 'chat' });
      expect(summary.sites.map((s) => [s.name, s.role])).toEqual([['chat', 'active']]);
      const clusters = summary.sites[0].clusters;
      expect(clusters.map((c) => [c.name, c.folder, c.availability, c.zones])).toEqual([
        ['dc1-a', 'dc1-a', 'multi-replica', ['room-1', 'room-2']],
        ['dc1-b', 'dc1-b', 'multi-replica', ['room-3']],
      ]);
      expect(clusters.map((c) => c.replicas)).toEqual([
        { web: 4, worker: { min: 2, max: 8 } },
        { web: 3, worker: { min: 3, max: 12 } },
      ]);
      expect(summary.data.map((e) => [e.inClusterName, e.host ?? e.addresses, e.reach, e.ports, e.usedBy, e.usedOnSites])).toEqual([
        ['postgres.chat.svc', 'pg.data.acme.internal', 'anywhere', [5432], ['web', 'worker'], ['chat']],
        ['redis.chat.svc', ['10.30.0.21', '10.30.0.22'], 'anywhere', [6379], ['worker'], ['chat']],
      ]);
      expect(summary.gitOps).toEqual({
        tool: 'argo-cd', repoURL: REPO, branch: 'main',
        clusterPaths: { 'dc1-a': 'deploy/chat/dc1-a', 'dc1-b': 'deploy/chat/dc1-b' }, bootstrapFolders: ['gitops'],
      });
      expect(summary.targets).toBeUndefined();
    });

    it('synthesizes the same objects twice', () => {
      expect(synthAll(multiCluster)).toEqual(folders);
    });

    it("answers the public host on every cluster, and a cluster's own host on that cluster only", () => {
      const rulesOf = (objects: any[]) => findObject(objects, 'Ingress', 'web').spec;
      expect(rulesOf(a).rules.map((r: any) => r.host)).toEqual(['chat.acme.example', 'chat.dc1-a.acme.example']);
      expect(rulesOf(b).rules.map((r: any) => r.host)).toEqual(['chat.acme.example']);
      expect(rulesOf(a).tls).toEqual([{ hosts: ['chat.acme.example', 'chat.dc1-a.acme.example'], secretName: 'web-tls' }]);
      expect(rulesOf(a).ingressClassName).toBe('nginx');
      expect(rulesOf(b).rules[0].http.paths).toEqual([
        { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } },
      ]);
    });

    it('keeps a client on one pod with ingress-nginx cookie affinity, moving it when that pod fails', () => {
      const annotations = findObject(a, 'Ingress', 'web').metadata.annotations;
      expect(annotations).toEqual({
        'nginx.ingress.kubernetes.io/ssl-redirect': 'false',
        'nginx.ingress.kubernetes.io/affinity': 'cookie',
        'nginx.ingress.kubernetes.io/session-cookie-name': 'CHAT_SITE-pod',
        'nginx.ingress.kubernetes.io/session-cookie-path': '/',
        'nginx.ingress.kubernetes.io/session-cookie-change-on-failure': 'true',
      });
      expect(findObject(b, 'Ingress', 'web').metadata.annotations).toEqual(annotations);
    });

    it('admits the ingress controller to the balanced service only', () => {
      const fromController = { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080, protocol: 'TCP' }] };
      expect(findObject(a, 'NetworkPolicy', 'web').spec.ingress).toContainEqual(fromController);
      expect(findObject(a, 'NetworkPolicy', 'worker').spec.ingress).not.toContainEqual(expect.objectContaining({ from: fromController.from }));
    });

    it('balances across one backend per cluster ingress, health-checked through the ingress and sticky by cookie', () => {
      expect(multiCluster.balancerConfig).toContain('http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host chat.acme.example');
      expect(multiCluster.balancerConfig).toContain('cookie CHAT_SITE insert indirect nocache');
      expect(multiCluster.balancerConfig).toContain('server dc1-a ingress.dc1-a.acme.internal:80 check cookie dc1-a');
      expect(multiCluster.balancerConfig).toContain('server dc1-b 10.2.0.10:80 check cookie dc1-b');
      expect(multiCluster.summary.traffic).toEqual({
        policy: 'balanced', host: 'chat.acme.example', service: 'web', balancer: 'haproxy-http', stickyCookie: 'CHAT_SITE', configFile: 'balancer/haproxy.cfg',
        backends: [
          { cluster: 'dc1-a', site: 'chat', address: 'ingress.dc1-a.acme.internal', port: 80, backup: false },
          { cluster: 'dc1-b', site: 'chat', address: '10.2.0.10', port: 80, backup: false },
        ],
      });
    });
  });

  describe('GIVEN three clusters, one in Baseline mode', () => {
    const { multiCluster } = topology({
      services: [web, { ...worker, autoscale: undefined }],
      clusters: [
        { name: 'dc1-a', ingress: { address: '10.1.0.10' }, services: { worker: { autoscale: { min: 2, max: 6 } } } },
        { name: 'dc1-b', ingress: { address: '10.1.0.20' }, services: { web: { replicas: 2 } } },
        {
          name: 'dc2', availability: AvailabilityMode.BASELINE, ingress: { address: '10.2.0.10' },
          services: { worker: { resources: { cpu: { request: '50m', limit: '500m' } } } },
        },
      ],
      loadBalancing: { service: 'web', host: 'chat.acme.example' },
    });
    const folders = synthAll(multiCluster);

    it('matches the snapshot', () => {
      expect({ folders, summary: multiCluster.summary }).toMatchSnapshot();
    });

    it('writes one chart per cluster and lists every cluster in the ApplicationSet', () => {
      expect(multiCluster.clusters.map((c) => c.name)).toEqual(['dc1-a', 'dc1-b', 'dc2']);
      expect(new Set(multiCluster.clusters.map((c) => c.chart)).size).toBe(3);
      expect(findObject(folders.gitops, 'ApplicationSet').spec.generators[0].list.elements).toEqual([{ name: 'dc1-a' }, { name: 'dc1-b' }, { name: 'dc2' }]);
    });

    it('runs each cluster in its own mode with its own overrides', () => {
      expect(['dc1-a', 'dc1-b', 'dc2'].map((c) => findObject(folders[c], 'Deployment', 'web').spec.replicas)).toEqual([3, 2, 1]);
      expect(folders['dc1-a'].filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name)).toEqual(['worker']);
      expect(folders.dc2.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
      expect(findObject(folders.dc2, 'Deployment', 'worker').spec.template.spec.containers[0].resources.requests.cpu).toBe('50m');
      expect(findObject(folders['dc1-a'], 'Deployment', 'worker').spec.template.spec.containers[0].resources.requests.cpu).toBe('100m');
    });

    it('runs one replica of an autoscaled service on a Baseline cluster, without an autoscaler', () => {
      const { multiCluster: mixed } = topology({
        clusters: [{ name: 'dc1-a' }, { name: 'dc2', availability: AvailabilityMode.BASELINE }], loadBalancing: undefined,
      });
      const dc2 = synthValid(mixed.cluster('dc2').chart);
      expect(findObject(dc2, 'Deployment', 'worker').spec.replicas).toBe(1);
      expect(dc2.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
      expect(mixed.summary.sites[0].clusters[1].replicas.worker).toBe(1);
    });

    it('balances across the three cluster ingresses without cookies, each Ingress without affinity', () => {
      expect(multiCluster.balancerSpec!.listeners[0].servers.map((s) => `${s.name} ${s.address}:${s.port}`))
        .toEqual(['dc1-a 10.1.0.10:80', 'dc1-b 10.1.0.20:80', 'dc2 10.2.0.10:80']);
      expect(multiCluster.balancerConfig).not.toContain('cookie');
      for (const cluster of ['dc1-a', 'dc1-b', 'dc2']) {
        expect(findObject(folders[cluster], 'Ingress', 'web').metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' });
      }
    });

    it('keeps the shared endpoints identical on all three clusters', () => {
      const endpoints = (c: string) => folders[c].filter((o) => ['postgres', 'redis'].includes(o.metadata.name));
      expect(endpoints('dc1-b')).toEqual(endpoints('dc1-a'));
      expect(endpoints('dc2')).toEqual(endpoints('dc1-a'));
      expect(endpoints('dc1-a')).toHaveLength(3);
    });
  });

  describe('GIVEN Flux', () => {
    const { multiCluster } = topology({
      gitOps: GitOps.flux({ repoURL: 'ssh://git@git.acme.example/platform/chat.git', branch: 'release', secretName: 'chat-deploy-key' }),
    });
    const folders = synthAll(multiCluster);

    it('writes a GitRepository and a Kustomization per cluster, each syncing that cluster only', () => {
      expect(Object.keys(folders).sort()).toEqual(['dc1-a', 'dc1-b', 'gitops/dc1-a', 'gitops/dc1-b']);
      for (const cluster of ['dc1-a', 'dc1-b']) {
        const objects = folders[`gitops/${cluster}`];
        expect(objects.map((o) => o.kind)).toEqual(['GitRepository', 'Kustomization']);
        expect(findObject(objects, 'GitRepository').spec).toMatchObject({
          url: 'ssh://git@git.acme.example/platform/chat.git', ref: { branch: 'release' }, secretRef: { name: 'chat-deploy-key' },
        });
        expect(findObject(objects, 'Kustomization').spec).toMatchObject({
          sourceRef: { kind: 'GitRepository', name: 'chat' }, path: `./${cluster}`, prune: true, wait: true, interval: '10m0s',
        });
      }
    });

    it('orphans the workloads when a Kustomization is deleted', () => {
      expect(findObject(folders['gitops/dc1-a'], 'Kustomization').spec.deletionPolicy).toBe('Orphan');
    });
  });

  it('selects the clusters by label with the cluster generator', () => {
    const { multiCluster } = topology({ gitOps: GitOps.argoCd({ repoURL: REPO, generator: 'clusters' }) });
    const appSet = findObject(synthValid(multiCluster.gitOpsCharts[0]), 'ApplicationSet');
    expect(appSet.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { 'hadr-constructs.io/topology': 'chat' } } } }]);
    expect(appSet.spec.template.spec.source.path).toBe('{{.name}}');
  });

  it('writes no GitOps objects without GitOps', () => {
    const { multiCluster } = topology({ gitOps: undefined });
    expect(multiCluster.gitOpsCharts).toEqual([]);
    expect(multiCluster.summary.gitOps).toBeUndefined();
  });

  describe('accepts a stateful construct on a separate data chart as a shared endpoint', () => {
    const app = new TopologyApp({ outdir: tempDir() });
    const database = new StandInDatabase(new Chart(app, 'data'), 'db');
    const multiCluster = new MultiCluster(app, 'chat', { ...twoClusters, sharedEndpoints: [database] });

    it('reaches it by its own description from every cluster', () => {
      for (const cluster of multiCluster.clusters) {
        expect(findObject(synthValid(cluster.chart), 'Service', 'postgres').spec.externalName).toBe('pg.data.acme.internal');
      }
      expect(() => app.synth()).not.toThrow();
    });
  });

  describe('refuses a stateful construct inside an active cluster', () => {
    const app = new TopologyApp({ outdir: tempDir() });
    const multiCluster = new MultiCluster(app, 'chat', twoClusters);
    new StandInDatabase(multiCluster.cluster('dc1-b').chart, 'db');
    const message = 'chat/db: scope is an active cluster of a MultiCluster, so each cluster would keep its own postgresql data (got "dc1-b"); '
      + 'place it in a chart of a separate data cluster and list it in sharedEndpoints';

    it('at synth, naming the construct and the cluster', () => {
      expect(() => app.synth()).toThrow(message);
      expect(() => Testing.synth(multiCluster.cluster('dc1-b').chart)).toThrow(message);
    });

    it('and writes nothing', () => {
      expect(() => app.synth()).toThrow();
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });
  });

  describe('writes each cluster into its own folder that kubectl kustomize renders', () => {
    const withKubectl = serversAvailable('the kustomize check of the cluster folders', ['kubectl']) ? it : it.skip;

    it.each([
      ['one file per chart', YamlOutputType.FILE_PER_CHART],
      ['one file per resource', YamlOutputType.FILE_PER_RESOURCE],
      ['a folder per chart', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
      ['one file per app', YamlOutputType.FILE_PER_APP],
    ])('with %s', (_what, yamlOutputType) => {
      const { app, multiCluster } = topology({}, { yamlOutputType });
      app.synth();
      expect(fs.readdirSync(app.outdir).sort()).toEqual(['.hadr-constructs-output.json', 'balancer', 'chat.topology.json', 'dc1-a', 'dc1-b', 'gitops']);
      expect(fs.readFileSync(path.join(app.outdir, 'balancer', 'haproxy.cfg'), 'utf8')).toBe(multiCluster.balancerConfig);
      for (const cluster of multiCluster.clusters) {
        const written = readYamlFolder(path.join(app.outdir, cluster.name));
        expect(written.map(identity).sort()).toEqual(Testing.synth(cluster.chart).map(identity).sort());
        expect(fs.existsSync(path.join(app.outdir, cluster.name, 'kustomization.yaml'))).toBe(true);
      }
      expect(JSON.parse(fs.readFileSync(path.join(app.outdir, 'chat.topology.json'), 'utf8'))).toEqual(multiCluster.summary);
    });

    withKubectl('so each cluster gets exactly its chart', () => {
      const { app, multiCluster } = topology({}, { yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
      app.synth();
      for (const folder of [...multiCluster.clusters.map((c) => c.name), 'gitops']) {
        const rendered = spawnSync('kubectl', ['kustomize', path.join(app.outdir, folder)], { encoding: 'utf8' });
        expect(rendered.stderr).toBe('');
        const objects = YAML.parseAllDocuments(rendered.stdout).map((d) => d.toJSON());
        validateManifests(objects);
        const chart = folder === 'gitops' ? multiCluster.gitOpsCharts[0] : multiCluster.cluster(folder).chart;
        expect(objects.map(identity).sort()).toEqual(Testing.synth(chart).map(identity).sort());
      }
    });

    it('replaces what the previous synth wrote, so a removed object is never deployed', () => {
      const { app: before } = topology({}, { yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
      new ApiObject(before.chartsIn('dc1-a')[0], 'removed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'removed' } });
      before.synth();
      expect(fs.existsSync(path.join(before.outdir, 'dc1-a', 'ConfigMap.removed.k8s.yaml'))).toBe(true);

      const app = new TopologyApp({ outdir: before.outdir });
      new MultiCluster(app, 'chat', twoClusters);
      app.synth();
      expect(fs.existsSync(path.join(app.outdir, 'dc1-a', 'ConfigMap.removed.k8s.yaml'))).toBe(false);
    });

    it('writes each cluster folder with its chart and a kustomization listing it', () => {
      const { app } = topology();
      app.synth();
      expect(fs.readdirSync(path.join(app.outdir, 'dc1-a')).sort()).toEqual(['chat.k8s.yaml', 'kustomization.yaml']);
      expect(YAML.parse(fs.readFileSync(path.join(app.outdir, 'dc1-a', 'kustomization.yaml'), 'utf8')).resources).toEqual(['chat.k8s.yaml']);
    });
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    const one = twoClusters.clusters.slice(0, 1);
    it.each<[string, Partial<MultiClusterProps>, string]>([
      ['fewer than two clusters', { clusters: one },
        'chat: clusters must list at least 2 clusters: a topology on one cluster does not survive losing it (got ["dc1-a"]); add a second cluster, or use MultiReplica in a single chart'],
      ['duplicate cluster names', { clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }, { name: 'dc1-a' }] },
        'chat: clusters[2].name is used by another cluster: both would write the same folder and GitOps target (got "dc1-a"); give every cluster its own name'],
      ['a cluster name that is not a DNS label', { clusters: [{ name: 'DC1_A' }, { name: 'dc1-b' }] },
        'chat: clusters[0].name must be a DNS-1123 label starting with a letter (lowercase letters, digits and \'-\', at most 63 characters) (got "DC1_A"); use e.g. "dc1-a"'],
      ['a cluster named after the GitOps folder', { clusters: [{ name: 'dc1-a' }, { name: 'gitops' }] },
        'chat: clusters[1].name is the folder of the GitOps objects (got "gitops"); give the cluster another name'],
      ['a cluster named after the balancer folder', { clusters: [{ name: 'balancer' }, { name: 'dc1-b' }] },
        'chat: clusters[0].name is the folder of the balancer\'s configuration (got "balancer"); give the cluster another name'],
      ['sticky sessions without a cookie name', { loadBalancing: { service: 'web', host: 'chat.acme.example', stickySessions: { cookieName: '' } } },
        "chat: loadBalancing.stickySessions.cookieName is required for sticky sessions: the balancer pins each client to a cluster with this cookie (got \"\"); name a cookie the application does not use, e.g. 'HADR_SITE'"],
      ['sticky sessions with a balancer that cannot read cookies',
        { loadBalancing: { service: 'web', host: 'chat.acme.example', balancer: CrossClusterBalancer.haproxyTlsPassthrough(), stickySessions: { cookieName: 'CHAT_SITE' } } },
        'chat: loadBalancing.stickySessions needs a balancer that reads cookies, and haproxy-tls-passthrough passes TLS through without reading requests (got "CHAT_SITE"); use CrossClusterBalancer.haproxy() (HTTP), or drop stickySessions'],
      ['load balancing with a cluster that has no ingress address',
        { clusters: [{ name: 'dc1-a', ingress: { address: '10.1.0.10' } }, { name: 'dc1-b' }], loadBalancing: twoClusters.loadBalancing },
        "chat: clusters[1].ingress.address is required for cross-cluster load balancing: the balancer sends each cluster's share to its ingress (got nothing); give the address of dc1-b's ingress controller, e.g. 'ingress.dc1-b.example.com'"],
      ['a cluster host that is an IP address', { clusters: [{ name: 'dc1-a', ingress: { address: '10.1.0.10', host: '10.1.0.10' } }, twoClusters.clusters[1]] },
        "chat: clusters[0].ingress.host must be a fully qualified DNS name (an Ingress host cannot be an IP address) (got \"10.1.0.10\"); use e.g. 'chat.dc1-a.example.com'"],
      ['an override for an unknown service', { clusters: [{ name: 'dc1-a', services: { api: { replicas: 4 } } }, { name: 'dc1-b' }] },
        'chat: clusters[0].services.api is not a service of the topology (got "api"); override one of "web", "worker"'],
      ['a replica override on a Baseline cluster', { clusters: [{ name: 'dc1-a', availability: AvailabilityMode.BASELINE, services: { web: { replicas: 2 } } }, { name: 'dc1-b' }] },
        'chat: clusters[0].services.web.replicas needs the MultiReplica mode: Baseline runs one replica (got 2); set availability: AvailabilityMode.MULTI_REPLICA on this cluster, or drop replicas'],
      ['a replica override below two, named by cluster', { clusters: [{ name: 'dc1-a' }, { name: 'dc1-b', services: { web: { replicas: 1 } } }] },
        'chat/dc1-b/web: replicas must be at least 2: one replica cannot fail over (got 1); use 3 (the default), or Baseline for a single replica'],
      ['an autoscaling override on a Baseline cluster', { clusters: [{ name: 'dc1-a' }, { name: 'dc2', availability: AvailabilityMode.BASELINE, services: { worker: { autoscale: { min: 2, max: 4 } } } }] },
        'chat: clusters[1].services.worker.autoscale needs the MultiReplica mode: Baseline runs one replica (got {"min":2,"max":4}); set availability: AvailabilityMode.MULTI_REPLICA on this cluster, or drop autoscale'],
      ['two services of one name', { services: [web, { ...worker, name: 'web' }] },
        'chat: services[1].name is used by another service (got "web"); give every service its own name'],
      ['GitOps without a repository URL', { gitOps: GitOps.argoCd({ repoURL: '' }) },
        'chat: gitOps.repoURL is required: every cluster syncs its folder from this one repository (got ""); give the repository URL, e.g. \'https://git.example.com/platform/topology.git\''],
      ['GitOps with something that is not a Git URL', { gitOps: GitOps.flux({ repoURL: 'git.acme.example/chat' }) },
        'chat: gitOps.repoURL is not a Git URL Argo CD and Flux can clone (got "git.acme.example/chat"); use https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git'],
      ['a GitOps path leaving the repository', { gitOps: GitOps.argoCd({ repoURL: REPO, path: '../other' }) },
        'chat: gitOps.path must be a folder inside the repository (got "../other"); use a relative path such as \'deploy/chat-suite\', or \'.\' for the root'],
      ['a shared endpoint named like a service', { sharedEndpoints: [{ ...postgres, name: 'web' }] },
        'chat: sharedEndpoints[0].name is the name of a service of the topology (got "web"); give every Service in the namespace its own name'],
      ['a shared endpoint with both a host and addresses', { sharedEndpoints: [{ ...postgres, addresses: ['10.30.0.5'] }] },
        'chat: sharedEndpoints[0].host cannot be given together with addresses (got "pg.data.acme.internal"); give the DNS name in host (e.g. \'pg.data.example.com\'), or the IP addresses in addresses'],
      ['a shared endpoint mixing address families', { sharedEndpoints: [{ ...redis, addresses: ['10.30.0.21', 'fd00::21'] }] },
        'chat: sharedEndpoints[0].addresses mixes IPv4 and IPv6: one EndpointSlice holds one address family (got ["10.30.0.21", "fd00::21"]); list the addresses of one family'],
      ['a custom shared endpoint without a port', { sharedEndpoints: [{ name: 'search', kind: StatefulKind.custom('search-index'), host: 'search.data.acme.internal' }] },
        'chat: sharedEndpoints[0].ports is required for a search-index endpoint: it has no usual port (got nothing); give e.g. port: 9200'],
      ['a shared endpoint used by an unknown service', { sharedEndpoints: [{ ...redis, usedBy: ['api'] }] },
        'chat: sharedEndpoints[0].usedBy[0] is not a service of the topology (got "api"); use one of "web", "worker"'],
      ['a literal secret in a cluster override', { clusters: [{ name: 'dc1-a', services: { web: { env: { DB_PASSWORD: 'hunter2' } } } }, { name: 'dc1-b' }] },
        'chat/dc1-a/web: service.env.DB_PASSWORD looks like a secret and would be written into the manifest in clear (got "<redacted>")'],
    ])('%s', (_what, props, message) => {
      // Without load balancing unless the case asks for it: most cases declare clusters without ingresses.
      expect(() => topology({ loadBalancing: undefined, ...props })).toThrow(message);
    });

    it('a topology under a plain App, which cannot write per-cluster folders', () => {
      expect(() => new MultiCluster(new App({ outdir: tempDir() }), 'chat', twoClusters)).toThrow(
        'chat: scope must be inside a TopologyApp, which writes each cluster into its own folder (got "App"); create the app with new TopologyApp({ outdir }) instead of new App()');
    });

    it('a second topology writing the same cluster folders', () => {
      const { app } = topology();
      expect(() => new MultiCluster(app, 'billing', { ...twoClusters, gitOps: undefined })).toThrow(
        'billing: output path overlaps "dc1-a", written by chat (got "dc1-a"); give every cluster a name unique in the app (cluster names are folder names; gitops and balancer are taken), or use a TopologyApp per topology');
    });

    it('accepts a secret from a Secret in a cluster override', () => {
      expect(() => topology({
        clusters: [{ name: 'dc1-a', services: { web: { env: { DB_PASSWORD: EnvValue.fromSecret('chat-db', 'password') } } } }, { name: 'dc1-b' }],
        loadBalancing: undefined,
      })).not.toThrow();
    });
  });
});
