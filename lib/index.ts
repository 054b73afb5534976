// The public API of hadr-constructs: the constructs and their props, and everything of
// 'hadr-constructs/core' (the framework-free part: intents, the topology model, the RTO/RPO
// budget, the choice classes and units, and the config renderers users run outside Kubernetes).
// Everything else (resolvers, checks, defaults tables, start and probe scripts) is internal and
// may change.
export * from './core';

// The cluster's Kubernetes version, declared on a construct tree
export { KUBERNETES_VERSION_CONTEXT } from './k8s/private/kubernetes-version';

// Baseline and MultiReplica: one stateless service, two shapes of one workload
export { Workload, type WorkloadProps } from './k8s/workload';
export { Baseline, type BaselineProps } from './k8s/baseline';
export { MultiReplica, type MultiReplicaProps } from './k8s/multi-replica';

// MultiCluster: the same services on several clusters, written one folder per cluster
export { type ActiveCluster, MultiCluster, type MultiClusterProps } from './k8s/multi-cluster';
export { TopologyApp } from './k8s/topology-app';
export { type TopologyClusterChart } from './k8s/topology-cluster';

// ActivePassiveDr: a standby site by one flip, with the budget, the runbook and the diagram
export {
  ActivePassiveDr, type ActivePassiveDrProps, type DrDatabaseSite, type DrObjectStorage, type DrPostgresOptions, type DrRedisOptions,
  type DrRedisSite, type DrServiceSpec, type DrSiteData, type DrSiteSpec, type FailoverOptions, type MonitoringOptions, type OperationsOptions,
  type SharedSecrets, type VeleroBackupOptions,
} from './k8s/active-passive-dr';

// PatroniCluster: PostgreSQL with Patroni, its pooler and backups
export {
  type PatroniBackupOptions, PatroniCluster, type PatroniClusterProps, type PatroniExposure, type PatroniLogicalDumpOptions,
  type PatroniMetricsOptions, type PatroniPoolerOptions, type PatroniReplicationSource,
} from './k8s/patroni-cluster';

// RedisSentinel: Redis with Sentinel and a primary proxy
export {
  type RedisExposure, type RedisMetricsOptions, type RedisPasswordSecret, type RedisPrimaryProxyOptions, RedisSentinel, type RedisSentinelProps,
} from './k8s/redis-sentinel';
