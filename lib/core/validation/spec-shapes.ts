/**
 * The documented types of the renderers' specs, checked first so a caller the compiler does not
 * watch gets a HadrError naming the field, never a TypeError from inside a renderer. Values are
 * checked further by each renderer; fields whose renderer gives a more precise message for a
 * wrong type are `any` here.
 */
import { anyOf, fields, list, optional, record, Shape } from './shape';

const str = optional('string');
const bool = optional('boolean');
const dur = optional('duration');

/** A timing profile as the factories build it (or by hand). */
const PATRONI_TIMING: Shape = fields({
  ttlSeconds: 'any', loopWaitSeconds: 'any', retryTimeoutSeconds: 'any',
  haproxyCheck: fields({ interMs: 'any', fastInterMs: 'any', downInterMs: 'any', fall: 'any', rise: 'any', timeoutMs: 'any' }),
});
const USER: Shape = optional(fields({ username: 'string' }));

/** `PatroniConfigSpec`. */
export const PATRONI_CONFIG_SHAPE: Shape = fields({
  path: str, scope: 'any', name: str, namespace: str, members: 'any', patroniVersion: str,
  dcs: fields({
    kind: 'any', namespace: str, labels: optional(record('any')), scopeLabel: str, roleLabel: str, useEndpoints: bool, podIp: str,
    ports: optional(list(fields({ name: 'any', port: 'any' }))), bypassApiService: bool,
    leaderLabelValue: str, followerLabelValue: str, standbyLeaderLabelValue: str, hosts: optional(list('any')), protocol: 'any',
  }),
  restApi: optional(fields({ listenAddress: str, port: 'any', connectAddress: str })),
  timing: optional(PATRONI_TIMING),
  maximumLagOnFailover: 'any', synchronousMode: bool, synchronousModeStrict: bool, synchronousNodeCount: 'any',
  failsafeMode: bool, usePgRewind: bool, useSlots: bool,
  parameters: 'any', initdb: optional(record('any')),
  postgresql: fields({
    listenAddress: str, port: 'any', connectAddress: str, dataDir: 'any', binDir: str, pgpass: str,
    authentication: optional(fields({ superuser: USER, replication: USER, rewind: USER })),
    pgHba: 'any', clientCidrs: 'any', parameters: 'any',
  }),
  walArchive: optional(fields({ command: str, archiveTimeout: dur, seedReplicasFromBackup: bool })),
  standbyCluster: optional(fields({
    host: 'any', port: 'any', primarySlotName: str, createReplicaMethods: optional(list('any')), restoreFromArchive: bool, recoveryMinApplyDelay: 'any',
  })),
  tags: optional(fields({ nofailover: bool, noloadbalance: bool, clonefrom: bool, nosync: bool, replicatefrom: str })),
});

/** `PgbouncerIniSpec`. */
export const PGBOUNCER_INI_SHAPE: Shape = fields({
  path: str, listenAddress: str, listenPort: 'any', unixSocketDir: str, poolMode: 'any',
  databases: list(fields({ name: 'any', host: 'any', port: 'any', dbname: str, poolSize: 'any' })),
  auth: fields({ type: 'any', file: 'any', query: optional(fields({ user: 'any', sql: str })), hbaFile: str }),
  maxClientConnections: 'any', defaultPoolSize: 'any',
  queryWaitTimeout: dur, failoverBudget: dur, serverCheckQuery: str, serverCheckDelay: dur, serverConnectTimeout: dur, serverLoginRetry: dur,
  ignoreStartupParameters: optional(list('any')), adminUsers: optional(list('any')), statsUsers: optional(list('any')), logFile: str, pidFile: str,
});

const SERVER_CHECKS: Shape = fields({ inter: 'duration', fastInter: 'duration', downInter: 'duration', fall: 'any', rise: 'any', timeout: 'duration', shutdownSessionsOnMarkedDown: bool });

/** `HaproxyConfigSpec`. */
export const HAPROXY_CONFIG_SHAPE: Shape = fields({
  path: str, maxConnections: 'any', statsSocket: 'any', connectTimeout: 'any', retries: 'any',
  listeners: list(fields({
    name: 'any', bindAddress: 'any', port: 'any', mode: 'any', balance: 'any',
    healthCheck: optional(fields({ method: 'any', path: 'any', expectStatus: 'any', host: 'any' })),
    tcpCheck: optional(list(fields({ send: str, expectString: str, expectRegex: str }))),
    serverChecks: optional(SERVER_CHECKS), stickyCookie: 'any', redispatch: bool, clientTimeout: 'any', serverTimeout: 'any',
    servers: list(fields({ name: 'any', address: 'any', port: 'any', checkPort: 'any', cookie: str, backup: bool, maxConnections: 'any' })),
  })),
  stats: optional(fields({ bindAddress: 'any', port: 'any', uri: 'any', refresh: dur })),
});

const REDIS_ADDRESS: Shape = fields({ host: 'any', port: 'any' });
const AUTH: Shape = 'any';
const DIRECTIVES: Shape = optional(list(list(anyOf('string', 'number'))));

/** `RedisConfigSpec`. */
export const REDIS_CONFIG_SHAPE: Shape = fields({
  path: 'string', replicas: 'any', auth: AUTH, replicaOf: optional(REDIS_ADDRESS), port: 'any', bind: optional(list('string')), dir: 'any',
  appendFsync: 'any', durability: optional(fields({ minReplicasToWrite: 'any', minReplicasMaxLagSeconds: 'any', waitReplicas: 'any', waitTimeoutMs: 'any' })),
  announce: optional(fields({ host: 'any', port: 'any' })), protectedMode: bool, extraDirectives: DIRECTIVES,
});

/** `SentinelConfigSpec`. */
export const SENTINEL_CONFIG_SHAPE: Shape = fields({
  path: 'string', masterName: 'any', primary: REDIS_ADDRESS, sentinels: 'any', auth: AUTH, quorum: 'any',
  timing: optional(fields({ downAfterMs: 'any', failoverTimeoutMs: 'any', parallelSyncs: 'any' })), port: 'any', bind: optional(list('string')), dir: 'any',
  announce: optional(fields({ host: 'any', port: 'any' })), hostnames: bool, protectSentinels: bool, clientReconfigScript: 'any', extraDirectives: DIRECTIVES,
});

/** `GitOps` options. */
export const GITOPS_OPTIONS_SHAPE: Shape = fields({
  repoURL: 'any', branch: 'any', path: 'any', generator: 'any', namespace: 'any', project: 'any', prune: 'any', secretName: 'any', interval: 'any', deletionPolicy: 'any',
});

