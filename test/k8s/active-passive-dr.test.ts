import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ActivePassiveDr, ActivePassiveDrProps, AvailabilityMode, GitOps, StatefulKind, TopologyApp, TrafficPolicy,
} from '../../lib';
import { findObject, synthValid } from '../support/schema';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-dr-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const REPO = 'https://git.acme.example/platform/firebackup.git';
const props: ActivePassiveDrProps = {
  services: [
    { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' },
    { name: 'worker', image: 'ghcr.io/acme/worker:1.4.2', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready', autoscale: { min: 2, max: 20 }, stopWhenPassive: true },
  ],
  sites: [
    { name: 'dc1', clusters: [{ name: 'dc1-a', egressCidrs: ['10.1.0.0/16'] }, { name: 'dc1-b', egressCidrs: ['10.2.0.0/16'] }] },
    { name: 'dc2', availability: AvailabilityMode.BASELINE, clusters: [{ name: 'dc2', egressCidrs: ['10.9.0.0/16'] }] },
  ],
  activeSite: 'dc1',
  postgres: {
    storage: Size.gibibytes(100),
    sites: {
      dc1: { primaryHost: 'db.dc1.acme.internal', poolerHost: 'db-pooler.dc1.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc1' } },
      dc2: { primaryHost: 'db.dc2.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc2' } },
    },
    backup: { credentialsSecret: 'wal-s3' },
  },
  redis: { storage: Size.gibibytes(10), sites: { dc1: { host: 'redis.dc1.acme.internal' }, dc2: {} } },
  traffic: TrafficPolicy.k8gb({ service: 'api', host: 'backup.acme.example' }),
  gitOps: GitOps.argoCd({ repoURL: REPO }),
  targets: { rto: Duration.minutes(15), rpo: Duration.minutes(1) },
};

function build(overrides: Partial<ActivePassiveDrProps> = {}) {
  const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(outdir, 'app-')) });
  const dr = new ActivePassiveDr(app, 'firebackup', { ...props, ...overrides });
  const folders = Object.fromEntries(dr.clusters.map((c) => [c.name, synthValid(c.chart)]));
  return { app, dr, folders };
}

const patroniYml = (objects: any[]) => YAML.parse(findObject(objects, 'ConfigMap', 'postgres-patroni').data['patroni.yml']);
const identity = (o: any) => `${o.kind}/${o.metadata.name}`;

