/**
 * A caller the compiler does not watch (plain JavaScript, props read from JSON, `as any`) may put
 * any value anywhere. Every such value must either be refused with a HadrError that starts with
 * the construct path, or give output that validates against the Kubernetes schema: never a
 * TypeError, never a crash while synthesizing, never a manifest the API server would reject.
 */
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import {
  ActivePassiveDr, AvailabilityMode, Baseline, EnvValue, FileSource, GitOps, HealthCheck, MultiCluster, MultiReplica, NetworkPeer,
  PatroniCluster, PriorityClass, RedisSentinel, StatefulKind, TopologyApp, TrafficPolicy,
} from '../../lib';
import { mutations, Mutation, outcomeOf } from '../support/mutations';
import { validateManifests } from '../support/schema';

const service = {
  name: 'api', image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080, servicePort: 80 }], healthPath: '/health',
  env: { LOG_LEVEL: 'info', DB_PASSWORD: EnvValue.fromSecret('db', 'password'), NODE: EnvValue.fromField('spec.nodeName') },
  command: ['/bin/api'], args: ['--port=8080'], writablePaths: ['/tmp', '/var/cache/api'],
  files: [{ path: '/etc/api', from: FileSource.configMap('api-config') }, { path: '/etc/tls', from: FileSource.secret('api-tls') }],
  labels: { tier: 'web' }, annotations: { 'example.com/owner': 'team-a' }, partOf: 'shop', component: 'server',
  runAs: { user: 10001, group: 10001 }, shutdown: { drainDelay: Duration.seconds(5), gracePeriod: Duration.seconds(30) },
  probeTimings: { readiness: { period: Duration.seconds(5), timeout: Duration.seconds(2), failureThreshold: 2 } },
  resources: { cpu: { request: '100m', limit: '1' }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
  ingress: [{ from: NetworkPeer.namespace('ingress-nginx'), ports: [{ port: 8080 }] }],
  egress: [{ to: NetworkPeer.cidr('10.0.0.0/16'), ports: [{ port: 5432 }] }],
  autoscale: { min: 2, max: 6, cpuUtilization: 70 },
};

/** Builds in a fresh chart; synthesizes and validates what was accepted. */
function build(construct: (chart: Chart) => void): () => void {
  return () => {
    const chart = new Chart(new App(), 'shop', { namespace: 'shop' });
    construct(chart);
    // Whatever was accepted synthesizes without an error of any kind (a HadrError here would come
    // too late: a plain App may have written other charts already) and validates.
    try {
      validateManifests(Testing.synth(chart));
    } catch (err) {
      throw new Error(`accepted, then failed at synth: ${(err as Error).message}`);
    }
  };
}

/** The mutations that neither were refused with a message starting with `path` nor gave valid output. */
function failures(all: Iterable<Mutation>, run: (props: any) => () => void, path: string): string[] {
  const found: string[] = [];
  for (const mutation of all) {
    const outcome = outcomeOf(run(mutation.props));
    const label = `${mutation.path} = ${typeof mutation.value === 'string' ? JSON.stringify(mutation.value) : String(mutation.value)}`;
    if (outcome.kind === 'crashed') found.push(`${label}: ${outcome.error.split('\n')[0]}`);
    // The construct's path, or the path of a construct it built (a cluster's workload: chat/dc1-a/web).
    const startsWithPath = outcome.kind === 'refused' && (outcome.message.startsWith(`${path}: `) || outcome.message.startsWith(`${path}/`));
    if (outcome.kind === 'refused' && !startsWithPath) found.push(`${label}: message does not start with the path: ${outcome.message}`);
  }
  return found;
}

