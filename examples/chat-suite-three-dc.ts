/**
 * The semi-automatic three-data-centre failover plan of a chat suite: DC1 serves; DC2 and DC3
 * stand by with a hot-standby PostgreSQL replicating from DC1 and the operator at 0 replicas,
 * so nothing acts there; the updater runs everywhere so the manifests are ready. TLS
 * certificates and signing keys are kept identical on every site by external-secrets; media
 * lives in one redundant S3 bucket that every site reaches. k8gb moves clients to the site that
 * serves. Failing over to DC2 re-points DC3's standby at DC2.
 */
import { Duration, Size } from 'cdk8s';
import { ActivePassiveDr, GitOps, SizingPreset, StatefulKind, TopologyApp, TrafficPolicy } from 'hadr-constructs';

export function chatSuiteThreeDc(outdir: string): TopologyApp {
  const app = new TopologyApp({ outdir });
  const site = (name: string, cidr: string) => ({ name, clusters: [{ name, egressCidrs: [cidr] }] });
  new ActivePassiveDr(app, 'chat', {
    services: [
      { name: 'chat-server', partOf: 'chat', image: 'ghcr.io/acme/chat-server:1.118.0', port: 8008, healthPath: '/health', stopWhenPassive: true },
      { name: 'chat-web', partOf: 'chat', image: 'ghcr.io/acme/chat-web:1.11.85', port: 8080, healthPath: '/', dependsOn: ['chat-server'], stopWhenPassive: true },
      // Deploys the workloads of the suite: at 0 on a standby site, so nothing starts there.
      { name: 'operator', partOf: 'chat', component: 'operator', image: 'ghcr.io/acme/chat-operator:2.4.0', ports: [{ name: 'metrics', port: 8080 }], healthPath: '/readyz', stopWhenPassive: true },
      // Keeps the manifests the operator would deploy up to date: runs on every site.
      { name: 'updater', partOf: 'chat', component: 'updater', image: 'ghcr.io/acme/chat-updater:2.4.0', ports: [{ name: 'metrics', port: 8080 }], healthPath: '/readyz' },
    ],
    sites: [site('dc1', '10.1.0.0/16'), site('dc2', '10.2.0.0/16'), site('dc3', '10.3.0.0/16')],
    activeSite: 'dc1',
    postgres: {
      partOf: 'chat',
      storage: Size.gibibytes(200),
      storageClassName: 'fast-ssd',
      sites: {
        dc1: { primaryHost: 'chat-db.dc1.acme.internal', archive: { s3Prefix: 's3://acme-chat-wal/dc1', endpoint: 'https://objects.dc1.acme.internal' } },
        dc2: { primaryHost: 'chat-db.dc2.acme.internal', archive: { s3Prefix: 's3://acme-chat-wal/dc2', endpoint: 'https://objects.dc2.acme.internal' } },
        dc3: { primaryHost: 'chat-db.dc3.acme.internal', archive: { s3Prefix: 's3://acme-chat-wal/dc3', endpoint: 'https://objects.dc3.acme.internal' } },
      },
      backup: { credentialsSecret: 'chat-db-wal-s3' },
      // A pg_dump of the chat database every four hours into the active site's archive, beside WAL-G.
      logicalDump: { databases: ['chat'] },
      maxReplicationLag: Duration.seconds(30),
    },
    // Media: one redundant bucket outside the sites, reached by the same name from each.
    sharedEndpoints: [{ name: 'media', kind: StatefulKind.OBJECT_STORAGE, host: 'media.s3.acme.example', usedBy: ['chat-server'] }],
    traffic: TrafficPolicy.k8gb({ service: 'chat-web', host: 'chat.acme.example', ttl: Duration.seconds(30) }),
    gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/chat-deploy.git', path: 'dist/chat-suite-three-dc' }),
    sharedSecrets: { names: ['chat-signing-keys'], externalSecrets: { store: 'vault' } },
    failover: { decisionTime: Duration.minutes(10) },
    targets: { rto: Duration.minutes(30), rpo: Duration.minutes(1) },
    // Alerts whose thresholds follow from the targets, nightly cluster-state backups, medium sizing.
    operations: {
      monitoring: { labels: { release: 'prometheus' }, blackboxProber: 'blackbox-exporter.monitoring:9115' },
      clusterBackup: { schedule: '0 3 * * *', retention: Duration.days(30) },
      sizing: SizingPreset.medium(),
    },
  });
  return app;
}
