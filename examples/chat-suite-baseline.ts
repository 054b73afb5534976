/**
 * A chat suite on one cluster in Baseline mode: one replica per service, restarted and
 * rescheduled by Kubernetes, PostgreSQL outside the cluster.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Baseline, EnvValue, HealthCheck, NetworkPeer } from 'hadr-constructs';

export function chatSuiteBaseline(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'chat-suite', { namespace: 'chat' });
  const database = NetworkPeer.cidr('10.20.0.0/24');

  const server = new Baseline(chart, 'server', {
    service: {
      name: 'chat-server',
      partOf: 'chat-suite',
      image: 'ghcr.io/acme/chat-server:1.118.0',
      port: 8008,
      healthCheck: HealthCheck.http('/health'),
      startupTimeout: Duration.minutes(2),
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      env: {
        DB_HOST: 'pg.chat.internal',
        DB_PASSWORD: EnvValue.fromSecret('chat-db', 'password'),
      },
      egress: [{ to: database, ports: [{ port: 5432 }] }],
    },
  });

  const web = new Baseline(chart, 'web', {
    service: {
      name: 'chat-web',
      partOf: 'chat-suite',
      component: 'frontend',
      image: 'ghcr.io/acme/chat-web:1.11.2',
      port: 8080,
      healthPath: '/',
      writablePaths: ['/tmp', '/var/cache/nginx'],
      ingress: [{ from: NetworkPeer.namespace('ingress-nginx') }],
    },
  });
  server.allowFrom(web.asPeer());
  server.allowFrom(NetworkPeer.namespace('ingress-nginx'));
  web.allowTo(server.asPeer(), [{ port: 8008 }]);
  return app;
}
