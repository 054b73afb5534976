// The public API of hadr-constructs: the constructs, their props, the choice classes and units
// they take, and the config renderers users run outside Kubernetes. Everything else (resolvers,
// checks, defaults tables, start and probe scripts) is internal and may change.
// The framework-free part (no cdk8s needed) is also reachable as 'hadr-constructs/core'.

// Errors, units and the cluster's Kubernetes version
export { HadrError, type HadrErrorDetails } from './core/errors';
export { type DurationLike, type SizeLike } from './core/units';
export {
  FULLY_SUPPORTED_KUBERNETES_VERSION, KUBERNETES_FEATURES, type KubernetesVersion, MINIMUM_KUBERNETES_VERSION, kubernetesVersionAtLeast,
  parseKubernetesVersion,
} from './core/kubernetes-version';
export { KUBERNETES_VERSION_CONTEXT } from './k8s/private/kubernetes-version';
export {
  type ObjectReplication, type ObjectStorageSpec, type PostgresSpec, type RedisSpec, type RunbookStep, type Targets,
} from './core/intents';

// Baseline and MultiReplica: one stateless service, two shapes of one workload
export { Workload, type WorkloadProps } from './k8s/workload';
export { Baseline, type BaselineProps } from './k8s/baseline';
export { MultiReplica, type MultiReplicaProps } from './k8s/multi-replica';
export {
  type AutoscaleSpec, type ImagePullPolicy, type ProbeTimingSpec, type ResourceSpec, type ServicePort, type ServiceSpec,
  type ShutdownSpec,
} from './core/service/service-spec';
export { HealthCheck, type HttpHealthCheckOptions } from './core/service/health-check';
export { QueueTrigger, type RabbitmqQueueOptions, type RedisListQueueOptions } from './core/service/queue-trigger';
export { type EnvFromOptions, EnvValue } from './core/service/env-value';
export { type FileMount, FileSource } from './core/service/file-source';
export { type EgressRule, type IngressRule, NetworkPeer, type NetworkPort } from './core/service/network-peer';
export { DisruptionBudget, allowedEvictions } from './core/service/disruption-budget';
export { type SchedulingRule } from './core/service/placement';
export { PriorityClass } from './core/service/priority-class';

// The topology model, and MultiCluster: the same services on several clusters
export { type ActiveCluster, MultiCluster, type MultiClusterProps } from './k8s/multi-cluster';
export { TopologyApp } from './k8s/topology-app';
export { type TopologyClusterChart } from './k8s/topology-cluster';
export { AvailabilityMode } from './core/topology/availability-mode';
export { type ClusterIngress, type ClusterSpec, type ServiceOverride } from './core/topology/cluster-spec';
export {
  type ISharedEndpointSource, type IStatefulComponent, type SharedEndpointPort, type SharedEndpointReplication, type SharedEndpointSpec,
  type ShareOptions, shareEndpoint, StatefulKind,
} from './core/topology/shared-endpoint';
export { SiteRole, type SiteSpec } from './core/topology/site-spec';
export { type TopologyServiceSpec, type TopologySpec } from './core/topology/topology-spec';
export { Exposure, type ExternalExposureOptions, type LoadBalancerExposureOptions, Reach } from './core/topology/reach';
export {
  type K8gbFailoverOptions, type ManualSwitchOptions, type Route53FailoverOptions, type Route53SiteRecord, TrafficPolicy,
} from './core/traffic/traffic-policy';
export { type ArgoCdOptions, type FluxOptions, GitOps, type GitRepositoryOptions } from './core/gitops/gitops';
export {
  CrossClusterBalancer, type CrossClusterLoadBalancing, type HaproxyBalancerOptions, type StickySessions,
} from './core/traffic/cross-cluster-balancer';
export {
  type ClusterSummary, type DataReplicationSummary, type DataSummary, type GitOpsSummary, type ServiceSummary, type SiteSummary,
  type TargetsSummary, TOPOLOGY_SUMMARY_SCHEMA, type TopologySummary, type TrafficSummary,
} from './core/topology/topology-summary';

