import { createHash } from 'crypto';
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Baseline } from './baseline';
import { MultiReplica } from './multi-replica';
import { Workload } from './workload';
import { REDIS_SENTINEL_DEFAULTS as DEFAULTS, SERVICE_DEFAULTS } from '../core/defaults';
import { check, HadrError } from '../core/errors';
import { RedisSpec } from '../core/intents';
import { AppendFsync, ConfDirective, REDIS_PORT, renderRedisConfig } from '../core/redis/redis-config';
import { REDIS_PASSWORD_ENV, redisPrimaryProxyConfig } from '../core/redis/redis-primary-proxy';
import { renderRedisLivenessScript, renderRedisReadinessScript, renderSentinelReadinessScript } from '../core/redis/redis-probe-scripts';
import { RedisPod, renderRedisStartScript } from '../core/redis/redis-start-script';
import { Durability, RedisDurability, SentinelTiming, SentinelTimingProfile } from '../core/redis/redis-timing';
import { renderSentinelConfig, SENTINEL_PORT, SentinelConfigSpec, sentinelMajority } from '../core/redis/sentinel-config';
import { renderSentinelStartScript } from '../core/redis/sentinel-start-script';
import { PriorityClass } from '../core/service/priority-class';
import { checkPeer, ImagePullPolicy, ResourceSpec, resolveServiceSpec } from '../core/service/service-spec';
import { Exposure, Reach, ResolvedExposure, resolveExposure } from '../core/topology/reach';
import { ISharedEndpointSource, IStatefulComponent, SharedEndpointSpec, StatefulKind } from '../core/topology/shared-endpoint';
import { isSizeLike, mebibytes, seconds, SizeLike } from '../core/units';
import { clusterIdentity } from './private/cluster-identity';
import { configFile } from './private/config-file';
import { kubeObject } from './private/kube-object';
import { nameObjectsAfter } from './private/name-registry';
import { DNS_EGRESS, policyPeer, tcpPorts } from './private/network-policy';
import { antiAffinityFor, topologySpreadFor } from './private/placement';
import { containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './private/pod-template';
import { exemptPinnedImagePull } from './private/polaris';
import { priorityClassNameFor } from './private/priority-class';
import { checkStatefulProps } from './private/stateful-props';
import { configChecksum, dataVolumeClaim } from './private/stateful-storage';
import { EXPORTER_DEFAULTS } from '../core/ops/exporters';
import { FieldMapping, renamingErrors } from '../core/private/rename-errors';
import { renderRedisFenceLivenessScript, renderRedisFenceScript } from '../core/redis/redis-fence';
import { EnvValue } from '../core/service/env-value';
import { HealthCheck } from '../core/service/health-check';
import { LABEL, recommendedLabels, selectorLabels } from '../core/service/labels';
import { EgressRule, NetworkPeer } from '../core/service/network-peer';
import { Placement, SchedulingRule } from '../core/service/placement';
import { renderHaproxyConfig } from '../core/traffic/haproxy-config';
import { INT32_MAX, MAX_STATEFUL_SET_NAME } from '../core/validation/kubernetes';
import { isHostName } from '../core/validation/network';
import {
  checkArray, checkInstance, checkObject, checkOneOf, checkOptionalArray, checkOptionalObject, checkOptionalString,
} from '../core/validation/shape';

/** What of a {@link RedisSentinel} is reached from other clusters. */
export interface RedisExposure {
  /**
   * The primary proxy (HAProxy routing to the current primary): what plain clients in other
   * clusters connect to.
   *
   * @default - not exposed
   */
  readonly primary?: Exposure;
}

/** The metrics exporters of a {@link RedisSentinel}. */
export interface RedisMetricsOptions {
  /**
   * Who scrapes the metrics: admitted on the exporter port.
   *
   * @default NetworkPeer.namespace('monitoring')
   */
  readonly scrapers?: NetworkPeer;
  /**
   * The redis_exporter image, pinned.
   *
   * @default 'oliver006/redis_exporter:v1.67.0'
   */
  readonly image?: string;
  /**
   * Keys whose size the exporter reports (`redis_key_size`), e.g. the lists queue-driven
   * services scale on.
   *
   * @default - none
   * @see https://github.com/oliver006/redis_exporter#command-line-flags
   */
  readonly checkKeys?: readonly string[];
}

/** Props of {@link RedisSentinel}. */
export interface RedisSentinelProps extends RedisSpec {
  /**
   * The product this belongs to (`app.kubernetes.io/part-of`).
   *
   * @default - the name
   */
  readonly partOf?: string;

  /**
   * Sentinels, in their own StatefulSet; odd, so a majority always exists. Three survive the
   * loss of any one Sentinel, node or zone.
   *
   * @default 3
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#fundamental-things-to-know-about-sentinel-before-deploying
   */
  readonly sentinels?: number;

  /**
   * Why fewer than three Sentinels are acceptable here (a test or preview environment): one
   * Sentinel is a single point of failure for failover. Without a reason it is an error.
   *
   * @default - fewer than three Sentinels are refused
   */
  readonly fewerThanThreeSentinelsReason?: string;

  /**
   * Sentinels that must agree the primary is down before a failover starts (a failover still
   * needs a majority to elect its leader).
   *
   * @default - the majority of the Sentinels (2 of 3): survives the loss of a minority
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel
   */
  readonly quorum?: number;

  /**
   * Failure detection and failover timing.
   *
   * @default SentinelTiming.default() - down-after 5 s, fence bound 0.7 s; the measured failover is on its `measured` field
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#other-sentinel-options
   */
  readonly timing?: SentinelTimingProfile;

  /**
   * Fence every Redis server: a `fence` sidecar (`renderRedisFenceScript`, bash in the same
   * image) lets its server take writes only while a majority of the Sentinels names it the
   * primary, and raises `min-replicas-to-write` above the replica count otherwise, which both
   * refuses the writes and fails the primary proxy's check. Without it, a primary cut off from
   * the Sentinels together with one of its replicas keeps taking writes, through the proxy too,
   * until the partition heals and Sentinel demotes it (the `partition-unfenced` row of
   * docs/drills.md). The price: a server takes no write while a Sentinel majority is
   * unreachable from it, and a new primary takes writes about one poll after the Sentinels name
   * it. `timing.fenceBoundSeconds` is how long a cut-off primary may still take writes.
   *
   * @default true
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
   */
  readonly fencing?: boolean;

  /**
   * StorageClass of the data volumes; use one bound in the pod's zone (`WaitForFirstConsumer`).
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * The official redis image for Redis and Sentinel, pinned; a Debian variant (the scripts use
   * its sh, coreutils and redis-cli). Redis 7 or later: sentinel.conf names the master first.
   *
   * @default 'redis:8.2.8'
   * @see https://hub.docker.com/_/redis
   */
  readonly image?: string;

  /**
   * The existing Secret and key holding the password, for Redis, Sentinel and the primary
   * proxy. Never generated and never written into a manifest: create it before the first sync,
   * e.g. `kubectl create secret generic cache-auth --from-literal=password=...` (no whitespace
   * or quotes: Sentinel rewrites it unquoted).
   *
   * @default - `{ name: '<name>-auth', key: 'password' }`
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel-instances-with-authentication
   */
  readonly passwordSecret?: RedisPasswordSecret;

  /**
   * The name Sentinel-aware clients ask for (`SENTINEL GET-MASTER-ADDR-BY-NAME <masterName>`).
   *
   * @default - the name
   */
  readonly masterName?: string;

  /**
   * CPU and memory of each Redis server.
   *
   * @default - cpu 250m request / 1 limit, memory 1Gi request = limit
   */
  readonly resources?: ResourceSpec;

  /**
   * When the append-only file is fsynced.
   *
   * @default 'everysec'
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/
   */
  readonly appendFsync?: AppendFsync;

  /**
   * CPU and memory of each Sentinel.
   *
   * @default - cpu 50m request / 500m limit, memory 128Mi request = limit
   */
  readonly sentinelResources?: ResourceSpec;

  /**
   * Further redis.conf directives, after the rendered ones so they win (passwords refused).
   *
   * @default - none
   * @see https://raw.githubusercontent.com/redis/redis/7.0/redis.conf
   */
  readonly redisDirectives?: readonly ConfDirective[];

  /**
   * Further sentinel.conf directives, after the rendered ones (passwords refused).
   *
   * @default - none
   * @see https://raw.githubusercontent.com/redis/redis/7.0/sentinel.conf
   */
  readonly sentinelDirectives?: readonly ConfDirective[];

  /**
   * The HAProxy Deployment behind the `<name>-primary` Service, which always routes to the
   * current primary, for clients without Sentinel support; `false` for none (every client
   * asks Sentinel).
   *
   * @default - 2 replicas of the official HAProxy image
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-option%20tcp-check
   */
  readonly primaryProxy?: RedisPrimaryProxyOptions | false;

  /**
   * Who may connect: to Redis (6379), to the Sentinels (26379) and to the primary proxy
   * (6379). The topology's own pods reach each other regardless. More with {@link RedisSentinel.allowFrom}.
   *
   * @default - every pod of the same namespace
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly clients?: readonly NetworkPeer[];

  /**
   * Keep Redis servers, and Sentinels, on different nodes.
   *
   * @default 'required'
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
   */
  readonly nodeAntiAffinity?: SchedulingRule;

  /**
   * Spread Redis servers, and Sentinels, over zones (maxSkew 1).
   *
   * @default 'required'
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly zoneSpread?: SchedulingRule;

  /**
   * PriorityClass of every pod. A class the library creates is written once per cluster (cdk8s
   * App, or cluster folder of a TopologyApp), not once per chart.
   *
   * @default PriorityClass.highAvailability() - `hadr-high-availability` (1,000,000), created once per cluster
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClass?: PriorityClass;

  /**
   * When the kubelet pulls the Redis and Sentinel image. The image is pinned, so `IfNotPresent`
   * lets a server restart while the registry is down.
   *
   * @default 'IfNotPresent'
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * The image runs as a numeric non-root user of its own: keep it rather than force the official
   * image's redis user (999:999). `runAsNonRoot` stays; 999 stays the fsGroup of the volumes.
   *
   * @default false - Redis and Sentinel run as 999:999, the redis user of the official image
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   */
  readonly imageRunsAsNonRoot?: boolean;

  /**
   * A redis_exporter beside each Redis server and each Sentinel (port `exporter`, 9121): role,
   * connected replicas, and the primary's state as Sentinel sees it. The alerts of an
   * ActivePassiveDr's operations read them.
   *
   * @default - no exporter
   * @see https://github.com/oliver006/redis_exporter
   */
  readonly metrics?: RedisMetricsOptions;

  /**
   * DNS domain of the cluster, in the pod names Redis and Sentinel announce.
   *
   * @default 'cluster.local'
   * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
   */
  readonly clusterDomain?: string;

  /**
   * Addresses other clusters reach this Redis on: the primary, through the primary proxy.
   * Sentinel-aware clients in other clusters cannot be served (Sentinel hands out pod names
   * that resolve only here). Whoever {@link RedisSentinel.allowFrom} admits reaches it; nobody
   * else does.
   *
   * @default - not exposed
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
   */
  readonly expose?: RedisExposure;
}

/**
 * A key of an existing Secret.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
export interface RedisPasswordSecret {
  /** Secret name, in the chart's namespace. */
  readonly name: string;
  /**
   * Key holding the password.
   *
   * @default 'password'
   * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
   */
  readonly key?: string;
}