describe('ActivePassiveDr', () => {
  const { app, dr, folders } = build();

  it('matches the snapshot', () => {
    expect({ folders, summary: dr.summary }).toMatchSnapshot();
  });

  describe('every site', () => {
    it('runs the services in its own mode: MultiReplica on dc1, Baseline on dc2', () => {
      expect(findObject(folders['dc1-a'], 'Deployment', 'api').spec.replicas).toBe(3);
      expect(findObject(folders['dc1-b'], 'Deployment', 'api').spec.replicas).toBe(3);
      expect(findObject(folders.dc2, 'Deployment', 'api').spec.replicas).toBe(1);
    });

    it('keeps what must not act on the passive site at 0 replicas, with no budget or autoscaler, and runs it on the active one', () => {
      expect(findObject(folders.dc2, 'Deployment', 'worker').spec.replicas).toBe(0);
      expect(folders.dc2.filter((o) => o.metadata.name === 'worker').map((o) => o.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount']);
      expect(findObject(folders['dc1-a'], 'HorizontalPodAutoscaler', 'worker').spec.minReplicas).toBe(2);
      expect(findObject(folders['dc1-a'], 'Deployment', 'worker').spec.replicas).toBeUndefined();
    });

    it('runs one PostgreSQL and one Redis per site, on the site\'s first cluster', () => {
      const holders = Object.entries(folders).filter(([, objects]) => objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres')).map(([c]) => c);
      expect(holders).toEqual(['dc1-a', 'dc2']);
      expect(dr.data.map((d) => [d.site, d.postgres?.clusterName, d.redis?.name])).toEqual([['dc1', 'postgres', 'redis'], ['dc2', 'postgres', 'redis']]);
    });

    it("reaches its own site's pooler: directly in the cluster that runs it, through its load balancer from the others", () => {
      expect(folders['dc1-a'].filter((o) => o.kind === 'Service' && o.metadata.name === 'postgres-pooler').map((o) => o.spec.type)).toEqual(['ClusterIP']);
      expect(findObject(folders['dc1-b'], 'Service', 'postgres-pooler').spec).toMatchObject({ type: 'ExternalName', externalName: 'db-pooler.dc1.acme.internal' });
      const egress = findObject(folders['dc1-a'], 'NetworkPolicy', 'api').spec.egress;
      expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'postgres-pooler' } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
      expect(findObject(folders['dc1-b'], 'Service', 'redis-primary').spec.externalName).toBe('redis.dc1.acme.internal');
    });
  });

  describe('PostgreSQL across the sites', () => {
    it('keeps a permanent slot for the standby site on the primary, which archives to its own site', () => {
      const dcs = patroniYml(folders['dc1-a']).bootstrap.dcs;
      expect(dcs.slots).toEqual({ standby_dc2: { type: 'physical' } });
      expect(dcs.standby_cluster).toBeUndefined();
      const env = findObject(folders['dc1-a'], 'StatefulSet', 'postgres').spec.template.spec.containers[0].env;
      expect(env.find((e: any) => e.name === 'WALG_S3_PREFIX').value).toBe('s3://acme-wal/dc1');
    });

    it("makes the standby site's cluster replicate from the active site's exposed primary, through its slot, catching up from its archive", () => {
      expect(patroniYml(folders.dc2).bootstrap.dcs.standby_cluster).toMatchObject({
        host: 'db.dc1.acme.internal', port: 5432, primary_slot_name: 'standby_dc2',
        restore_command: 'env WALG_S3_PREFIX=s3://acme-wal/dc1 wal-g wal-fetch %f %p',
      });
      expect(patroniYml(folders.dc2).bootstrap.dcs.slots).toBeUndefined();
    });

    it("exposes each site's primary through an internal load balancer admitting every other cluster, since the roles flip", () => {
      for (const [cluster, host] of [['dc1-a', 'db.dc1.acme.internal'], ['dc2', 'db.dc2.acme.internal']]) {
        const leader = findObject(folders[cluster], 'Service', 'postgres');
        expect(leader.spec.type).toBe('LoadBalancer');
        expect(leader.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe(host);
      }
      expect(findObject(folders['dc1-a'], 'Service', 'postgres').spec.loadBalancerSourceRanges).toEqual(['10.2.0.0/16', '10.9.0.0/16']);
      expect(findObject(folders.dc2, 'Service', 'postgres').spec.loadBalancerSourceRanges).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    });
  });

  it('points k8gb at the active site on every cluster', () => {
    for (const objects of Object.values(folders)) {
      expect(findObject(objects, 'Gslb', 'api').spec).toEqual({
        resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', matchLabels: { 'app.kubernetes.io/instance': 'api' } },
        strategy: { type: 'failover', primaryGeoTag: 'dc1', dnsTtlSeconds: 30 },
      });
      expect(findObject(objects, 'Ingress', 'api').metadata.labels['app.kubernetes.io/instance']).toBe('api');
    }
  });

  it('writes the folders, one ApplicationSet per site, the summary and RUNBOOK.md', () => {
    app.synth();
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['.hadr-constructs-output.json', 'RUNBOOK.md', 'dc1', 'dc2', 'firebackup.svg', 'firebackup.topology.json', 'gitops']);
    expect(dr.runbook).toContain('```mermaid\n');
    expect(fs.readFileSync(path.join(app.outdir, 'firebackup.svg'), 'utf8')).toMatch(/^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(fs.readFileSync(path.join(app.outdir, 'RUNBOOK.md'), 'utf8')).toBe(dr.runbook);
    expect(dr.summary.sites.map((s) => [s.name, s.role])).toEqual([['dc1', 'active'], ['dc2', 'standby']]);
    expect(dr.summary.data.filter((d) => d.replication).map((d) => [d.name, d.site, d.replication])).toEqual([
      ['postgres-pooler', 'dc2', { fromSite: 'dc1', fromHost: 'db.dc1.acme.internal', mode: 'asynchronous', maxLagSeconds: 10 }],
    ]);
  });

  describe('the budget', () => {
    // in-site: Patroni 30 + 10 + 2 + (1000 x 2 + 2000) ms = 46 s; Redis 5 + 2.5 + (1000 + 1000) ms = 9.5 s, a cache
    // site loss: decision 300 + fence 60 + promotion (10 + 2) + activation 60 + worker from 0 (60 pull + 5 x 2) = 502 s,
    // k8gb: readiness 5 x 2 + reconcile 30 + TTL 30 = 70 s in parallel; RPO: postgres lag 10 s, redis a cache
    it('is computed from the knobs: 502 s and 10 s at worst', () => {
      expect(dr.budget.scenarios.map((s) => [s.scenario, s.rtoSeconds, s.rpoSeconds])).toEqual([
        ['postgres primary lost', 46, 0],
        ['redis primary lost', 9.5, 0],
        ['api pod lost', 10, 0],
        ['worker pod lost', 10, 0],
        ['site loss', 502, 10],
      ]);
      expect([dr.budget.worstRtoSeconds, dr.budget.worstRpoSeconds]).toEqual([502, 10]);
    });

    it('gives each runbook step it covers its share', () => {
      const durations = dr.failoverSteps.map((s) => [s.title, s.expectedDuration?.toMilliseconds()]);
      expect(durations).toContainEqual(['Decide that dc1 is lost', 300_000]);
      expect(durations).toContainEqual(['Fence dc1', 60_000]);
      expect(durations).toContainEqual(['Promote the database on dc2', 12_000]);
      expect(durations).toContainEqual(['Make dc2 the active site in the topology', 60_000]);
      expect(durations).toContainEqual(['Check clients reach dc2', 70_000]);
    });
  });

  describe('the runbook', () => {
    it('uses the real names: sites, clusters, Patroni scope, hosts, slots', () => {
      const promote = dr.failoverSteps.find((s) => s.title === 'Promote the database on dc2')!;
      expect(promote.command).toBe('kubectl --context dc2 -n firebackup exec statefulset/postgres -c patroni -- patronictl -c /etc/patroni/patroni.yml edit-config --force --set standby_cluster=null');
      const mark = dr.failbackSteps.find((s) => s.title.startsWith("Mark dc1's database"))!;
      expect(mark.command).toContain('kubectl --context dc1-a -n firebackup annotate endpoints postgres-config --overwrite config=');
      const config = JSON.parse(/config='(.*)'$/.exec(mark.command)![1]);
      expect(config.standby_cluster).toMatchObject({ host: 'db.dc2.acme.internal', primary_slot_name: 'standby_dc1', restore_command: 'env WALG_S3_PREFIX=s3://acme-wal/dc2 wal-g wal-fetch %f %p' });
      expect(config.slots).toBeUndefined();
      expect(dr.runbook).toContain('argocd app sync firebackup-dc2');
      expect(dr.runbook).toContain('`postgres-credentials`, `postgres-pooler-auth`, `wal-s3`, `redis-auth`, `api-tls`');
    });

    it('fails back with the read-only switch before promotion, and removes the setting after', () => {
      const titles = dr.failbackSteps.map((s) => s.title);
      expect(titles.indexOf('Make dc2 read-only')).toBeLessThan(titles.indexOf('Promote dc1'));
      expect(titles.indexOf('Wait until dc1 has replayed dc2\'s last position')).toBeLessThan(titles.indexOf('Promote dc1'));
      expect(titles.indexOf('Promote dc1')).toBeLessThan(titles.indexOf('Make dc2 a standby of dc1'));
      expect(titles.at(-3)).toBe('Remove the read-only setting from dc2');
      expect(titles.slice(0, 2)).toEqual(['Keep dc1 fenced until it runs the new roles', "Mark dc1's database a standby of dc2 before it starts"]);
    });
  });

  describe('flipped to dc2 (failover and failback are one field)', () => {
    const flipped = build({ activeSite: 'dc2' });

    it('renders the mirror image: dc1 a standby of dc2, the stopped service on dc1, running on dc2, k8gb at dc2', () => {
      expect(patroniYml(flipped.folders['dc1-a']).bootstrap.dcs.standby_cluster).toMatchObject({ host: 'db.dc2.acme.internal', primary_slot_name: 'standby_dc1' });
      expect(patroniYml(flipped.folders.dc2).bootstrap.dcs.slots).toEqual({ standby_dc1: { type: 'physical' } });
      expect(findObject(flipped.folders['dc1-a'], 'Deployment', 'worker').spec.replicas).toBe(0);
      expect(findObject(flipped.folders.dc2, 'Deployment', 'worker').spec.replicas).toBe(1);
      expect(findObject(flipped.folders.dc2, 'Gslb', 'api').spec.strategy.primaryGeoTag).toBe('dc2');
    });

    it('changes the GitOps output only where the roles do', () => {
      const changed: string[] = [];
      for (const cluster of Object.keys(folders)) {
        const before = new Map(folders[cluster].map((o) => [identity(o), JSON.stringify(o)]));
        const after = new Map(flipped.folders[cluster].map((o) => [identity(o), JSON.stringify(o)]));
        for (const id of new Set([...before.keys(), ...after.keys()])) if (before.get(id) !== after.get(id)) changed.push(`${cluster} ${id}`);
      }
      expect(changed.sort()).toEqual([
        // The standby's members need egress to the remote primary; the primary's do not.
        'dc1-a NetworkPolicy/postgres', 'dc2 NetworkPolicy/postgres',
        'dc1-a ConfigMap/postgres-patroni', 'dc1-a Deployment/worker', 'dc1-a Gslb/api', 'dc1-a HorizontalPodAutoscaler/worker', 'dc1-a PodDisruptionBudget/worker',
        'dc1-b Deployment/worker', 'dc1-b Gslb/api', 'dc1-b HorizontalPodAutoscaler/worker', 'dc1-b PodDisruptionBudget/worker',
        'dc2 ConfigMap/postgres-patroni', 'dc2 Deployment/worker', 'dc2 Gslb/api', 'dc2 PodDisruptionBudget/worker',
      ].sort());
    });

    it('does not roll the database members: their runtime configuration is unchanged', () => {
      const sha = (objects: any[]) => findObject(objects, 'StatefulSet', 'postgres').spec.template.metadata.annotations['hadr-constructs.io/patroni-config-sha'];
      expect(sha(flipped.folders['dc1-a'])).toBe(sha(folders['dc1-a']));
      expect(sha(flipped.folders.dc2)).toBe(sha(folders.dc2));
    });

    it('writes the runbook for the new direction', () => {
      expect(flipped.dr.failoverSteps.map((s) => s.title)).toContain('Promote the database on dc1');
    });
  });

  it('publishes Route 53 failover records, PRIMARY on the active site, from one cluster per site', () => {
    const ids = { dc1: 'abcdef12-3456-7890-abcd-ef1234567890', dc2: 'bcdef123-4567-8901-bcde-f12345678901' };
    const route53 = TrafficPolicy.route53({
      service: 'api', host: 'backup.acme.example',
      sites: { dc1: { address: 'lb.dc1.acme.example', healthCheckId: ids.dc1 }, dc2: { address: '203.0.113.10', healthCheckId: ids.dc2 } },
    });
    const { folders: withRoute53, dr: drRoute53 } = build({ traffic: route53 });
    expect(withRoute53['dc1-b'].filter((o) => o.kind === 'DNSEndpoint')).toEqual([]);
    const [dc1, dc2] = [withRoute53['dc1-a'], withRoute53.dc2].map((objects) => findObject(objects, 'DNSEndpoint').spec.endpoints[0]);
    expect(dc1).toEqual({
      dnsName: 'backup.acme.example', recordType: 'CNAME', recordTTL: 60, targets: ['lb.dc1.acme.example'], setIdentifier: 'firebackup-primary',
      providerSpecific: [{ name: 'aws/failover', value: 'PRIMARY' }, { name: 'aws/health-check-id', value: ids.dc1 }],
    });
    expect(dc2).toMatchObject({ recordType: 'A', targets: ['203.0.113.10'], setIdentifier: 'firebackup-secondary', providerSpecific: [{ name: 'aws/failover', value: 'SECONDARY' }, { name: 'aws/health-check-id', value: ids.dc2 }] });
    // 30 s x 3 + TTL 60 s = 150 s, in parallel with the 502 s of the rest
    expect(drRoute53.budget.scenarios.find((s) => s.scenario === 'site loss')!.rto.at(-1)!.seconds).toBe(150);
  });

  it('keeps the shared Secrets in step with external-secrets on every cluster', () => {
    const { folders: synced } = build({ sharedSecrets: { names: ['signing-keys'], externalSecrets: { store: 'vault' } } });
    const names = (objects: any[]) => objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name);
    for (const objects of Object.values(synced)) {
      expect(names(objects)).toEqual(['postgres-credentials', 'postgres-pooler-auth', 'wal-s3', 'redis-auth', 'api-tls', 'signing-keys']);
    }
    expect(findObject(synced.dc2, 'ExternalSecret', 'signing-keys').spec).toEqual({
      refreshInterval: '3600s', secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'signing-keys', creationPolicy: 'Owner', deletionPolicy: 'Retain' }, dataFrom: [{ extract: { key: 'firebackup/signing-keys' } }],
    });
  });

  describe('refuses bad input with the path, the field, the value and the fix', () => {
    it.each<[string, Partial<ActivePassiveDrProps>, string | RegExp]>([
      ['identical sites', { sites: [props.sites[0], { ...props.sites[0], name: 'dc2' }] },
        'firebackup: sites[1] has the same clusters as sites[0] (dc1): a site failing over to itself is no recovery (got "dc2"); give each site its own clusters, in another data centre or region'],
      ['one site', { sites: [props.sites[0]] },
        'firebackup: sites must list at least two sites: one active, one to fail over to (got ["dc1"]); add a standby site, or use MultiCluster for one site'],
      ['GitOps missing', { gitOps: undefined },
        "firebackup: gitOps is required: failing over is a commit that every site applies from the one repository (got nothing); give GitOps.argoCd({ repoURL: 'https://git.example.com/platform/topology.git' }) or GitOps.flux({...})"],
      ['an active site that is not a site', { activeSite: 'dc9' },
        'firebackup: activeSite must name one of the sites: exactly one site is active (got "dc9"); use one of "dc1", "dc2"'],
      ['two active sites', { activeSite: ['dc1', 'dc2'] as any },
        'firebackup: activeSite must name one of the sites: exactly one site is active (got ["dc1", "dc2"]); use one of "dc1", "dc2"'],
      ['a balanced policy across the sites', { traffic: TrafficPolicy.balanced({ service: 'api', host: 'backup.acme.example' }) },
        'firebackup: traffic balances across active sites, and an active/passive topology has one (got "balanced"); use TrafficPolicy.k8gb, route53, failover or manual'],
      ['an RTO below the failover floor', { targets: { rto: Duration.seconds(60) }, failover: { decisionTime: Duration.seconds(0), activationTime: Duration.seconds(0), fenceTime: Duration.seconds(0) } },
        /^firebackup: targets cannot be met by this design: the site loss takes up to 82 s \(1 min 22 s\), over the RTO of 60 s \(1 min\) \(the traffic switch alone takes 70 s \(1 min 10 s\)/],
      ['an RPO of 0 with asynchronous replication between the sites', { targets: { rpo: Duration.seconds(0) } },
        /the site loss can lose 10 s of postgres \(10 s: the declared lag bound \(maxReplicationLag\), watched by the lag alert; streaming between sites is asynchronous\), over the RPO of 0 s/],
      ['no database standby while an RPO is declared', {
        postgres: undefined, redis: undefined,
        sites: [{ ...props.sites[0], sharedEndpoints: [{ name: 'db', kind: StatefulKind.POSTGRESQL, host: 'db.dc1.acme.internal', site: 'dc1' }] }, props.sites[1]],
      }, /the site loss can lose all of db that was not yet copied \(no copy replicating from dc1 on every other site\), and the RPO is 60 s/],
      ['synchronous replication across sites, not accepted', {
        postgres: undefined, redis: undefined, targets: undefined,
        sites: [
          { ...props.sites[0], sharedEndpoints: [{ name: 'db', kind: StatefulKind.POSTGRESQL, host: 'db.dc1.acme.internal', site: 'dc1' }] },
          { ...props.sites[1], sharedEndpoints: [{ name: 'db', kind: StatefulKind.POSTGRESQL, host: 'db.dc2.acme.internal', site: 'dc2', replication: { fromSite: 'dc1', fromHost: 'db.dc1.acme.internal', mode: 'synchronous' } }] },
        ],
      }, 'firebackup: db.replication.mode replicates synchronously across sites: every commit waits a round trip between the sites, and writes stop when the link does (got "synchronous"); accept it with replication.acceptedLatency set to the round trip you measured, or replicate asynchronously and bound the lag with maxLag'],
      ['synchronous replication across sites for Patroni', { postgres: { ...props.postgres!, synchronousAcrossSites: true } as any },
        /^firebackup: postgres.synchronousAcrossSites is not offered: a Patroni standby cluster replicates asynchronously/],
      ['a standby source that is not exposed', { postgres: { ...props.postgres!, sites: { ...props.postgres!.sites, dc1: { primaryHost: 'postgres.firebackup.svc', poolerHost: 'db-pooler.dc1.acme.internal' } } } },
        "firebackup: postgres.sites.dc1.primaryHost must be a DNS name in a zone you manage, which the other sites resolve (got \"postgres.firebackup.svc\"); use e.g. 'db.dc1.example.com'"],
      ['a site without a database placement', { postgres: { ...props.postgres!, sites: { dc1: props.postgres!.sites.dc1 } } },
        "firebackup: postgres.sites.dc2 is required: every site runs a copy of the database, the standby ones replicating from the active one (got nothing); give { primaryHost: 'db.dc2.example.com' }"],
      ['a multi-cluster site without a pooler host', { postgres: { ...props.postgres!, sites: { ...props.postgres!.sites, dc1: { primaryHost: 'db.dc1.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc1' } } } } },
        "firebackup: postgres.sites.dc1.poolerHost is required: dc1 has 2 clusters, and the others reach the pooler through its load balancer (got nothing); give e.g. poolerHost: 'db-pooler.dc1.example.com'"],
      ['Route 53 with three sites', {
        sites: [...props.sites, { name: 'dc3', clusters: [{ name: 'dc3', egressCidrs: ['10.3.0.0/16'] }] }], postgres: undefined, redis: undefined, targets: undefined,
        traffic: TrafficPolicy.route53({ service: 'api', host: 'backup.acme.example', sites: {} }),
      }, 'firebackup: traffic is Route 53 failover routing, which holds one PRIMARY and one SECONDARY record: it serves two sites (got ["dc1", "dc2", "dc3"]); use TrafficPolicy.k8gb({...}) or TrafficPolicy.failover({...}) for more sites'],
      ['a Route 53 interval it does not offer', {
        traffic: TrafficPolicy.route53({
          service: 'api', host: 'backup.acme.example', healthCheckInterval: Duration.seconds(15),
          sites: { dc1: { address: 'lb.dc1.acme.example', healthCheckId: 'abcdef12-3456-7890-abcd-ef1234567890' }, dc2: { address: 'lb.dc2.acme.example', healthCheckId: 'abcdef12-3456-7890-abcd-ef1234567891' } },
        }),
      }, 'firebackup: traffic.healthCheckInterval must be 10 or 30 seconds, the intervals Route 53 offers (got 15 seconds); use Duration.seconds(10) or Duration.seconds(30)'],
    ])('%s', (_what, overrides, message) => {
      expect(() => build(overrides)).toThrow(message);
    });
  });
});
