import { AvailabilityMode } from './availability-mode';
import { ResolvedSharedEndpoint } from './shared-endpoint';
import { isStandbyOn, ResolvedTopology, TopologyCluster } from './topology-spec';
import { MULTI_REPLICA_DEFAULTS } from '../defaults';
import SCHEMA from './topology-summary.schema.json';
import { clusterRepoPath } from '../gitops/gitops';

/**
 * A short, stable description of a synthesized topology, written beside the manifests
 * (`<topology>.topology.json`): its sites and roles, which clusters run which services with how
 * many replicas, the stateful components with their addresses and how far those reach, the
 * traffic policy, the GitOps paths and the targets. The runbook, the diagram, the budget and
 * outside tools read this one shape; {@link TOPOLOGY_SUMMARY_SCHEMA} is its JSON Schema.
 */
export interface TopologySummary {
  /** Version of this format; readers refuse versions they do not know. */
  readonly formatVersion: 2;
  /** Name of the topology (the construct id). */
  readonly topology: string;
  /** The construct that wrote it. */
  readonly mode: 'multi-cluster' | 'active-passive-dr';
  /** Namespace of every object on the clusters. */
  readonly namespace: string;
  /** The sites, in declaration order. */
  readonly sites: readonly SiteSummary[];
  /** The services, the same on every cluster. */
  readonly services: readonly ServiceSummary[];
  /** Stateful components the services reach. */
  readonly data: readonly DataSummary[];
  /** How client traffic reaches the clusters; absent when nothing is in front. */
  readonly traffic?: TrafficSummary;
  /** How the clusters get their manifests; absent when nothing syncs them. */
  readonly gitOps?: GitOpsSummary;
  /** Recovery targets; absent when none are declared. */
  readonly targets?: TargetsSummary;
}

/** One site in a {@link TopologySummary}. */
export interface SiteSummary {
  readonly name: string;
  readonly role: 'active' | 'standby';
  readonly clusters: readonly ClusterSummary[];
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
  /** Addresses its pods leave it from, admitted by the components it uses in other clusters. */
  readonly egressCidrs: readonly string[];
  /** Replicas of each service on this cluster: a count (0 in standby), or the autoscaler's range. */
  readonly replicas: Readonly<Record<string, number | { readonly min: number; readonly max: number }>>;
  /** Services in standby on this cluster (0 replicas, activated by one field). */
  readonly standby: readonly string[];
}

/** One service in a {@link TopologySummary}. */
export interface ServiceSummary {
  readonly name: string;
  readonly image: string;
  /** Ports the Service publishes. */
  readonly ports: readonly number[];
  /** HTTP readiness path, when the service has one. */
  readonly healthPath?: string;
  /** Services it calls inside its cluster. */
  readonly dependsOn: readonly string[];
}

/** One stateful component in a {@link TopologySummary}, as the clusters of some sites reach it. */
export interface DataSummary {
  readonly name: string;
  readonly kind: string;
  /** The name the services use, the same on every cluster. */
  readonly inClusterName: string;
  /** DNS name it answers on (ExternalName). */
  readonly host?: string;
  /** IP addresses it answers on (EndpointSlice). */
  readonly addresses?: readonly string[];
  /** Where that address works: `anywhere`, or only inside `reachCluster`. */
  readonly reach: 'anywhere' | 'cluster';
  /** The cluster a cluster-local address works in. */
  readonly reachCluster?: string;
  readonly ports: readonly number[];
  readonly usedBy: readonly string[];
  /** The site holding it, when declared. */
  readonly site?: string;
  /** The cluster of the topology that runs it, when one does. */
  readonly cluster?: string;
  /** Sites whose clusters reach it at this address. */
  readonly usedOnSites: readonly string[];
  /** Single-writer data knowingly written from several active sites. */
  readonly sharedAcrossSites: boolean;
  /** Where this copy replicates from, for a standby copy on another site; absent for the writable one. */
  readonly replication?: DataReplicationSummary;
}

/** How a standby copy of data follows the writable one. */
export interface DataReplicationSummary {
  /** The site and address it replicates from. */
  readonly fromSite: string;
  readonly fromHost: string;
  /** `asynchronous` (the standby may lag) or `synchronous` (a commit waits for it). */
  readonly mode: 'asynchronous' | 'synchronous';
  /** Longest lag the design accepts, the copy's share of the RPO; absent when unbounded. */
  readonly maxLagSeconds?: number;
}

