import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { Baseline } from './baseline';
import { MultiReplica } from './multi-replica';
import { argoCdApplicationSet, fluxSync, GitOpsTarget } from './private/gitops-objects';
import { kubeObject } from './private/kube-object';
import { nameObjectsAfter } from './private/name-registry';
import { sharedEndpointObjects } from './private/shared-endpoint-objects';
import { TopologyApp } from './topology-app';
import { check, HadrError } from '../core/errors';
import { GitOps, ResolvedGitOps, resolveGitOps } from '../core/gitops/gitops';
import { FieldMapping, renamingErrors } from '../core/private/rename-errors';
import { recommendedLabels } from '../core/service/labels';
import { NetworkPeer } from '../core/service/network-peer';
import { checkName, ResolvedService, resolveServiceSpec, ServiceSpec } from '../core/service/service-spec';
import { AvailabilityMode } from '../core/topology/availability-mode';
import { applyServiceOverride, ClusterSpec, ResolvedCluster, resolveClusters } from '../core/topology/cluster-spec';
import {
  isStatefulComponent, ISharedEndpointSource, ResolvedSharedEndpoint, resolveSharedEndpoints, SharedEndpointSpec,
} from '../core/topology/shared-endpoint';
import { renderTopologySummary, summarizeMultiCluster, TopologySummary } from '../core/topology/topology-summary';
import {
  CrossClusterLoadBalancing, crossClusterBalancerSpec, ResolvedLoadBalancing, resolveLoadBalancing,
} from '../core/traffic/cross-cluster-balancer';
import { HaproxyConfigSpec, renderHaproxyConfig } from '../core/traffic/haproxy-config';
import { checkObject } from '../core/validation/shape';
import { checkTextTree } from '../core/validation/text';
import { checkTopologyInput } from '../core/validation/topology-input';

/** Props of {@link MultiCluster}. */
export interface MultiClusterProps {
  /**
   * The stateless services, the same on every cluster. Stateful components do not belong
   * here: list them in `sharedEndpoints`.
   */
  readonly services: readonly ServiceSpec[];

  /**
   * The active clusters, at least two, each written to its own folder (`<outdir>/<name>/`).
   * Every cluster must be able to carry the whole load alone: it does when another fails.
   */
  readonly clusters: readonly ClusterSpec[];

  /**
   * How the services run inside each cluster (a cluster may override it).
   *
   * @default AvailabilityMode.MULTI_REPLICA - a pod or node failure inside a cluster costs
   *   capacity, not availability, so losing a whole cluster is the only cross-cluster failover
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly availability?: AvailabilityMode;

  /**
   * Stateful components outside the clusters (databases, caches, object storage, queues),
   * reached by the same in-cluster name from every cluster: a host/port description, or a
   * construct on a separate data cluster that describes itself ({@link ISharedEndpointSource}).
   * Each service listed in `usedBy` gets an egress NetworkPolicy rule to it.
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
   */
  readonly sharedEndpoints?: readonly (SharedEndpointSpec | ISharedEndpointSource)[];

  /**
   * How the clusters get their manifests from one repository: `GitOps.argoCd({...})` or
   * `GitOps.flux({...})`. Both point each cluster at its own folder, with deletion defaults
   * that never remove a running fleet on a control-plane blip.
   *
   * @default - no GitOps objects: apply each folder yourself (`kubectl apply -k <outdir>/<cluster>`)
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
   */
  readonly gitOps?: GitOps;

  /**
   * Balance one service's traffic across the clusters: each cluster's Ingress answers the
   * public host, and a balancer outside the clusters (haproxy.cfg written to
   * `<outdir>/balancer/`) health-checks every cluster through its ingress and, when asked,
   * keeps each client on one cluster with a cookie.
   *
   * @default - no Ingress and no balancer: bring your own
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-cookie
   */
  readonly loadBalancing?: CrossClusterLoadBalancing;