/** The HAProxy Deployment that routes clients without Sentinel support to the primary. */
export interface RedisPrimaryProxyOptions {
  /**
   * Replicas, at least 2 (kept apart on nodes and zones, one evictable at a time): one is
   * drained while the other routes.
   *
   * @default 2
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly replicas?: number;
  /**
   * The official HAProxy image, pinned.
   *
   * @default 'haproxy:3.2.15'
   * @see https://hub.docker.com/_/haproxy
   */
  readonly image?: string;
  /**
   * When the kubelet pulls the HAProxy image; pinned, so `IfNotPresent` survives a registry outage.
   *
   * @default 'IfNotPresent'
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: ImagePullPolicy;
}

const PORT = { redis: REDIS_PORT, sentinel: SENTINEL_PORT } as const;
/** Shown instead of anything that may be a password. */
const REDACTED = '<redacted>';
const MOUNT = {
  data: '/data',
  config: '/etc/redis/config',
  secret: '/etc/redis/secret',
  redisRuntime: '/run/redis',
  sentinelRuntime: '/run/sentinel',
  tmp: '/tmp',
  haproxy: '/usr/local/etc/haproxy',
} as const;
const PASSWORD_FILE = `${MOUNT.secret}/password`;
const SCRIPT = { start: 'start.sh', readiness: 'readiness.sh', liveness: 'liveness.sh', fence: 'fence.sh', fenceLiveness: 'fence-liveness.sh' } as const;
/** The config spec fields as the props name them. */
const REDIS_CONFIG_FIELDS: FieldMapping = [['extraDirectives', 'redisDirectives'], ['announce.host', 'clusterDomain']];
const SENTINEL_CONFIG_FIELDS: FieldMapping = [['extraDirectives', 'sentinelDirectives'], ['announce.host', 'clusterDomain']];
/** The primary proxy's fields (a MultiReplica) as the props name them. */
const PROXY_FIELDS: FieldMapping = [
  ['service.name', 'name'], ['service.image', 'primaryProxy.image'], ['replicas', 'primaryProxy.replicas'], ['service.partOf', 'partOf'],
  ['priorityClass', 'priorityClass'], ['service.ingress', 'clients'],
];

/** Checks of the props before anything is built: types, names, references, directives. */
function checkRedisProps(path: string, name: string, props: RedisSentinelProps): void {
  checkStatefulProps(path, name, props, [
    { suffix: '-sentinel', limit: MAX_STATEFUL_SET_NAME, what: 'the Sentinel StatefulSet' },
    { suffix: '-sentinel-members', limit: 63, what: 'the Sentinels\' Service' },
  ]);
  checkOptionalString(path, 'image', props.image, "'redis:8.2.8'");
  checkOptionalString(path, 'masterName', props.masterName, "'cache'");
  check(props.sentinels === undefined || (typeof props.sentinels === 'number' && props.sentinels <= INT32_MAX), {
    path, field: 'sentinels', value: props.sentinels, problem: `must be at most ${INT32_MAX}`, fix: 'use 3',
  });
  check(props.quorum === undefined || Number.isInteger(props.quorum), {
    path, field: 'quorum', value: props.quorum, problem: 'must be a whole number', fix: 'leave it out for the majority',
  });
  checkOptionalObject(path, 'timing', props.timing, 'SentinelTiming.default()');
  checkOptionalObject(path, 'durability', props.durability, 'Durability.minReplicas(1, Duration.seconds(2))');
  if (props.appendFsync !== undefined) checkOneOf(path, 'appendFsync', props.appendFsync, ['everysec', 'always', 'no']);
  checkOptionalObject(path, 'resources', props.resources, "{ cpu: { request: '250m' } }");
  checkOptionalObject(path, 'sentinelResources', props.sentinelResources, "{ cpu: { request: '50m' } }");
  const memory = (props.resources as ResourceSpec | undefined)?.memory;
  if (memory !== undefined) checkObject(path, 'resources.memory', memory, '{ limit: Size.gibibytes(1) }');
  for (const field of ['redisDirectives', 'sentinelDirectives'] as const) {
    checkOptionalArray(path, field, props[field], "[['maxmemory-policy', 'noeviction']]");
    (props[field] ?? []).forEach((directive, i) => checkArray(path, `${field}[${i}]`, directive, "['maxmemory-policy', 'noeviction']"));
  }
  if (props.primaryProxy !== undefined && props.primaryProxy !== false) {
    checkObject(path, 'primaryProxy', props.primaryProxy, '{ replicas: 2 }, or false for none');
    checkOptionalString(path, 'primaryProxy.image', props.primaryProxy.image, "'haproxy:3.2.15'");
  }
}

/**
 * Redis made highly available by Sentinel: a StatefulSet of Redis servers (a primary and its
 * replicas, each with its own volume and append-only file), a separate StatefulSet of Sentinels
 * that elect a new primary when the current one fails, and an HAProxy Deployment behind the
 * `<name>-primary` Service that always routes to the current primary. Sentinel-aware clients
 * ask the `<name>-sentinel` Service.
 *
 * Why the Sentinels run in their own StatefulSet rather than as sidecars of the Redis pods:
 * with sidecars, a drain, crash or rollout of a Redis pod takes a Sentinel with it, so the
 * failure that needs a failover also removes a voter (losing the primary's pod would leave 2
 * of 3 Sentinels, and any second disruption no majority); every Redis config change would
 * restart the Sentinels; and the Sentinel count would be tied to the Redis count. Apart, each
 * has its own disruption budget, placement and rollout.
 *
 * Why an HAProxy for clients without Sentinel support, rather than a Service selecting a role
 * label kept current by Sentinel's client-reconfig-script: moving a label needs a Kubernetes API
 * client, a ServiceAccount token and RBAC inside the Redis or Sentinel pods (the official image
 * has no HTTP client), and the label would only move after the script ran on a Sentinel,
 * never for a primary that comes back by itself. HAProxy asks every server itself, once a
 * second, whether it is the primary with the replicas the durability needs (see
 * `redisPrimaryCheck`), and cuts the sessions of a server that stops being one. Proven with real
 * HAProxy, Redis and Sentinel in test/e2e/redis-primary-routing.test.ts.
 *
 * redis.conf and sentinel.conf come from `renderRedisConfig` and `renderSentinelConfig`, the
 * functions the failover drill starts real servers with; the start scripts
 * (`renderRedisStartScript`, `renderSentinelStartScript`) copy them to a pod-private emptyDir at
 * every start, write the password include from the Secret, and point the server at the current
 * primary. The Redis StatefulSet is the `defaultChild`.
 *
 * @example
 * new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(10) });
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 */
export class RedisSentinel extends Construct implements IStatefulComponent, ISharedEndpointSource {
  /** Holds Redis data: refused inside an active cluster of a MultiCluster. */
  public readonly statefulKind = StatefulKind.REDIS;
  /** Name of the topology (the Redis StatefulSet). */
  public readonly name: string;
  /** Replicas following the primary. */
  public readonly replicas: number;
  /** Sentinels. */
  public readonly sentinels: number;
  /** Sentinels that must agree the primary is down. */
  public readonly quorum: number;
  /** The name Sentinel-aware clients ask for. */
  public readonly masterName: string;
  /** Failover timing in use. */
  public readonly timing: SentinelTimingProfile;
  /** Whether each Redis server runs the fence agent beside it. */
  public readonly fencing: boolean;
  /** Port name of the metrics exporter on the Redis and Sentinel pods; undefined without `metrics`. */
  public readonly metricsPort?: string;
  /** Durability in use; writers follow its `waitReplicas` when it is `wait`. */
  public readonly durability: RedisDurability;
  /** Host of the `<name>-primary` Service (through the primary proxy); undefined without the proxy. */
  public readonly primaryHost?: string;
  /** Host of the `<name>-sentinel` Service, for Sentinel-aware clients (port 26379). */
  public readonly sentinelHost: string;
  /** redis.conf of each Redis pod, by pod name, as rendered. */
  public readonly redisConfigs: Readonly<Record<string, string>>;
  /** sentinel.conf of each Sentinel pod, by pod name, as rendered. */
  public readonly sentinelConfigs: Readonly<Record<string, string>>;
  /** The primary proxy's haproxy.cfg; undefined without the proxy. */
  public readonly haproxyConfig?: string;
  /** The Redis StatefulSet (child id `Resource`). */
  public readonly statefulSet: ApiObject;
  /** The Sentinel StatefulSet. */
  public readonly sentinelStatefulSet: ApiObject;
  /** The `<name>-sentinel` Service Sentinel-aware clients ask. */
  public readonly sentinelService: ApiObject;
  /** The PodDisruptionBudget of the Redis servers. */
  public readonly podDisruptionBudget: ApiObject;
  /** The PodDisruptionBudget of the Sentinels. */
  public readonly sentinelPodDisruptionBudget: ApiObject;
  /** The NetworkPolicy of the Redis servers. */
  public readonly networkPolicy: ApiObject;
  /** The NetworkPolicy of the Sentinels. */
  public readonly sentinelNetworkPolicy: ApiObject;
  /** The primary proxy (Deployment, `<name>-primary` Service, budget, policy); undefined when turned off. */
  public readonly primaryProxy?: MultiReplica;
  /** Labels that select the Redis pods. */
  public readonly selector: Readonly<Record<string, string>>;
  /** Labels that select the Sentinel pods. */
  public readonly sentinelSelector: Readonly<Record<string, string>>;

