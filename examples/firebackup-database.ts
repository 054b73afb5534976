/**
 * The backup service's database: PostgreSQL with Patroni, three members on separate nodes
 * spread over zones (MultiReplica placement), synchronous replication so a failover loses no
 * acknowledged write, a PgBouncer pooler the API connects through, WAL-G archiving to object
 * storage for point-in-time recovery, and a standby cluster on the second site for DR.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { EnvValue, MultiReplica, NetworkPeer, PatroniCluster } from 'hadr-constructs';

export function firebackupDatabase(outdir: string): App {
  const app = new App({ outdir });
  const backup = {
    s3Prefix: 's3://acme-firebackup-wal/db',
    endpoint: 'https://objects.dc1.acme.internal',
    credentialsSecret: 'firebackup-db-backup-s3',
    fullBackupInterval: Duration.hours(24),
    retainFullBackups: 7,
  };

  const dc1 = new Chart(app, 'dc1', { namespace: 'firebackup' });
  const db = new PatroniCluster(dc1, 'db', {
    name: 'firebackup-db',
    partOf: 'firebackup',
    storage: Size.gibibytes(100),
    storageClassName: 'fast-ssd',
    parameters: { max_connections: 200, shared_buffers: '256MB' },
    backup,
  });
  const api = new MultiReplica(dc1, 'api', {
    service: {
      name: 'api',
      partOf: 'firebackup',
      image: 'ghcr.io/acme/firebackup-api:1.4.2',
      port: 4000,
      healthPath: '/health',
      env: {
        DATABASE_HOST: db.poolerHost!,
        DATABASE_PASSWORD: EnvValue.fromSecret('firebackup-db-app', 'password'),
      },
      ingress: [{ from: NetworkPeer.namespace('ingress-nginx') }],
    },
  });
  api.allowTo(db.pooler!.asPeer(), [{ port: 5432 }]);

  // The DR site replicates from the primary site's database and stays read-only until promoted.
  const dc2 = new Chart(app, 'dc2', { namespace: 'firebackup' });
  new PatroniCluster(dc2, 'db', {
    name: 'firebackup-db',
    partOf: 'firebackup',
    storage: Size.gibibytes(100),
    storageClassName: 'fast-ssd',
    standby: db.replicationSource({ host: 'firebackup-db.dc1.acme.internal' }),
    backup: { ...backup, s3Prefix: 's3://acme-firebackup-wal/db-dc2', endpoint: 'https://objects.dc2.acme.internal' },
  });
  return app;
}
