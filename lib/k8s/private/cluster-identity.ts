import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TopologyApp } from '../topology-app';

/**
 * The cluster a construct's objects are applied to, as a topology names it: its folder in a
 * {@link TopologyApp}, or its chart otherwise. Two constructs with the same identity can use
 * each other's cluster-local names; any other pair cannot.
 */
export function clusterIdentity(scope: IConstruct): string {
  const chart = Chart.of(scope);
  const root = chart.node.root;
  if (!(root instanceof TopologyApp)) {
    const app = topologyAppOf(chart);
    const folder = app?.folderNames.find((f) => app.chartsIn(f).includes(chart));
    if (folder !== undefined) return folder;
  }
  return `the cluster of chart "${chart.node.path}"`;
}

function topologyAppOf(scope: IConstruct): TopologyApp | undefined {
  try {
    return TopologyApp.of(scope);
  } catch {
    return undefined;
  }
}