  /** The address other clusters reach the primary proxy on; undefined when not exposed. */
  public readonly primaryExposure?: ResolvedExposure;

  private readonly clients: NetworkPeer[];
  private readonly metrics?: Required<RedisMetricsOptions>;

  constructor(scope: Construct, id: string, props: RedisSentinelProps) {
    super(scope, id);
    const path = this.node.path;
    checkObject(path, 'props', props, '{ storage: Size.gibibytes(10) }');
    const name = props.name ?? id;
    checkRedisProps(path, name, props);
    nameObjectsAfter(this, 'name', name);
    const replicas = props.replicas ?? DEFAULTS.replicas;
    check(Number.isInteger(replicas) && replicas >= 1 && replicas < INT32_MAX, {
      path, field: 'replicas', value: replicas, problem: 'must be at least 1 so Sentinel has a replica to promote',
      fix: 'use 2, so a failover still leaves the new primary a replica',
    });
    const sentinels = props.sentinels ?? DEFAULTS.sentinels;
    checkSentinelCount(path, sentinels, props.fewerThanThreeSentinelsReason);
    check(isSizeLike(props.storage) && props.storage.toKibibytes() > 0, {
      path, field: 'storage', value: props.storage, problem: 'must be a positive Size', fix: 'use e.g. Size.gibibytes(10)',
    });
    const passwordSecret = resolvePasswordSecret(path, name, props);
    check(props.expose === undefined || (typeof props.expose === 'object' && props.expose !== null), {
      path, field: 'expose', value: props.expose, problem: 'must be { primary? }', fix: "use e.g. { primary: Exposure.loadBalancer({ host: 'redis.data.example.com' }) }",
    });
    this.primaryExposure = props.expose?.primary && resolveExposure(path, 'expose.primary', props.expose.primary);
    check(this.primaryExposure === undefined || props.primaryProxy !== false, {
      path, field: 'expose.primary', value: this.primaryExposure?.host,
      problem: 'exposes the primary through the primary proxy, and primaryProxy is false', fix: 'keep the primary proxy (the default)',
    });

    const namespace = Chart.of(this).namespace;
    const clusterDomain = props.clusterDomain ?? DEFAULTS.clusterDomain;
    check(typeof clusterDomain === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(clusterDomain), {
      path, field: 'clusterDomain', value: clusterDomain, problem: 'must be a DNS name', fix: "use 'cluster.local'",
    });
    // The longest name announced: the last Sentinel's pod, its Service, the namespace, the domain.
    const longestHost = namespace
      ? `${name}-sentinel-${sentinels - 1}.${name}-sentinel-members.${namespace}.svc.${clusterDomain}`
      : `${name}-sentinel-${sentinels - 1}.${name}-sentinel-members`;
    check(isHostName(longestHost, { lowercase: true }), {
      path, field: 'clusterDomain', value: clusterDomain,
      problem: `makes the pod names Redis and Sentinel announce invalid DNS names (e.g. "${longestHost}": labels of at most 63 characters, 253 in all)`,
      fix: "use 'cluster.local', or shorter names",
    });
    const partOf = props.partOf ?? name;
    this.name = name;
    this.replicas = replicas;
    this.sentinels = sentinels;
    this.quorum = props.quorum ?? sentinelMajority(sentinels);
    this.masterName = props.masterName ?? name;
    this.timing = props.timing ?? SentinelTiming.default();
    this.fencing = props.fencing ?? true;
    this.metrics = props.metrics && checkMetrics(path, props.metrics);
    this.metricsPort = this.metrics ? 'exporter' : undefined;
    this.durability = props.durability ?? Durability.minReplicas(DEFAULTS.durability.minReplicas, seconds(DEFAULTS.durability.maxLagSeconds));
    this.clients = [...(props.clients ?? [NetworkPeer.sameNamespace()])];

    const sentinelName = `${name}-sentinel`;
    const membersService = `${name}-members`;
    const sentinelMembersService = `${sentinelName}-members`;
    // Stable names that survive pod restarts (pod IPs do not): what Redis and Sentinel announce.
    const podHost = (pod: string, service: string) => (namespace ? `${pod}.${service}.${namespace}.svc.${clusterDomain}` : `${pod}.${service}`);
    const serviceHost = (service: string) => (namespace ? `${service}.${namespace}.svc` : service);
    const members: RedisPod[] = Array.from({ length: replicas + 1 }, (_, i) => ({
      name: `${name}-${i}`, host: podHost(`${name}-${i}`, membersService), port: PORT.redis,
    }));
    const sentinelMembers: RedisPod[] = Array.from({ length: sentinels }, (_, i) => ({
      name: `${sentinelName}-${i}`, host: podHost(`${sentinelName}-${i}`, sentinelMembersService), port: PORT.sentinel,
    }));
    this.sentinelHost = serviceHost(sentinelName);

    const labels = recommendedLabels({ name: 'redis', instance: name, component: 'database', partOf });
    this.selector = selectorLabels({ name: 'redis', instance: name });
    const sentinelLabels = recommendedLabels({ name: 'redis-sentinel', instance: sentinelName, component: 'sentinel', partOf });
    this.sentinelSelector = selectorLabels({ name: 'redis-sentinel', instance: sentinelName });
    const metadata = { name, labels };
    const sentinelMetadata = { name: sentinelName, labels: sentinelLabels };

    // The Redis and Sentinel containers, checked as services: pinned image, sane requests and limits.
    const image = props.image ?? DEFAULTS.image;
    const memory = props.resources?.memory ?? { request: mebibytes(DEFAULTS.memoryMebibytes), limit: mebibytes(DEFAULTS.memoryMebibytes) };
    const redisContainer = renamingErrors(path, [['service.name', 'name'], ['service.image', 'image'], ['service.resources', 'resources']], () => resolveServiceSpec(path, {
      name, image, imagePullPolicy: props.imagePullPolicy, port: PORT.redis,
      resources: { cpu: props.resources?.cpu ?? { request: DEFAULTS.cpuRequest, limit: DEFAULTS.cpuLimit }, memory },
    }));
    const sentinelContainer = renamingErrors(path, [['service.name', 'name'], ['service.image', 'image'], ['service.resources', 'sentinelResources']], () => resolveServiceSpec(path, {
      name: sentinelName, image, imagePullPolicy: props.imagePullPolicy, port: PORT.sentinel,
      resources: props.sentinelResources ?? {
        cpu: { request: DEFAULTS.sentinelCpuRequest, limit: DEFAULTS.sentinelCpuLimit },
        memory: { request: mebibytes(DEFAULTS.sentinelMemoryMebibytes), limit: mebibytes(DEFAULTS.sentinelMemoryMebibytes) },
      },
    }));
    // The limit as resolveServiceSpec sets it: a request alone raises the default limit with it.
    const memoryLimitKib = memory.limit?.toKibibytes() ?? Math.max(memory.request?.toKibibytes() ?? 0, SERVICE_DEFAULTS.memoryLimitMebibytes * 1024);
    const maxMemoryBytes = resolveMaxMemory(path, props.maxMemory, memoryLimitKib, redisContainer.memory.limit);

    // One redis.conf per pod: each announces its own DNS name; pod 0 is the initial primary.
    const redisAuth = { passwordFile: PASSWORD_FILE, includeFile: `${MOUNT.redisRuntime}/auth.conf` };
    const redisConfigs: Record<string, string> = {};
    const redisDirectives = props.redisDirectives ?? [];
    // After the user's directives so their indices in errors match; a maxmemory of theirs replaces it.
    const memoryDirectives: ConfDirective[] = redisDirectives.some(([directive]) => directive === 'maxmemory') ? [] : [['maxmemory', maxMemoryBytes]];
    for (const [i, member] of members.entries()) {
      redisConfigs[member.name] = renamingErrors(path, REDIS_CONFIG_FIELDS, () => renderRedisConfig({
        path,
        replicas,
        auth: redisAuth,
        replicaOf: i === 0 ? undefined : { host: members[0].host, port: PORT.redis },
        port: PORT.redis,
        dir: MOUNT.data,
        appendFsync: props.appendFsync,
        durability: this.durability,
        fenced: this.fencing,
        announce: { host: member.host },
        extraDirectives: [...redisDirectives, ...memoryDirectives],
      }));
    }
    this.redisConfigs = redisConfigs;

    const sentinelAuth = { passwordFile: PASSWORD_FILE, includeFile: `${MOUNT.sentinelRuntime}/auth.conf` };
    const sentinelSpec = (member: RedisPod): SentinelConfigSpec => ({
      path,
      masterName: this.masterName,
      primary: { host: members[0].host, port: PORT.redis },
      sentinels,
      auth: sentinelAuth,
      quorum: props.quorum,
      timing: this.timing,
      port: PORT.sentinel,
      dir: MOUNT.tmp,
      announce: { host: member.host },
      // A stable id per pod: a restarted Sentinel is the same voter to its peers, not one more
      // that would count in the majority forever.
      extraDirectives: [...(props.sentinelDirectives ?? []), ['sentinel', 'myid', sentinelId(namespace, member.name)]],
    });
    const sentinelConfigs: Record<string, string> = {};
    for (const member of sentinelMembers) {
      sentinelConfigs[member.name] = renamingErrors(path, SENTINEL_CONFIG_FIELDS, () => renderSentinelConfig(sentinelSpec(member)));
    }
    this.sentinelConfigs = sentinelConfigs;

    const redisFiles: Record<string, string> = {
      ...Object.fromEntries(Object.entries(redisConfigs).map(([pod, conf]) => [`${pod}.conf`, conf])),
      [SCRIPT.start]: renderRedisStartScript({
        path,
        masterName: this.masterName,
        members,
        sentinels: sentinelMembers,
        configDir: MOUNT.config,
        runtimeConfig: `${MOUNT.redisRuntime}/redis.conf`,
        auth: redisAuth,
        askTimeoutSeconds: DEFAULTS.askTimeoutSeconds,
      }),
      [SCRIPT.readiness]: renderRedisReadinessScript({ path, port: PORT.redis, passwordFile: PASSWORD_FILE }),
      [SCRIPT.liveness]: renderRedisLivenessScript({ path, port: PORT.redis }),
      ...(this.fencing ? {
        [SCRIPT.fence]: renderRedisFenceScript({
          path, masterName: this.masterName, members, sentinels: sentinelMembers, passwordFile: PASSWORD_FILE,
          runtimeDir: MOUNT.tmp, durability: this.durability, timing: this.timing, port: PORT.redis,
        }),
        [SCRIPT.fenceLiveness]: renderRedisFenceLivenessScript({ path, runtimeDir: MOUNT.tmp }),
      } : {}),
    };
    const sentinelFiles: Record<string, string> = {
      ...Object.fromEntries(Object.entries(sentinelConfigs).map(([pod, conf]) => [`${pod}.conf`, conf])),
      [SCRIPT.start]: renderSentinelStartScript({
        config: sentinelSpec(sentinelMembers[0]),
        sentinels: sentinelMembers,
        redisServers: members,
        configDir: MOUNT.config,
        runtimeConfig: `${MOUNT.sentinelRuntime}/sentinel.conf`,
        askTimeoutSeconds: DEFAULTS.askTimeoutSeconds,
      }),
      [SCRIPT.readiness]: renderSentinelReadinessScript({ path, port: PORT.sentinel, passwordFile: PASSWORD_FILE, masterName: this.masterName }),
      [SCRIPT.liveness]: renderRedisLivenessScript({ path, port: PORT.sentinel }),
    };
    const configMap = kubeObject(this, 'Config', k8s.KubeConfigMap.GVK, { name: `${name}-redis`, labels }, { data: () => ({ ...redisFiles }) });
    const sentinelConfigMap = kubeObject(this, 'SentinelConfig', k8s.KubeConfigMap.GVK, sentinelMetadata, { data: () => ({ ...sentinelFiles }) });

    // Neither Redis nor Sentinel calls the Kubernetes API: a ServiceAccount without a token.
    const serviceAccount = kubeObject(this, 'ServiceAccount', k8s.KubeServiceAccount.GVK, metadata, {
      automountServiceAccountToken: () => false,
    });

    // Governing Services: stable DNS names for the pods, ready or not, which is what they announce.
    kubeObject(this, 'MembersService', k8s.KubeService.GVK, { name: membersService, labels }, {
      spec: () => k8s.toJson_ServiceSpec({
        clusterIp: 'None', publishNotReadyAddresses: true, selector: { ...this.selector }, ports: [servicePort('redis', PORT.redis)],
      }),
    });
    kubeObject(this, 'SentinelMembersService', k8s.KubeService.GVK, { name: sentinelMembersService, labels: sentinelLabels }, {
      spec: () => k8s.toJson_ServiceSpec({
        clusterIp: 'None', publishNotReadyAddresses: true, selector: { ...this.sentinelSelector }, ports: [servicePort('sentinel', PORT.sentinel)],
      }),
    });
    this.sentinelService = kubeObject(this, 'SentinelService', k8s.KubeService.GVK, sentinelMetadata, {
      spec: () => k8s.toJson_ServiceSpec({ type: 'ClusterIP', selector: { ...this.sentinelSelector }, ports: [servicePort('sentinel', PORT.sentinel)] }),
    });

    const placement: Placement = {
      nodeAntiAffinity: props.nodeAntiAffinity ?? DEFAULTS.nodeAntiAffinity,
      zoneSpread: props.zoneSpread ?? DEFAULTS.zoneSpread,
      zoneTopologyKey: SERVICE_DEFAULTS.zoneTopologyKey,
    };
    const priorityClassName = priorityClassNameFor(this, 'priorityClass', props.priorityClass);
    const forceRunAs = props.imageRunsAsNonRoot !== true;
    const podSpec = (selector: Readonly<Record<string, string>>, containers: k8s.Container[], configMapName: string): k8s.PodSpec => ({
      serviceAccountName: serviceAccount.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      priorityClassName,
      terminationGracePeriodSeconds: DEFAULTS.terminationGracePeriodSeconds,
      securityContext: restrictedPodSecurityContext(DEFAULTS.runAs, forceRunAs),
      affinity: antiAffinityFor({ ...selector }, placement),
      topologySpreadConstraints: topologySpreadFor({ ...selector }, placement),
      containers,
      volumes: [
        { name: 'config', configMap: { name: configMapName } },
        // The runtime config and the password include, in memory and private to the pod.
        { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
        // Readable by the pod's group only; only the password key, under a fixed file name.
        { name: 'secret', secret: { secretName: passwordSecret.name, defaultMode: 0o440, items: [{ key: passwordSecret.key, path: 'password' }] } },
        { name: 'tmp', emptyDir: {} },
      ],
    });

    this.statefulSet = kubeObject(this, 'Resource', k8s.KubeStatefulSet.GVK, metadata, {
      spec: () => k8s.toJson_StatefulSetSpec({
        serviceName: membersService,
        replicas: replicas + 1,
        // After a full outage every server starts at once; each finds the primary itself.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: { labels, annotations: { 'hadr-constructs.io/redis-config-sha': configChecksum(redisFiles) } },
          spec: podSpec(this.selector, withFence(this.fencing, serverContainer({
            name: 'redis',
            image: redisContainer.image,
            imagePullPolicy: redisContainer.imagePullPolicy,
            forceRunAs,
            port: PORT.redis,
            resources: containerResources(redisContainer),
            // Covers asking the Sentinels at start and replaying the append-only file (LOADING counts as alive).
            startupPeriods: 36,
            volumeMounts: [{ name: 'data', mountPath: MOUNT.data }, { name: 'run', mountPath: MOUNT.redisRuntime }],
          })).concat(this.exporters(PORT.redis, passwordSecret, forceRunAs)), configMap.name),
        },
        volumeClaimTemplates: [dataVolumeClaim('data', this.selector, props.storage, props.storageClassName)],
      }),
    });

    this.sentinelStatefulSet = kubeObject(this, 'SentinelStatefulSet', k8s.KubeStatefulSet.GVK, sentinelMetadata, {
      spec: () => k8s.toJson_StatefulSetSpec({
        serviceName: sentinelMembersService,
        replicas: sentinels,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: { ...this.sentinelSelector } },
        template: {
          metadata: { labels: sentinelLabels, annotations: { 'hadr-constructs.io/sentinel-config-sha': configChecksum(sentinelFiles) } },
          spec: podSpec(this.sentinelSelector, [serverContainer({
            name: 'sentinel',
            image: sentinelContainer.image,
            imagePullPolicy: sentinelContainer.imagePullPolicy,
            forceRunAs,
            port: PORT.sentinel,
            resources: containerResources(sentinelContainer),
            startupPeriods: 24,
            volumeMounts: [{ name: 'run', mountPath: MOUNT.sentinelRuntime }],
          }), ...this.exporters(PORT.sentinel, passwordSecret, forceRunAs)], sentinelConfigMap.name),
        },
      }),
    });