  /**
   * Namespace of every object on the clusters (created by the topology, never pruned).
   *
   * @default - the construct id
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly namespace?: string;
}

/** One active cluster of a {@link MultiCluster}: its chart and what the topology put in it. */
export interface ActiveCluster {
  /** Cluster name, also its output folder. */
  readonly name: string;
  /** The cluster's chart; add cluster-specific objects here. */
  readonly chart: Chart;
  /** The topology's Namespace object on this cluster. */
  readonly namespace: ApiObject;
  /** Each service's workload construct (Baseline or MultiReplica), by service name. */
  readonly workloads: Readonly<Record<string, Baseline>>;
  /** The Service of each shared endpoint, by endpoint name. */
  readonly sharedEndpoints: Readonly<Record<string, ApiObject>>;
  /** The Ingress of the balanced service; undefined without load balancing. */
  readonly ingress?: ApiObject;
}

/** Output folders that are not cluster folders. */
const GITOPS_FOLDER = 'gitops';
const BALANCER_FOLDER = 'balancer';

/**
 * The same stateless services on two or more Kubernetes clusters at once, so a whole
 * cluster can fail while the others keep serving. One chart per cluster, each written to its
 * own folder with a `kustomization.yaml`; stateful components stay outside the clusters and
 * are reached by the same name from each (an ExternalName Service, or a Service and an
 * EndpointSlice); one GitOps repository for all clusters; a `<id>.topology.json` summary.
 *
 * A construct that holds state ({@link IStatefulComponent}) placed in a cluster's chart is
 * refused at synth: each cluster would keep its own copy of the data.
 *
 * Needs a {@link TopologyApp}: it writes the per-cluster folders.
 *
 * @example
 * const app = new TopologyApp({ outdir: 'dist' });
 * new MultiCluster(app, 'chat-suite', {
 *   services: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' }],
 *   clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }],
 *   sharedEndpoints: [{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.acme.internal' }],
 *   gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/chat-suite.git' }),
 * });
 * app.synth();
 */
export class MultiCluster extends Construct {
  /** Namespace of the workloads on every cluster. */
  public readonly namespace: string;
  /** The active clusters, in declaration order. */
  public readonly clusters: readonly ActiveCluster[];
  /** The shared endpoints as resolved, every default applied. */
  public readonly sharedEndpoints: readonly ResolvedSharedEndpoint[];
  /** GitOps as resolved; undefined without GitOps. */
  public readonly gitOps?: ResolvedGitOps;
  /** Charts of the GitOps objects: one for Argo CD, one per cluster for Flux. */
  public readonly gitOpsCharts: readonly Chart[];
  /** Load balancing as resolved; undefined without it. */
  public readonly loadBalancing?: ResolvedLoadBalancing;
  /** The balancer's haproxy.cfg spec; undefined without load balancing. */
  public readonly balancerSpec?: HaproxyConfigSpec;
  /** The balancer's haproxy.cfg, written to `<outdir>/balancer/haproxy.cfg`; undefined without load balancing. */
  public readonly balancerConfig?: string;
  /** The summary written to `<outdir>/<id>.topology.json`. */
  public readonly summary: TopologySummary;

