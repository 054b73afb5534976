import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedGitOps, clusterRepoPath } from '../../core/gitops/gitops';

/** Label the `clusters` generator selects Argo CD cluster registrations by. */
export const TOPOLOGY_LABEL = 'hadr-constructs.io/topology';

/** What the GitOps objects of a topology point at. */
export interface GitOpsTarget {
  /** Topology name: names the ApplicationSet, the Applications and the Flux objects. */
  readonly topology: string;
  /** Namespace of the workloads on every cluster. */
  readonly namespace: string;
  /** Cluster names, which are also their folder names. */
  readonly clusters: readonly string[];
  readonly gitOps: ResolvedGitOps;
  readonly labels: Record<string, string>;
}

/**
 * One Argo CD ApplicationSet generating an Application per cluster, each syncing the
 * cluster's folder. Deletion is made safe at every level:
 * - `preserveResourcesOnDeletion`: deleting the ApplicationSet, or an Application it owns,
 *   leaves the workloads running (no cascading finalizer);
 * - `applicationsSync: create-update`: a generator that briefly returns no cluster (a cluster
 *   secret relabelled during an upgrade) does not delete that cluster's Application. Argo CD
 *   honours it when the ApplicationSet controller runs with `--enable-policy-override`;
 * - `allowEmpty: false`: automated sync never prunes down to an empty folder;
 * - `PruneLast`: removed objects go only after the rest of the sync is healthy.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Application-Deletion/
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Controlling-Resource-Modification/
 */
export function argoCdApplicationSet(scope: Construct, target: GitOpsTarget): ApiObject {
  const { gitOps } = target;
  const generator = gitOps.generator === 'list'
    ? { list: { elements: target.clusters.map((name) => ({ name })) } }
    : { clusters: { selector: { matchLabels: { [TOPOLOGY_LABEL]: target.topology } } } };
  return new ApiObject(scope, 'ApplicationSet', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: target.topology, namespace: gitOps.namespace, labels: target.labels },
    spec: {
      goTemplate: true,
      // A typo in a template key fails the generation instead of rendering an empty path.
      goTemplateOptions: ['missingkey=error'],
      generators: [generator],
      syncPolicy: { preserveResourcesOnDeletion: true, applicationsSync: 'create-update' },
      template: {
        metadata: { name: `${target.topology}-{{.name}}`, labels: { ...target.labels, [TOPOLOGY_LABEL]: target.topology } },
        spec: {
          project: gitOps.project,
          source: { repoURL: gitOps.repoURL, targetRevision: gitOps.branch, path: clusterRepoPath(gitOps, '{{.name}}') },
          destination: { name: '{{.name}}', namespace: target.namespace },
          syncPolicy: {
            automated: { prune: gitOps.prune, selfHeal: true, allowEmpty: false },
            syncOptions: ['PruneLast=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      },
    },
  });
}

/** The Flux objects of one cluster. */
export interface FluxSync {
  readonly gitRepository: ApiObject;
  readonly kustomization: ApiObject;
}

/**
 * A Flux GitRepository and Kustomization, applied once on `cluster`, syncing its folder.
 * `deletionPolicy` (Orphan by default) keeps the workloads when the Kustomization itself is
 * deleted; `wait` makes the Kustomization Ready only when every object is healthy.
 *
 * @see https://fluxcd.io/flux/components/source/gitrepositories/
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export function fluxSync(scope: Construct, target: GitOpsTarget, cluster: string): FluxSync {
  const { gitOps } = target;
  const metadata = { name: target.topology, namespace: gitOps.namespace, labels: target.labels };
  const gitRepository = new ApiObject(scope, 'GitRepository', {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata,
    spec: {
      url: gitOps.repoURL,
      ref: { branch: gitOps.branch },
      interval: '1m0s',
      timeout: '60s',
      secretRef: gitOps.secretName !== undefined ? { name: gitOps.secretName } : undefined,
    },
  });
  const kustomization = new ApiObject(scope, 'Kustomization', {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata,
    spec: {
      sourceRef: { kind: 'GitRepository', name: target.topology },
      path: `./${clusterRepoPath(gitOps, cluster)}`,
      interval: goDuration(gitOps.intervalSeconds),
      // A failed apply is retried sooner than the drift-correction interval.
      retryInterval: '2m0s',
      timeout: '5m0s',
      prune: gitOps.prune,
      wait: true,
      deletionPolicy: gitOps.deletionPolicy,
    },
  });
  return { gitRepository, kustomization };
}

/** A duration as Go's `time.ParseDuration` reads it, e.g. `10m0s`. */
function goDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const secondsLeft = totalSeconds % 60;
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${secondsLeft}s`;
}
