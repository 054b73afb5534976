import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedGitOps, clusterRepoPath } from '../../core/gitops/gitops';
import { recommendedLabels } from '../../core/service/labels';
import { OUTPUT_FOLDERS, ResolvedTopology } from '../../core/topology/topology-spec';
import { TopologyApp } from '../topology-app';

/** Output folder of the GitOps objects. */
const GITOPS_FOLDER = OUTPUT_FOLDERS.gitops;

/**
 * The GitOps objects of a topology, each in a folder applied once by hand: Argo CD, one
 * ApplicationSet in `gitops/` (or one per site in `gitops/<site>/`); Flux, one GitRepository and
 * Kustomization per cluster in `gitops/<cluster folder>/`.
 *
 * @returns the charts, one per folder
 */
export function topologyGitOpsCharts(app: TopologyApp, owner: Construct, topology: ResolvedTopology): Chart[] {
  const gitOps = topology.gitOps;
  if (gitOps === undefined) return [];
  const several = topology.sites.length > 1;
  const labels = recommendedLabels({ name: topology.name, instance: topology.name, component: 'gitops', partOf: topology.name });
  const target = (site?: string): GitOpsTarget => ({
    topology: topology.name,
    site,
    namespace: topology.namespace,
    clusters: topology.clusters.filter((c) => site === undefined || c.site === site).map((c) => ({ name: c.name, folder: c.folder })),
    gitOps,
    labels,
  });
  if (gitOps.tool === 'argo-cd') {
    return (several ? topology.sites.map((s) => s.name) : [undefined]).map((site) => {
      const chart = app.addFolderChart(site === undefined ? GITOPS_FOLDER : `${GITOPS_FOLDER}/${site}`, topology.name, {}, owner);
      argoCdApplicationSet(chart, target(site));
      return chart;
    });
  }
  return topology.clusters.map((cluster) => {
    const chart = app.addFolderChart(`${GITOPS_FOLDER}/${cluster.folder}`, topology.name, {}, owner);
    fluxSync(chart, target(several ? cluster.site : undefined), cluster.folder);
    return chart;
  });
}

/** Label the `clusters` generator selects Argo CD cluster registrations by. */
export const TOPOLOGY_LABEL = 'hadr-constructs.io/topology';
/** Label naming a registered cluster's site, for topologies of several sites. */
export const SITE_LABEL = 'hadr-constructs.io/site';

/** What the GitOps objects of a topology point at. */
export interface GitOpsTarget {
  /** Topology name: names the Applications and the Flux objects. */
  readonly topology: string;
  /** The site whose clusters these objects sync; undefined for a topology of one site. */
  readonly site?: string;
  /** Namespace of the workloads on every cluster. */
  readonly namespace: string;
  /** The clusters, with the folder each syncs. */
  readonly clusters: readonly { readonly name: string; readonly folder: string }[];
  readonly gitOps: ResolvedGitOps;
  readonly labels: Record<string, string>;
}

/**
 * One Argo CD ApplicationSet generating an Application per cluster, each syncing the
 * cluster's folder. With several sites each site gets its own (`<topology>-<site>`), applied to
 * that site's Argo CD, so losing one site never stops another from syncing. Deletion is made
 * safe at every level:
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
  const { gitOps, site } = target;
  // A cluster's folder is its name, or `<site>/<name>` when the topology has several sites.
  const folder = site === undefined ? '{{.name}}'
    : gitOps.generator === 'list' ? '{{.folder}}' : `{{index .metadata.labels "${SITE_LABEL}"}}/{{.name}}`;
  const generator = gitOps.generator === 'list'
    ? { list: { elements: target.clusters.map((c) => (site === undefined ? { name: c.name } : { name: c.name, folder: c.folder })) } }
    : { clusters: { selector: { matchLabels: { [TOPOLOGY_LABEL]: target.topology, ...(site === undefined ? {} : { [SITE_LABEL]: site }) } } } };
  return new ApiObject(scope, 'ApplicationSet', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: site === undefined ? target.topology : `${target.topology}-${site}`, namespace: gitOps.namespace, labels: target.labels },
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
          source: { repoURL: gitOps.repoURL, targetRevision: gitOps.branch, path: clusterRepoPath(gitOps, folder) },
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
 * A Flux GitRepository and Kustomization, applied once on a cluster, syncing its `folder`.
 * `deletionPolicy` (Orphan by default) keeps the workloads when the Kustomization itself is
 * deleted; `wait` makes the Kustomization Ready only when every object is healthy.
 *
 * @see https://fluxcd.io/flux/components/source/gitrepositories/
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export function fluxSync(scope: Construct, target: GitOpsTarget, folder: string): FluxSync {
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
      path: `./${clusterRepoPath(gitOps, folder)}`,
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
