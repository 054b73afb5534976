import { AvailabilityMode } from './availability-mode';
import { ResolvedCluster } from './cluster-spec';
import { MULTI_REPLICA_DEFAULTS } from '../defaults';
import { ResolvedSharedEndpoint } from './shared-endpoint';
import { ResolvedGitOps, clusterRepoPath } from '../gitops/gitops';
import { ResolvedService } from '../service/service-spec';

/**
 * A short, stable description of a synthesized topology: which clusters run which services
 * with how many replicas, which shared endpoints they reach, and how GitOps and load balancing
 * tie them together. Written beside the manifests (`<topology>.topology.json`) for the
 * runbook and diagram generators and the disruption checks; plain JSON data.
 */
export interface TopologySummary {
  /** Version of this format; readers refuse versions they do not know. */
  readonly formatVersion: 1;
  /** Name of the topology (the construct id). */
  readonly topology: string;
  /** Which topology it is. */
  readonly mode: 'multi-cluster';
  /** Namespace of every object on the clusters. */
  readonly namespace: string;
  /** The active clusters, in declaration order. */
  readonly clusters: readonly ClusterSummary[];
  /** The services, the same on every cluster. */
  readonly services: readonly ServiceSummary[];
  /** Stateful components outside the clusters, shared by all of them. */
  readonly sharedEndpoints: readonly SharedEndpointSummary[];
  /** How the clusters get their manifests; absent when nothing syncs them. */
  readonly gitOps?: GitOpsSummary;
  /** How traffic reaches the clusters; absent without a cross-cluster balancer. */
  readonly loadBalancing?: LoadBalancingSummary;
}

/** One cluster in a {@link TopologySummary}. */
export interface ClusterSummary {
  readonly name: string;
  /** Folder of its manifests, relative to the app's output folder. */
  readonly folder: string;
  readonly availability: AvailabilityMode['name'];
  readonly zones: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Address of its ingress controller, when it has one. */
  readonly ingressAddress?: string;
  /** Replicas of each service on this cluster: a count, or the autoscaler's range. */
  readonly replicas: Readonly<Record<string, number | { readonly min: number; readonly max: number }>>;
}

/** One service in a {@link TopologySummary}. */
export interface ServiceSummary {
  readonly name: string;
  readonly image: string;
  /** Ports the Service publishes. */
  readonly ports: readonly number[];
  /** HTTP readiness path, when the service has one. */
  readonly healthPath?: string;
}

/** One shared endpoint in a {@link TopologySummary}. */
export interface SharedEndpointSummary {
  readonly name: string;
  readonly kind: string;
  /** The name the services use, the same on every cluster. */
  readonly inClusterName: string;
  /** DNS name outside the clusters (ExternalName). */
  readonly host?: string;
  /** IP addresses outside the clusters (EndpointSlice). */
  readonly addresses?: readonly string[];
  readonly ports: readonly number[];
  readonly usedBy: readonly string[];
}

/** GitOps in a {@link TopologySummary}. */
export interface GitOpsSummary {
  readonly tool: 'argo-cd' | 'flux';
  readonly repoURL: string;
  readonly branch: string;
  /** Repository folder each cluster syncs, by cluster name. */
  readonly clusterPaths: Readonly<Record<string, string>>;
  /** Output folders holding the GitOps objects to apply once (Argo CD: its cluster; Flux: each cluster). */
  readonly bootstrapFolders: readonly string[];
}

/** Cross-cluster load balancing in a {@link TopologySummary}. */
export interface LoadBalancingSummary {
  /** Public host name clients use. */
  readonly host: string;
  /** The service behind it. */
  readonly service: string;
  readonly balancer: string;
  /** Cookie that pins a client to a cluster; absent without sticky sessions. */
  readonly stickyCookie?: string;
  /** The balancer's configuration file, relative to the app's output folder. */
  readonly configFile: string;
  /** One backend per cluster ingress. */
  readonly backends: readonly { readonly cluster: string; readonly address: string; readonly port: number }[];
}

/** What {@link summarizeMultiCluster} reads: the resolved pieces of a multi-cluster topology. */
export interface MultiClusterSummaryInput {
  readonly topology: string;
  readonly namespace: string;
  readonly clusters: readonly ResolvedCluster[];
  /** Each service as declared, resolved once (images and ports do not vary by cluster). */
  readonly services: readonly ResolvedService[];
  readonly sharedEndpoints: readonly ResolvedSharedEndpoint[];
  readonly gitOps?: ResolvedGitOps;
  /** Output folders of the GitOps objects. */
  readonly gitOpsFolders?: readonly string[];
  readonly loadBalancing?: LoadBalancingSummary;
}

/**
 * Replicas of a service on a cluster: the autoscaler's range when it autoscales there,
 * otherwise the override, otherwise the mode's count.
 *
 * @example
 * replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, {});              // 3
 * replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, { replicas: 5 }); // 5
 * replicasOnCluster(AvailabilityMode.BASELINE, {}, {});                   // 1
 */
export function replicasOnCluster(
  mode: AvailabilityMode,
  service: { readonly autoscale?: { readonly min: number; readonly max: number } },
  override: { readonly replicas?: number; readonly autoscale?: { readonly min: number; readonly max: number } } = {},
): number | { min: number; max: number } {
  if (mode === AvailabilityMode.BASELINE) return 1;
  const autoscale = override.autoscale ?? service.autoscale;
  if (autoscale) return { min: autoscale.min, max: autoscale.max };
  return override.replicas ?? MULTI_REPLICA_DEFAULTS.replicas;
}

/** The summary of a multi-cluster topology. */
export function summarizeMultiCluster(input: MultiClusterSummaryInput): TopologySummary {
  return {
    formatVersion: 1,
    topology: input.topology,
    mode: 'multi-cluster',
    namespace: input.namespace,
    clusters: input.clusters.map((cluster) => ({
      name: cluster.name,
      folder: cluster.name,
      availability: cluster.availability.name,
      zones: [...cluster.zones],
      labels: { ...cluster.labels },
      ingressAddress: cluster.ingress?.address,
      replicas: Object.fromEntries(input.services.map((s) => [
        s.name, replicasOnCluster(cluster.availability, s, cluster.services[s.name]),
      ])),
    })),
    services: input.services.map((s) => ({
      name: s.name,
      image: s.image,
      ports: s.ports.map((p) => p.servicePort),
      healthPath: s.readiness?.kind === 'http' ? s.readiness.path : undefined,
    })),
    sharedEndpoints: input.sharedEndpoints.map((e) => ({
      name: e.name,
      kind: e.kind,
      inClusterName: `${e.name}.${input.namespace}.svc`,
      host: e.target.type === 'dns' ? e.target.host : undefined,
      addresses: e.target.type === 'ips' ? [...e.target.addresses] : undefined,
      ports: e.ports.map((p) => p.port),
      usedBy: [...e.usedBy],
    })),
    gitOps: input.gitOps && {
      tool: input.gitOps.tool,
      repoURL: input.gitOps.repoURL,
      branch: input.gitOps.branch,
      clusterPaths: Object.fromEntries(input.clusters.map((c) => [c.name, clusterRepoPath(input.gitOps!, c.name)])),
      bootstrapFolders: [...(input.gitOpsFolders ?? [])],
    },
    loadBalancing: input.loadBalancing,
  };
}

/** The summary as the JSON file readers load: two-space indented, ending with a newline. */
export function renderTopologySummary(summary: TopologySummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
