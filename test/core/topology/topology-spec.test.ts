import { Duration } from 'cdk8s';
import { NetworkPeer } from '../../../lib/core/service/network-peer';
import { AvailabilityMode } from '../../../lib/core/topology/availability-mode';
import { Reach } from '../../../lib/core/topology/reach';
import { ISharedEndpointSource, SharedEndpointSpec, StatefulKind } from '../../../lib/core/topology/shared-endpoint';
import { SiteRole, SiteSpec } from '../../../lib/core/topology/site-spec';
import { isStandbyOn, resolveTopology, TopologySpec } from '../../../lib/core/topology/topology-spec';
import { TrafficPolicy } from '../../../lib/core/traffic/traffic-policy';

const api = { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, healthPath: '/health' };
const worker = { name: 'worker', image: 'ghcr.io/acme/worker:1.0.0', ports: [{ name: 'metrics', port: 9100 }] };
const postgres: SharedEndpointSpec = { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.dc1.example.com' };
const dc1: SiteSpec = { name: 'dc1', role: SiteRole.ACTIVE, clusters: [{ name: 'dc1-a', egressCidrs: ['10.1.0.0/16'] }, { name: 'dc1-b', egressCidrs: ['10.2.0.0/16'] }] };
const dc2: SiteSpec = { name: 'dc2', role: SiteRole.STANDBY, availability: AvailabilityMode.BASELINE, clusters: [{ name: 'dc2-a' }] };
const spec: TopologySpec = { name: 'shop', services: [api, worker], sites: [dc1, dc2], sharedEndpoints: [postgres] };

/** A stateful construct in another cluster, as PatroniCluster describes itself. */
function heldBy(cluster: string, exposedHost?: string): ISharedEndpointSource & { admitted: string[] } {
  const admitted: string[] = [];
  return {
    admitted,
    sharedEndpoint: () => (exposedHost
      ? { name: 'orders', kind: StatefulKind.POSTGRESQL, host: exposedHost, reach: Reach.ANYWHERE }
      : { name: 'orders', kind: StatefulKind.POSTGRESQL, host: 'orders-pooler.data.svc', reach: Reach.cluster(cluster) }),
    allowFrom: (peer: NetworkPeer) => admitted.push(peer.cidr!),
  };
}

describe('resolveTopology', () => {
  const topology = resolveTopology('shop', spec);

  it('resolves every site with its role and clusters, folders <site>/<cluster> when there are several sites', () => {
    expect(topology.sites.map((s) => [s.name, s.role, s.clusters.map((c) => c.name)])).toEqual([
      ['dc1', SiteRole.ACTIVE, ['dc1-a', 'dc1-b']],
      ['dc2', SiteRole.STANDBY, ['dc2-a']],
    ]);
    expect(topology.clusters.map((c) => [c.name, c.site, c.folder, c.availability])).toEqual([
      ['dc1-a', 'dc1', 'dc1/dc1-a', AvailabilityMode.MULTI_REPLICA],
      ['dc1-b', 'dc1', 'dc1/dc1-b', AvailabilityMode.MULTI_REPLICA],
      ['dc2-a', 'dc2', 'dc2/dc2-a', AvailabilityMode.BASELINE],
    ]);
    expect(topology.namespace).toBe('shop');
    expect(topology.targets).toEqual({});
  });

  it('names folders after the clusters alone with one site', () => {
    const one = resolveTopology('shop', { ...spec, sites: [dc1] });
    expect(one.clusters.map((c) => c.folder)).toEqual(['dc1-a', 'dc1-b']);
  });

  it("gives a site's own endpoint to that site's clusters, and the topology's to the others", () => {
    const own = { ...postgres, host: 'pg.dc2.example.com' };
    const resolved = resolveTopology('shop', { ...spec, sites: [dc1, { ...dc2, sharedEndpoints: [own] }] });
    const hostOn = (cluster: string) => resolved.clusters.find((c) => c.name === cluster)!.sharedEndpoints
      .map((e) => (e.target.type === 'dns' ? e.target.host : ''));
    expect([hostOn('dc1-a'), hostOn('dc2-a')]).toEqual([['pg.dc1.example.com'], ['pg.dc2.example.com']]);
    expect(resolved.sharedEndpoints.map((e) => e.field)).toEqual(['sharedEndpoints[0]', 'sites[1].sharedEndpoints[0]']);
  });

  it('puts the standby site behind the active one as backup with a failover policy, and leaves it out when balanced', () => {
    const withIngress = (site: SiteSpec, address: string): SiteSpec => ({
      ...site, clusters: site.clusters.map((c, i) => ({ ...c, ingress: { address: `${address}${i}` } })),
    });
    const sites = [withIngress(dc1, '10.1.0.1'), withIngress(dc2, '10.9.0.1')];
    const failover = resolveTopology('shop', { ...spec, sites, traffic: TrafficPolicy.failover({ service: 'api', host: 'shop.example.com' }) });
    expect(failover.traffic!.loadBalancing.clusters.map((c) => [c.name, c.backup])).toEqual([['dc1-a', false], ['dc1-b', false], ['dc2-a', true]]);
    const balanced = resolveTopology('shop', { ...spec, sites, traffic: TrafficPolicy.balanced({ service: 'api', host: 'shop.example.com' }) });
    expect(balanced.traffic!.loadBalancing.clusters.map((c) => c.name)).toEqual(['dc1-a', 'dc1-b']);
  });

  it('records which services run in standby on which cluster, and what each service calls', () => {
    const resolved = resolveTopology('shop', {
      ...spec,
      services: [{ ...api, dependsOn: ['worker'] }, worker],
      sites: [dc1, { ...dc2, clusters: [{ name: 'dc2-a', services: { api: { standby: true }, worker: { standby: true } } }] }],
    });
    const dc2a = resolved.clusters[2];
    expect([isStandbyOn(dc2a, 'api'), isStandbyOn(dc2a, 'worker'), isStandbyOn(resolved.clusters[0], 'api')]).toEqual([true, true, false]);
    expect(resolved.dependsOn).toEqual({ api: ['worker'], worker: [] });
  });

  it('takes the targets in seconds', () => {
    expect(resolveTopology('shop', { ...spec, targets: { rto: Duration.minutes(15), rpo: Duration.seconds(0) } }).targets)
      .toEqual({ rtoSeconds: 900, rpoSeconds: 0 });
  });

  it('accepts a component held by another cluster once it is exposed, when every consumer declares its egress', () => {
    const source = heldBy('data', 'orders-db.data.example.com');
    const resolved = resolveTopology('shop', { ...spec, sites: [dc1], sharedEndpoints: [source] });
    expect(resolved.sharedEndpoints[0]).toMatchObject({ reach: Reach.ANYWHERE, source });
  });

  it('accepts two active sites writing to one knowingly shared endpoint', () => {
    const shared = { ...postgres, sharedAcrossSites: true };
    expect(() => resolveTopology('shop', { ...spec, sites: [dc1, { ...dc2, role: SiteRole.ACTIVE }], sharedEndpoints: [shared] })).not.toThrow();
  });

  describe('refuses bad input with the path, the field, the value and the fix', () => {
    it.each<[string, Partial<TopologySpec>, string]>([
      ['a site without clusters', { sites: [dc1, { ...dc2, clusters: [] }] },
        "shop: sites[1].clusters must list at least one cluster: a site without a cluster runs nothing (got []); give e.g. [{ name: 'dc2-a' }]"],
      ['two sites of one name', { sites: [dc1, { ...dc2, name: 'dc1' }] },
        'shop: sites[1].name is used by another site (got "dc1"); give every site its own name'],
      ['two clusters of one name on different sites', { sites: [dc1, { ...dc2, clusters: [{ name: 'dc1-b' }] }] },
        'shop: sites[1].clusters[0].name is used by another cluster (sites[0].clusters[1].name): both would write the same folder and GitOps target (got "dc1-b"); give every cluster of the topology its own name'],
      ['two clusters of one name on one site', { sites: [{ ...dc1, clusters: [{ name: 'dc1-a' }, { name: 'dc1-a' }] }] },
        'shop: sites[0].clusters[1].name is used by another cluster: both would write the same folder and GitOps target (got "dc1-a"); give every cluster its own name'],
      ['a site role that is not a SiteRole', { sites: [{ ...dc1, role: 'active' as any }] },
        'shop: sites[0].role must be a SiteRole (got "active"); use SiteRole.ACTIVE or SiteRole.STANDBY'],
      ['no active site', { sites: [{ ...dc1, role: SiteRole.STANDBY }] },
        'shop: sites has no active site, so nothing serves (got ["dc1: standby"]); make one site SiteRole.ACTIVE'],
      ['a site named like the GitOps folder', { sites: [dc1, { ...dc2, name: 'gitops' }] },
        'shop: sites[1].name is the folder of the GitOps objects (got "gitops"); give the site another name'],
      ['two active sites each writing their own copy of single-writer data',
        { sites: [dc1, { ...dc2, role: SiteRole.ACTIVE, sharedEndpoints: [{ ...postgres, host: 'pg.dc2.example.com' }] }] },
        'shop: sites[1].sharedEndpoints[0] is postgresql data with one writer, and the active sites dc1, dc2 each write their own copy (got "dc1, dc2"); make all but one site SiteRole.STANDBY, or give the active sites one shared endpoint they all write to'],
      ['two active sites writing to one endpoint without saying it is shared', { sites: [dc1, { ...dc2, role: SiteRole.ACTIVE }] },
        'shop: sharedEndpoints[0].sharedAcrossSites is postgresql data with one writer, written from the active sites dc1, dc2 (got nothing); say that every site writes to this one endpoint with sharedAcrossSites: true (each write from another site crosses the inter-site link), or make all but one site SiteRole.STANDBY'],
      ['a stateful component consumed from another cluster and never exposed', { sites: [dc1], sharedEndpoints: [heldBy('data')] },
        'shop: sharedEndpoints[0] resolves only inside cluster "data", and dc1-a is another cluster: it would not connect at runtime (got "orders-pooler.data.svc"); '
        + "expose it, e.g. expose: { pooler: Exposure.loadBalancer({ host: '<name>.<zone you manage>' }) }, or give the address other clusters reach it on"],
      ['a consumer cluster without egress CIDRs when the data sits in another cluster',
        { sites: [{ ...dc1, clusters: [dc1.clusters[0], { name: 'dc1-b' }] }], sharedEndpoints: [heldBy('data', 'orders-db.data.example.com')] },
        "shop: sites[0].clusters[1].egressCidrs must be declared: dc1-b uses orders, held by another cluster whose NetworkPolicy admits only the consumer clusters' addresses (got []); "
        + "give the addresses this cluster's pods leave it from, e.g. egressCidrs: ['10.1.0.0/16']"],
      ['a cluster-local host given as data', { sharedEndpoints: [{ ...postgres, host: 'pg.data.svc.cluster.local' }] },
        "shop: sharedEndpoints[0].host is a name only one cluster's DNS resolves, and a shared endpoint is reached from other clusters (got \"pg.data.svc.cluster.local\"); give a DNS name in a zone you manage or IP addresses, or expose the component with Exposure.loadBalancer({ host })"],
      ['a standby service an active service depends on in the same cluster',
        { services: [{ ...api, dependsOn: ['worker'] }, worker], sites: [dc1, { ...dc2, clusters: [{ name: 'dc2-a', services: { worker: { standby: true } } }] }] },
        'shop: sites[1].clusters[0].services.worker.standby stops worker on dc2-a, and api, active there, depends on it (got true); put api in standby on dc2-a too, or keep worker active'],
      ['a dependency that is not a service', { services: [{ ...api, dependsOn: ['search'] }, worker] },
        'shop: services[0].dependsOn[0] is not a service of the topology (got "search"); use one of "worker"'],
      ['a service depending on itself', { services: [{ ...api, dependsOn: ['api'] }, worker] },
        'shop: services[0].dependsOn[0] names the service itself (got "api"); use one of "worker"'],
      ['an egress range that is not a CIDR', { sites: [{ ...dc1, clusters: [{ name: 'dc1-a', egressCidrs: ['10.1.0.0/33'] }] }] },
        "shop: sites[0].clusters[0].egressCidrs[0] must be a CIDR range listed once (got \"10.1.0.0/33\"); use e.g. '10.1.0.0/16' (the cluster's node or NAT addresses)"],
      ['a failover policy without a standby site', { sites: [dc1], traffic: TrafficPolicy.failover({ service: 'api', host: 'shop.example.com' }) },
        'shop: traffic fails over to a standby site, and the topology has none (got "failover"); use TrafficPolicy.balanced({...}), or add a SiteRole.STANDBY site'],
      ['an RTO of zero', { targets: { rto: Duration.seconds(0) } },
        'shop: targets.rto must be a positive Duration (got 0 seconds); use e.g. Duration.minutes(15)'],
      ['no services', { services: [] },
        "shop: services must list at least one service (got []); give e.g. [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }]"],
    ])('%s', (_what, override, message) => {
      expect(() => resolveTopology('shop', { ...spec, ...override })).toThrow(message);
    });
  });
});
