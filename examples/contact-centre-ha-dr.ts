/**
 * The combined HA and DR reference of a contact-centre vendor: the active site runs two
 * clusters in Multi-Cluster mode, each in MultiReplica, with every stateful component outside
 * the clusters; the passive site runs one cluster in Baseline mode with Redis, RabbitMQ and
 * Qdrant inside it, and the database and S3-compatible storage outside it, replicated from the
 * active site. The customer's network team moves traffic by hand once the passive site is
 * active; the budget counts that.
 */
import { Duration, Size } from 'cdk8s';
import {
  ActivePassiveDr, AvailabilityMode, EnvValue, GitOps, QueueTrigger, SharedEndpointSpec, StatefulKind, TopologyApp, TrafficPolicy,
} from 'hadr-constructs';

export function contactCentreHaDr(outdir: string): TopologyApp {
  const app = new TopologyApp({ outdir });

  // The active site's stateful components, outside its clusters on one data network.
  const dc1Data: SharedEndpointSpec[] = [
    { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.dc1.acme.internal', network: '10.30.0.0/24', site: 'dc1' },
    { name: 'redis-primary', kind: StatefulKind.REDIS, addresses: ['10.30.0.21'], site: 'dc1' },
    { name: 'rabbitmq', kind: StatefulKind.MESSAGE_QUEUE, addresses: ['10.30.0.31', '10.30.0.32', '10.30.0.33'], site: 'dc1' },
    { name: 'qdrant', kind: StatefulKind.VECTOR_DATABASE, host: 'qdrant.dc1.acme.internal', network: '10.30.0.0/24', site: 'dc1' },
  ];
  // The passive site: database outside its cluster, replicated from dc1; RabbitMQ and Qdrant run
  // inside the cluster (deployed by the vendor's own charts, reached directly by their pods).
  const dc2Data: SharedEndpointSpec[] = [
    {
      name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.dc2.acme.internal', network: '10.40.0.0/24', site: 'dc2',
      replication: { fromSite: 'dc1', fromHost: 'pg.dc1.acme.internal', mode: 'asynchronous', maxLag: Duration.seconds(30) },
    },
    {
      name: 'rabbitmq', kind: StatefulKind.MESSAGE_QUEUE, host: 'rabbitmq.contact-centre.svc', site: 'dc2',
      cluster: 'dc2', localPods: { 'app.kubernetes.io/name': 'rabbitmq' },
    },
    {
      name: 'qdrant', kind: StatefulKind.VECTOR_DATABASE, host: 'qdrant.contact-centre.svc', site: 'dc2',
      cluster: 'dc2', localPods: { 'app.kubernetes.io/name': 'qdrant' }, ports: [{ name: 'http', port: 6333 }, { name: 'grpc', port: 6334 }],
    },
  ];

  const env = {
    DATABASE_HOST: 'postgres',
    DATABASE_PASSWORD: EnvValue.fromSecret('contact-centre-db', 'password'),
    REDIS_HOST: 'redis-primary',
    REDIS_PASSWORD: EnvValue.fromSecret('redis-auth', 'password'),
    AMQP_URL: EnvValue.fromSecret('contact-centre-rabbitmq', 'url'),
    QDRANT_URL: 'http://qdrant:6333',
  };
  new ActivePassiveDr(app, 'contact-centre', {
    services: [
      { name: 'web', partOf: 'contact-centre', image: 'ghcr.io/acme/cc-web:5.1.0', port: 8080, healthPath: '/healthz', dependsOn: ['api'] },
      {
        name: 'api', partOf: 'contact-centre', image: 'ghcr.io/acme/cc-api:5.1.0', port: 4000, healthPath: '/health',
        startupTimeout: Duration.minutes(2), env,
      },
      {
        name: 'dialer', partOf: 'contact-centre', component: 'worker', image: 'ghcr.io/acme/cc-dialer:5.1.0',
        ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready', env,
        // Places outbound calls from the queue: it must not run where the site is passive.
        stopWhenPassive: true,
        // As many dialers as the calls waiting need, 20 per dialer, beside CPU.
        autoscale: { min: 2, max: 12, queue: QueueTrigger.rabbitmq({ queue: 'outbound-calls', hostFromEnv: 'AMQP_URL', perReplica: 20 }) },
      },
    ],
    sites: [
      {
        name: 'dc1', availability: AvailabilityMode.MULTI_REPLICA, sharedEndpoints: dc1Data,
        clusters: [
          { name: 'dc1-a', zones: ['dc1-room-1', 'dc1-room-2'], egressCidrs: ['10.1.0.0/16'] },
          { name: 'dc1-b', zones: ['dc1-room-3', 'dc1-room-4'], egressCidrs: ['10.2.0.0/16'] },
        ],
      },
      { name: 'dc2', availability: AvailabilityMode.BASELINE, sharedEndpoints: dc2Data, clusters: [{ name: 'dc2', egressCidrs: ['10.9.0.0/16'] }] },
    ],
    activeSite: 'dc1',
    // Redis inside the passive site's cluster only; the active site's runs outside (redis-primary above).
    redis: { partOf: 'contact-centre', storage: Size.gibibytes(10), sites: { dc2: {} } },
    objectStorage: [{
      name: 'object-storage', buckets: ['recordings', 'transcripts'],
      replication: { maxLag: Duration.minutes(15) },
      sites: { dc1: { host: 's3.dc1.acme.internal', network: '10.30.1.0/24' }, dc2: { host: 's3.dc2.acme.internal', network: '10.40.1.0/24' } },
    }],
    traffic: TrafficPolicy.manual({
      service: 'web', host: 'contact.acme.example',
      what: 'the customer DNS record contact.acme.example', switchTime: Duration.minutes(10), cacheTime: Duration.minutes(5),
    }),
    gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/contact-centre-deploy.git', path: 'dist/contact-centre-ha-dr' }),
    targets: { rto: Duration.minutes(30), rpo: Duration.minutes(15) },
    // Alerts from the targets (the dialer's queue backlog among them), each linking to RUNBOOK.md.
    operations: { monitoring: { labels: { release: 'prometheus' } } },
  });
  return app;
}
