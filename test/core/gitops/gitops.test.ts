import { Duration } from 'cdk8s';
import { clusterRepoPath, resolveGitOps } from '../../../lib/core/gitops/gitops';
import { GitOps } from 'hadr-constructs';

const repoURL = 'https://git.example.com/platform/shop.git';

describe('resolveGitOps', () => {
  it('defaults Argo CD to the main branch, the repository root, the list generator and pruning guarded by allowEmpty', () => {
    expect(resolveGitOps('shop', GitOps.argoCd({ repoURL }))).toEqual({
      tool: 'argo-cd', repoURL, branch: 'main', path: '', namespace: 'argocd', prune: true, generator: 'list',
      project: 'default', secretName: undefined, intervalSeconds: 600, deletionPolicy: 'Orphan',
    });
  });

  it('defaults Flux to flux-system, a 10 minute interval and the Orphan deletion policy', () => {
    expect(resolveGitOps('shop', GitOps.flux({ repoURL: 'git@git.example.com:platform/shop.git' }))).toMatchObject({
      tool: 'flux', namespace: 'flux-system', intervalSeconds: 600, deletionPolicy: 'Orphan', prune: true,
    });
  });

  it.each([['.', ''], ['./deploy/shop/', 'deploy/shop'], ['deploy/shop', 'deploy/shop']])('reads the path %j as %j', (given, path) => {
    expect(resolveGitOps('shop', GitOps.argoCd({ repoURL, path: given })).path).toBe(path);
  });

  it.each<[string, GitOps, string]>([
    ['a repository URL that is missing', GitOps.flux({} as any),
      "shop: gitOps.repoURL is required: every cluster syncs its folder from this one repository (got nothing); give the repository URL, e.g. 'https://git.example.com/platform/topology.git'"],
    ['a branch with a space', GitOps.argoCd({ repoURL, branch: 'release 1' }),
      "shop: gitOps.branch is not a branch name (got \"release 1\"); use e.g. 'main'"],
    ['an absolute path', GitOps.argoCd({ repoURL, path: '/deploy' }),
      "shop: gitOps.path must be a folder inside the repository (got \"/deploy\"); use a relative path such as 'deploy/chat-suite', or '.' for the root"],
    ['a sync interval under a minute', GitOps.flux({ repoURL, interval: Duration.seconds(10) }),
      'shop: gitOps.interval must be a whole number of seconds, at least one minute (got 10 seconds); use e.g. Duration.minutes(10)'],
    ['an unknown deletion policy', GitOps.flux({ repoURL, deletionPolicy: 'Keep' as any }),
      "shop: gitOps.deletionPolicy must be 'MirrorPrune', 'Delete' or 'Orphan' (got \"Keep\"); use 'Orphan' so deleting the Kustomization leaves the workloads running"],
  ])('rejects %s', (_what, gitOps, message) => {
    expect(() => resolveGitOps('shop', gitOps)).toThrow(message);
  });
});

describe('clusterRepoPath', () => {
  it("joins the output's folder in the repository and the cluster folder", () => {
    expect(clusterRepoPath({ path: '' }, 'dc1-a')).toBe('dc1-a');
    expect(clusterRepoPath({ path: 'deploy/shop' }, 'dc1-a')).toBe('deploy/shop/dc1-a');
  });
});
