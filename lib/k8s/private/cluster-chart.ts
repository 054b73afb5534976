import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { kubeObject } from './kube-object';
import { KUBERNETES_VERSION_CONTEXT } from './kubernetes-version';
import { nameObjectsAfter } from './name-registry';
import { handOverResolved } from './resolved-hand-over';
import { sharedEndpointObjects } from './shared-endpoint-objects';
import { HadrError } from '../../core/errors';
import { recommendedLabels } from '../../core/service/labels';
import { NetworkPeer } from '../../core/service/network-peer';
import { AvailabilityMode } from '../../core/topology/availability-mode';
import { applyServiceOverride } from '../../core/topology/cluster-spec';
import { isStatefulComponent } from '../../core/topology/shared-endpoint';
import { isStandbyOn, ResolvedTopology, TopologyCluster } from '../../core/topology/topology-spec';
import { ResolvedLoadBalancing } from '../../core/traffic/cross-cluster-balancer';
import { Baseline } from '../baseline';
import { MultiReplica } from '../multi-replica';
import { TopologyApp } from '../topology-app';
import { TopologyClusterChart } from '../topology-cluster';
import { Workload } from '../workload';

/**
 * Builds one cluster's chart of a topology, in its own output folder: the Namespace, every
 * service in the cluster's mode (in standby where the cluster says so), the shared endpoints
 * by their in-cluster names with egress rules to them, the calls between services, and the
 * Ingress of the balanced service. A construct holding state placed in the chart is refused at
 * synth (each cluster would keep its own copy), except the topology's own data (`ownData`).
 */
export function buildClusterChart(
  app: TopologyApp, owner: Construct, topology: ResolvedTopology, cluster: TopologyCluster, ownData: ReadonlySet<IConstruct> = new Set(),
): TopologyClusterChart {
  const chart = app.addFolderChart(cluster.folder, topology.name, { namespace: topology.namespace }, owner);
  // Before any child: every construct in the cluster's chart reads its version from here.
  if (cluster.kubernetesVersion !== undefined) chart.node.setContext(KUBERNETES_VERSION_CONTEXT, cluster.kubernetesVersion);
  chart.node.addValidation({ validate: () => statefulPlacementErrors(chart, cluster.name, ownData) });
  const scope = new Construct(chart, cluster.name);
  const namespace = namespaceObject(scope, topology);

  const workloads: Record<string, Workload> = {};
  topology.declared.forEach((spec, i) => {
    const override = cluster.services[spec.name];
    const service = applyServiceOverride(spec, override);
    const standby = isStandbyOn(cluster, spec.name) || undefined;
    // Unchanged on this cluster: the workload takes what the topology resolved from this object.
    if (service === spec && cluster.availability === AvailabilityMode.MULTI_REPLICA) handOverResolved(spec, topology.services[i]);
    // A Baseline cluster runs one replica of every service: an autoscaler has nothing to scale.
    workloads[spec.name] = cluster.availability === AvailabilityMode.MULTI_REPLICA
      ? new MultiReplica(scope, spec.name, { service, replicas: override?.replicas, standby })
      : new Baseline(scope, spec.name, { service: { ...service, autoscale: undefined }, standby });
  });

  for (const [client, dependencies] of Object.entries(topology.dependsOn)) {
    for (const dependency of dependencies) {
      const server = workloads[dependency];
      const ports = server.resolved.ports.map((p) => ({ port: p.port, protocol: p.protocol }));
      if (ports.length === 0) continue;
      workloads[client].allowTo(server.asPeer(), ports);
      server.allowFrom(workloads[client].asPeer(), ports);
    }
  }

  const sharedEndpoints: Record<string, ApiObject> = {};
  for (const endpoint of cluster.sharedEndpoints) {
    // The cluster that runs the component has its real Service under this name, and its pods are local.
    if (endpoint.heldBy === cluster.name) {
      const ports = endpoint.ports.map((p) => ({ port: p.port }));
      for (const client of endpoint.usedBy) workloads[client].allowTo(endpoint.localPeer!, ports);
      continue;
    }
    const labels = recommendedLabels({ name: endpoint.name, instance: endpoint.name, component: endpoint.kind, partOf: topology.name });
    const endpointScope = new Construct(scope, `shared-${endpoint.name}`);
    // Its Service is claimed in the namespace: a service of the cluster may not take its name.
    nameObjectsAfter(endpointScope, 'sharedEndpoints.name', endpoint.name);
    sharedEndpoints[endpoint.name] = sharedEndpointObjects(endpointScope, endpoint, labels).service;
    for (const client of endpoint.usedBy) {
      for (const rule of endpoint.egress) workloads[client].allowTo(rule.to, rule.ports);
    }
  }

  const balancing = topology.traffic?.loadBalancing;
  const balanced = balancing?.clusters.some((c) => c.name === cluster.name);
  const ingress = balancing && balanced ? addIngress(scope, cluster, workloads[balancing.service], balancing) : undefined;
  return { name: cluster.name, site: cluster.site, folder: cluster.folder, chart, namespace, workloads, sharedEndpoints, ingress };
}

/**
 * Opens each stateful component held by a cluster of the topology to the clusters that use it:
 * their egress CIDRs are admitted on the component's NetworkPolicy, and nothing else is.
 */
export function admitConsumerClusters(topology: ResolvedTopology): void {
  for (const endpoint of topology.sharedEndpoints) {
    if (endpoint.source?.allowFrom === undefined || endpoint.usedBy.length === 0) continue;
    const consumers = topology.clusters.filter((c) => c.sharedEndpoints.includes(endpoint));
    for (const cidr of new Set(consumers.flatMap((c) => c.egressCidrs))) endpoint.source.allowFrom(NetworkPeer.cidr(cidr));
  }
}

function namespaceObject(scope: Construct, topology: ResolvedTopology): ApiObject {
  const namespace = kubeObject(scope, 'Namespace', k8s.KubeNamespace.GVK, {
    name: topology.namespace,
    labels: {
      ...recommendedLabels({ name: topology.name, instance: topology.namespace, component: 'namespace', partOf: topology.name }),
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
  return namespace;
}

/**
 * The Ingress of the balanced service on one cluster: the public host (and the cluster's own
 * host), TLS for both, cookie affinity to a pod when sessions are sticky, and the ingress
 * controller admitted by the service's NetworkPolicy.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 */
function addIngress(scope: Construct, cluster: TopologyCluster, workload: Workload, balancing: ResolvedLoadBalancing): ApiObject {
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

/** Every construct in a cluster's chart that holds state: each cluster would keep its own copy. */
function statefulPlacementErrors(chart: Chart, cluster: string, ownData: ReadonlySet<IConstruct>): string[] {
  return chart.node.findAll()
    .filter((c): c is IConstruct & { statefulKind: { name: string } } => isStatefulComponent(c) && !ownData.has(c))
    .map((c) => new HadrError({
      path: c.node.path, field: 'scope', value: cluster,
      problem: `is an active cluster of a MultiCluster, so each cluster would keep its own ${c.statefulKind.name} data`,
      fix: 'place it in a chart of a separate data cluster and list it in sharedEndpoints',
    }).message);
}