// ActivePassiveDr: a standby site by one flip, the RTO/RPO budget, the runbook and the diagram
export {
  ActivePassiveDr, type ActivePassiveDrProps, type DrDatabaseSite, type DrObjectStorage, type DrPostgresOptions, type DrRedisOptions,
  type DrRedisSite, type DrServiceSpec, type DrSiteData, type DrSiteSpec, type FailoverOptions, type MonitoringOptions, type OperationsOptions,
  type SharedSecrets, type VeleroBackupOptions,
} from './k8s/active-passive-dr';
export {
  type AlertRule, type AlertRuleGroup, type AlertRulesSpec, type AlertThresholds, alertThresholds, type QueueBacklogSpec, renderAlertRules,
  renderAlertRulesFile,
} from './core/ops/alert-rules';
export {
  type DataSizing, type ServiceSizing, type SizingOverrides, SizingPreset, type SizingProfileName, type SizingValues,
} from './core/ops/sizing';
export {
  type BudgetItem, computeBudget, type DataLossSpec, DEFAULT_DECISION_SECONDS, formatSeconds, type InSiteFailover, type RecoveryBudget,
  type RecoveryBudgetSpec, renderBudgetMarkdown, renderBudgetText, type ScenarioBudget, type SiteLossPlan, type TrafficSwitch,
} from './core/dr/budget';
export {
  activationItem, balancerBackupSwitch, dnsHealthCheckSwitch, fenceItem, IMAGE_PULL_ALLOWANCE_SECONDS, k8gbSwitch, manualSwitch,
  patroniFailoverItems, patroniPromotionItem, podFailureItems, redisSiteLoss, SENTINEL_ELECTION_ALLOWANCE_SECONDS, sentinelFailoverItems,
  elastiCacheFailoverItems, rdsMultiAzFailoverItems, rdsPromotionItem, rdsReplicaLoss, s3ReplicationLoss,
} from './core/dr/budget-items';
export {
  CAUGHT_UP_BYTES, type DrRunbookSpec, failbackSteps, failoverSteps, renderRunbook, type Runbook, type RunbookTarget, switchoverSteps,
} from './core/dr/runbook';
export { type KubernetesRunbookOptions, kubernetesRunbookTarget } from './core/dr/runbook-targets';
export { renderDiagramSvg, renderMermaid } from './core/dr/diagram';

// PatroniCluster: PostgreSQL with Patroni, its pooler and backups
export {
  type PatroniBackupOptions, PatroniCluster, type PatroniClusterProps, type PatroniExposure, type PatroniLogicalDumpOptions,
  type PatroniMetricsOptions, type PatroniPoolerOptions, type PatroniReplicationSource,
} from './k8s/patroni-cluster';
export {
  type CustomPatroniTimingOptions, type FailoverEstimate, type HaproxyCheckTiming, type MeasuredFailover, PatroniTiming,
  type PatroniTimingProfile, estimateFailover,
} from './core/postgres/patroni-timing';
export { type PgbouncerPoolMode } from './core/postgres/pgbouncer-config';
//   Renderers for Patroni, HAProxy and PgBouncer on hosts outside Kubernetes (the drills run them so)
export {
  type PatroniAuthentication, type PatroniConfigSpec, type PatroniDcs, type PatroniEnvRequirement, type PatroniEtcd3Dcs,
  type PatroniKubernetesDcs, type PatroniPostgresqlSpec, type PatroniRestApiSpec, type PatroniStandbyClusterSpec,
  type PatroniTags, type PatroniUser, type WalGArchiveLocation, type WalGArchiveSpec, archiveRestoreCommand, patroniEnvironment,
  renderPatroniConfig,
} from './core/postgres/patroni-config';
export { type PgParameterValue } from './core/intents';
export { type PgbouncerAuth, type PgbouncerDatabase, type PgbouncerIniSpec, renderPgbouncerIni } from './core/postgres/pgbouncer-config';
export {
  type HaproxyConfigSpec, type HaproxyHealthCheck, type HaproxyListener, type HaproxyMode, type HaproxyServer,
  type HaproxyServerChecks, type HaproxyStats, type HaproxyTcpCheckStep, type PatroniHaproxyMember, type PatroniListenersOptions,
  haproxyServerChecks, patroniListeners, renderHaproxyConfig,
} from './core/traffic/haproxy-config';

// RedisSentinel: Redis with Sentinel and a primary proxy
export {
  type RedisExposure, type RedisMetricsOptions, type RedisPasswordSecret, type RedisPrimaryProxyOptions, RedisSentinel, type RedisSentinelProps,
} from './k8s/redis-sentinel';
export {
  type CustomSentinelTimingOptions, Durability, type DurabilityKind, type FenceTiming, type MeasuredSentinelFailover, type MeasuredWriteLoss,
  type RedisDurability, SentinelTiming, type SentinelTimingProfile,
} from './core/redis/redis-timing';
export { type ConfArg, type ConfDirective } from './core/private/conf-lines';
//   Renderers for Redis, Sentinel and the primary proxy on hosts outside Kubernetes (the drills run them so)
export { type AnnounceAddress, type AppendFsync, type RedisAddress, type RedisAuth, type RedisConfigSpec, renderRedisConfig } from './core/redis/redis-config';
export { type SentinelConfigSpec, renderSentinelConfig, sentinelMajority } from './core/redis/sentinel-config';
export { type RedisPrimaryProxySpec, redisPrimaryProxyConfig } from './core/redis/redis-primary-proxy';
export { type RedisPod } from './core/redis/redis-start-script';