describe('every value in every prop is refused or gives valid output', () => {
  it('MultiReplica', () => {
    const run = (props: any) => build((chart) => new MultiReplica(chart, 'api', props));
    expect(failures(mutations({ service, replicas: undefined, priorityClass: PriorityClass.existing('high'), zoneTopologyKey: 'topology.kubernetes.io/zone' }), run, 'shop/api')).toEqual([]);
  });

  it('Baseline', () => {
    const run = (props: any) => build((chart) => new Baseline(chart, 'api', props));
    const { autoscale: _, ...baselineService } = service;
    expect(failures(mutations({ service: { ...baselineService, healthCheck: undefined } }), run, 'shop/api')).toEqual([]);
  });

  it('PatroniCluster', () => {
    const run = (props: any) => build((chart) => new PatroniCluster(chart, 'db', props));
    const props = {
      storage: Size.gibibytes(10), members: 3, name: 'db', partOf: 'shop', storageClassName: 'fast', image: 'ghcr.io/zalando/spilo-18:4.1-p2',
      postgresVersion: 18, patroniVersion: '4.1.4', synchronous: true, parameters: { max_connections: 200, work_mem: '4MB' },
      credentialsSecret: 'db-credentials', priorityClass: PriorityClass.existing('high'),
      backup: {
        s3Prefix: 's3://acme-backups/db', credentialsSecret: 'db-backup', endpoint: 'https://minio.storage.svc:9000', region: 'eu-west-1',
        fullBackupInterval: Duration.hours(24), retainFullBackups: 7, archiveTimeout: Duration.seconds(60),
      },
      pooler: { replicas: 2, image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1', poolMode: 'transaction', authSecret: 'db-pooler-auth' },
      resources: { cpu: { request: '500m', limit: '2' } }, clients: [NetworkPeer.namespace('shop')],
      nodeAntiAffinity: 'required', zoneSpread: 'required',
    };
    expect(failures(mutations(props), run, 'shop/db')).toEqual([]);
    const standby = { storage: Size.gibibytes(10), standby: { host: 'db.dc1.example.com', port: 5432 }, etcdHosts: ['etcd-0:2379', 'etcd-1:2379'] };
    expect(failures(mutations(standby), run, 'shop/db')).toEqual([]);
  });

  it('RedisSentinel', () => {
    const run = (props: any) => build((chart) => new RedisSentinel(chart, 'cache', props));
    const props = {
      storage: Size.gibibytes(10), name: 'cache', partOf: 'shop', replicas: 2, sentinels: 3, quorum: 2, storageClassName: 'fast',
      image: 'redis:8.2.8', passwordSecret: { name: 'cache-auth', key: 'password' }, masterName: 'cache',
      resources: { cpu: { request: '250m', limit: '1' } }, maxMemory: Size.mebibytes(512), appendFsync: 'everysec',
      redisDirectives: [['maxmemory-policy', 'noeviction']], sentinelDirectives: [['sentinel', 'parallel-syncs', 'cache', 1]],
      primaryProxy: { replicas: 2, image: 'haproxy:3.2.15' }, clients: [NetworkPeer.namespace('shop')], clusterDomain: 'cluster.local',
      nodeAntiAffinity: 'required', zoneSpread: 'required', priorityClass: PriorityClass.existing('high'),
    };
    expect(failures(mutations(props), run, 'shop/cache')).toEqual([]);
  });

  it('MultiCluster', () => {
    const run = (props: any) => () => {
      const app = new TopologyApp({ outdir: '/nonexistent' });
      const topology = new MultiCluster(app, 'chat', props);
      try {
        for (const cluster of topology.clusters) validateManifests(Testing.synth(cluster.chart));
      } catch (err) {
        throw new Error(`accepted, then failed at synth: ${(err as Error).message}`);
      }
    };
    const props = {
      services: [{ name: 'web', image: 'ghcr.io/acme/web:1.0.0', port: 8080, healthPath: '/healthz', env: { LOG_LEVEL: 'info' } }],
      clusters: [
        {
          name: 'dc1-a', zones: ['a'], labels: { site: 'dc1' }, ingress: { address: 'ingress.dc1-a.example.com', host: 'web.dc1-a.example.com' },
          services: { web: { replicas: 3, env: { SITE: 'a' } } },
        },
        { name: 'dc1-b', ingress: { address: '10.1.0.10', httpPort: 80, httpsPort: 443 } },
      ],
      sharedEndpoints: [{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.example.com', network: '10.30.0.0/24', usedBy: ['web'] },
        { name: 'redis', kind: StatefulKind.REDIS, addresses: ['10.30.0.21'], port: 6379 }],
      gitOps: GitOps.argoCd({ repoURL: 'https://git.example.com/platform/chat.git', branch: 'main', path: 'deploy' }),
      loadBalancing: { service: 'web', host: 'chat.example.com', stickySessions: { cookieName: 'SITE' }, healthPath: '/healthz' },
      namespace: 'chat',
    };
    expect(failures(mutations(props), run, 'chat')).toEqual([]);
  });

  it('ActivePassiveDr', () => {
    const run = (props: any) => () => {
      const dr = new ActivePassiveDr(new TopologyApp({ outdir: '/nonexistent' }), 'firebackup', props);
      try {
        for (const cluster of dr.clusters) validateManifests(Testing.synth(cluster.chart));
      } catch (err) {
        throw new Error(`accepted, then failed at synth: ${(err as Error).message}`);
      }
    };
    const props = {
      services: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' }],
      sites: [
        { name: 'dc1', clusters: [{ name: 'dc1-a', egressCidrs: ['10.1.0.0/16'] }, { name: 'dc1-b', egressCidrs: ['10.2.0.0/16'] }] },
        { name: 'dc2', availability: AvailabilityMode.BASELINE, clusters: [{ name: 'dc2', egressCidrs: ['10.9.0.0/16'] }] },
      ],
      activeSite: 'dc1',
      postgres: {
        storage: Size.gibibytes(100), backup: { credentialsSecret: 'wal-s3' },
        sites: { dc1: { primaryHost: 'db.dc1.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc1' } }, dc2: { primaryHost: 'db.dc2.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc2' } } },
      },
      redis: { storage: Size.gibibytes(10), sites: { dc1: { host: 'redis.dc1.acme.internal' }, dc2: {} } },
      traffic: TrafficPolicy.k8gb({ service: 'api', host: 'backup.acme.example' }),
      gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/firebackup.git' }),
      targets: { rto: Duration.minutes(15), rpo: Duration.minutes(1) },
    };
    expect(failures(mutations(props), run, 'firebackup')).toEqual([]);
  });

  it('a construct given no props at all', () => {
    const chart = () => new Chart(new App(), 'shop', { namespace: 'shop' });
    for (const [path, construct] of [
      ['shop/api', (c: Chart) => new MultiReplica(c, 'api', undefined as any)],
      ['shop/api', (c: Chart) => new Baseline(c, 'api', undefined as any)],
      ['shop/db', (c: Chart) => new PatroniCluster(c, 'db', undefined as any)],
      ['shop/cache', (c: Chart) => new RedisSentinel(c, 'cache', undefined as any)],
    ] as const) {
      const outcome = outcomeOf(() => construct(chart()));
      expect(outcome).toEqual({ kind: 'refused', message: expect.stringMatching(new RegExp(`^${path}: props is required \\(got nothing\\)`)) });
    }
    expect(outcomeOf(() => new MultiCluster(new TopologyApp(), 'chat', undefined as any))).toEqual({
      kind: 'refused', message: expect.stringMatching(/^chat: props are required \(got nothing\)/),
    });
  });

  it('health checks and peers built by hand are refused, not trusted', () => {
    const run = (props: any) => build((chart) => new MultiReplica(chart, 'api', props));
    const forged = [
      { ...service, healthPath: undefined, healthCheck: { kind: 'http', path: '/x' } },
      { ...service, ingress: [{ from: { cidr: '0.0.0.0/0' } }] },
      { ...service, env: { A: { source: 'secret', sourceName: 'x', key: 'y' } } },
      { ...service, files: [{ path: '/x', from: { kind: 'secret', name: 'x' } }] },
      { ...service, healthPath: undefined, healthCheck: HealthCheck.http('/x', { scheme: 'https' as any }) },
    ];
    for (const props of forged) expect(outcomeOf(run({ service: props })).kind).toBe('refused');
  });
});