/** The traffic policy in a {@link TopologySummary}. */
export interface TrafficSummary {
  /**
   * `balanced` (every active cluster serves behind a balancer), `failover` (the balancer's
   * backups are the standby sites), `k8gb` or `route53` (DNS failover), `manual` (a switch by hand).
   */
  readonly policy: 'balanced' | 'failover' | 'k8gb' | 'route53' | 'manual';
  /** Public host name clients use. */
  readonly host: string;
  /** The service behind it. */
  readonly service: string;
  /** The balancer, for `balanced` and `failover`. */
  readonly balancer?: string;
  /** Cookie that pins a client to a cluster; absent without sticky sessions. */
  readonly stickyCookie?: string;
  /** The balancer's configuration file, relative to the app's output folder. */
  readonly configFile?: string;
  /** One backend per cluster ingress, for a balancer; backups serve only when every other is down. */
  readonly backends?: readonly {
    readonly cluster: string; readonly site: string; readonly address: string; readonly port: number; readonly backup: boolean;
  }[];
  /** DNS failover: the provider, the TTL clients cache answers for, and each site's address (Route 53). */
  readonly dns?: {
    readonly provider: 'k8gb' | 'route53';
    readonly ttlSeconds: number;
    readonly siteAddresses?: Readonly<Record<string, string>>;
  };
  /** A switch by hand: what is switched. */
  readonly manualSwitch?: string;
}

/** GitOps in a {@link TopologySummary}. */
export interface GitOpsSummary {
  readonly tool: 'argo-cd' | 'flux';
  readonly repoURL: string;
  readonly branch: string;
  /** Repository folder each cluster syncs, by cluster name. */
  readonly clusterPaths: Readonly<Record<string, string>>;
  /** Output folders holding the GitOps objects to apply once. */
  readonly bootstrapFolders: readonly string[];
}

/** Recovery targets in a {@link TopologySummary}. */
export interface TargetsSummary {
  readonly rtoSeconds?: number;
  readonly rpoSeconds?: number;
}

/** What {@link summarizeTopology} needs beyond the resolved topology: where things were written. */
export interface SummaryOutputs {
  readonly mode: TopologySummary['mode'];
  /** Output folders of the GitOps objects. */
  readonly gitOpsFolders?: readonly string[];
  /** The balancer's configuration file, when there is one. */
  readonly balancerConfigFile?: string;
  /** Address and port of each balancer backend, by cluster name. */
  readonly backends?: readonly { readonly cluster: string; readonly address: string; readonly port: number; readonly backup: boolean }[];
}

/** The JSON Schema (draft 2020-12) of {@link TopologySummary}, for readers outside this library. */
export const TOPOLOGY_SUMMARY_SCHEMA: Readonly<Record<string, unknown>> = SCHEMA;

/**
 * Replicas of a service on a cluster: 0 in standby, the autoscaler's range when it
 * autoscales there, otherwise the override, otherwise the mode's count.
 *
 * @example
 * replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, {});                 // 3
 * replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, { replicas: 5 });    // 5
 * replicasOnCluster(AvailabilityMode.BASELINE, {}, {});                      // 1
 * replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, { standby: true });  // 0
 */
export function replicasOnCluster(
  mode: AvailabilityMode,
  service: { readonly autoscale?: { readonly min: number; readonly max: number } },
  override: {
    readonly replicas?: number; readonly standby?: boolean; readonly autoscale?: { readonly min: number; readonly max: number };
  } = {},
): number | { min: number; max: number } {
  if (override.standby) return 0;
  if (mode === AvailabilityMode.BASELINE) return 1;
  const autoscale = override.autoscale ?? service.autoscale;
  if (autoscale) return { min: autoscale.min, max: autoscale.max };
  return override.replicas ?? MULTI_REPLICA_DEFAULTS.replicas;
}

