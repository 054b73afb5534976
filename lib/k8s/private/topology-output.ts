import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { admitConsumerClusters, buildClusterChart } from './cluster-chart';
import { topologyGitOpsCharts } from './gitops-objects';
import { renamingErrors } from '../../core/private/rename-errors';
import { OUTPUT_FOLDERS, ResolvedTopology } from '../../core/topology/topology-spec';
import { renderTopologySummary, summarizeTopology, TopologySummary } from '../../core/topology/topology-summary';
import { crossClusterBalancerSpec } from '../../core/traffic/cross-cluster-balancer';
import { HaproxyConfigSpec, renderHaproxyConfig } from '../../core/traffic/haproxy-config';
import { TopologyApp } from '../topology-app';
import { TopologyClusterChart } from '../topology-cluster';

/** Everything a topology wrote into a {@link TopologyApp}. */
export interface TopologyOutput {
  readonly clusters: readonly TopologyClusterChart[];
  readonly gitOpsCharts: readonly Chart[];
  readonly balancerSpec?: HaproxyConfigSpec;
  readonly balancerConfig?: string;
  readonly summary: TopologySummary;
}

/**
 * Writes a resolved topology into the app: one chart per cluster in its folder, the GitOps
 * objects, the balancer's haproxy.cfg, and the `<name>.topology.json` summary.
 */
export function writeTopology(
  app: TopologyApp, owner: Construct, topology: ResolvedTopology, mode: TopologySummary['mode'], ownData: ReadonlySet<IConstruct> = new Set(),
): TopologyOutput {
  const clusters = topology.clusters.map((cluster) => buildClusterChart(app, owner, topology, cluster, ownData));
  admitConsumerClusters(topology);
  const gitOpsCharts = topologyGitOpsCharts(app, owner, topology);

  // Only the balanced and failover policies put a balancer in front; DNS and manual ones do not.
  const kind = topology.traffic?.kind;
  const balancing = kind === 'balanced' || kind === 'failover' ? topology.traffic!.loadBalancing : undefined;
  const balancerSpec = balancing && crossClusterBalancerSpec(owner.node.path, balancing);
  const balancerConfig = balancerSpec && renamingErrors(owner.node.path, [], () => renderHaproxyConfig(balancerSpec), 'loadBalancing.');
  const configFile = `${OUTPUT_FOLDERS.balancer}/haproxy.cfg`;

  const summary = summarizeTopology(topology, {
    mode,
    gitOpsFolders: gitOpsCharts.map((chart) => app.folderNames.find((folder) => app.chartsIn(folder).includes(chart))!),
    balancerConfigFile: balancerConfig === undefined ? undefined : configFile,
    backends: balancerSpec?.listeners[0].servers.map((s) => ({ cluster: s.name, address: s.address, port: s.port, backup: s.backup === true })),
  });
  app.addFile(`${topology.name}.topology.json`, () => renderTopologySummary(summary), owner);
  if (balancerConfig !== undefined) app.addFile(configFile, () => balancerConfig, owner);
  return { clusters, gitOpsCharts, balancerSpec, balancerConfig, summary };
}
