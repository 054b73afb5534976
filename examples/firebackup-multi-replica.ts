/**
 * The backup service's API and workers in MultiReplica mode: three API replicas on separate
 * nodes spread over zones, workers autoscaled between 2 and 20, PDBs that let drains proceed.
 */
import { App, Chart, Size } from 'cdk8s';
import { EnvValue, HealthCheck, MultiReplica, NetworkPeer } from 'hadr-constructs';

export function firebackupMultiReplica(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'firebackup', { namespace: 'firebackup' });
  const postgres = { to: NetworkPeer.cidr('10.0.20.0/24'), ports: [{ port: 5432 }] };
  const redis = { to: NetworkPeer.cidr('10.0.21.0/24'), ports: [{ port: 6379 }, { port: 26379 }] };
  const objectStorage = { to: NetworkPeer.anywhere(), ports: [{ port: 443 }] };
  const env = {
    DATABASE_URL: EnvValue.fromSecret('firebackup-db', 'url'),
    REDIS_PASSWORD: EnvValue.fromSecret('firebackup-redis', 'password'),
    LOG_LEVEL: 'info',
  };

  new MultiReplica(chart, 'api', {
    service: {
      name: 'api',
      partOf: 'firebackup',
      image: 'ghcr.io/acme/firebackup-api:1.4.2',
      port: 4000,
      healthPath: '/health',
      resources: { cpu: { request: '1', limit: '4' }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(4) } },
      env,
      ingress: [{ from: NetworkPeer.namespace('ingress-nginx') }],
      egress: [postgres, redis, objectStorage],
    },
  });

  new MultiReplica(chart, 'worker', {
    service: {
      name: 'worker',
      partOf: 'firebackup',
      component: 'worker',
      image: 'ghcr.io/acme/firebackup-worker:1.4.2',
      ports: [{ name: 'metrics', port: 9100 }],
      healthCheck: HealthCheck.http('/healthz'),
      env,
      autoscale: { min: 2, max: 20, cpuUtilization: 60 },
      ingress: [{ from: NetworkPeer.namespace('monitoring') }],
      egress: [postgres, redis, objectStorage],
    },
  });
  return app;
}
