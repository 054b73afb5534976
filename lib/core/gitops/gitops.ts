import { check, HadrError } from '../errors';
import { DurationLike, isDurationLike, seconds } from '../units';
import { checkSecretName } from '../validation/kubernetes';
import { findCredential } from '../validation/secrets';
import { checkShape } from '../validation/shape';
import { GITOPS_OPTIONS_SHAPE } from '../validation/spec-shapes';
import { checkTextTree } from '../validation/text';

/** Where the one repository of a topology lives; every cluster syncs its own folder of it. */
export interface GitRepositoryOptions {
  /**
   * URL of the Git repository every cluster syncs from, e.g.
   * `https://git.example.com/platform/chat-suite.git` or `ssh://git@git.example.com/platform/chat-suite.git`.
   */
  readonly repoURL: string;
  /**
   * Branch every cluster follows; a change merged there reaches every cluster.
   *
   * @default 'main'
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#reference
   */
  readonly branch?: string;
  /**
   * Folder of the repository holding this app's output (what `app.synth()` writes); each
   * cluster syncs `<path>/<cluster name>`.
   *
   * @default '.' - the output is committed at the repository root
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#path
   */
  readonly path?: string;
}

/** Options of {@link GitOps.argoCd}. */
export interface ArgoCdOptions extends GitRepositoryOptions {
  /**
   * How the ApplicationSet finds the clusters. `list` names exactly the topology's clusters;
   * `clusters` selects every cluster registered in Argo CD with the label
   * `hadr-constructs.io/topology: <topology>` (its Argo CD name must be the cluster name).
   *
   * @default 'list' - only the clusters of the topology ever receive it
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-List/
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/
   */
  readonly generator?: 'list' | 'clusters';
  /**
   * Namespace Argo CD runs in (where the ApplicationSet goes).
   *
   * @default 'argocd'
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Appset-Any-Namespace/
   */
  readonly namespace?: string;
  /**
   * Argo CD project of the generated Applications.
   *
   * @default 'default'
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
   */
  readonly project?: string;
  /**
   * Delete objects that were removed from the repository. Never applies to an empty folder
   * (`allowEmpty: false`), and prunes last, after the new objects are healthy.
   *
   * @default true
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning
   */
  readonly prune?: boolean;
}

/** Options of {@link GitOps.flux}. */
export interface FluxOptions extends GitRepositoryOptions {
  /**
   * Namespace Flux runs in (where the GitRepository and Kustomization go).
   *
   * @default 'flux-system'
   * @see https://fluxcd.io/flux/installation/
   */
  readonly namespace?: string;
  /**
   * Secret with the repository credentials (in the Flux namespace).
   *
   * @default - none: a public repository
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#secret-reference
   */
  readonly secretName?: string;
  /**
   * How often each cluster re-applies its folder, correcting drift.
   *
   * @default Duration.minutes(10)
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#interval
   */
  readonly interval?: DurationLike;
  /**
   * Delete objects that were removed from the repository.
   *
   * @default true
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
   */
  readonly prune?: boolean;
  /**
   * What deleting the Flux Kustomization does to the objects it applied. `Orphan` keeps them
   * running, so deleting or losing the Kustomization (a bootstrap mistake, a restructured
   * flux-system) never deletes the fleet. Needs Flux 2.3 or later.
   *
   * @default 'Orphan'
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#deletion-policy
   */
  readonly deletionPolicy?: 'MirrorPrune' | 'Delete' | 'Orphan';
}

/**
 * How the clusters get their manifests: one repository, one folder per cluster, synced by
 * Argo CD (one ApplicationSet for every cluster) or Flux (a GitRepository and a Kustomization
 * on each cluster).
 *
 * @example
 * GitOps.argoCd({ repoURL: 'https://git.example.com/platform/chat-suite.git' });
 * GitOps.flux({ repoURL: 'ssh://git@git.example.com/platform/chat-suite.git', secretName: 'chat-suite-deploy-key' });
 */
export class GitOps {
  /**
   * Argo CD: one ApplicationSet generating one Application per cluster, each syncing its
   * cluster's folder. Deleting the ApplicationSet, or a generator briefly returning no
   * cluster, never deletes the workloads.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/
   */
  public static argoCd(options: ArgoCdOptions): GitOps {
    return new GitOps('argo-cd', options);
  }

  /**
   * Flux: on each cluster a GitRepository and a Kustomization syncing that cluster's folder.
   *
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
   */
  public static flux(options: FluxOptions): GitOps {
    return new GitOps('flux', options);
  }

  private constructor(
    /** Which tool syncs the clusters. */
    public readonly tool: 'argo-cd' | 'flux',
    /** Options as given. */
    public readonly options: ArgoCdOptions & FluxOptions,
  ) {}
}

/** GitOps settings checked and with every default applied. */
export interface ResolvedGitOps {
  readonly tool: 'argo-cd' | 'flux';
  readonly repoURL: string;
  readonly branch: string;
  /** Folder of the output in the repository, without `./` or trailing slash; '' for the root. */
  readonly path: string;
  readonly namespace: string;
  readonly prune: boolean;
  readonly generator: 'list' | 'clusters';
  readonly project: string;
  readonly secretName?: string;
  readonly intervalSeconds: number;
  readonly deletionPolicy: 'MirrorPrune' | 'Delete' | 'Orphan';
}