  constructor(scope: Construct, id: string, props: MultiClusterProps) {
    super(scope, id);
    const path = this.node.path;
    checkObject(path, 'props', props, "{ services: [...], clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }] }");
    checkTopologyInput(path, props);
    checkTextTree(path, props, '', (field) => /^(services\[\d+\]|clusters\[\d+\]\.services\.[^.]+)\.(command\[|args\[|env\.|annotations\.)/.test(field),
      // Choice objects: checked, under the names the user wrote, where they are resolved.
      (field) => field === 'gitOps' || field === 'loadBalancing.balancer');
    const app = TopologyApp.of(this);
    checkName(path, 'id', id);
    const namespace = props.namespace ?? id;
    checkName(path, 'namespace', namespace);
    this.namespace = namespace;

    const services = resolveServices(path, props.services);
    const serviceNames = services.map((s) => s.name);
    const clusters = resolveClusters(path, props.clusters, {
      serviceNames,
      availability: props.availability ?? AvailabilityMode.MULTI_REPLICA,
      minClusters: 2,
    });
    clusters.forEach((cluster, i) => check(cluster.name !== GITOPS_FOLDER && cluster.name !== BALANCER_FOLDER, {
      path, field: `clusters[${i}].name`, value: cluster.name,
      problem: `is the folder of the ${cluster.name === GITOPS_FOLDER ? 'GitOps objects' : "balancer's configuration"}`, fix: 'give the cluster another name',
    }));
    this.sharedEndpoints = resolveSharedEndpoints(path, props.sharedEndpoints ?? [], serviceNames);
    this.gitOps = props.gitOps === undefined ? undefined : resolveGitOps(path, props.gitOps);
    if (props.loadBalancing !== undefined) {
      this.loadBalancing = resolveLoadBalancing(path, props.loadBalancing, services, clusters);
      const balancing = this.loadBalancing;
      this.balancerSpec = crossClusterBalancerSpec(path, balancing);
      this.balancerConfig = renamingErrors(path, [], () => renderHaproxyConfig(this.balancerSpec!), 'loadBalancing.');
    }

    if (this.gitOps?.tool === 'argo-cd') {
      clusters.forEach((cluster, i) => check(`${id}-${cluster.name}`.length <= 63, {
        path, field: `clusters[${i}].name`, value: cluster.name,
        problem: `with the topology "${id}" names the Argo CD Application "${id}-${cluster.name}", longer than the 63 characters of the label Argo CD tracks it by`,
        fix: 'use a shorter cluster name or topology id',
      }));
    }
    this.clusters = clusters.map((cluster, i) => this.addCluster(app, id, cluster, i, props.services));
    this.gitOpsCharts = this.gitOps ? this.addGitOps(app, id, clusters, this.gitOps) : [];

    this.summary = summarizeMultiCluster({
      topology: id,
      namespace,
      clusters,
      services,
      sharedEndpoints: this.sharedEndpoints,
      gitOps: this.gitOps,
      gitOpsFolders: this.gitOpsCharts.map((chart) => gitOpsFolderOf(app, chart)),
      loadBalancing: this.loadBalancing && {
        host: this.loadBalancing.host,
        service: this.loadBalancing.service,
        balancer: this.loadBalancing.balancer.name,
        stickyCookie: this.loadBalancing.stickySessions?.cookieName,
        configFile: `${BALANCER_FOLDER}/haproxy.cfg`,
        backends: this.balancerSpec!.listeners[0].servers.map((s) => ({ cluster: s.name, address: s.address, port: s.port })),
      },
    });
    app.addFile(`${id}.topology.json`, () => renderTopologySummary(this.summary), this);
    if (this.balancerConfig !== undefined) {
      const config = this.balancerConfig;
      app.addFile(`${BALANCER_FOLDER}/haproxy.cfg`, () => config, this);
    }
  }

  /** The active cluster named `name`; throws when there is none. */
  public cluster(name: string): ActiveCluster {
    const found = this.clusters.find((c) => c.name === name);
    check(found !== undefined, {
      path: this.node.path, field: 'cluster', value: name,
      problem: 'is not a cluster of the topology', fix: `use one of ${this.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`,
    });
    return found;
  }

  private addCluster(app: TopologyApp, id: string, cluster: ResolvedCluster, index: number, declared: readonly ServiceSpec[]): ActiveCluster {
    const chart = app.addFolderChart(cluster.name, id, { namespace: this.namespace }, this);
    chart.node.addValidation({ validate: () => statefulPlacementErrors(chart, cluster.name) });
    const scope = new Construct(chart, cluster.name);

    const namespace = kubeObject(scope, 'Namespace', k8s.KubeNamespace.GVK, {
      name: this.namespace,
      labels: {
        ...recommendedLabels({ name: id, instance: this.namespace, component: 'namespace', partOf: id }),
        // Every pod of the topology meets the restricted standard; admission refuses any other.
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
      annotations: {
        // Deleting the namespace deletes everything in it: neither GitOps tool may prune it.
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      },
    }, {});
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    const workloads: Record<string, Baseline> = {};
    declared.forEach((spec, j) => {
      const override = cluster.services[spec.name];
      const service = applyServiceOverride(spec, override);
      // Errors name the topology's props: the override where the cluster gave one, else the service.
      const overridden = `clusters[${index}].services.${spec.name}`;
      const mapping: FieldMapping = [
        ['replicas', `${overridden}.replicas`],
        ...Object.keys(override ?? {}).map((key) => [`service.${key}`, `${overridden}.${key}`] as const),
        ['service', `services[${j}]`],
      ];
      workloads[spec.name] = renamingErrors(this.node.path, mapping, () => (cluster.availability === AvailabilityMode.MULTI_REPLICA
        ? new MultiReplica(scope, spec.name, { service, replicas: override?.replicas })
        : new Baseline(scope, spec.name, { service })));
    });

    const sharedEndpoints: Record<string, ApiObject> = {};
    this.sharedEndpoints.forEach((endpoint, i) => {
      const labels = recommendedLabels({ name: endpoint.name, instance: endpoint.name, component: endpoint.kind, partOf: id });
      const endpointScope = new Construct(scope, `shared-${endpoint.name}`);
      nameObjectsAfter(endpointScope, `sharedEndpoints[${i}].name`, endpoint.name);
      sharedEndpoints[endpoint.name] = sharedEndpointObjects(endpointScope, endpoint, labels).service;
      for (const client of endpoint.usedBy) {
        for (const rule of endpoint.egress) workloads[client].allowTo(rule.to, rule.ports);
      }
    });

    const ingress = this.loadBalancing && this.addIngress(scope, cluster, workloads[this.loadBalancing.service], this.loadBalancing);
    return { name: cluster.name, chart, namespace, workloads, sharedEndpoints, ingress };
  }

  /**
   * The Ingress of the balanced service on one cluster: the public host (and the cluster's own
   * host), TLS for both, cookie affinity to a pod when sessions are sticky, and the ingress
   * controller admitted by the service's NetworkPolicy.
   *
   * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
   */
  private addIngress(scope: Construct, cluster: ResolvedCluster, workload: Baseline, balancing: ResolvedLoadBalancing): ApiObject {
    const hosts = [balancing.host, ...(cluster.ingress?.host !== undefined ? [cluster.ingress.host] : [])];
    const annotations: Record<string, string> = {
      // The balancer checks (and in HTTP mode forwards) over plain HTTP; a redirect to HTTPS
      // would fail every check and take every cluster out.
      'nginx.ingress.kubernetes.io/ssl-redirect': 'false',
    };
    if (balancing.stickySessions) {
      Object.assign(annotations, {
        'nginx.ingress.kubernetes.io/affinity': 'cookie',
        'nginx.ingress.kubernetes.io/session-cookie-name': balancing.stickySessions.podCookieName,
        'nginx.ingress.kubernetes.io/session-cookie-path': '/',
        // When the pinned pod fails, move the client to another pod instead of failing it.
        'nginx.ingress.kubernetes.io/session-cookie-change-on-failure': 'true',
      });
    }
    const containerPort = workload.resolved.ports.find((p) => p.servicePort === balancing.servicePort)!.port;
    workload.allowFrom(NetworkPeer.namespace(balancing.ingressControllerNamespace), [{ port: containerPort }]);
    return kubeObject(scope, 'Ingress', k8s.KubeIngress.GVK, { name: balancing.service, labels: { ...workload.labels }, annotations }, {
      spec: () => k8s.toJson_IngressSpec({
        ingressClassName: balancing.ingressClassName,
        tls: [{ hosts, secretName: balancing.tlsSecretName }],
        rules: hosts.map((host) => ({
          host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: balancing.service, port: { number: balancing.servicePort } } },
            }],
          },
        })),
      }),
    });
  }

  private addGitOps(app: TopologyApp, id: string, clusters: readonly ResolvedCluster[], gitOps: ResolvedGitOps): Chart[] {
    const target: GitOpsTarget = {
      topology: id,
      namespace: this.namespace,
      clusters: clusters.map((c) => c.name),
      gitOps,
      labels: recommendedLabels({ name: id, instance: id, component: 'gitops', partOf: id }),
    };
    if (gitOps.tool === 'argo-cd') {
      const chart = app.addFolderChart(GITOPS_FOLDER, id, {}, this);
      argoCdApplicationSet(chart, target);
      return [chart];
    }
    return clusters.map((cluster) => {
      const chart = app.addFolderChart(`${GITOPS_FOLDER}/${cluster.name}`, id, {}, this);
      fluxSync(chart, target, cluster.name);
      return chart;
    });
  }
}

