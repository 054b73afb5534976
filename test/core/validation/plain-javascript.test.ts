/**
 * The renderers the drills start real servers with take specs from any caller. Every value put
 * anywhere in a spec is either refused with a HadrError that starts with the spec's path, or
 * rendered: never a TypeError.
 */
import { Duration, Size } from 'cdk8s';
import { GitOps, resolveGitOps } from '../../../lib/core/gitops/gitops';
import { renderPatroniConfig } from '../../../lib/core/postgres/patroni-config';
import { PatroniTiming } from '../../../lib/core/postgres/patroni-timing';
import { renderPgbouncerIni } from '../../../lib/core/postgres/pgbouncer-config';
import { renderRedisConfig } from '../../../lib/core/redis/redis-config';
import { Durability, SentinelTiming } from '../../../lib/core/redis/redis-timing';
import { renderSentinelConfig } from '../../../lib/core/redis/sentinel-config';
import { haproxyServerChecks, renderHaproxyConfig } from '../../../lib/core/traffic/haproxy-config';
import { mutations, Mutation, outcomeOf } from '../../support/mutations';

function failures(all: Iterable<Mutation>, run: (spec: any) => unknown, path: string): string[] {
  const found: string[] = [];
  for (const mutation of all) {
    // The spec's own path is the label its errors start with, not a value it renders.
    if (mutation.path === 'path') continue;
    const outcome = outcomeOf(() => run(mutation.props));
    const label = `${mutation.path} = ${typeof mutation.value === 'string' ? JSON.stringify(mutation.value) : String(mutation.value)}`;
    if (outcome.kind === 'crashed') found.push(`${label}: ${outcome.error.split('\n')[0]}`);
    if (outcome.kind === 'refused' && !outcome.message.startsWith(`${path}: `)) found.push(`${label}: ${outcome.message}`);
  }
  return found;
}