/** Git URLs Argo CD and Flux both clone: https, ssh and the scp-like `git@host:path`. */
const REPO_URL = /^(https?:\/\/[^\s/]+\/\S+|ssh:\/\/[^\s/]+\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/;
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._\/-]+$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks GitOps settings and applies their defaults; throws a HadrError naming `path` and `gitOps.<field>`. */
export function resolveGitOps(path: string, gitOps: GitOps): ResolvedGitOps {
  check(gitOps instanceof GitOps, {
    path, field: 'gitOps', value: gitOps,
    problem: 'must be a GitOps choice', fix: 'use GitOps.argoCd({ repoURL }) or GitOps.flux({ repoURL })',
  });
  const o = gitOps.options ?? ({} as ArgoCdOptions & FluxOptions);
  checkShape(path, 'gitOps', o, GITOPS_OPTIONS_SHAPE);
  check(typeof o.repoURL === 'string' && o.repoURL.trim().length > 0, {
    path, field: 'gitOps.repoURL', value: o.repoURL,
    problem: 'is required: every cluster syncs its folder from this one repository',
    fix: "give the repository URL, e.g. 'https://git.example.com/platform/topology.git'",
  });
  // Every option is written into the ApplicationSet or the Flux objects, and read back by Go's YAML.
  checkTextTree(path, o, 'gitOps');
  const credential = findCredential(o.repoURL);
  if (credential) {
    throw new HadrError({
      path, field: 'gitOps.repoURL', value: credential.redacted,
      problem: `holds a credential (${credential.what}) that would be written into the GitOps objects in clear and pushed to every cluster`,
      fix: gitOps.tool === 'argo-cd'
        ? 'give the bare URL and register the credentials with Argo CD (a repository Secret labelled argocd.argoproj.io/secret-type: repository)'
        : 'give the bare URL and the credentials in the Secret named by secretName',
    });
  }
  check(REPO_URL.test(o.repoURL), {
    path, field: 'gitOps.repoURL', value: o.repoURL,
    problem: 'is not a Git URL Argo CD and Flux can clone',
    fix: 'use https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git',
  });
  const branch = o.branch ?? 'main';
  check(typeof branch === 'string' && BRANCH.test(branch), {
    path, field: 'gitOps.branch', value: branch, problem: 'is not a branch name', fix: "use e.g. 'main'",
  });
  const givenPath = o.path ?? '.';
  const repoPath = givenPath === '.' ? '' : String(givenPath).replace(/^\.\//, '').replace(/\/+$/, '');
  check(typeof givenPath === 'string' && !repoPath.startsWith('/') && !repoPath.split('/').some((s) => s === '..' || s === '.') && !/\s/.test(repoPath), {
    path, field: 'gitOps.path', value: o.path,
    problem: 'must be a folder inside the repository', fix: "use a relative path such as 'deploy/chat-suite', or '.' for the root",
  });
  const namespace = o.namespace ?? (gitOps.tool === 'argo-cd' ? 'argocd' : 'flux-system');
  check(NAMESPACE.test(namespace) && namespace.length <= 63, {
    path, field: 'gitOps.namespace', value: namespace, problem: 'is not a namespace name', fix: `use e.g. '${gitOps.tool === 'argo-cd' ? 'argocd' : 'flux-system'}'`,
  });
  const generator = o.generator ?? 'list';
  check(generator === 'list' || generator === 'clusters', {
    path, field: 'gitOps.generator', value: generator, problem: "must be 'list' or 'clusters'", fix: "use 'list' to name exactly the topology's clusters",
  });
  const deletionPolicy = o.deletionPolicy ?? 'Orphan';
  check(['MirrorPrune', 'Delete', 'Orphan'].includes(deletionPolicy), {
    path, field: 'gitOps.deletionPolicy', value: deletionPolicy,
    problem: "must be 'MirrorPrune', 'Delete' or 'Orphan'", fix: "use 'Orphan' so deleting the Kustomization leaves the workloads running",
  });
  const interval = o.interval ?? seconds(600);
  check(isDurationLike(interval) && interval.toMilliseconds() >= 60_000 && interval.toMilliseconds() % 1000 === 0, {
    path, field: 'gitOps.interval', value: interval,
    problem: 'must be a whole number of seconds, at least one minute', fix: 'use e.g. Duration.minutes(10)',
  });
  if (o.secretName !== undefined) {
    check(NAMESPACE.test(o.secretName), {
      path, field: 'gitOps.secretName', value: o.secretName, problem: 'is not a Secret name', fix: "use e.g. 'topology-deploy-key'",
    });
    checkSecretName(path, 'gitOps.secretName', o.secretName);
  }
  check(o.prune === undefined || typeof o.prune === 'boolean', {
    path, field: 'gitOps.prune', value: o.prune, problem: 'must be true or false', fix: 'leave it out for true',
  });
  if (o.project !== undefined) {
    check(NAMESPACE.test(o.project), {
      path, field: 'gitOps.project', value: o.project, problem: 'is not an Argo CD project name', fix: "use e.g. 'default'",
    });
  }
  return {
    tool: gitOps.tool,
    repoURL: o.repoURL,
    branch,
    path: repoPath,
    namespace,
    prune: o.prune ?? true,
    generator,
    project: o.project ?? 'default',
    secretName: o.secretName,
    intervalSeconds: interval.toMilliseconds() / 1000,
    deletionPolicy,
  };
}

/** The folder a cluster syncs, relative to the repository root, e.g. `deploy/chat-suite/dc1-a`. */
export function clusterRepoPath(gitOps: Pick<ResolvedGitOps, 'path'>, folder: string): string {
  return gitOps.path === '' ? folder : `${gitOps.path}/${folder}`;
}