function resolveServices(path: string, services: readonly ServiceSpec[]): ResolvedService[] {
  check(Array.isArray(services) && services.length > 0, {
    path, field: 'services', value: services,
    problem: 'must list at least one service', fix: "give e.g. [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }]",
  });
  const resolved = services.map((spec, i) => renamingErrors(path, [['service', `services[${i}]`]], () => resolveServiceSpec(path, spec)));
  resolved.forEach((service, i) => check(resolved.findIndex((s) => s.name === service.name) === i, {
    path, field: `services[${i}].name`, value: service.name,
    problem: 'is used by another service', fix: 'give every service its own name',
  }));
  return resolved;
}

/** Every construct in a cluster's chart that holds state: each cluster would keep its own copy. */
function statefulPlacementErrors(chart: Chart, cluster: string): string[] {
  return chart.node.findAll()
    .filter((c): c is IConstruct & { statefulKind: { name: string } } => isStatefulComponent(c))
    .map((c) => new HadrError({
      path: c.node.path, field: 'scope', value: cluster,
      problem: `is an active cluster of a MultiCluster, so each cluster would keep its own ${c.statefulKind.name} data`,
      fix: 'place it in a chart of a separate data cluster and list it in sharedEndpoints',
    }).message);
}

function gitOpsFolderOf(app: TopologyApp, chart: Chart): string {
  return app.folderNames.find((folder) => app.chartsIn(folder).includes(chart))!;
}
