/**
 * The refused inputs of issue 10, by category: each case builds a construct or renders a config
 * with one bad value. `refused-inputs.test.ts` asserts the exact message of each.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  ActivePassiveDr, Baseline, CrossClusterBalancer, DisruptionBudget, EnvValue, FileSource, GitOps, HealthCheck, MultiCluster, MultiReplica,
  NetworkPeer, PatroniCluster, PriorityClass, QueueTrigger, RedisSentinel, SizingPreset,
  renderHaproxyConfig, renderPatroniConfig, renderPgbouncerIni, renderRedisConfig, renderSentinelConfig, SentinelTiming, ServiceSpec, StatefulKind,
  TopologyApp, TrafficPolicy,
} from '../../lib';

export type Case = readonly [what: string, build: () => unknown];

const image = 'ghcr.io/acme/api:1.4.2';
const api: ServiceSpec = { name: 'api', image, port: 8080, healthPath: '/health' };
const chart = () => new Chart(new App(), 'shop', { namespace: 'shop' });
const service = (overrides: Partial<ServiceSpec>) => () => new MultiReplica(chart(), 'api', { service: { ...api, ...overrides } });
const db = (props: object) => () => new PatroniCluster(chart(), 'db', { storage: Size.gibibytes(10), ...props });
const cache = (props: object) => () => new RedisSentinel(chart(), 'cache', { storage: Size.gibibytes(10), ...props });
const topology = (props: object) => () => new MultiCluster(new TopologyApp(), 'chat', {
  services: [{ name: 'web', image, port: 8080, healthPath: '/healthz' }],
  clusters: [{ name: 'dc1-a', ingress: { address: 'ingress.dc1-a.example.com' } }, { name: 'dc1-b', ingress: { address: 'ingress.dc1-b.example.com' } }],
  ...props,
});
const endpoint = (spec: object) => topology({ sharedEndpoints: [{ name: 'postgres', kind: StatefulKind.POSTGRESQL, ...spec }] });
const patroni = (overrides: object, postgresql: object = {}) => () => renderPatroniConfig({
  path: 'shop/db', scope: 'db', members: 3, dcs: { kind: 'kubernetes' }, postgresql: { dataDir: '/data/pg', ...postgresql }, ...overrides,
});
const pgbouncer = (overrides: object) => () => renderPgbouncerIni({
  path: 'shop/db', databases: [{ name: '*', host: 'db' }], auth: { file: '/etc/pgbouncer/userlist.txt' }, ...overrides,
} as any);
const listener = { name: 'web', port: 80, servers: [{ name: 'a', address: '10.0.0.1', port: 8080 }] };
const haproxy = (overrides: object, listenerOverrides: object = {}) => () => renderHaproxyConfig({
  path: 'shop/lb', listeners: [{ ...listener, ...listenerOverrides }], ...overrides,
} as any);
const redisAuth = { passwordFile: '/etc/redis/secret/password', includeFile: '/run/redis/auth.conf' };
const redisConf = (extraDirectives: unknown[]) => () => renderRedisConfig({ path: 'shop/cache', replicas: 2, auth: redisAuth, extraDirectives: extraDirectives as any });
const sentinelConf = (overrides: object) => () => renderSentinelConfig({
  path: 'shop/cache', masterName: 'cache', primary: { host: '10.0.0.5', port: 6379 }, sentinels: 3, auth: redisAuth, ...overrides,
});
const withAllowFrom = (ports: any) => () => new MultiReplica(chart(), 'api', { service: api }).allowFrom(NetworkPeer.namespace('web'), ports);

export const SECRETS_IN_CLEAR: readonly Case[] = [
  ['a password in a database URL in an environment value', service({ env: { DATABASE_URL: 'postgres://app:pw@db:5432/app' } })],
  ['a token as the user of an https URL in an argument', service({ args: ['--upstream=https://ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com/x'] })],
  ['a --password= argument', service({ args: ['--password=hunter2'] })],
  ['a --db-password argument followed by its value', service({ args: ['--db-password', 'hunter2'] })],
  ['a password flag inside a script', service({ command: ['sh', '-c', 'redis-cli --pass hunter2 ping'] })],
  ['a password= setting in an annotation', service({ annotations: { 'example.com/dsn': 'host=db password=hunter2' } })],
  ['a literal under a variable named like a password, in any spelling', service({ env: { REDIS_PASS: 'hunter2' } })],
  ['a Secret name that is not a DNS subdomain', service({ env: { TOKEN: EnvValue.fromSecret('My_Secret', 'token') } })],
  ['a Secret key with a slash', service({ env: { TOKEN: EnvValue.fromSecret('api', 'a/b') } })],
  ['a Git repoURL with a token', topology({ gitOps: GitOps.argoCd({ repoURL: 'https://oauth2:glpat-abcdefghijklmnopqrst@git.example.com/a/b.git' }) })],
  ['a Git repoURL with a token as its user', topology({ gitOps: GitOps.flux({ repoURL: 'https://ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com/a/b.git' }) })],
  ['a backup endpoint with user:key@', db({ backup: { s3Prefix: 's3://backups/db', credentialsSecret: 'db-backup', endpoint: 'https://minio:minio123@minio.storage.svc:9000' } })],
  ['keys in the backup prefix', db({ backup: { s3Prefix: 's3://AKIAIOSFODNN7EXAMPLE:secret@backups/db', credentialsSecret: 'db-backup' } })],
  ['keys in the archive location of a standby\'s source', db({
    standby: { host: 'db.dc1.example.com', archive: { s3Prefix: 's3://AKIAIOSFODNN7EXAMPLE:secret@backups/db' } },
  })],
  ['a Secret name for the backup credentials that is not one', db({ backup: { s3Prefix: 's3://backups/db', credentialsSecret: 'Backup Keys' } })],
  ['AUTH-PASS in upper case in a Sentinel directive', cache({ sentinelDirectives: [['sentinel', 'AUTH-PASS', 'cache', 'hunter2']] })],
  ['tls-key-file-pass in a Redis directive', cache({ redisDirectives: [['tls-key-file-pass', 'hunter2']] })],
  ['REQUIREPASS in upper case in a Redis directive', cache({ redisDirectives: [['REQUIREPASS', 'hunter2']] })],
  ['a URL with a password in a Redis directive', cache({ redisDirectives: [['replicaof-url', 'redis://:hunter2@other:6379']] })],
  ['a password in a Patroni parameter connection string', db({ parameters: { primary_conninfo: 'host=dc1 user=replicator password=hunter2' } })],
  ['a URL with a password in a Patroni parameter', db({ parameters: { application_name: 'postgres://app:hunter2@db' } })],
  ['a Patroni parameter named like a password', patroni({ parameters: { 'pgaudit.password': 'hunter2' } })],
  ['a PgBouncer setting holding a password', pgbouncer({ auth: { file: '/etc/pgbouncer/userlist.txt', Password: 'hunter2' } })],
  ['a password= in a PgBouncer auth query', pgbouncer({ auth: { file: '/etc/pgbouncer/userlist.txt', query: { user: 'pgbouncer', sql: "SELECT usename, 'password=x' FROM pg_shadow WHERE usename=$1" } } })],
  ['a Redis password Secret key that is not a key', cache({ passwordSecret: { name: 'cache-auth', key: 'pass word' } })],
  ['a pooler auth Secret that is not a Secret name', db({ pooler: { authSecret: 'Pooler_Auth' } })],
];

export const RULES_WIDER_THAN_DECLARED: readonly Case[] = [
  ['an empty ports list on an ingress rule', service({ ingress: [{ from: NetworkPeer.namespace('web'), ports: [] }] })],
  ['an empty ports list on an egress rule', service({ egress: [{ to: NetworkPeer.cidr('10.0.0.0/16'), ports: [] }] })],
  ['an empty ports list in allowFrom', withAllowFrom([])],
  ['an empty ports list in allowTo', () => new MultiReplica(chart(), 'api', { service: api }).allowTo(NetworkPeer.cidr('10.0.0.0/16'), [])],
  ['an ingress rule for a port the service does not declare', service({ ingress: [{ from: NetworkPeer.namespace('web'), ports: [{ port: 9090 }] }] })],
  ['an ingress rule for the Service port rather than the pod port', service({ port: undefined, ports: [{ name: 'http', port: 8080, servicePort: 80 }], ingress: [{ from: NetworkPeer.namespace('web'), ports: [{ port: 80 }] }] })],
  ['allowFrom for an undeclared port', withAllowFrom([{ port: 22 }])],
  ['allowFrom without ports on a service that declares none', () => new MultiReplica(chart(), 'w', {
    service: { name: 'worker', image, healthCheck: HealthCheck.exec(['/bin/check']) },
  }).allowFrom(NetworkPeer.namespace('web'))],
  ['a shared endpoint on loopback', endpoint({ host: '127.0.0.1' })],
  ['a shared endpoint on IPv6 loopback', endpoint({ addresses: ['::1'] })],
  ['a shared endpoint at the cloud metadata server', endpoint({ addresses: ['169.254.169.254'] })],
  ['a shared endpoint at the metadata server inside IPv6', endpoint({ addresses: ['::ffff:169.254.169.254'] })],
  ['a shared endpoint at an IPv6 link-local address', endpoint({ addresses: ['fe80::1'] })],
  ['a shared endpoint at the unspecified address', endpoint({ host: '0.0.0.0' })],
  ['a shared endpoint named localhost', endpoint({ host: 'localhost' })],
  ['a shared endpoint at the metadata server by name', endpoint({ host: 'metadata.google.internal' })],
  ['a shared endpoint at a numeric host name', endpoint({ host: '127.1' })],
  ['a shared endpoint at an octal-looking address', endpoint({ host: '010.0.0.1' })],
  ['a shared endpoint with a zone in its address', endpoint({ addresses: ['fe80::1%eth0'] })],
  ['a shared endpoint network over the link-local range', endpoint({ host: 'pg.example.com', network: '169.254.0.0/16' })],
  ['a shared endpoint network of every address', endpoint({ host: 'pg.example.com', network: '0.0.0.0/0' })],
  ['a shared endpoint network with host bits set', endpoint({ host: 'pg.example.com', network: '10.30.0.1/24' })],
  ['a peer CIDR that is malformed', service({ egress: [{ to: NetworkPeer.cidr('10.0.0.0/33'), ports: [{ port: 5432 }] }] })],
  ['a peer exception outside its range', service({ egress: [{ to: NetworkPeer.cidr('10.0.0.0/16', ['192.168.0.0/24']), ports: [{ port: 5432 }] }] })],
];

export const STATEFUL_SAFETY_SWITCHES: readonly Case[] = [
  ['trust with a trailing comment', patroni({}, { pgHba: ['host all all 0.0.0.0/0 trust # temporary'] })],
  ['trust in upper case', patroni({}, { pgHba: ['host all all 10.0.0.0/8 TRUST'] })],
  ['trust in quotes', patroni({}, { pgHba: ['host all all 10.0.0.0/8 "trust"'] })],
  ['trust for local sockets', patroni({}, { pgHba: ['local all all trust'] })],
  ['trust with an address and a mask', patroni({}, { pgHba: ['host all all 10.0.0.0 255.0.0.0 trust'] })],
  ['trust after a newline', patroni({}, { pgHba: ['host all all 10.0.0.0/8 scram-sha-256\nhost all all 0.0.0.0/0 trust'] })],
  ['trust through clientCidrs', patroni({}, { clientCidrs: ['0.0.0.0/0 trust'] })],
  ['a keyword through clientCidrs', patroni({}, { clientCidrs: ['all'] })],
  ['an include in pg_hba', patroni({}, { pgHba: ['include /tmp/extra.conf'] })],
  ['a pg_hba rule continued on the next line', patroni({}, { pgHba: ['host all all 10.0.0.0/8 \\'] })],
  ['PgBouncer auth type trust', pgbouncer({ auth: { type: 'trust', file: '/etc/pgbouncer/userlist.txt' } })],
  ['PgBouncer auth type any in upper case', pgbouncer({ auth: { type: ' ANY', file: '/etc/pgbouncer/userlist.txt' } })],
  ['a HAProxy runtime API on every address', haproxy({ statsSocket: 'ipv4@0.0.0.0:9999' })],
  ['a HAProxy runtime API on a routable address', haproxy({ statsSocket: '10.0.0.5:9999' })],
  ['a HAProxy stats page on every address', haproxy({ stats: { port: 7000, bindAddress: '0.0.0.0' } })],
  ['synchronous_commit false', db({ parameters: { synchronous_commit: 'false' } })],
  ['synchronous_commit OFF', db({ parameters: { synchronous_commit: 'OFF' } })],
  ['synchronous_commit 0', db({ parameters: { synchronous_commit: 0 } })],
  ['synchronous_commit the boolean false', db({ parameters: { synchronous_commit: false } })],
  ['synchronous_commit local', patroni({}, { parameters: { synchronous_commit: 'local' } })],
  ['synchronous_commit no PostgreSQL value', db({ parameters: { synchronous_commit: 'of' } })],
  ['a control character in a parameter', db({ parameters: { work_mem: '4MB\u0000' } })],
  ['a tab in a parameter', db({ parameters: { search_path: 'app,\tpublic' } })],
  ['a newline in a parameter', db({ parameters: { log_line_prefix: '%m\n' } })],
];

export const API_SERVER_WOULD_REJECT: readonly Case[] = [
  ['a PatroniCluster name whose StatefulSet pods could never be created', db({ name: 'a'.repeat(53) })],
  ['a RedisSentinel name whose Sentinel StatefulSet pods could never be created', cache({ name: 'c'.repeat(44) })],
  ['a construct id that names every object and is not a DNS label', () => new PatroniCluster(chart(), 'Orders_DB', { storage: Size.gibibytes(10) })],
  ['a partOf longer than a label value', service({ partOf: 'p'.repeat(64) })],
  ['a label key with two slashes', service({ labels: { 'example.com/a/b': 'x' } })],
  ['a label key with an upper-case prefix', service({ labels: { 'Example.com/team': 'x' } })],
  ['an annotation key with a space', service({ annotations: { 'owner team': 'x' } })],
  ['a PriorityClass name with upper case', () => new MultiReplica(chart(), 'api', { service: api, priorityClass: PriorityClass.existing('High') })],
  ['a storageClassName with a space', db({ storageClassName: 'fast ssd' })],
  ['a ConfigMap key with a space', service({ env: { MODE: EnvValue.fromConfigMap('api-config', 'run mode') } })],
  ['a fieldRef path the downward API does not give', service({ env: { IP: EnvValue.fromField('status.podIp') } })],
  ['a fieldRef label subscript without a valid key', service({ env: { TEAM: EnvValue.fromField("metadata.labels['bad key']") } })],
  ['a probe scheme in lower case', service({ healthPath: undefined, healthCheck: HealthCheck.http('/health', { scheme: 'https' as any }) })],
  ['a health path with a space', service({ healthPath: '/health check' })],
  ['replicas past int32', () => new MultiReplica(chart(), 'api', { service: api, replicas: 2 ** 31 })],
  ['a failure threshold past int32', service({ probeTimings: { readiness: { failureThreshold: 2 ** 31 } } })],
  ['a probe period past int32 seconds', service({ probeTimings: { liveness: { period: Duration.days(30_000) } } })],
  ['a user id past int32', service({ runAs: { user: 2 ** 31, group: 10001 } })],
  ['members past int32', db({ members: 2 ** 31 + 1 })],
  ['an autoscaling maximum past int32', service({ autoscale: { min: 2, max: 2 ** 31 } })],
  ['a startup timeout whose threshold is past int32', service({ startupTimeout: Duration.days(200_000) })],
  ['a disruption budget past int32', () => new MultiReplica(chart(), 'api', { service: api, disruptionBudget: DisruptionBudget.maxUnavailable(2 ** 31) })],
  ['a serviceAccountName with upper case', service({ serviceAccountName: 'API' })],
  ['a mount path with a doubled slash', service({ files: [{ path: '/etc//api', from: FileSource.configMap('api') }] })],
  ['an image with an upper-case repository', service({ image: 'ghcr.io/Acme/API:1.0.0' })],
  ['an image tagged Latest in another case', service({ image: 'ghcr.io/acme/api:LATEST' })],
  ['a protocol in lower case', service({ port: undefined, ports: [{ port: 53, protocol: 'udp' as any }] })],
  ['a writable path with ..', service({ writablePaths: ['/tmp/../etc'] })],
  ['a scheduling rule spelled another way', () => new MultiReplica(chart(), 'api', { service: api, nodeAntiAffinity: 'Required' as any })],
  ['a namespace on the chart that is not a DNS label', () => new MultiReplica(new Chart(new App(), 'shop', { namespace: 'Shop_NS' }), 'api', { service: api })],
  ['a cluster name that makes an Argo CD Application name longer than a label', () => new MultiCluster(new TopologyApp(), 'chat-suite-for-the-contact-centres', {
    services: [{ name: 'web', image, port: 8080 }],
    clusters: [{ name: 'datacentre-one-room-a-cluster' }, { name: 'dc2' }],
    gitOps: GitOps.argoCd({ repoURL: 'https://git.example.com/a/b.git' }),
  })],
];

export const NAME_COLLISIONS: readonly Case[] = [
  ['two services with the same name in one chart', () => {
    const c = chart();
    new MultiReplica(c, 'api', { service: api });
    return new MultiReplica(c, 'api-v2', { service: api });
  }],
  ['a service named like the pooler of a PatroniCluster', () => {
    const c = chart();
    new PatroniCluster(c, 'db', { storage: Size.gibibytes(10) });
    return new MultiReplica(c, 'pooler', { service: { ...api, name: 'db-pooler' } });
  }],
  ['a PatroniCluster whose replica Service a service already took', () => {
    const c = chart();
    new MultiReplica(c, 'reports', { service: { ...api, name: 'db-replica' } });
    return new PatroniCluster(c, 'db', { storage: Size.gibibytes(10) });
  }],
  ['a service named like the Endpoints Patroni writes', () => {
    const c = chart();
    new PatroniCluster(c, 'db', { storage: Size.gibibytes(10) });
    return new Baseline(c, 'failover', { service: { ...api, name: 'db-failover' } });
  }],
  ['a service named like the Sentinel Service of a RedisSentinel', () => {
    const c = chart();
    new RedisSentinel(c, 'cache', { storage: Size.gibibytes(10) });
    return new MultiReplica(c, 'sentinel', { service: { ...api, name: 'cache-sentinel' } });
  }],
  ['a service named like a shared endpoint', topology({
    services: [{ name: 'web', image, port: 8080 }, { name: 'postgres', image, port: 5432 }],
    sharedEndpoints: [{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com' }],
  })],
];

export const SELECTOR_LABELS: readonly Case[] = [
  ['a user label overriding the instance label', service({ labels: { 'app.kubernetes.io/instance': 'other' } })],
  ['a user label overriding the name label', service({ labels: { 'app.kubernetes.io/name': 'other' } })],
  ['a user label overriding part-of', service({ labels: { 'app.kubernetes.io/part-of': 'other' } })],
  ['a user label the Deployment controller sets', service({ labels: { 'pod-template-hash': 'abc' } })],
  ['a user label under a Kubernetes prefix', service({ labels: { 'node-role.kubernetes.io/control-plane': '' } })],
];

export const STRINGS_THAT_DO_NOT_SURVIVE: readonly Case[] = [
  ['U+2028 in an environment value', service({ env: { GREETING: 'hello\u2028world' } })],
  ['U+2029 in an annotation value', service({ annotations: { 'example.com/note': 'a\u2029b' } })],
  ['U+0085 in an argument', service({ args: ['--name=a\u0085b'] })],
  ['an octal-looking environment value', service({ env: { UMASK: '0o22' } })],
  ['an octal-looking label value with a sign', service({ labels: { 'example.com/mode': '-0o17' } })],
  ['a carriage return in an argument', service({ args: ['--flag\r'] })],
  ['a bidirectional override in a label key', service({ annotations: { 'example.com/\u202eowner': 'x' } })],
  ['a byte-order mark in an image', service({ image: '\ufeffghcr.io/acme/api:1.0.0' })],
  ['U+2028 in a GitOps path', topology({ gitOps: GitOps.argoCd({ repoURL: 'https://git.example.com/a/b.git', path: 'deploy\u2028x' }) })],
  ['U+2028 in a Patroni parameter', db({ parameters: { application_name: 'a\u2028b' } })],
  ['an octal-looking Patroni parameter', db({ parameters: { application_name: '0o755' } })],
  ['U+2028 in a Redis directive', cache({ redisDirectives: [['notify-keyspace-events', 'E\u2028x']] })],
  ['U+2028 in a cluster label', topology({ clusters: [{ name: 'dc1-a', labels: { site: 'dc1' }, zones: ['a\u2028'] }, { name: 'dc1-b' }] })],
];

export const TIMERS_PAST_LIMITS: readonly Case[] = [
  ['a HAProxy client timeout of 2^31 ms', haproxy({}, { clientTimeout: Duration.millis(2 ** 31) })],
  ['a HAProxy connect timeout of 25 days', haproxy({ connectTimeout: Duration.days(25) })],
  ['a HAProxy stats refresh of 30 days', haproxy({ stats: { port: 7000, refresh: Duration.days(30) } })],
  ['a HAProxy check interval of 2^31 ms', haproxy({}, {
    serverChecks: {
      inter: Duration.millis(2 ** 31), fastInter: Duration.seconds(1), downInter: Duration.seconds(1), fall: 3, rise: 2, timeout: Duration.seconds(1),
    },
  })],
  ['a balancer check interval of 30 days', topology({
    loadBalancing: {
      service: 'web', host: 'chat.example.com', balancer: CrossClusterBalancer.haproxy({ checkInterval: Duration.days(30) }),
    },
  })],
  ['a Sentinel down-after of 2^31 ms', sentinelConf({ timing: { name: 'custom', downAfterMs: 2 ** 31, failoverTimeoutMs: 2 ** 31, parallelSyncs: 1 } })],
  ['a Sentinel failover timeout of 25 days', () => SentinelTiming.custom({ downAfter: Duration.seconds(5), failoverTimeout: Duration.days(25) })],
  ['a hand-built Sentinel timing past 2^31 ms on the construct', cache({ timing: { name: 'custom', downAfterMs: 5000, failoverTimeoutMs: 2 ** 31, parallelSyncs: 1 } })],
  ['a Sentinel timer past 2^31 in a directive', sentinelConf({ extraDirectives: [['sentinel', 'down-after-milliseconds', 'cache', '2147483648']] })],
];

export const HAPROXY_SETTINGS: readonly Case[] = [
  ['a balance algorithm HAProxy does not know', haproxy({}, { balance: 'fastest' })],
  ['a balance algorithm in upper case', haproxy({}, { balance: 'ROUNDROBIN' })],
  ['a regex with an unbalanced group', haproxy({}, { mode: 'tcp', tcpCheck: [{ expectRegex: 'role:(master' }] })],
  ['a regex with a reversed range', haproxy({}, { mode: 'tcp', tcpCheck: [{ expectRegex: '[z-a]' }] })],
  ['a regex that backtracks without end', haproxy({}, { mode: 'tcp', tcpCheck: [{ expectRegex: '(a+)+$' }] })],
  ['a regex with a dangling escape', haproxy({}, { mode: 'tcp', tcpCheck: [{ expectRegex: 'role\\' }] })],
];

export const ERRORS_THEMSELVES: readonly Case[] = [
  ['a PgBouncer pool mode, named by the construct path and the prop', db({ pooler: { poolMode: 'bogus' as any } })],
  ['a pooler image, named by the prop', db({ pooler: { image: 'pgbouncer:latest' } })],
  ['a RedisSentinel primary proxy image, named by the prop', cache({ primaryProxy: { image: 'haproxy:latest' } })],
  ['a PatroniCluster image, named by the prop', db({ image: 'spilo:latest' })],
  ['Sentinel resources, named by the prop', cache({ sentinelResources: { cpu: { request: '2', limit: '1' } } })],
  ['a service of a topology, named by its index', topology({ services: [{ name: 'web', image: 'web:latest', port: 8080 }] })],
  ['a plain JavaScript caller without props', () => new MultiReplica(chart(), 'api', undefined as any)],
  ['a plain JavaScript caller without a service', () => new Baseline(chart(), 'api', {} as any)],
  ['a plain JavaScript caller without storage', () => new PatroniCluster(chart(), 'db', {} as any)],
  ['a plain JavaScript caller with ports as a string', service({ port: undefined, ports: '8080' as any })],
  ['a plain JavaScript caller without clusters', () => new MultiCluster(new TopologyApp(), 'chat', { services: [api] } as any)],
  ['a plain JavaScript caller with a renderer spec of the wrong shape', () => renderPatroniConfig({ path: 'shop/db', scope: 'db', members: 3, dcs: { kind: 'etcd3', hosts: 'etcd:2379' }, postgresql: { dataDir: '/d' } } as any)],
  ['a backup interval under an hour, in the constructor', db({ backup: { s3Prefix: 's3://backups/db', credentialsSecret: 'db-backup', fullBackupInterval: Duration.minutes(30) } })],
  ['a Redis directive with a malformed name, the password never echoed', redisConf([['Bad Name', 'hunter2']])],
];

const dr = (operations: object, overrides: object = {}) => () => new ActivePassiveDr(new TopologyApp(), 'firebackup', {
  services: [{ name: 'api', image, port: 8080, healthPath: '/health' }],
  sites: [{ name: 'dc1', clusters: [{ name: 'dc1', egressCidrs: ['10.1.0.0/16'] }] }, { name: 'dc2', clusters: [{ name: 'dc2', egressCidrs: ['10.2.0.0/16'] }] }],
  activeSite: 'dc1',
  traffic: TrafficPolicy.k8gb({ service: 'api', host: 'backup.acme.example' }),
  gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/firebackup.git' }),
  targets: { rto: Duration.minutes(15) },
  operations,
  ...overrides,
});
const backlog = QueueTrigger.redisList({ address: 'redis-primary:6379', list: 'bull:backups:waiting', perReplica: 5 });

export const OPERATIONS: readonly Case[] = [
  ['a KEDA maximum below the budget minAvailable + 1', () => new MultiReplica(chart(), 'worker', {
    service: { ...api, name: 'worker', autoscale: { min: 2, max: 3, queue: backlog } }, disruptionBudget: DisruptionBudget.minAvailable(3),
  })],
  ['a Velero schedule that is not cron', dr({ clusterBackup: { schedule: '0 25 * * *' } })],
  ['a backup retention that is not a duration', dr({ clusterBackup: { retention: 30 } })],
  ['a sizing preset name that does not exist', () => SizingPreset.named('xl')],
  ['a sizing override that leaves one replica', () => SizingPreset.small({ serving: { min: 1 } })],
  ['an RTO too short for the scrape interval to page within', dr({ monitoring: { scrapeInterval: Duration.minutes(2) } })],
  ['an exporter image without a tag', db({ metrics: { image: 'quay.io/prometheuscommunity/postgres-exporter' } })],
];

export const ALL_CATEGORIES: Readonly<Record<string, readonly Case[]>> = {
  'Secrets written in clear': SECRETS_IN_CLEAR,
  'Rules wider than declared': RULES_WIDER_THAN_DECLARED,
  'Stateful safety switches': STATEFUL_SAFETY_SWITCHES,
  'What the API server would reject': API_SERVER_WOULD_REJECT,
  'Name collisions': NAME_COLLISIONS,
  'Selector labels': SELECTOR_LABELS,
  'Strings that do not survive YAML and GitOps': STRINGS_THAT_DO_NOT_SURVIVE,
  'Timings past a server\'s limits': TIMERS_PAST_LIMITS,
  'HAProxy settings': HAPROXY_SETTINGS,
  'Errors themselves': ERRORS_THEMSELVES,
  'Operations': OPERATIONS,
};