    exemptPinnedImagePull(this.statefulSet, [redisContainer.imagePullPolicy]);
    exemptPinnedImagePull(this.sentinelStatefulSet, [sentinelContainer.imagePullPolicy]);

    // One pod at a time: a drain proceeds, a promotable replica and a Sentinel majority remain.
    const budget = (budgetId: string, meta: typeof metadata, selector: Readonly<Record<string, string>>) =>
      kubeObject(this, budgetId, k8s.KubePodDisruptionBudget.GVK, meta, {
        spec: () => k8s.toJson_PodDisruptionBudgetSpec({
          selector: { matchLabels: { ...selector } },
          maxUnavailable: k8s.IntOrString.fromNumber(1),
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        }),
      });
    this.podDisruptionBudget = budget('DisruptionBudget', metadata, this.selector);
    this.sentinelPodDisruptionBudget = budget('SentinelDisruptionBudget', sentinelMetadata, this.sentinelSelector);

    if (props.primaryProxy !== false) {
      const proxyOptions = props.primaryProxy ?? {};
      const proxyName = `${name}-primary`;
      this.haproxyConfig = renamingErrors(path, [], () => renderHaproxyConfig(redisPrimaryProxyConfig({ path, members, durability: this.durability })), 'primaryProxy.');
      const proxyConfig = configFile(this, 'PrimaryProxyConfig', {
        name: proxyName, labels: recommendedLabels({ name: proxyName, instance: proxyName, component: 'proxy', partOf }),
        fileName: 'haproxy.cfg', content: this.haproxyConfig, directory: MOUNT.haproxy,
      });
      this.primaryProxy = renamingErrors(path, PROXY_FIELDS, () => new MultiReplica(this, 'PrimaryProxy', {
        replicas: proxyOptions.replicas ?? DEFAULTS.proxyReplicas,
        // The servers' class, already created for this cluster when the library creates it.
        priorityClass: priorityClassName === undefined ? PriorityClass.none() : PriorityClass.existing(priorityClassName),
        nodeAntiAffinity: placement.nodeAntiAffinity,
        zoneSpread: placement.zoneSpread,
        service: {
          name: proxyName,
          partOf,
          component: 'proxy',
          image: proxyOptions.image ?? DEFAULTS.proxyImage,
          imagePullPolicy: proxyOptions.imagePullPolicy,
          ports: [{ name: 'redis', port: PORT.redis }],
          healthCheck: HealthCheck.tcp(PORT.redis),
          command: ['haproxy', '-db', '-f', `${MOUNT.haproxy}/haproxy.cfg`],
          // The checks authenticate with "${REDIS_PASSWORD}", which HAProxy expands from here.
          env: { [REDIS_PASSWORD_ENV]: EnvValue.fromSecret(passwordSecret.name, passwordSecret.key) },
          files: [proxyConfig.mount],
          annotations: proxyConfig.podAnnotations,
          ingress: this.clients.map((from) => ({ from, ports: [{ port: PORT.redis }] })),
          egress: [{ to: NetworkPeer.pods(this.selector), ports: [{ port: PORT.redis }] }],
        },
      }), 'primaryProxy.');
      this.primaryHost = serviceHost(proxyName);
      const exposure = this.primaryExposure;
      if (exposure?.type === 'load-balancer') {
        const proxy = this.primaryProxy;
        kubeObject(this, 'PrimaryExternalService', k8s.KubeService.GVK, {
          name: `${proxyName}-external`, labels: { ...proxy.labels },
          annotations: Object.keys(exposure.annotations).length > 0 ? { ...exposure.annotations } : undefined,
        }, {
          spec: () => {
            const ranges = this.externalCidrs();
            return k8s.toJson_ServiceSpec({
              type: 'LoadBalancer',
              loadBalancerClass: exposure.loadBalancerClass,
              // Clients keep their own address, so the NetworkPolicy can admit exactly the consumer ranges.
              externalTrafficPolicy: 'Local',
              loadBalancerSourceRanges: ranges.length > 0 ? ranges : undefined,
              selector: { ...proxy.selector },
              ports: [{ name: 'redis', port: PORT.redis, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' }],
            });
          },
        });
      }
    }
    this.node.addValidation({
      validate: () => (this.primaryExposure && this.externalCidrs().length === 0 ? [new HadrError({
        path, field: 'expose.primary', value: this.primaryExposure.host,
        problem: 'is exposed, but no address outside the cluster is admitted, so the NetworkPolicy drops every connection that comes through it',
        fix: "admit the consumers with allowFrom(NetworkPeer.cidr('10.1.0.0/16')), or share it in a topology whose clusters declare egressCidrs",
      }).message] : []),
    });

    this.networkPolicy = this.policy('NetworkPolicy', metadata, PORT.redis);
    this.sentinelNetworkPolicy = this.policy('SentinelNetworkPolicy', sentinelMetadata, PORT.sentinel);
  }

  /**
   * Admits `peer` to Redis (6379), the Sentinels (26379) and the primary proxy (6379).
   *
   * @returns the peer admitted
   */
  public allowFrom(peer: NetworkPeer): NetworkPeer {
    checkPeer(this.node.path, 'allowFrom.peer', peer);
    this.clients.push(peer);
    this.primaryProxy?.allowFrom(peer, [{ port: PORT.redis }]);
    return peer;
  }

  /**
   * Lets a service connect both ways round: admits its pods here ({@link allowFrom}) and adds
   * egress rules to its NetworkPolicy for the primary proxy, the Sentinels and the Redis servers
   * (Sentinel-aware clients connect to the server Sentinel names).
   *
   * @returns the egress rules added to the client
   */
  public grantConnect(client: Baseline): EgressRule[] {
    checkInstance(this.node.path, 'grantConnect.client', client, Workload, 'a MultiReplica or Baseline, e.g. cache.grantConnect(api)');
    this.allowFrom(client.asPeer());
    const rules = [
      ...(this.primaryProxy ? [client.allowTo(this.primaryProxy.asPeer(), [{ port: PORT.redis }])] : []),
      client.allowTo(NetworkPeer.pods(this.sentinelSelector), [{ port: PORT.sentinel }]),
      client.allowTo(NetworkPeer.pods(this.selector), [{ port: PORT.redis }]),
    ];
    return rules;
  }

  /**
   * This Redis as a shared endpoint for the clusters of a topology, reached through the primary
   * proxy (the pod names Sentinel hands out resolve only inside this cluster): its exposed
   * address, or, not exposed, its cluster-local name with that reach, which a topology refuses
   * to hand to another cluster.
   */
  public sharedEndpoint(): SharedEndpointSpec {
    if (this.primaryHost === undefined) {
      throw new HadrError({
        path: this.node.path, field: 'primaryProxy', value: false,
        problem: 'is turned off, so clients in other clusters have no address to reach: Sentinel hands out pod names that resolve only in this cluster',
        fix: 'keep the primary proxy (the default) to share this RedisSentinel',
      });
    }
    if (this.primaryExposure) return { name: this.name, kind: StatefulKind.REDIS, host: this.primaryExposure.host, reach: Reach.ANYWHERE };
    return { name: this.name, kind: StatefulKind.REDIS, host: this.primaryHost, reach: Reach.cluster(clusterIdentity(this)) };
  }

  /** CIDR ranges admitted as clients: who may come through the exposed address. */
  private externalCidrs(): string[] {
    return [...new Set(this.clients.flatMap((peer) => (peer.cidr !== undefined ? [peer.cidr] : [])))];
  }

  /** redis_exporter for the server on `port` of the same pod, with the shared password. */
  private exporters(port: number, secret: { name: string; key: string }, forceRunAs: boolean): k8s.Container[] {
    if (!this.metrics) return [];
    const httpProbe = (periodSeconds: number) => ({
      httpGet: { path: '/health', port: k8s.IntOrString.fromString('exporter') }, periodSeconds, timeoutSeconds: 3, failureThreshold: 3,
    });
    return [{
      name: 'exporter',
      image: this.metrics.image,
      imagePullPolicy: 'IfNotPresent',
      env: [
        { name: 'REDIS_ADDR', value: `redis://127.0.0.1:${port}` },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } },
        { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: `:${EXPORTER_DEFAULTS.redisPort}` },
        ...(this.metrics.checkKeys.length > 0 && port === PORT.redis
          ? [{ name: 'REDIS_EXPORTER_CHECK_SINGLE_KEYS', value: this.metrics.checkKeys.join(',') }] : []),
      ],
      ports: [{ name: 'exporter', containerPort: EXPORTER_DEFAULTS.redisPort, protocol: 'TCP' }],
      readinessProbe: httpProbe(10),
      livenessProbe: httpProbe(20),
      resources: containerResources({
        cpu: { request: EXPORTER_DEFAULTS.cpuRequest, limit: EXPORTER_DEFAULTS.cpuLimit },
        memory: { request: `${EXPORTER_DEFAULTS.memoryMebibytes}Mi`, limit: `${EXPORTER_DEFAULTS.memoryMebibytes}Mi` },
      }),
      securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs, forceRunAs),
    }];
  }

  /** Ingress from the topology's own pods and the clients on `port`; egress to DNS, Redis and the Sentinels. */
  private policy(id: string, metadata: { name: string; labels: Record<string, string> }, port: number): ApiObject {
    const topology = [
      NetworkPeer.pods(this.selector),
      NetworkPeer.pods(this.sentinelSelector),
      ...(this.primaryProxy ? [this.primaryProxy.asPeer()] : []),
    ];
    return kubeObject(this, id, k8s.KubeNetworkPolicy.GVK, metadata, {
      spec: () => k8s.toJson_NetworkPolicySpec({
        // One label, unique in the namespace: the pods' instance.
        podSelector: { matchLabels: { [LABEL.instance]: metadata.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: topology.map(policyPeer), ports: tcpPorts(port) },
          ...(this.clients.length > 0 ? [{ from: this.clients.map(policyPeer), ports: tcpPorts(port) }] : []),
          ...(this.metrics ? [{ from: [policyPeer(this.metrics.scrapers)], ports: tcpPorts(EXPORTER_DEFAULTS.redisPort) }] : []),
        ],
        egress: [
          DNS_EGRESS,
          { to: [policyPeer(NetworkPeer.pods(this.selector))], ports: tcpPorts(PORT.redis) },
          { to: [policyPeer(NetworkPeer.pods(this.sentinelSelector))], ports: tcpPorts(PORT.sentinel) },
        ],
      }),
    });
  }
}

