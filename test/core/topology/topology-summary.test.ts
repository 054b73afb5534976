import Ajv2020 from 'ajv/dist/2020';
import { Duration } from 'cdk8s';
import { GitOps } from '../../../lib/core/gitops/gitops';
import { AvailabilityMode } from '../../../lib/core/topology/availability-mode';
import { Reach } from '../../../lib/core/topology/reach';
import { StatefulKind } from '../../../lib/core/topology/shared-endpoint';
import { SiteRole } from '../../../lib/core/topology/site-spec';
import { resolveTopology, TopologySpec } from '../../../lib/core/topology/topology-spec';
import {
  renderTopologySummary, replicasOnCluster, summarizeTopology, TOPOLOGY_SUMMARY_SCHEMA, TopologySummary,
} from '../../../lib/core/topology/topology-summary';
import { TrafficPolicy } from '../../../lib/core/traffic/traffic-policy';

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(TOPOLOGY_SUMMARY_SCHEMA);
/** The summary as a reader gets it: through JSON, so undefined fields are gone. */
const asRead = (summary: TopologySummary) => JSON.parse(renderTopologySummary(summary));

const twoSites: TopologySpec = {
  name: 'shop',
  services: [
    { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, healthPath: '/health', dependsOn: ['search'] },
    { name: 'search', image: 'ghcr.io/acme/search:1.0.0', port: 9200 },
    { name: 'scheduler', image: 'ghcr.io/acme/scheduler:1.0.0', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready' },
  ],
  sites: [
    {
      name: 'dc1', role: SiteRole.ACTIVE,
      clusters: [
        { name: 'dc1-a', ingress: { address: '10.1.0.10' }, egressCidrs: ['10.1.0.0/16'] },
        { name: 'dc1-b', ingress: { address: '10.2.0.10' }, egressCidrs: ['10.2.0.0/16'] },
      ],
    },
    {
      name: 'dc2', role: SiteRole.STANDBY, availability: AvailabilityMode.BASELINE,
      clusters: [{ name: 'dc2-a', ingress: { address: '10.9.0.10' }, services: { scheduler: { standby: true } } }],
      sharedEndpoints: [{ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.dc2.example.com', site: 'dc2' }],
    },
  ],
  sharedEndpoints: [
    { name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.dc1.example.com', site: 'dc1' },
    { name: 'objects', kind: StatefulKind.OBJECT_STORAGE, addresses: ['10.30.1.5'] },
  ],
  traffic: TrafficPolicy.failover({ service: 'api', host: 'shop.example.com' }),
  gitOps: GitOps.argoCd({ repoURL: 'https://git.example.com/platform/shop.git', path: 'deploy' }),
  targets: { rto: Duration.minutes(15), rpo: Duration.minutes(1) },
};

describe('replicasOnCluster', () => {
  it('counts one replica in Baseline, the mode default or the override in MultiReplica, the autoscaler range, and 0 in standby', () => {
    expect(replicasOnCluster(AvailabilityMode.BASELINE, {}, { replicas: 5 })).toBe(1);
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {})).toBe(3);
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, { replicas: 5 })).toBe(5);
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, { autoscale: { min: 2, max: 8 } })).toEqual({ min: 2, max: 8 });
    const autoscaled = { autoscale: { min: 2, max: 8 } };
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, autoscaled, { autoscale: { min: 4, max: 9 } })).toEqual({ min: 4, max: 9 });
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, autoscaled, { standby: true })).toBe(0);
    expect(replicasOnCluster(AvailabilityMode.BASELINE, {}, { standby: true })).toBe(0);
  });
});

