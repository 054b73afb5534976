/**
 * The backup service's job queue: Redis with three Sentinels, a primary and two replicas on
 * separate nodes spread over zones. Backup jobs must not vanish in a failover, so the API
 * confirms every enqueue with `WAIT 1` (the drill lost no confirmed write when the primary died
 * with both replicas lagging; see `Durability.waitForReplicas`). The API reaches the primary
 * through the `firebackup-queue-primary` Service; a Sentinel-aware client granted the same way
 * could ask `firebackup-queue-sentinel` instead.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Durability, EnvValue, MultiReplica, NetworkPeer, RedisSentinel } from 'hadr-constructs';

export function firebackupCache(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'dc1', { namespace: 'firebackup' });

  const queue = new RedisSentinel(chart, 'queue', {
    name: 'firebackup-queue',
    partOf: 'firebackup',
    storage: Size.gibibytes(20),
    storageClassName: 'fast-ssd',
    durability: Durability.waitForReplicas(1, Duration.seconds(1)),
    passwordSecret: { name: 'firebackup-queue-auth' },
    // Only services granted below may connect.
    clients: [],
  });

  const api = new MultiReplica(chart, 'api', {
    service: {
      name: 'api',
      partOf: 'firebackup',
      image: 'ghcr.io/acme/firebackup-api:1.4.2',
      port: 4000,
      healthPath: '/health',
      env: {
        QUEUE_HOST: queue.primaryHost!,
        QUEUE_PASSWORD: EnvValue.fromSecret('firebackup-queue-auth', 'password'),
        // The writers send WAIT with these after every enqueue and retry what stays unconfirmed.
        QUEUE_WAIT_REPLICAS: String(queue.durability.waitReplicas),
        QUEUE_WAIT_TIMEOUT_MS: String(queue.durability.waitTimeoutMs),
      },
      ingress: [{ from: NetworkPeer.namespace('ingress-nginx') }],
    },
  });
  queue.grantConnect(api);
  return app;
}