function checkMetrics(path: string, metrics: RedisMetricsOptions): Required<RedisMetricsOptions> {
  check(typeof metrics === 'object' && metrics !== null, { path, field: 'metrics', value: metrics, problem: 'must be an object', fix: 'use {}' });
  check(metrics.scrapers === undefined || metrics.scrapers instanceof NetworkPeer, {
    path, field: 'metrics.scrapers', value: metrics.scrapers, problem: 'must be a NetworkPeer', fix: "use NetworkPeer.namespace('monitoring')",
  });
  const image = renamingErrors(path, [['service.image', 'metrics.image']], () => resolveServiceSpec(path, {
    name: 'exporter', image: metrics.image ?? EXPORTER_DEFAULTS.redisImage, port: EXPORTER_DEFAULTS.redisPort,
  })).image;
  check(metrics.checkKeys === undefined || (Array.isArray(metrics.checkKeys) && metrics.checkKeys.every((k) => typeof k === 'string' && /^[^\s,=]+$/.test(k))), {
    path, field: 'metrics.checkKeys', value: metrics.checkKeys, problem: 'must be a list of keys without spaces, commas or =', fix: "use e.g. ['bull:backups:waiting']",
  });
  const scrapers = metrics.scrapers ?? NetworkPeer.namespace(EXPORTER_DEFAULTS.monitoringNamespace);
  return { scrapers, image, checkKeys: [...(metrics.checkKeys ?? [])] };
}

