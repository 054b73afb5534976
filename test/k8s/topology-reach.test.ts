import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Exposure, MultiCluster, NetworkPeer, PatroniCluster, RedisSentinel, TopologyApp } from '../../lib';
import { findObject, synthValid } from '../support/schema';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-reach-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const CLUSTER_LOCAL = /\.svc(\.cluster\.local)?\.?$/;
const consumerCidrs = ['10.1.0.0/16', '10.2.0.0/16', '192.0.2.10/32'];
const cidrPeers = consumerCidrs.map((cidr) => ({ ipBlock: { cidr } }));

/** GIVEN a PatroniCluster and a RedisSentinel on a data cluster, exposed, and shared with two clusters. */
function sharedFromDataCluster() {
  const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(outdir, 'shared-')) });
  const data = app.addFolderChart('data', 'data', { namespace: 'data' }, app);
  const db = new PatroniCluster(data, 'orders', {
    storage: Size.gibibytes(10),
    expose: { pooler: Exposure.loadBalancer({ host: 'orders-db.data.acme.internal' }), primary: Exposure.external({ host: '10.30.0.5' }) },
  });
  const cache = new RedisSentinel(data, 'sessions', {
    storage: Size.gibibytes(5),
    expose: { primary: Exposure.loadBalancer({ host: 'sessions.data.acme.internal', annotations: { 'metallb.universe.tf/address-pool': 'data' } }) },
  });
  const shop = new MultiCluster(app, 'shop', {
    services: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }],
    clusters: [
      { name: 'dc1-a', egressCidrs: consumerCidrs.slice(0, 1) },
      { name: 'dc1-b', egressCidrs: consumerCidrs.slice(1) },
    ],
    sharedEndpoints: [db, cache],
  });
  return { app, data, db, cache, shop };
}

describe('a PatroniCluster and a RedisSentinel shared from a data cluster', () => {
  const { app, data, shop } = sharedFromDataCluster();
  const dataObjects = synthValid(data);

  it('gives every consumer cluster the exposed names, never a cluster-local one', () => {
    for (const cluster of shop.clusters) {
      const objects = synthValid(cluster.chart);
      expect(findObject(objects, 'Service', 'orders').spec).toMatchObject({ type: 'ExternalName', externalName: 'orders-db.data.acme.internal' });
      expect(findObject(objects, 'Service', 'sessions').spec).toMatchObject({ type: 'ExternalName', externalName: 'sessions.data.acme.internal' });
      for (const service of objects.filter((o) => o.kind === 'Service' && o.spec.type === 'ExternalName')) {
        expect(service.spec.externalName).not.toMatch(CLUSTER_LOCAL);
      }
    }
  });

  it("admits exactly the consumer clusters' egress CIDRs to the pooler, the members and the Redis proxy, on their ports", () => {
    const ingressFromCidrs = (name: string) => findObject(dataObjects, 'NetworkPolicy', name).spec.ingress
      .filter((rule: any) => rule.from.some((peer: any) => peer.ipBlock));
    expect(ingressFromCidrs('orders-pooler')).toEqual(cidrPeers.map((peer) => ({ from: [peer], ports: [{ port: 5432, protocol: 'TCP' }] })));
    expect(ingressFromCidrs('orders')).toEqual([{ from: expect.arrayContaining(cidrPeers), ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(ingressFromCidrs('sessions-primary')).toEqual(cidrPeers.map((peer) => ({ from: [peer], ports: [{ port: 6379, protocol: 'TCP' }] })));
  });

  it('exposes the pooler through an internal LoadBalancer that keeps client addresses and admits only the consumers', () => {
    const service = findObject(dataObjects, 'Service', 'orders-pooler-external');
    expect(service.spec).toMatchObject({
      type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: consumerCidrs,
      selector: findObject(dataObjects, 'Deployment', 'orders-pooler').spec.selector.matchLabels,
      ports: [{ name: 'postgresql', port: 5432, targetPort: 'postgresql', protocol: 'TCP' }],
    });
    const pooler = findObject(dataObjects, 'Deployment', 'orders-pooler').spec.template.spec.containers[0];
    expect(pooler.ports.map((p: any) => p.name)).toContain('postgresql');
    expect(service.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
      'networking.gke.io/load-balancer-type': 'Internal',
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'external-dns.alpha.kubernetes.io/hostname': 'orders-db.data.acme.internal',
    });
  });

  it('exposes the Redis primary proxy the same way, with the annotations the user passed', () => {
    const service = findObject(dataObjects, 'Service', 'sessions-primary-external');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: consumerCidrs });
    expect(service.spec.selector).toEqual(findObject(dataObjects, 'Deployment', 'sessions-primary').spec.selector.matchLabels);
    expect(service.metadata.annotations['metallb.universe.tf/address-pool']).toBe('data');
  });

  it('leaves an address the user routes (Exposure.external) as a plain ClusterIP leader Service', () => {
    expect(findObject(dataObjects, 'Service', 'orders').spec.type).toBe('ClusterIP');
  });

  it('records the exposed addresses as reachable from anywhere in the summary', () => {
    expect(shop.summary.data.map((d) => [d.name, d.host, d.reach])).toEqual([
      ['orders', 'orders-db.data.acme.internal', 'anywhere'],
      ['sessions', 'sessions.data.acme.internal', 'anywhere'],
    ]);
  });

  it('writes a dist/ in which no ExternalName points at a cluster-local name', () => {
    app.synth();
    const documents = fs.readdirSync(app.outdir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(app.outdir, f), 'utf8')).map((d) => d.toJSON()));
    const externalNames = documents.filter((o) => o?.kind === 'Service' && o.spec.type === 'ExternalName').map((o) => o.spec.externalName);
    expect(externalNames.length).toBe(4);
    expect(externalNames.filter((name: string) => CLUSTER_LOCAL.test(name))).toEqual([]);
  });
});

