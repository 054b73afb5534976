import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { writeTopology } from './private/topology-output';
import { TopologyApp } from './topology-app';
import { TopologyClusterChart } from './topology-cluster';
import { check } from '../core/errors';
import { GitOps, ResolvedGitOps } from '../core/gitops/gitops';
import { Targets } from '../core/intents';
import { AvailabilityMode } from '../core/topology/availability-mode';
import { ClusterSpec } from '../core/topology/cluster-spec';
import { ISharedEndpointSource, ResolvedSharedEndpoint, SharedEndpointSpec } from '../core/topology/shared-endpoint';
import { SiteRole } from '../core/topology/site-spec';
import { ResolvedTopology, resolveTopology, TopologyServiceSpec } from '../core/topology/topology-spec';
import { TopologySummary } from '../core/topology/topology-summary';
import { CrossClusterLoadBalancing, ResolvedLoadBalancing } from '../core/traffic/cross-cluster-balancer';
import { HaproxyConfigSpec } from '../core/traffic/haproxy-config';
import { TrafficPolicy } from '../core/traffic/traffic-policy';
import { checkTextTree } from '../core/validation/text';
import { checkTopologyInput } from '../core/validation/topology-input';

/** Props of {@link MultiCluster}. */
export interface MultiClusterProps {
  /**
   * The stateless services, the same on every cluster. Stateful components do not belong
   * here: list them in `sharedEndpoints`.
   */
  readonly services: readonly TopologyServiceSpec[];

  /**
   * The active clusters, at least two, each written to its own folder (`<outdir>/<name>/`).
   * Every cluster must be able to carry the whole load alone: it does when another fails.
   */
  readonly clusters: readonly ClusterSpec[];

  /**
   * Name of the site the clusters run on, for the summary and the runbook.
   *
   * @default - the construct id
   */
  readonly site?: string;

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
   * stateful construct on a separate data cluster that is exposed to the others
   * ({@link ISharedEndpointSource}; a cluster-local address is refused). Each service listed in
   * `usedBy` gets an egress NetworkPolicy rule to it, and a construct's own NetworkPolicy admits
   * the clusters' `egressCidrs`.
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
   * keeps each client on one cluster with a cookie. The same as
   * `traffic: TrafficPolicy.balanced(...)` in a TopologySpec.
   *
   * @default - no Ingress and no balancer: bring your own
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-cookie
   */
  readonly loadBalancing?: CrossClusterLoadBalancing;

  /**
   * Recovery targets, recorded in the summary.
   *
   * @default - none
   */
  readonly targets?: Targets;

  /**
   * Namespace of every object on the clusters (created by the topology, never pruned).
   *
   * @default - the construct id
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly namespace?: string;
}

/** One active cluster of a {@link MultiCluster}: its chart and what the topology put in it. */
export type ActiveCluster = TopologyClusterChart;

/**
 * The same stateless services on two or more Kubernetes clusters at once, so a whole
 * cluster can fail while the others keep serving. One chart per cluster, each written to its
 * own folder with a `kustomization.yaml`; stateful components stay outside the clusters and
 * are reached by the same name from each (an ExternalName Service, or a Service and an
 * EndpointSlice); one GitOps repository for all clusters; a `<id>.topology.json` summary.
 * It is the one-site case of a {@link TopologySpec}.
 *
 * A construct that holds state ({@link IStatefulComponent}) placed in a cluster's chart is
 * refused at synth: each cluster would keep its own copy of the data. Shared from a data
 * cluster, it must be exposed (an address that works from the other clusters).
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
  /** The topology as resolved: the model every output is rendered from. */
  public readonly topology: ResolvedTopology;
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
    const app = TopologyApp.of(this);
    check(typeof props === 'object' && props !== null, {
      path: this.node.path, field: 'props', value: props, problem: 'are required', fix: 'give services and clusters',
    });
    checkTopologyInput(this.node.path, props);
    checkTextTree(this.node.path, props, '',
      (field) => /^(services\[\d+\]|clusters\[\d+\]\.services\.[^.]+)\.(command\[|args\[|env\.|annotations\.)/.test(field),
      // Choice objects: checked, under the names the user wrote, where they are resolved.
      (field) => field === 'gitOps' || field === 'loadBalancing.balancer' || field === 'targets');
    this.topology = resolveTopology(this.node.path, {
      name: id,
      namespace: props.namespace,
      services: props.services,
      sites: [{ name: props.site ?? id, role: SiteRole.ACTIVE, clusters: props.clusters }],
      availability: props.availability,
      sharedEndpoints: props.sharedEndpoints,
      traffic: props.loadBalancing && TrafficPolicy.balanced(props.loadBalancing),
      gitOps: props.gitOps,
      targets: props.targets,
    }, { minClusters: 2, sitesField: 'clusters' });
    this.namespace = this.topology.namespace;
    if (this.topology.gitOps?.tool === 'argo-cd') checkArgoCdApplicationNames(this.node.path, id, this.topology.clusters.map((c) => c.name));
    this.sharedEndpoints = this.topology.sharedEndpoints;
    this.gitOps = this.topology.gitOps;
    this.loadBalancing = this.topology.traffic?.loadBalancing;

    const output = writeTopology(app, this, this.topology, 'multi-cluster');
    this.clusters = output.clusters;
    this.gitOpsCharts = output.gitOpsCharts;
    this.balancerSpec = output.balancerSpec;
    this.balancerConfig = output.balancerConfig;
    this.summary = output.summary;
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
}

/** Argo CD tracks an Application by a label of its name, `<topology>-<cluster>`: at most 63 characters. */
function checkArgoCdApplicationNames(path: string, id: string, clusters: readonly string[]): void {
  clusters.forEach((cluster, i) => check(`${id}-${cluster}`.length <= 63, {
    path, field: `clusters[${i}].name`, value: cluster,
    problem: `with the topology "${id}" names the Argo CD Application "${id}-${cluster}", longer than the 63 characters of the label Argo CD tracks it by`,
    fix: 'use a shorter cluster name or topology id',
  }));
}