function checkSentinelCount(path: string, sentinels: number, reason: string | undefined): void {
  check(Number.isInteger(sentinels) && sentinels >= 1, {
    path, field: 'sentinels', value: sentinels, problem: 'must be a positive odd number', fix: 'use 3',
  });
  check(sentinels % 2 === 1, {
    path, field: 'sentinels', value: sentinels, problem: 'must be odd to keep a quorum', fix: sentinels > 2 ? `use ${sentinels - 1} or ${sentinels + 1}` : 'use 3',
  });
  check(sentinels >= 3 || (reason !== undefined && reason.trim().length > 0), {
    path, field: 'sentinels', value: sentinels,
    problem: 'is below 3: losing that Sentinel, its node or its zone leaves nobody to fail over',
    fix: "use 3, or accept it with fewerThanThreeSentinelsReason: '<why>'",
  });
}

/** The Secret reference, refusing anything that looks like the password itself (never echoed). */
function resolvePasswordSecret(path: string, name: string, props: RedisSentinelProps): Required<RedisPasswordSecret> {
  for (const field of ['password', 'requirepass', 'auth']) {
    if ((props as unknown as Record<string, unknown>)[field] !== undefined) {
      throw new HadrError({
        path, field, value: REDACTED, problem: 'must not be a literal password: it would be written into the manifests',
        fix: "create a Secret (kubectl create secret generic <name> --from-literal=password=...) and set passwordSecret: { name: '<name>' }",
      });
    }
  }
  const given: unknown = props.passwordSecret;
  if (given === undefined) return { name: `${name}-auth`, key: DEFAULTS.passwordKey };
  const secret = given as Partial<RedisPasswordSecret>;
  check(typeof given === 'object' && given !== null && typeof secret.name === 'string', {
    path, field: 'passwordSecret', value: REDACTED, problem: 'must be a Secret reference { name, key }, not a literal password',
    fix: "set passwordSecret: { name: '<secret name>', key: 'password' }",
  });
  const key = secret.key ?? DEFAULTS.passwordKey;
  check(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(secret.name!) && secret.name!.length <= 253, {
    path, field: 'passwordSecret.name', value: REDACTED, problem: 'must be the name of a Secret (a DNS subdomain)', fix: "use e.g. 'cache-auth'",
  });
  check(/^[-._a-zA-Z0-9]+$/.test(key) && key.length <= 253, {
    path, field: 'passwordSecret.key', value: REDACTED, problem: 'must be a key of the Secret (letters, digits, "-", "_" and ".")', fix: "use e.g. 'password'",
  });
  return { name: secret.name!, key };
}

