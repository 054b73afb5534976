// hadr-constructs/core: the framework-free part of the library, with no cdk8s, constructs or
// Pulumi import: the intents a topology is described with, the timing profiles and the
// arithmetic behind them (budgets, quorums, failover estimates), and the config renderers the
// constructs and the drills share, for hosts outside Kubernetes.

// Errors, units, Kubernetes versions, and the platform-neutral intents
export {
  type ObjectReplication, type ObjectStorageSpec, type PostgresSpec, type RedisSpec, type RunbookStep, type Targets,
} from './intents';
export { HadrError, type HadrErrorDetails } from './errors';
export { type DurationLike, type SizeLike } from './units';
export {
  FULLY_SUPPORTED_KUBERNETES_VERSION, KUBERNETES_FEATURES, type KubernetesVersion, MINIMUM_KUBERNETES_VERSION,
  kubernetesVersionAtLeast, parseKubernetesVersion,
} from './kubernetes-version';

// Services
export {
  type AutoscaleSpec, type ImagePullPolicy, type ProbeTimingSpec, type ResourceSpec, type ServicePort, type ServiceSpec,
  type ShutdownSpec,
} from './service/service-spec';
export { HealthCheck, type HttpHealthCheckOptions } from './service/health-check';
export { QueueTrigger, type RabbitmqQueueOptions, type RedisListQueueOptions } from './service/queue-trigger';
export { type EnvFromOptions, EnvValue } from './service/env-value';
export { type FileMount, FileSource } from './service/file-source';
export { type EgressRule, type IngressRule, NetworkPeer, type NetworkPort } from './service/network-peer';
export { DisruptionBudget, allowedEvictions } from './service/disruption-budget';
export { type SchedulingRule } from './service/placement';
export { PriorityClass } from './service/priority-class';

// The topology model: sites, clusters, shared data and where its addresses work, traffic
export { AvailabilityMode } from './topology/availability-mode';
export { type ClusterIngress, type ClusterSpec, type ServiceOverride } from './topology/cluster-spec';
export {
  type ISharedEndpointSource, type IStatefulComponent, type SharedEndpointPort, type SharedEndpointReplication, type SharedEndpointSpec,
  type ShareOptions, shareEndpoint, StatefulKind,
} from './topology/shared-endpoint';
export { SiteRole, type SiteSpec } from './topology/site-spec';
export { type TopologyServiceSpec, type TopologySpec } from './topology/topology-spec';
export { Exposure, type ExternalExposureOptions, type LoadBalancerExposureOptions, Reach } from './topology/reach';
export {
  type K8gbFailoverOptions, type ManualSwitchOptions, type Route53FailoverOptions, type Route53SiteRecord, TrafficPolicy,
} from './traffic/traffic-policy';
export { type ArgoCdOptions, type FluxOptions, GitOps, type GitRepositoryOptions } from './gitops/gitops';
export { CrossClusterBalancer, type CrossClusterLoadBalancing, type HaproxyBalancerOptions, type StickySessions } from './traffic/cross-cluster-balancer';
export {
  type ClusterSummary, type DataReplicationSummary, type DataSummary, type GitOpsSummary, type ServiceSummary, type SiteSummary,
  type TargetsSummary, TOPOLOGY_SUMMARY_SCHEMA, type TopologySummary, type TrafficSummary,
} from './topology/topology-summary';

// Disaster recovery: the RTO/RPO budget, the runbook as data, the topology diagram
export {
  type BudgetItem, computeBudget, type DataLossSpec, DEFAULT_DECISION_SECONDS, formatSeconds, type InSiteFailover, type RecoveryBudget,
  type RecoveryBudgetSpec, renderBudgetMarkdown, renderBudgetText, type ScenarioBudget, type SiteLossPlan, type TrafficSwitch,
} from './dr/budget';
export {
  activationItem, balancerBackupSwitch, dnsHealthCheckSwitch, fenceItem, IMAGE_PULL_ALLOWANCE_SECONDS, k8gbSwitch, manualSwitch,
  patroniFailoverItems, patroniPromotionItem, podFailureItems, redisSiteLoss, SENTINEL_ELECTION_ALLOWANCE_SECONDS, sentinelFailoverItems,
  elastiCacheFailoverItems, rdsMultiAzFailoverItems, rdsPromotionItem, rdsReplicaLoss, s3ReplicationLoss,
} from './dr/budget-items';
export {
  CAUGHT_UP_BYTES, type DrRunbookSpec, failbackSteps, failoverSteps, renderRunbook, type Runbook, type RunbookTarget, switchoverSteps,
} from './dr/runbook';
export { type KubernetesRunbookOptions, kubernetesRunbookTarget } from './dr/runbook-targets';
export { renderDiagramSvg, renderMermaid } from './dr/diagram';

// Operations: alert rules that follow from the targets, sizing profiles
export {
  type AlertRule, type AlertRuleGroup, type AlertRulesSpec, type AlertThresholds, alertThresholds, type QueueBacklogSpec, renderAlertRules,
  renderAlertRulesFile,
} from './ops/alert-rules';
export {
  type DataSizing, type ServiceSizing, type SizingOverrides, SizingPreset, type SizingProfileName, type SizingValues,
} from './ops/sizing';

// PostgreSQL: Patroni timings, and the patroni.yml, pgbouncer.ini and haproxy.cfg renderers
export {
  type CustomPatroniTimingOptions, type FailoverEstimate, type HaproxyCheckTiming, type MeasuredFailover, PatroniTiming,
  type PatroniTimingProfile, estimateFailover,
} from './postgres/patroni-timing';
export {
  type PatroniAuthentication, type PatroniConfigSpec, type PatroniDcs, type PatroniEnvRequirement, type PatroniEtcd3Dcs,
  type PatroniKubernetesDcs, type PatroniPostgresqlSpec, type PatroniRestApiSpec, type PatroniStandbyClusterSpec,
  type PatroniTags, type PatroniUser, type WalGArchiveLocation, type WalGArchiveSpec, archiveRestoreCommand, patroniEnvironment,
  renderPatroniConfig,
} from './postgres/patroni-config';
export { type PgParameterValue } from './intents';
export { type PgbouncerAuth, type PgbouncerDatabase, type PgbouncerIniSpec, type PgbouncerPoolMode, renderPgbouncerIni } from './postgres/pgbouncer-config';
export {
  type HaproxyConfigSpec, type HaproxyHealthCheck, type HaproxyListener, type HaproxyMode, type HaproxyServer,
  type HaproxyServerChecks, type HaproxyStats, type HaproxyTcpCheckStep, type PatroniHaproxyMember, type PatroniListenersOptions,
  haproxyServerChecks, patroniListeners, renderHaproxyConfig,
} from './traffic/haproxy-config';

// Redis: Sentinel timings, durability, and the redis.conf, sentinel.conf and primary-proxy renderers
export {
  type CustomSentinelTimingOptions, Durability, type DurabilityKind, type FenceTiming, type MeasuredSentinelFailover, type MeasuredWriteLoss,
  type RedisDurability, SentinelTiming, type SentinelTimingProfile,
} from './redis/redis-timing';
export { type ConfArg, type ConfDirective } from './private/conf-lines';
export { type AnnounceAddress, type AppendFsync, type RedisAddress, type RedisAuth, type RedisConfigSpec, renderRedisConfig } from './redis/redis-config';
export { type SentinelConfigSpec, renderSentinelConfig, sentinelMajority } from './redis/sentinel-config';
export { type RedisPrimaryProxySpec, redisPrimaryProxyConfig } from './redis/redis-primary-proxy';
export { type RedisPod } from './redis/redis-start-script';