/** The summary of a resolved topology, with where its files were written. */
export function summarizeTopology(topology: ResolvedTopology, outputs: SummaryOutputs): TopologySummary {
  const lb = topology.traffic?.loadBalancing;
  return {
    formatVersion: 2,
    topology: topology.name,
    mode: outputs.mode,
    namespace: topology.namespace,
    sites: topology.sites.map((site) => ({
      name: site.name,
      role: site.role.name,
      clusters: site.clusters.map((cluster) => clusterSummary(topology, cluster)),
    })),
    services: topology.services.map((s) => ({
      name: s.name,
      image: s.image,
      ports: s.ports.map((p) => p.servicePort),
      healthPath: s.readiness?.kind === 'http' ? s.readiness.path : undefined,
      dependsOn: [...(topology.dependsOn[s.name] ?? [])],
    })),
    data: topology.sharedEndpoints.map((e) => dataSummary(topology, e)),
    traffic: lb && {
      policy: topology.traffic!.kind,
      host: lb.host,
      service: lb.service,
      balancer: outputs.balancerConfigFile !== undefined ? lb.balancer.name : undefined,
      stickyCookie: lb.stickySessions?.cookieName,
      configFile: outputs.balancerConfigFile,
      backends: outputs.backends?.map((b) => ({
        cluster: b.cluster, site: topology.clusters.find((c) => c.name === b.cluster)!.site, address: b.address, port: b.port, backup: b.backup,
      })),
      dns: topology.traffic!.dns && {
        provider: topology.traffic!.dns.provider,
        ttlSeconds: topology.traffic!.dns.ttlSeconds,
        siteAddresses: topology.traffic!.dns.sites
          && Object.fromEntries(Object.entries(topology.traffic!.dns.sites).map(([site, r]) => [site, r.address])),
      },
      manualSwitch: topology.traffic!.manual?.what,
    },
    gitOps: topology.gitOps && {
      tool: topology.gitOps.tool,
      repoURL: topology.gitOps.repoURL,
      branch: topology.gitOps.branch,
      clusterPaths: Object.fromEntries(topology.clusters.map((c) => [c.name, clusterRepoPath(topology.gitOps!, c.folder)])),
      bootstrapFolders: [...(outputs.gitOpsFolders ?? [])],
    },
    targets: topology.targets.rtoSeconds === undefined && topology.targets.rpoSeconds === undefined ? undefined : { ...topology.targets },
  };
}

/** The summary as the JSON file readers load: two-space indented, ending with a newline. */
export function renderTopologySummary(summary: TopologySummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

function clusterSummary(topology: ResolvedTopology, cluster: TopologyCluster): ClusterSummary {
  return {
    name: cluster.name,
    folder: cluster.folder,
    availability: cluster.availability.name,
    zones: [...cluster.zones],
    labels: { ...cluster.labels },
    ingressAddress: cluster.ingress?.address,
    egressCidrs: [...cluster.egressCidrs],
    replicas: Object.fromEntries(topology.services.map((s) => [
      s.name, replicasOnCluster(cluster.availability, s, cluster.services[s.name]),
    ])),
    standby: topology.services.filter((s) => isStandbyOn(cluster, s.name)).map((s) => s.name),
  };
}

function dataSummary(topology: ResolvedTopology, endpoint: ResolvedSharedEndpoint): DataSummary {
  return {
    name: endpoint.name,
    kind: endpoint.kind,
    inClusterName: `${endpoint.name}.${topology.namespace}.svc`,
    host: endpoint.target.type === 'dns' ? endpoint.target.host : undefined,
    addresses: endpoint.target.type === 'ips' ? [...endpoint.target.addresses] : undefined,
    reach: endpoint.reach.scope,
    reachCluster: endpoint.reach.cluster,
    ports: endpoint.ports.map((p) => p.port),
    usedBy: [...endpoint.usedBy],
    site: endpoint.site,
    cluster: endpoint.heldBy,
    usedOnSites: topology.sites.filter((site) => site.clusters.some((c) => c.sharedEndpoints.includes(endpoint))).map((site) => site.name),
    sharedAcrossSites: endpoint.sharedAcrossSites,
    replication: endpoint.replication && {
      fromSite: endpoint.replication.fromSite,
      fromHost: endpoint.replication.fromHost,
      mode: endpoint.replication.mode,
      maxLagSeconds: endpoint.replication.maxLag && endpoint.replication.maxLag.toMilliseconds() / 1000,
    },
  };
}
