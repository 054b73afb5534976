import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { AvailabilityMode, GitOps, SiteRole, TopologyApp, TopologySpec, TrafficPolicy } from '../../lib';
import { resolveTopology } from '../../lib/core/topology/topology-spec';
import { writeTopology } from '../../lib/k8s/private/topology-output';
import { findObject, synthValid } from '../support/schema';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-output-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const twoSites = (gitOps: GitOps): TopologySpec => ({
  name: 'shop',
  services: [
    { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, healthPath: '/health' },
    { name: 'scheduler', image: 'ghcr.io/acme/scheduler:1.0.0', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready' },
  ],
  sites: [
    { name: 'dc1', role: SiteRole.ACTIVE, clusters: [{ name: 'dc1-a', ingress: { address: '10.1.0.10' } }, { name: 'dc1-b', ingress: { address: '10.2.0.10' } }] },
    {
      name: 'dc2', role: SiteRole.STANDBY, availability: AvailabilityMode.BASELINE,
      clusters: [{ name: 'dc2-a', ingress: { address: '10.9.0.10' }, services: { scheduler: { standby: true } } }],
    },
  ],
  traffic: TrafficPolicy.failover({ service: 'api', host: 'shop.example.com' }),
  gitOps,
});

/** Writes a two-site topology the way every topology construct does. */
function write(gitOps: GitOps) {
  const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(outdir, 'app-')) });
  const owner = new Construct(app, 'shop');
  const output = writeTopology(app, owner, resolveTopology('shop', twoSites(gitOps)), 'active-passive-dr');
  app.synth();
  return { app, output };
}

describe('a topology of two sites', () => {
  const repo = 'https://git.example.com/platform/shop.git';
  const { app, output } = write(GitOps.argoCd({ repoURL: repo, path: 'deploy' }));

  it('writes each cluster into <site>/<cluster>/ with its kustomization', () => {
    expect(output.clusters.map((c) => c.folder)).toEqual(['dc1/dc1-a', 'dc1/dc1-b', 'dc2/dc2-a']);
    for (const folder of ['dc1/dc1-a', 'dc1/dc1-b', 'dc2/dc2-a']) {
      expect(fs.readdirSync(path.join(app.outdir, folder)).sort()).toEqual(['kustomization.yaml', 'shop.k8s.yaml']);
    }
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['.hadr-constructs-output.json', 'balancer', 'dc1', 'dc2', 'gitops', 'shop.topology.json']);
  });

  it("gives each site its own ApplicationSet over its own clusters' folders, so losing one site never stops the other syncing", () => {
    expect(output.summary.gitOps!.bootstrapFolders).toEqual(['gitops/dc1', 'gitops/dc2']);
    const [dc1, dc2] = output.gitOpsCharts.map((chart) => findObject(synthValid(chart), 'ApplicationSet'));
    expect([dc1.metadata.name, dc2.metadata.name]).toEqual(['shop-dc1', 'shop-dc2']);
    expect(dc1.spec.generators).toEqual([{ list: { elements: [{ name: 'dc1-a', folder: 'dc1/dc1-a' }, { name: 'dc1-b', folder: 'dc1/dc1-b' }] } }]);
    expect(dc2.spec.generators).toEqual([{ list: { elements: [{ name: 'dc2-a', folder: 'dc2/dc2-a' }] } }]);
    expect(dc1.spec.template.spec.source.path).toBe('deploy/{{.folder}}');
    expect(output.summary.gitOps!.clusterPaths).toEqual({ 'dc1-a': 'deploy/dc1/dc1-a', 'dc1-b': 'deploy/dc1/dc1-b', 'dc2-a': 'deploy/dc2/dc2-a' });
  });

  it('selects registered clusters by topology and site label with the clusters generator', () => {
    const { output: byLabel } = write(GitOps.argoCd({ repoURL: repo, generator: 'clusters' }));
    const appSet = findObject(synthValid(byLabel.gitOpsCharts[1]), 'ApplicationSet');
    expect(appSet.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { 'hadr-constructs.io/topology': 'shop', 'hadr-constructs.io/site': 'dc2' } } } }]);
    expect(appSet.spec.template.spec.source.path).toBe('{{index .metadata.labels "hadr-constructs.io/site"}}/{{.name}}');
  });

  it('points each Flux Kustomization at its <site>/<cluster> folder', () => {
    const { output: flux } = write(GitOps.flux({ repoURL: repo }));
    expect(flux.summary.gitOps!.bootstrapFolders).toEqual(['gitops/dc1/dc1-a', 'gitops/dc1/dc1-b', 'gitops/dc2/dc2-a']);
    expect(flux.gitOpsCharts.map((chart) => findObject(synthValid(chart), 'Kustomization').spec.path)).toEqual(['./dc1/dc1-a', './dc1/dc1-b', './dc2/dc2-a']);
  });

  it('runs the standby site in its own mode with its standby services at 0, and balances to it only as backup', () => {
    const dc2 = synthValid(output.clusters[2].chart);
    expect(findObject(dc2, 'Deployment', 'api').spec.replicas).toBe(1);
    expect(findObject(dc2, 'Deployment', 'scheduler').spec.replicas).toBe(0);
    expect(dc2.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['api']);
    expect(output.balancerConfig).toContain('server dc2-a 10.9.0.10:80 check backup');
    expect(output.balancerConfig).toContain('server dc1-a 10.1.0.10:80 check\n');
  });
});
