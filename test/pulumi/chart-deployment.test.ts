import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import { ApiObject, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Recorder, Registered, providerName } from './mocks';
import { ActivePassiveDr, GitOps, TopologyApp, TrafficPolicy } from 'hadr-constructs';
import { ChartDeployment } from 'hadr-constructs/pulumi';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-pulumi-charts-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const app = new TopologyApp({ outdir });
const dr = new ActivePassiveDr(app, 'shop', {
  services: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' }],
  sites: [
    { name: 'dc1', clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }] },
    { name: 'dc2', clusters: [{ name: 'dc2-a' }] },
  ],
  activeSite: 'dc1',
  traffic: TrafficPolicy.k8gb({ service: 'api', host: 'shop.acme.example' }),
  gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/shop.git' }),
});
app.synth();

const providers = Object.fromEntries(['dc1-a', 'dc1-b', 'dc2-a'].map((c) => [c, new k8s.Provider(c, { context: c })]));

/** `kind/namespace/name` of every object a cluster folder's kustomization lists. */
function folderObjects(folder: string): string[] {
  const dir = path.join(outdir, folder);
  const files: string[] = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).resources;
  return files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()))
    .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
}
const identity = (r: Registered) => `${r.inputs.kind}/${r.inputs.metadata?.namespace ?? ''}/${r.inputs.metadata?.name}`;

describe('ChartDeployment of a topology', () => {
  const recorder = new Recorder();
  const deployment = new ChartDeployment('shop', { topology: dr.topology, outdir, providers }, { transformations: [recorder.transformation] });
  let resources: Registered[];
  beforeAll(async () => { resources = await recorder.settle(); });

  it.each(['dc1-a', 'dc1-b', 'dc2-a'])('registers every object of %s, on its provider only', (cluster) => {
    const folder = dr.topology.clusters.find((c) => c.name === cluster)!.folder;
    const mine = resources.filter((r) => providerName(r) === cluster);
    expect(mine.map(identity).sort()).toEqual(folderObjects(folder));
    expect(mine.length).toBeGreaterThan(5);
    expect(deployment.objects[cluster]).toHaveLength(mine.length);
  });

  it('creates namespaces first: every other object depends on them', () => {
    const namespaces = resources.filter((r) => r.type === 'kubernetes:core/v1:Namespace');
    expect(namespaces.map((n) => providerName(n)).sort()).toEqual(['dc1-a', 'dc1-b', 'dc2-a']);
    for (const r of resources.filter((o) => o.type !== 'kubernetes:core/v1:Namespace')) {
      expect(r.dependsOn).toContain(namespaces.find((n) => providerName(n) === providerName(r))!.resource);
    }
  });

  it('parents every object on the component', () => {
    expect(resources.every((r) => r.parent === deployment)).toBe(true);
  });
});

describe('ChartDeployment of charts', () => {
  it('registers CRDs before the custom resources that need them, on the chart\'s cluster provider', async () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.acme.example' },
      spec: { group: 'acme.example', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [] },
    });
    new ApiObject(chart, 'widget', { apiVersion: 'acme.example/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } });
    const recorder = new Recorder();
    new ChartDeployment('widgets', { charts: { 'dc1-a': chart }, providers: { 'dc1-a': providers['dc1-a'] } }, { transformations: [recorder.transformation] });
    const resources = await recorder.settle();
    expect(resources.map((r) => [r.type, providerName(r)])).toEqual([
      ['kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition', 'dc1-a'], ['kubernetes:acme.example/v1:Widget', 'dc1-a'],
    ]);
    expect(resources[1].dependsOn).toEqual([resources[0].resource]);
  });
});

describe('ChartDeployment refuses', () => {
  it('a cluster of the topology without a provider', () => {
    expect(() => new ChartDeployment('missing', { topology: dr.topology, outdir, providers: { 'dc1-a': providers['dc1-a'], 'dc2-a': providers['dc2-a'] } })).toThrow(
      "missing: providers.dc1-b is missing: every cluster is applied through its own provider (got nothing); add 'dc1-b': new k8s.Provider('dc1-b', { kubeconfig })");
  });

  it('a provider for a cluster the topology does not have', () => {
    expect(() => new ChartDeployment('extra', { topology: dr.topology, outdir, providers: { ...providers, 'dc3-a': providers['dc1-a'] } })).toThrow(
      'extra: providers.dc3-a names no cluster of the charts or the topology (got "dc3-a"); use one of "dc1-a", "dc1-b", "dc2-a"');
  });

  it('a topology that was not synthesized', () => {
    expect(() => new ChartDeployment('unsynthesized', { topology: dr.topology, outdir: path.join(outdir, 'nowhere'), providers })).toThrow(
      /^unsynthesized: outdir has no dc1\/dc1-a\/kustomization.yaml: the topology was not synthesized there/);
  });
});