describe('an exposed stateful construct', () => {
  it('that admits nobody from outside its cluster is refused at synth: nothing could connect through it', () => {
    const chart = Testing.chart();
    new PatroniCluster(chart, 'orders', { storage: Size.gibibytes(10), expose: { pooler: Exposure.loadBalancer({ host: 'orders-db.example.com' }) } });
    expect(() => Testing.synth(chart)).toThrow(
      'test/orders: expose.pooler is exposed, but no address outside the cluster is admitted, so the NetworkPolicy drops every connection that comes through it '
      + "(got \"orders-db.example.com\"); admit the consumers with allowFrom(NetworkPeer.cidr('10.1.0.0/16')), or share it in a topology whose clusters declare egressCidrs");
  });

  it('admits what allowFrom names, at the load balancer too', () => {
    const chart = Testing.chart();
    const cache = new RedisSentinel(chart, 'sessions', {
      storage: Size.gibibytes(5), expose: { primary: Exposure.loadBalancer({ host: 'sessions.example.com', internal: false }) },
    });
    cache.allowFrom(NetworkPeer.cidr('10.7.0.0/16'));
    const service = findObject(synthValid(chart), 'Service', 'sessions-primary-external');
    expect(service.spec.loadBalancerSourceRanges).toEqual(['10.7.0.0/16']);
    expect(service.metadata.annotations).toEqual({ 'external-dns.alpha.kubernetes.io/hostname': 'sessions.example.com' });
  });

  it.each<[string, any, string]>([
    ['a cluster-local exposure host', { pooler: Exposure.loadBalancer({ host: 'orders.data.svc' }) },
      "test/orders: expose.pooler.host must be a DNS name in a zone you manage, or an IP address, that other clusters can resolve (not a cluster-local Service name) (got \"orders.data.svc\"); use e.g. 'orders-db.data.example.com'"],
    ['an exposed pooler that is turned off', { pooler: Exposure.external({ host: 'orders-db.example.com' }) },
      'test/orders: expose.pooler exposes the pooler, and pooler is false (got "orders-db.example.com"); keep the pooler, or expose the primary instead'],
    ['an exposure that is not an Exposure', { primary: { host: 'orders-db.example.com' } },
      "test/orders: expose.primary must be an Exposure (got {\"host\":\"orders-db.example.com\"}); use Exposure.loadBalancer({ host: 'db.data.example.com' }) or Exposure.external({ host })"],
  ])('refuses %s', (_what, expose, message) => {
    expect(() => new PatroniCluster(Testing.chart(), 'orders', { storage: Size.gibibytes(10), expose, pooler: expose.pooler?.type === 'external' ? false : undefined }))
      .toThrow(message);
  });
});

describe('a standby PatroniCluster on another site', () => {
  const site = (app: App, name: string) => new Chart(app, name, { namespace: 'shop' });

  it('replicates from the exposed primary of the source', () => {
    const app = Testing.app();
    const primary = new PatroniCluster(site(app, 'dc1'), 'db', {
      storage: Size.gibibytes(10), expose: { primary: Exposure.loadBalancer({ host: 'db.dc1.acme.internal' }) },
    });
    primary.allowFrom(NetworkPeer.cidr('10.9.0.0/16'));
    const standby = new PatroniCluster(site(app, 'dc2'), 'db', { storage: Size.gibibytes(10), standby: primary.replicationSource() });
    expect(primary.replicationSource()).toMatchObject({ host: 'db.dc1.acme.internal', port: 5432 });
    const patroni = YAML.parse(findObject(synthValid(Chart.of(standby)), 'ConfigMap', 'db-patroni').data['patroni.yml']);
    expect(patroni.bootstrap.dcs.standby_cluster).toMatchObject({ host: 'db.dc1.acme.internal', port: 5432 });
    const leader = findObject(synthValid(Chart.of(primary)), 'Service', 'db');
    expect(leader.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.9.0.0/16'] });
    expect(leader.spec.selector).toBeUndefined();
  });

  it('refuses a source known only by its cluster-local leader Service', () => {
    const app = Testing.app();
    const primary = new PatroniCluster(site(app, 'dc1'), 'db', { storage: Size.gibibytes(10) });
    expect(() => new PatroniCluster(site(app, 'dc2'), 'db', { storage: Size.gibibytes(10), standby: primary.replicationSource() })).toThrow(
      'dc2/db: standby.host resolves only inside the cluster of chart "dc1", so this standby cannot connect to it (got "db.shop.svc"); '
      + "expose the source's primary (expose: { primary: Exposure.loadBalancer({ host: 'db.dc1.example.com' }) }) and use its replicationSource(), or give a host this site can reach");
  });

  it('refuses a cluster-local host typed by hand, and accepts one the user routes', () => {
    const app = Testing.app();
    expect(() => new PatroniCluster(site(app, 'dc2'), 'db', { storage: Size.gibibytes(10), standby: { host: 'db.shop.svc.cluster.local' } }))
      .toThrow(/dc2\/db: standby.host resolves only inside the source's own cluster/);
    expect(() => new PatroniCluster(site(app, 'dc3'), 'db', { storage: Size.gibibytes(10), standby: { host: 'db.dc1.acme.internal' } })).not.toThrow();
  });
});
