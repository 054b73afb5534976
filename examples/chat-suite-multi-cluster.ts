/**
 * The active site of a contact-centre suite in Multi-Cluster mode: two independent clusters
 * run the same services at once, each in MultiReplica mode, and every stateful component
 * (PostgreSQL, Redis, S3-compatible storage, RabbitMQ, Qdrant) runs outside them on one data
 * site, reached by the same in-cluster name from both. One Git repository feeds both clusters
 * through an Argo CD ApplicationSet; an HAProxy in front health-checks each cluster's ingress
 * and keeps each caller's session on one cluster.
 */
import { Duration, Size } from 'cdk8s';
import {
  CrossClusterBalancer, EnvValue, GitOps, HealthCheck, MultiCluster, ServiceSpec, SharedEndpointSpec, StatefulKind, TopologyApp,
} from 'hadr-constructs';

export function chatSuiteMultiCluster(outdir: string): TopologyApp {
  const app = new TopologyApp({ outdir });

  // The data site: outside both clusters, so both read and write the same state.
  const dataSite = '10.30.0.0/24';
  const sharedEndpoints: SharedEndpointSpec[] = [
    { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.acme.internal', network: dataSite },
    {
      name: 'redis', kind: StatefulKind.REDIS, addresses: ['10.30.0.21', '10.30.0.22', '10.30.0.23'],
      ports: [{ name: 'redis', port: 6379 }, { name: 'sentinel', port: 26379 }], usedBy: ['api'],
    },
    { name: 'object-storage', kind: StatefulKind.OBJECT_STORAGE, host: 's3.data.acme.internal', network: '10.30.1.0/24', usedBy: ['api', 'worker'] },
    { name: 'rabbitmq', kind: StatefulKind.MESSAGE_QUEUE, addresses: ['10.30.0.31', '10.30.0.32', '10.30.0.33'], usedBy: ['api', 'worker'] },
    {
      name: 'qdrant', kind: StatefulKind.VECTOR_DATABASE, host: 'qdrant.data.acme.internal', network: dataSite,
      ports: [{ name: 'http', port: 6333 }, { name: 'grpc', port: 6334 }], usedBy: ['api', 'worker'],
    },
  ];

  const env = {
    DATABASE_HOST: 'postgres',
    DATABASE_PASSWORD: EnvValue.fromSecret('chat-suite-db', 'password'),
    REDIS_SENTINELS: 'redis:26379',
    REDIS_PASSWORD: EnvValue.fromSecret('chat-suite-redis', 'password'),
    AMQP_URL: EnvValue.fromSecret('chat-suite-rabbitmq', 'url'),
    QDRANT_URL: 'http://qdrant:6333',
    // The storage certificate names its own host, so clients use it rather than the in-cluster alias.
    S3_ENDPOINT: 'https://s3.data.acme.internal',
  };
  const services: ServiceSpec[] = [
    {
      name: 'web', partOf: 'chat-suite', component: 'frontend',
      image: 'ghcr.io/acme/chat-web:3.2.1', port: 8080, healthPath: '/healthz',
      writablePaths: ['/tmp', '/var/cache/nginx'],
    },
    {
      name: 'api', partOf: 'chat-suite',
      image: 'ghcr.io/acme/chat-api:3.2.1', port: 4000, healthPath: '/health',
      startupTimeout: Duration.minutes(2),
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      env,
    },
    {
      name: 'worker', partOf: 'chat-suite', component: 'worker',
      image: 'ghcr.io/acme/chat-worker:3.2.1', ports: [{ name: 'metrics', port: 9100 }],
      healthCheck: HealthCheck.http('/ready'),
      autoscale: { min: 2, max: 12, cpuUtilization: 60 },
      env,
    },
  ];

  const topology = new MultiCluster(app, 'chat-suite', {
    services,
    clusters: [
      {
        name: 'dc1-a', zones: ['dc1-room-1', 'dc1-room-2'], labels: { 'acme.example/site': 'dc1' },
        ingress: { address: 'ingress.dc1-a.acme.internal', host: 'chat.dc1-a.acme.example' },
        services: { web: { env: { CLUSTER_NAME: 'dc1-a' } }, api: { env: { CLUSTER_NAME: 'dc1-a' } } },
      },
      {
        name: 'dc1-b', zones: ['dc1-room-3', 'dc1-room-4'], labels: { 'acme.example/site': 'dc1' },
        ingress: { address: 'ingress.dc1-b.acme.internal', host: 'chat.dc1-b.acme.example' },
        services: { web: { env: { CLUSTER_NAME: 'dc1-b' } }, api: { env: { CLUSTER_NAME: 'dc1-b' } } },
      },
    ],
    sharedEndpoints,
    gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/chat-suite-deploy.git', path: 'dist/chat-suite-multi-cluster' }),
    loadBalancing: {
      service: 'web',
      host: 'chat.acme.example',
      balancer: CrossClusterBalancer.haproxy({ statsPort: 8404 }),
      stickySessions: { cookieName: 'CHAT_SITE' },
    },
  });

  // The web front end calls the API inside its own cluster.
  for (const cluster of topology.clusters) {
    const { web, api } = cluster.workloads;
    web.allowTo(api.asPeer(), [{ port: 4000 }]);
  }
  return app;
}