/** `maxmemory` in bytes: the given size, or the default share of the memory limit; below the limit either way. */
function resolveMaxMemory(path: string, given: SizeLike | undefined, limitKib: number, limit: string): number {
  const limitBytes = limitKib * 1024;
  if (given === undefined) return Math.floor(limitBytes * DEFAULTS.maxMemoryShareOfLimit);
  check(isSizeLike(given) && given.toKibibytes() > 0 && given.toKibibytes() * 1024 < limitBytes, {
    path, field: 'maxMemory', value: given, problem: `must be a Size below the memory limit (${limit})`,
    fix: `use at most ${Math.floor(DEFAULTS.maxMemoryShareOfLimit * 100)}% of the limit, leaving room for the fork that rewrites the append-only file`,
  });
  return given.toKibibytes() * 1024;
}

/** A stable 40-hex-digit Sentinel id for one pod (`sentinel myid`). */
function sentinelId(namespace: string | undefined, pod: string): string {
  return createHash('sha1').update(`hadr-constructs/redis-sentinel/${namespace ?? ''}/${pod}`).digest('hex');
}

function servicePort(name: string, port: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
}

function execProbe(script: string, timing: Omit<k8s.Probe, 'exec'>): k8s.Probe {
  return { exec: { command: ['sh', `${MOUNT.config}/${script}`] }, ...timing };
}