describe('every value in every field of a renderer spec is refused or rendered', () => {
  it('renderPatroniConfig', () => {
    const spec = {
      path: 'shop/db', scope: 'db', members: 3, patroniVersion: '4.1.4', timing: PatroniTiming.default(),
      dcs: { kind: 'kubernetes', labels: { application: 'patroni' }, scopeLabel: 'cluster-name', ports: [{ name: 'postgresql', port: 5432 }] },
      restApi: { listenAddress: '0.0.0.0', port: 8008 },
      synchronousMode: true, parameters: { max_connections: 200 }, maximumLagOnFailover: Size.mebibytes(1),
      initdb: { 'encoding': 'UTF8', 'data-checksums': true },
      postgresql: {
        dataDir: '/data/pg', binDir: '/usr/lib/postgresql/15/bin', listenAddress: '0.0.0.0', port: 5432, pgpass: '/tmp/pgpass',
        authentication: { superuser: { username: 'postgres' }, replication: { username: 'replicator' } },
        clientCidrs: ['10.0.0.0/8'], pgHba: ['local all all peer', 'host all all 10.0.0.0/8 scram-sha-256'], parameters: { work_mem: '4MB' },
      },
      walArchive: { command: 'wal-g', archiveTimeout: Duration.seconds(60) },
      standbyCluster: undefined,
      tags: { nofailover: false, replicatefrom: 'db-1' },
    };
    expect(failures(mutations(spec), renderPatroniConfig, 'shop/db')).toEqual([]);
    const etcd = {
      path: 'shop/db', scope: 'db', members: 3, synchronousMode: false, dcs: { kind: 'etcd3', hosts: ['etcd:2379'], protocol: 'http' },
      postgresql: { dataDir: '/data/pg' }, standbyCluster: { host: 'db.dc1.example.com', port: 5432, primarySlotName: 'dr', createReplicaMethods: ['basebackup'] },
    };
    expect(failures(mutations(etcd), renderPatroniConfig, 'shop/db')).toEqual([]);
  });

  it('renderPgbouncerIni', () => {
    const spec = {
      path: 'shop/db', listenAddress: '0.0.0.0', listenPort: 6432, unixSocketDir: '', poolMode: 'transaction',
      databases: [{ name: '*', host: 'db', port: 5432, dbname: 'app', poolSize: 20 }],
      auth: { type: 'scram-sha-256', file: '/etc/pgbouncer/userlist.txt', query: { user: 'pgbouncer', sql: 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1' } },
      maxClientConnections: 1000, defaultPoolSize: 20, queryWaitTimeout: Duration.seconds(120), failoverBudget: Duration.seconds(30),
      serverCheckQuery: 'select 1', ignoreStartupParameters: ['extra_float_digits'], adminUsers: ['admin'], logFile: '/tmp/pgbouncer.log',
    };
    expect(failures(mutations(spec), renderPgbouncerIni, 'shop/db')).toEqual([]);
  });

  it('renderHaproxyConfig', () => {
    const spec = {
      path: 'shop/lb', maxConnections: 100, statsSocket: '/run/haproxy.sock', connectTimeout: Duration.seconds(4), retries: 2,
      listeners: [{
        name: 'web', bindAddress: '0.0.0.0', port: 80, mode: 'http', balance: 'roundrobin', stickyCookie: 'SITE', redispatch: true,
        healthCheck: { method: 'GET', path: '/healthz', expectStatus: 200, host: 'web.example.com' },
        serverChecks: haproxyServerChecks(PatroniTiming.default().haproxyCheck), clientTimeout: Duration.seconds(60),
        servers: [{ name: 'a', address: '10.0.0.1', port: 80, cookie: 'a', maxConnections: 10 }, { name: 'b', address: 'b.example.com', port: 80, backup: true }],
      }, {
        name: 'redis', port: 6379, mode: 'tcp', tcpCheck: [{ send: 'PING\r\n' }, { expectString: '+PONG' }, { expectRegex: 'role:master' }],
        servers: [{ name: 'r0', address: '10.0.0.2', port: 6379, checkPort: 6379 }],
      }],
      stats: { port: 7000, bindAddress: '127.0.0.1', uri: '/', refresh: Duration.seconds(5) },
    };
    expect(failures(mutations(spec), renderHaproxyConfig, 'shop/lb')).toEqual([]);
  });

  it('renderRedisConfig and renderSentinelConfig', () => {
    const auth = { passwordFile: '/etc/redis/secret/password', includeFile: '/run/redis/auth.conf' };
    const redis = {
      path: 'shop/cache', replicas: 2, auth, replicaOf: { host: 'cache-0.cache', port: 6379 }, port: 6379, bind: ['*', '-::*'], dir: '/data',
      appendFsync: 'everysec', durability: Durability.minReplicas(1, Duration.seconds(2)), announce: { host: 'cache-1.cache', port: 6379 },
      protectedMode: true, extraDirectives: [['maxmemory-policy', 'noeviction']],
    };
    expect(failures(mutations(redis), renderRedisConfig, 'shop/cache')).toEqual([]);
    const sentinel = {
      path: 'shop/cache', masterName: 'cache', primary: { host: 'cache-0.cache', port: 6379 }, sentinels: 3, auth, quorum: 2,
      timing: SentinelTiming.default(), port: 26379, bind: ['*'], dir: '/tmp', announce: { host: 'cache-sentinel-0.cache' }, hostnames: true,
      protectSentinels: true, clientReconfigScript: '/scripts/x.sh', extraDirectives: [['sentinel', 'parallel-syncs', 'cache', 1]],
    };
    expect(failures(mutations(sentinel), renderSentinelConfig, 'shop/cache')).toEqual([]);
  });

  it('resolveGitOps', () => {
    const argo = { repoURL: 'https://git.example.com/a/b.git', branch: 'main', path: 'deploy', generator: 'list', namespace: 'argocd', project: 'default', prune: true };
    expect(failures(mutations(argo), (options) => resolveGitOps('chat', GitOps.argoCd(options)), 'chat')).toEqual([]);
    const flux = { repoURL: 'ssh://git@git.example.com/a/b.git', secretName: 'deploy-key', interval: Duration.minutes(10), deletionPolicy: 'Orphan' };
    expect(failures(mutations(flux), (options) => resolveGitOps('chat', GitOps.flux(options)), 'chat')).toEqual([]);
  });
});
