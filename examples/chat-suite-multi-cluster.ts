/**
 * The active site of a contact-centre suite in Multi-Cluster mode: two independent clusters
 * run the same services at once, each in MultiReplica mode, and every stateful component
 * runs outside them on one data site, reached by the same in-cluster name from both.
 * PostgreSQL (Patroni) and Redis (Sentinel) run on a data cluster of their own and are exposed
 * through internal load balancers whose names both clusters resolve; their NetworkPolicies
 * admit exactly the two clusters' egress ranges. S3-compatible storage, RabbitMQ and Qdrant run
 * outside Kubernetes. One Git repository feeds both clusters through an Argo CD
 * ApplicationSet; an HAProxy in front health-checks each cluster's ingress and keeps each
 * caller's session on one cluster.
 */
import { Duration, Size } from 'cdk8s';
import {
  CrossClusterBalancer, EnvValue, Exposure, GitOps, HealthCheck, MultiCluster, PatroniCluster, RedisSentinel,
  shareEndpoint, SharedEndpointSpec, StatefulKind, TopologyApp, TopologyServiceSpec,
} from 'hadr-constructs';

export function chatSuiteMultiCluster(outdir: string): TopologyApp {
  const app = new TopologyApp({ outdir });

  // The data cluster: outside both service clusters, so both read and write the same state.
  // Apply its folder (data/) once; it is not one of the clusters the ApplicationSet syncs.
  const data = app.addFolderChart('data', 'chat-suite-data', { namespace: 'chat-suite-data' }, app);
  const postgres = new PatroniCluster(data, 'postgres', {
    partOf: 'chat-suite',
    storage: Size.gibibytes(100),
    storageClassName: 'fast-ssd',
    expose: { pooler: Exposure.loadBalancer({ host: 'pg.data.acme.internal' }) },
  });
  const redis = new RedisSentinel(data, 'redis', {
    partOf: 'chat-suite',
    storage: Size.gibibytes(10),
    passwordSecret: { name: 'chat-suite-redis', key: 'password' },
    expose: { primary: Exposure.loadBalancer({ host: 'redis.data.acme.internal' }) },
  });

  const dataSite = '10.30.0.0/24';
  const sharedEndpoints: SharedEndpointSpec[] = [
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
    // Through the primary proxy: Sentinel hands out names only the data cluster resolves.
    REDIS_HOST: 'redis',
    REDIS_PASSWORD: EnvValue.fromSecret('chat-suite-redis', 'password'),
    AMQP_URL: EnvValue.fromSecret('chat-suite-rabbitmq', 'url'),
    QDRANT_URL: 'http://qdrant:6333',
    // The storage certificate names its own host, so clients use it rather than the in-cluster alias.
    S3_ENDPOINT: 'https://s3.data.acme.internal',
  };
  const services: TopologyServiceSpec[] = [
    {
      name: 'web', partOf: 'chat-suite', component: 'frontend',
      image: 'ghcr.io/acme/chat-web:3.2.1', port: 8080, healthPath: '/healthz',
      writablePaths: ['/tmp', '/var/cache/nginx'],
      // The web front end calls the API inside its own cluster.
      dependsOn: ['api'],
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

  new MultiCluster(app, 'chat-suite', {
    services,
    clusters: [
      {
        name: 'dc1-a', zones: ['dc1-room-1', 'dc1-room-2'], labels: { 'acme.example/site': 'dc1' }, egressCidrs: ['10.1.0.0/16'],
        ingress: { address: 'ingress.dc1-a.acme.internal', host: 'chat.dc1-a.acme.example' },
        services: { web: { env: { CLUSTER_NAME: 'dc1-a' } }, api: { env: { CLUSTER_NAME: 'dc1-a' } } },
      },
      {
        name: 'dc1-b', zones: ['dc1-room-3', 'dc1-room-4'], labels: { 'acme.example/site': 'dc1' }, egressCidrs: ['10.2.0.0/16'],
        ingress: { address: 'ingress.dc1-b.acme.internal', host: 'chat.dc1-b.acme.example' },
        services: { web: { env: { CLUSTER_NAME: 'dc1-b' } }, api: { env: { CLUSTER_NAME: 'dc1-b' } } },
      },
    ],
    sharedEndpoints: [postgres, shareEndpoint(redis, { usedBy: ['api'] }), ...sharedEndpoints],
    site: 'dc1',
    gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/chat-suite-deploy.git', path: 'dist/chat-suite-multi-cluster' }),
    loadBalancing: {
      service: 'web',
      host: 'chat.acme.example',
      balancer: CrossClusterBalancer.haproxy({ statsPort: 8404 }),
      stickySessions: { cookieName: 'CHAT_SITE' },
    },
  });
  return app;
}
