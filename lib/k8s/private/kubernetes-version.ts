import { IConstruct } from 'constructs';
import { KubernetesVersion, kubernetesVersionAtLeast, parseKubernetesVersion } from '../../core/kubernetes-version';
import { TopologyApp } from '../topology-app';

/**
 * Context key declaring the Kubernetes version of the cluster a construct tree is written for,
 * e.g. `chart.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.29')` before adding constructs to
 * the chart. Undeclared means {@link FULLY_SUPPORTED_KUBERNETES_VERSION} or later.
 */
export const KUBERNETES_VERSION_CONTEXT = 'hadr-constructs/kubernetesVersion';

/**
 * The Kubernetes version declared for `scope`'s cluster: the nearest context value on the way to
 * the root, then on the TopologyApp a cluster folder belongs to. Undefined when none is declared.
 */
export function kubernetesVersionOf(scope: IConstruct): KubernetesVersion | undefined {
  let value = scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT);
  if (value === undefined) {
    const topologyApp = TopologyApp.tryOf(scope);
    if (topologyApp !== undefined && topologyApp !== scope.node.root) value = topologyApp.node.tryGetContext(KUBERNETES_VERSION_CONTEXT);
  }
  if (value === undefined) return undefined;
  return parseKubernetesVersion(scope.node.path, `context "${KUBERNETES_VERSION_CONTEXT}"`, value);
}

/** Whether `scope`'s cluster has what `since` introduced; true when no version is declared. */
export function clusterSupports(scope: IConstruct, since: string): boolean {
  const version = kubernetesVersionOf(scope);
  return version === undefined || kubernetesVersionAtLeast(version, since);
}