describe('summarizeTopology', () => {
  const topology = resolveTopology('shop', twoSites);
  const summary = summarizeTopology(topology, {
    mode: 'active-passive-dr',
    gitOpsFolders: ['gitops/dc1', 'gitops/dc2'],
    balancerConfigFile: 'balancer/haproxy.cfg',
    backends: [
      { cluster: 'dc1-a', address: '10.1.0.10', port: 80, backup: false },
      { cluster: 'dc1-b', address: '10.2.0.10', port: 80, backup: false },
      { cluster: 'dc2-a', address: '10.9.0.10', port: 80, backup: true },
    ],
  });

  it('lists every site with its role, and each cluster with its folder, mode, egress and replicas (0 in standby)', () => {
    expect(summary.sites.map((s) => [s.name, s.role, s.clusters.map((c) => c.folder)])).toEqual([
      ['dc1', 'active', ['dc1/dc1-a', 'dc1/dc1-b']],
      ['dc2', 'standby', ['dc2/dc2-a']],
    ]);
    const [dc1a, , dc2a] = summary.sites.flatMap((s) => s.clusters);
    expect(dc1a).toEqual({
      name: 'dc1-a', folder: 'dc1/dc1-a', availability: 'multi-replica', zones: [], labels: {}, ingressAddress: '10.1.0.10',
      egressCidrs: ['10.1.0.0/16'], replicas: { api: 3, search: 3, scheduler: 3 }, standby: [],
    });
    expect(dc2a).toMatchObject({ availability: 'baseline', replicas: { api: 1, search: 1, scheduler: 0 }, standby: ['scheduler'] });
  });

  it('lists each data component once per address, with its reach and the sites that use it there', () => {
    expect(summary.data.map((d) => [d.name, d.host ?? d.addresses, d.reach, d.site, d.usedOnSites])).toEqual([
      ['pg', 'pg.dc1.example.com', 'anywhere', 'dc1', ['dc1']],
      ['objects', ['10.30.1.5'], 'anywhere', undefined, ['dc1', 'dc2']],
      ['pg', 'pg.dc2.example.com', 'anywhere', 'dc2', ['dc2']],
    ]);
  });

  it('records the traffic policy with the standby site as backup, the GitOps paths and the targets', () => {
    expect(summary.traffic).toMatchObject({ policy: 'failover', host: 'shop.example.com', service: 'api' });
    expect(summary.traffic!.backends!.map((b) => [b.cluster, b.site, b.backup])).toEqual([
      ['dc1-a', 'dc1', false], ['dc1-b', 'dc1', false], ['dc2-a', 'dc2', true],
    ]);
    expect(summary.gitOps!.clusterPaths).toEqual({ 'dc1-a': 'deploy/dc1/dc1-a', 'dc1-b': 'deploy/dc1/dc1-b', 'dc2-a': 'deploy/dc2/dc2-a' });
    expect(summary.targets).toEqual({ rtoSeconds: 900, rpoSeconds: 60 });
    expect(summary.services.map((s) => [s.name, s.dependsOn])).toEqual([['api', ['search']], ['search', []], ['scheduler', []]]);
  });

  it('is valid against the JSON Schema the package ships', () => {
    expect(validate(asRead(summary))).toBe(true);
    expect(validate.errors).toBeNull();
  });

  it('a one-site summary without traffic, GitOps or targets is valid too', () => {
    const small = summarizeTopology(resolveTopology('shop', {
      name: 'shop', services: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }],
      sites: [{ name: 'dc1', role: SiteRole.ACTIVE, clusters: [{ name: 'dc1-a' }] }],
    }), { mode: 'multi-cluster' });
    expect(small.sites[0].clusters[0].folder).toBe('dc1-a');
    expect(validate(asRead(small))).toBe(true);
  });

  it('records a cluster-local address with the cluster it works in', () => {
    const local = resolveTopology('shop', {
      name: 'shop', services: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }],
      sites: [{ name: 'dc1', role: SiteRole.ACTIVE, clusters: [{ name: 'dc1-a' }] }],
      sharedEndpoints: [{ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.data.svc', reach: Reach.cluster('dc1-a') }],
    });
    const data = summarizeTopology(local, { mode: 'multi-cluster' }).data[0];
    expect([data.reach, data.reachCluster]).toEqual(['cluster', 'dc1-a']);
  });

  it.each<[string, (s: any) => void]>([
    ['an unknown format version', (s) => { s.formatVersion = 3; }],
    ['a site role the model does not have', (s) => { s.sites[0].role = 'primary'; }],
    ['a negative replica count', (s) => { s.sites[0].clusters[0].replicas.api = -1; }],
    ['a data component without an address', (s) => { delete s.data[0].host; }],
    ['an unknown field', (s) => { s.sites[0].clusters[0].region = 'eu'; }],
  ])('the schema refuses %s', (_what, corrupt) => {
    const copy = asRead(summary);
    corrupt(copy);
    expect(validate(copy)).toBe(false);
  });

  it('renders as indented JSON that reads back the same, with no top-level kind for manifest readers to mistake', () => {
    const text = renderTopologySummary(summary);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(Object.keys(JSON.parse(text))).not.toContain('kind');
  });
});