/** What differs between the Redis and the Sentinel container. */
interface ServerContainerOptions {
  readonly name: 'redis' | 'sentinel';
  readonly image: string;
  readonly imagePullPolicy: ImagePullPolicy;
  /** Run as the image's redis user (999:999); false keeps the image's own non-root user. */
  readonly forceRunAs: boolean;
  readonly port: number;
  readonly resources: k8s.ResourceRequirements;
  /** Startup probe periods of 5 s before liveness takes over. */
  readonly startupPeriods: number;
  /** Mounts besides the config, the Secret and /tmp. */
  readonly volumeMounts: readonly k8s.VolumeMount[];
}

/**
 * A Redis or Sentinel container: the rendered start script as entrypoint, role-aware readiness,
 * a liveness that only asks for an answer, restricted, the config and the Secret read-only.
 */
function serverContainer(options: ServerContainerOptions): k8s.Container {
  return {
    name: options.name,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy,
    command: ['sh', `${MOUNT.config}/${SCRIPT.start}`],
    // The start script picks this pod's config and address by its name.
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: [{ name: options.name, containerPort: options.port, protocol: 'TCP' }],
    resources: options.resources,
    // Redis: the primary, or a replica done with its sync (a rollout waits for it). Sentinel: it names a primary.
    readinessProbe: execProbe(SCRIPT.readiness, { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2, successThreshold: 1 }),
    // Alive while it answers at all: a replica loading or syncing a large data set is not killed.
    livenessProbe: execProbe(SCRIPT.liveness, { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6, successThreshold: 1 }),
    startupProbe: execProbe(SCRIPT.liveness, { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: options.startupPeriods, successThreshold: 1 }),
    securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs, options.forceRunAs),
    volumeMounts: [
      ...options.volumeMounts,
      { name: 'config', mountPath: MOUNT.config, readOnly: true },
      { name: 'secret', mountPath: MOUNT.secret, readOnly: true },
      { name: 'tmp', mountPath: MOUNT.tmp },
    ],
  };
}

/** Resources of the fence agent: bash reading and writing a few sockets, 10 to 30 times a second. */
const FENCE_RESOURCES: k8s.ResourceRequirements = {
  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
  limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('32Mi') },
};

/**
 * The Redis container, and with fencing its `fence` sidecar: the same image (bash and its
 * `/dev/tcp`), the same user, the config and the Secret read-only, its FIFOs and heartbeat in
 * the pod's /tmp. Ready and alive while its loop runs; fenced or not does not matter there.
 */
function withFence(fencing: boolean, redis: k8s.Container): k8s.Container[] {
  if (!fencing) return [redis];
  const probe = { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 };
  return [redis, {
    name: 'fence',
    image: redis.image,
    imagePullPolicy: redis.imagePullPolicy,
    command: ['bash', `${MOUNT.config}/${SCRIPT.fence}`],
    env: redis.env,
    resources: FENCE_RESOURCES,
    readinessProbe: execProbe(SCRIPT.fenceLiveness, probe),
    livenessProbe: execProbe(SCRIPT.fenceLiveness, probe),
    securityContext: redis.securityContext,
    volumeMounts: (redis.volumeMounts ?? []).filter((m) => ['config', 'secret', 'tmp'].includes(m.name)),
  }];
}
