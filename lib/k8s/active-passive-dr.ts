import { Construct, IConstruct } from 'constructs';
import { PatroniBackupOptions, PatroniCluster, PatroniClusterProps } from './patroni-cluster';
import { externalSecret, k8gbGslb, route53FailoverEndpoint } from './private/dr-objects';
import { healthProbe, podMonitor, prometheusRule, serviceMonitor, veleroSchedule } from './private/ops-objects';
import { TopologyOutput, writeTopology } from './private/topology-output';
import { RedisSentinel, RedisSentinelProps } from './redis-sentinel';
import { TopologyApp } from './topology-app';
import { TopologyClusterChart } from './topology-cluster';
import { DR_DEFAULTS, PATRONI_CLUSTER_DEFAULTS, REDIS_SENTINEL_DEFAULTS } from '../core/defaults';
import {
  BudgetItem, checkBudget, computeBudget, DataLossSpec, DEFAULT_DECISION_SECONDS, InSiteFailover, RecoveryBudget, TrafficSwitch,
} from '../core/dr/budget';
import {
  activationItem, balancerBackupSwitch, dnsHealthCheckSwitch, fenceItem, k8gbSwitch, manualSwitch, patroniFailoverItems, patroniPromotionItem,
  podFailureItems, redisSiteLoss, sentinelFailoverItems,
} from '../core/dr/budget-items';
import { renderDiagramSvg, renderMermaid } from '../core/dr/diagram';
import { DrRunbookSpec, renderRunbook } from '../core/dr/runbook';
import { kubernetesRunbookTarget } from '../core/dr/runbook-targets';
import { check } from '../core/errors';
import { GitOps } from '../core/gitops/gitops';
import { ObjectStorageSpec, RunbookStep, Targets } from '../core/intents';
import { AlertName, AlertRuleGroup, AlertRulesSpec, renderAlertRules } from '../core/ops/alert-rules';
import { EXPORTER_DEFAULTS } from '../core/ops/exporters';
import { alertSteps, restoreSteps } from '../core/ops/ops-runbook';
import { checkCron, checkRetention, goDuration } from '../core/ops/schedule';
import { SizingPreset } from '../core/ops/sizing';
import { WalGArchiveLocation } from '../core/postgres/patroni-config';
import { PatroniTiming } from '../core/postgres/patroni-timing';
import { Durability, SentinelTiming } from '../core/redis/redis-timing';
import { recommendedLabels } from '../core/service/labels';
import { NetworkPeer } from '../core/service/network-peer';
import { checkName, ResourceSpec } from '../core/service/service-spec';
import { AvailabilityMode } from '../core/topology/availability-mode';
import { ClusterSpec, isDnsName, ServiceOverride } from '../core/topology/cluster-spec';
import { Exposure, isClusterLocalName, LoadBalancerExposureOptions, Reach } from '../core/topology/reach';
import { ISharedEndpointSource, SharedEndpointSpec, StatefulKind } from '../core/topology/shared-endpoint';
import { SiteRole, SiteSpec } from '../core/topology/site-spec';
import { ResolvedTopology, resolveTopology, TopologyServiceSpec } from '../core/topology/topology-spec';
import { replicasOnCluster, TopologySummary } from '../core/topology/topology-summary';
import { TrafficPolicy } from '../core/traffic/traffic-policy';
import { DurationLike, isDurationLike, mebibytes, seconds, toSecondsCeil } from '../core/units';
import { checkTextTree } from '../core/validation/text';
import { checkSitesInput } from '../core/validation/topology-input';

/** A service of an {@link ActivePassiveDr}: a topology service, and what it does on a passive site. */
export interface DrServiceSpec extends TopologyServiceSpec {
  /**
   * Run at 0 replicas on a passive site: for what must not act while the site is passive
   * (controllers, operators, schedulers, queue consumers that would act on their own copy).
   * The others run warm, ready to take traffic once the site is activated.
   *
   * @default false - runs warm on a passive site
   */
  readonly stopWhenPassive?: boolean;
}

/** One site of an {@link ActivePassiveDr}. */
export interface DrSiteSpec {
  /** Name of the site (its folder and k8gb geo tag); a DNS-1123 label. Keep it stable. */
  readonly name: string;
  /** The site's clusters, at least one. */
  readonly clusters: readonly ClusterSpec[];
  /**
   * How services run on this site (a cluster may override it).
   *
   * @default AvailabilityMode.MULTI_REPLICA
   */
  readonly availability?: AvailabilityMode;
  /**
   * Stateful components outside the clusters that this site reaches at its own address (its
   * own replicated database, its own queue); they replace the topology's of the same name here.
   *
   * @default - the topology's shared endpoints
   */
  readonly sharedEndpoints?: readonly (SharedEndpointSpec | ISharedEndpointSource)[];
}

/** Where one site's PostgreSQL runs and is reached. */
export interface DrDatabaseSite {
  /**
   * DNS name the other sites reach this site's primary on (its leader Service, exposed through
   * an internal load balancer): what standby sites replicate from.
   */
  readonly primaryHost: string;
  /**
   * DNS name this site's other clusters reach its pooler on. Required when the site has more
   * than one cluster.
   *
   * @default - the pooler is reached only inside its own cluster
   */
  readonly poolerHost?: string;
  /**
   * The cluster that runs it.
   *
   * @default - the site's first cluster
   */
  readonly cluster?: string;
  /**
   * This site's WAL archive (with `backup`): its members archive there while it is active, and
   * standby sites read it to catch up.
   *
   * @default - no archive
   */
  readonly archive?: WalGArchiveLocation;
}

/** PostgreSQL of an {@link ActivePassiveDr}: a PatroniCluster on every site. */
export interface DrPostgresOptions extends Omit<PatroniClusterProps, 'standby' | 'expose' | 'permanentSlots' | 'clients' | 'etcdHosts' | 'backup'> {
  /** Where each site's cluster runs and is reached, by site name: every site needs one. */
  readonly sites: Readonly<Record<string, DrDatabaseSite>>;
  /**
   * Longest lag of a standby site behind the primary that the team accepts and watches; the
   * database's share of the RPO. Streaming between sites is asynchronous and has no bound of its
   * own: alert when the lag passes this.
   *
   * @default Duration.seconds(10)
   */
  readonly maxReplicationLag?: DurationLike;
  /**
   * The load balancers that expose each site's primary and pooler.
   *
   * @default - internal load balancers with the providers' internal annotations
   */
  readonly loadBalancer?: Omit<LoadBalancerExposureOptions, 'host'>;
  /**
   * Base backups and WAL archiving on every site, each to its own archive (`sites[name].archive`).
   *
   * @default - no archive
   */
  readonly backup?: Omit<PatroniBackupOptions, 's3Prefix' | 'endpoint'>;
}

/** Where one site's Redis runs and is reached. */
export interface DrRedisSite {
  /**
   * DNS name this site's other clusters reach its primary proxy on. Required when the site has
   * more than one cluster.
   *
   * @default - reached only inside its own cluster
   */
  readonly host?: string;
  /**
   * The cluster that runs it.
   *
   * @default - the site's first cluster
   */
  readonly cluster?: string;
}

/** Redis of an {@link ActivePassiveDr}: one RedisSentinel per site, not replicated across sites. */
export interface DrRedisOptions extends Omit<RedisSentinelProps, 'expose' | 'clients'> {
  /**
   * Sites that run it in a cluster, by site name; a site not listed reaches its own Redis
   * outside the clusters (a site shared endpoint named `<name>-primary`).
   *
   * @default - every site, on its first cluster
   */
  readonly sites?: Readonly<Record<string, DrRedisSite>>;
  /**
   * The data is a cache the application rebuilds. A site loss loses a site's Redis whole (it is
   * not replicated across sites); with `false` (it holds queued jobs) that loss counts in the RPO.
   *
   * @default true
   */
  readonly cacheOnly?: boolean;
  /**
   * The load balancers that expose each site's primary proxy to its other clusters.
   *
   * @default - internal load balancers
   */
  readonly loadBalancer?: Omit<LoadBalancerExposureOptions, 'host'>;
}

/** Object storage of an {@link ActivePassiveDr}: a store per site and the replication between them. */
export interface DrObjectStorage extends ObjectStorageSpec {
  /** The store each site reaches, by site name: every site needs one. */
  readonly sites: Readonly<Record<string, { readonly host: string; readonly network?: string }>>;
}

/** How a site failover is decided and carried out, for the budget and the runbook. */
export interface FailoverOptions {
  /**
   * Time from the failure to the decision to fail over: the alert, paging, a person confirming
   * the site is lost. A site failover is never automatic here: an unreachable site may be alive.
   *
   * @default Duration.minutes(5)
   */
  readonly decisionTime?: DurationLike;
  /**
   * Time for GitOps to apply the flipped roles on the standby site once the change is pushed and
   * a sync is triggered (`argocd app sync`, `flux reconcile`).
   *
   * @default Duration.seconds(60)
   */
  readonly activationTime?: DurationLike;
  /**
   * Time to fence the lost site and check how far the standby is behind, before promoting.
   *
   * @default Duration.seconds(60)
   */
  readonly fenceTime?: DurationLike;
}

/** Secrets that must hold the same values on every site. */
export interface SharedSecrets {
  /**
   * Secrets of your own (signing keys, API credentials) besides the ones the topology needs
   * itself (database credentials, pooler users, Redis password, the Ingress TLS certificate).
   *
   * @default - only the topology's own
   */
  readonly names?: readonly string[];
  /**
   * Keep them in step from one store with external-secrets: an `ExternalSecret` per Secret on
   * every cluster. Without it the runbook lists them as a precondition to check.
   *
   * @default - not synced
   * @see https://external-secrets.io/latest/api/externalsecret/
   */
  readonly externalSecrets?: {
    /** The (Cluster)SecretStore every cluster has, pointing at the one store. */
    readonly store: string;
    /** @default 'ClusterSecretStore' */
    readonly storeKind?: 'ClusterSecretStore' | 'SecretStore';
    /** @default Duration.hours(1) */
    readonly refreshInterval?: DurationLike;
    /** Prefix of the remote keys: `<prefix><secret name>`. @default - the topology name and a slash */
    readonly remoteKeyPrefix?: string;
  };
}

/** Props of {@link ActivePassiveDr}. */
export interface ActivePassiveDrProps {
  /** The services, the same on every site. */
  readonly services: readonly DrServiceSpec[];
  /** The sites, at least two: one active, the others standing by. */
  readonly sites: readonly DrSiteSpec[];
  /**
   * The site that serves now. Failover and failback are this one field: the same props render
   * the mirror image, and the GitOps output changes only where the roles do.
   */
  readonly activeSite: string;
  /**
   * PostgreSQL: a PatroniCluster on every site, the active one primary, the others standby
   * clusters replicating from its exposed primary.
   *
   * @default - no PostgreSQL of the topology's own
   */
  readonly postgres?: DrPostgresOptions;
  /**
   * Redis: one per site, not replicated across sites.
   *
   * @default - no Redis of the topology's own
   */
  readonly redis?: DrRedisOptions;
  /**
   * Object stores, one per site, with their replication.
   *
   * @default - none
   */
  readonly objectStorage?: readonly DrObjectStorage[];
  /**
   * Stateful components outside the clusters reached by the same address from every site.
   *
   * @default - none
   */
  readonly sharedEndpoints?: readonly (SharedEndpointSpec | ISharedEndpointSource)[];
  /** How clients reach the active site and move to a standby one. */
  readonly traffic: TrafficPolicy;
  /** The one repository every site's clusters sync from: the flip is a commit to it. */
  readonly gitOps: GitOps;
  /**
   * Recovery targets, checked against the design's worst case at synth.
   *
   * @default - none
   */
  readonly targets?: Targets;
  /**
   * How a site failover is decided and carried out.
   *
   * @default - decided in 5 minutes, activated in 60 seconds
   */
  readonly failover?: FailoverOptions;
  /**
   * Secrets that must match on every site.
   *
   * @default - the topology's own, listed in the runbook as a precondition
   */
  readonly sharedSecrets?: SharedSecrets;
  /**
   * Namespace of every object on the clusters.
   *
   * @default - the construct id
   */
  readonly namespace?: string;
  /**
   * Operations: metrics and alerts that follow from the targets, cluster-state backups, and a
   * sizing profile.
   *
   * @default - none
   */
  readonly operations?: OperationsOptions;
}

/** The operations layer of an {@link ActivePassiveDr}. */
export interface OperationsOptions {
  /**
   * Exporters beside PostgreSQL and Redis, ServiceMonitors and PodMonitors, and a
   * PrometheusRule on every cluster whose thresholds follow from the targets, each alert linking
   * to its step in RUNBOOK.md. `false` leaves monitoring out.
   *
   * @default - monitoring with the defaults of {@link MonitoringOptions}
   */
  readonly monitoring?: MonitoringOptions | false;
  /**
   * A Velero Schedule on every cluster backing up the topology's namespace.
   *
   * @default - no cluster-state backup
   * @see https://velero.io/docs/main/api-types/schedule/
   */
  readonly clusterBackup?: VeleroBackupOptions;
  /**
   * Replicas, autoscaling bounds and resources of the services (components `server` and
   * `worker`), PostgreSQL and Redis together. A service's own `autoscale` or `resources`, and a
   * cluster's override, win over it.
   *
   * @default - the services' own settings and the constructs' defaults
   */
  readonly sizing?: SizingPreset;
}

/** Monitoring of an {@link ActivePassiveDr}. */
export interface MonitoringOptions {
  /**
   * How often Prometheus scrapes each target. An outage is seen after two scrapes, which must
   * fit in a quarter of the RTO.
   *
   * @default Duration.seconds(30)
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint
   */
  readonly scrapeInterval?: DurationLike;
  /**
   * Share of requests failing with a 5xx (`http_requests_total{code=~"5.."}`) that raises the
   * error-rate alert.
   *
   * @default 0.05
   */
  readonly errorRatio?: number;
  /**
   * Address of the generated RUNBOOK.md as people open it; each alert appends its step's anchor.
   *
   * @default - the file in the GitOps repository: `<repoURL without .git>/blob/<branch>/<path>/RUNBOOK.md`
   */
  readonly runbookUrl?: string;
  /**
   * Labels on every monitoring object, for the Prometheus' `serviceMonitorSelector`,
   * `podMonitorSelector`, `probeSelector` and `ruleSelector`.
   *
   * @default - none
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Namespace Prometheus runs in: admitted on the metrics ports.
   *
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
  /**
   * `host:port` of a blackbox exporter: a Probe checks the public health URL that DNS failover
   * follows, and an alert fires when it fails.
   *
   * @default - no probe and no DNS health alert
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Probe
   */
  readonly blackboxProber?: string;
}

/** Cluster-state backups with Velero. */
export interface VeleroBackupOptions {
  /**
   * When to back up, as cron.
   *
   * @default '0 3 * * *'
   */
  readonly schedule?: string;
  /**
   * How long each backup is kept.
   *
   * @default Duration.days(30)
   */
  readonly retention?: DurationLike;
  /**
   * Namespace Velero runs in, where Schedules live.
   *
   * @default 'velero'
   */
  readonly veleroNamespace?: string;
  /**
   * BackupStorageLocation to write to.
   *
   * @default - Velero's default location
   */
  readonly storageLocation?: string;
}

/** The data constructs of one site. */
export interface DrSiteData {
  readonly site: string;
  readonly postgres?: PatroniCluster;
  readonly redis?: RedisSentinel;
}

const DEFAULT_LAG_SECONDS = DR_DEFAULTS.maxReplicationLagSeconds;
const DEFAULT_ACTIVATION_SECONDS = DR_DEFAULTS.activationSeconds;
const DEFAULT_FENCE_SECONDS = DR_DEFAULTS.fenceSeconds;

/**
 * Active/passive disaster recovery across two or more sites: one site serves, the others stand
 * by with their database replicating from it, their stateless services warm (or stopped where
 * they must not act), and a network-layer failover in front. Writes each site's clusters to
 * `<site>/<cluster>/`, one ApplicationSet per site, the topology summary, `RUNBOOK.md` (failover,
 * failback and drill, with this topology's names and commands, each step with its expected
 * duration from the budget) and the diagram; and checks at synth that the design meets its
 * RTO and RPO targets, showing the worst-case breakdown when it does not.
 *
 * Failing over and failing back are the same change: `activeSite`.
 *
 * @example
 * const app = new TopologyApp({ outdir: 'dist' });
 * new ActivePassiveDr(app, 'firebackup', {
 *   services: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' }],
 *   sites: [
 *     { name: 'dc1', clusters: [{ name: 'dc1', egressCidrs: ['10.1.0.0/16'] }] },
 *     { name: 'dc2', clusters: [{ name: 'dc2', egressCidrs: ['10.2.0.0/16'] }], availability: AvailabilityMode.BASELINE },
 *   ],
 *   activeSite: 'dc1',
 *   postgres: { storage: Size.gibibytes(100), sites: { dc1: { primaryHost: 'db.dc1.acme.internal' }, dc2: { primaryHost: 'db.dc2.acme.internal' } } },
 *   traffic: TrafficPolicy.k8gb({ service: 'api', host: 'backup.acme.example' }),
 *   gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/firebackup.git' }),
 *   targets: { rto: Duration.minutes(15), rpo: Duration.minutes(1) },
 * });
 * app.synth();
 */
export class ActivePassiveDr extends Construct {
  /** The topology as resolved: the model every output is rendered from. */
  public readonly topology: ResolvedTopology;
  /** The site that serves. */
  public readonly activeSite: string;
  /** Every cluster's chart, in declaration order. */
  public readonly clusters: readonly TopologyClusterChart[];
  /** The data constructs of each site. */
  public readonly data: readonly DrSiteData[];
  /** The worst-case RTO and RPO, scenario by scenario. */
  public readonly budget: RecoveryBudget;
  /** The failover steps (losing the active site), as data. */
  public readonly failoverSteps: readonly RunbookStep[];
  /** The failback steps (returning to the original site), as data. */
  public readonly failbackSteps: readonly RunbookStep[];
  /** The summary written to `<outdir>/<id>.topology.json`. */
  public readonly summary: TopologySummary;
  /** RUNBOOK.md, as written to `<outdir>/RUNBOOK.md`. */
  public readonly runbook: string;
  /** The alert groups written into every cluster's PrometheusRule; empty without monitoring. */
  public readonly alertGroups: readonly AlertRuleGroup[];

  private readonly output: TopologyOutput;
  private readonly monitoring?: ResolvedMonitoring;

  constructor(scope: Construct, id: string, props: ActivePassiveDrProps) {
    super(scope, id);
    const path = this.node.path;
    const app = TopologyApp.of(this);
    checkProps(path, props);
    this.activeSite = props.activeSite;
    const namespace = props.namespace ?? id;
    const siteNames = props.sites.map((s) => s.name);
    const ops = resolveOperations(path, props);
    this.monitoring = ops.monitoring;
    const postgres = props.postgres && resolvePostgres(path, withDataSizing(props.postgres, 'postgres', ops), props.sites);
    const redis = props.redis && resolveRedis(path, withDataSizing(props.redis, 'redis', ops), props.sites);

    const sites: SiteSpec[] = props.sites.map((site) => ({
      name: site.name,
      role: site.name === props.activeSite ? SiteRole.ACTIVE : SiteRole.STANDBY,
      availability: site.availability,
      clusters: site.clusters.map((cluster) => withSizing(cluster, site, props.services, ops.sizing))
        .map((cluster) => (site.name === props.activeSite ? cluster : withStopped(cluster, props.services))),
      sharedEndpoints: [
        ...(site.sharedEndpoints ?? []),
        ...(postgres ? [postgresEndpoint(postgres, site, props.activeSite, namespace)] : []),
        ...(redis?.sites[site.name] ? [redisEndpoint(redis, site, namespace)] : []),
        ...(props.objectStorage ?? []).map((store) => objectStorageEndpoint(store, site.name, props.activeSite)),
      ],
    }));
    this.topology = resolveTopology(path, {
      name: id,
      namespace,
      services: props.services,
      sites,
      sharedEndpoints: props.sharedEndpoints,
      traffic: props.traffic,
      gitOps: props.gitOps,
      targets: props.targets,
    }, { minClusters: 2 });

    const ownData = new Set<IConstruct>();
    this.output = writeTopology(app, this, this.topology, 'active-passive-dr', ownData);
    this.clusters = this.output.clusters;
    this.data = siteNames.map((site) => this.addSiteData(site, props, postgres, redis, ownData));
    this.addTrafficObjects(props);
    this.addSharedSecrets(props, postgres, redis);
    this.summary = this.output.summary;

    this.budget = computeBudget(this.budgetSpec(props, postgres, redis));
    checkBudget(path, this.budget);

    const alertSpec = ops.monitoring && this.alertSpec(ops.monitoring, postgres, redis);
    this.alertGroups = alertSpec ? renderAlertRules(alertSpec) : [];
    if (ops.monitoring) this.addMonitoring(ops.monitoring, this.alertGroups, alertSpec!);
    if (ops.clusterBackup) this.addClusterBackup(ops.clusterBackup);

    const runbookSpec = {
      ...this.runbookSpec(props, postgres, redis),
      operations: this.operationsSteps(props, postgres, redis, alertSpec, ops),
    };
    const target = kubernetesRunbookTarget(runbookSpec, { standbyDcsConfig: this.standbyDcsConfig(postgres) });
    const rendered = renderRunbook(runbookSpec, target, renderMermaid(this.summary));
    this.failoverSteps = rendered.failover;
    this.failbackSteps = rendered.failback;
    this.runbook = rendered.markdown;
    app.addFile('RUNBOOK.md', () => this.runbook, this);
    // Laid out at synth, by the layout library: the one costly output, made once.
    app.addFile(`${id}.svg`, () => renderDiagramSvg(this.summary), this);
  }

  /** A cluster's chart by cluster name; throws when there is none. */
  public cluster(name: string): TopologyClusterChart {
    const found = this.clusters.find((c) => c.name === name);
    check(found !== undefined, {
      path: this.node.path, field: 'cluster', value: name,
      problem: 'is not a cluster of the topology', fix: `use one of ${this.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`,
    });
    return found;
  }

  private addSiteData(
    site: string, props: ActivePassiveDrProps, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined, ownData: Set<IConstruct>,
  ): DrSiteData {
    const others = this.topology.clusters.filter((c) => !(c.site === site && c.name === postgres?.sites[site].cluster));
    let db: PatroniCluster | undefined;
    if (postgres) {
      const placement = postgres.sites[site];
      const chart = this.cluster(placement.cluster).chart;
      const active = props.activeSite;
      const standbySites = props.sites.map((s) => s.name).filter((s) => s !== active);
      db = new PatroniCluster(chart, postgres.name, {
        ...postgres.props,
        name: postgres.name,
        expose: {
          primary: Exposure.loadBalancer({ ...postgres.loadBalancer, host: placement.primaryHost }),
          pooler: placement.poolerHost ? Exposure.loadBalancer({ ...postgres.loadBalancer, host: placement.poolerHost }) : undefined,
        },
        backup: postgres.backup && placement.archive && { ...postgres.backup, ...placement.archive },
        // One site dumps: the active one, whose primary takes the writes.
        logicalDump: site === active ? postgres.props.logicalDump : undefined,
        metrics: postgres.props.metrics ?? (this.monitoring ? { scrapers: NetworkPeer.namespace(this.monitoring.prometheusNamespace) } : undefined),
        permanentSlots: site === active ? standbySites.map(slotName) : undefined,
        standby: site === active ? undefined : {
          host: postgres.sites[active].primaryHost,
          reach: Reach.ANYWHERE,
          slotName: slotName(site),
          archive: postgres.sites[active].archive,
        },
      });
      // Replication crosses sites and a site's other clusters use the pooler: admit them all,
      // both ways, since the roles flip.
      for (const cidr of new Set(others.flatMap((c) => c.egressCidrs))) db.allowFrom(NetworkPeer.cidr(cidr));
      ownData.add(db);
    }
    let cache: RedisSentinel | undefined;
    const redisSite = redis?.sites[site];
    if (redis && redisSite) {
      cache = new RedisSentinel(this.cluster(redisSite.cluster).chart, redis.name, {
        ...redis.props,
        name: redis.name,
        metrics: redis.props.metrics ?? (this.monitoring ? {
          scrapers: NetworkPeer.namespace(this.monitoring.prometheusNamespace),
          // The Redis lists the services scale on: their length is the queue alert's backlog.
          checkKeys: props.services.flatMap((s) => (s.autoscale?.queue?.redisKey ? [s.autoscale.queue.redisKey] : [])),
        } : undefined),
        expose: redisSite.host ? { primary: Exposure.loadBalancer({ ...redis.loadBalancer, host: redisSite.host }) } : undefined,
      });
      const siteOthers = this.topology.clusters.filter((c) => c.site === site && c.name !== redisSite.cluster);
      for (const cidr of new Set(siteOthers.flatMap((c) => c.egressCidrs))) cache.allowFrom(NetworkPeer.cidr(cidr));
      ownData.add(cache);
    }
    return { site, postgres: db, redis: cache };
  }

  private addTrafficObjects(props: ActivePassiveDrProps): void {
    const traffic = this.topology.traffic!;
    const dns = traffic.dns;
    if (dns === undefined) return;
    const service = traffic.loadBalancing.service;
    const labels = recommendedLabels({ name: service, instance: `${service}-failover`, component: 'traffic', partOf: this.topology.name });
    for (const cluster of this.clusters) {
      const scope = new Construct(cluster.chart, 'traffic');
      if (dns.provider === 'k8gb') {
        k8gbGslb(scope, { name: service, labels, ingressInstance: service, primaryGeoTag: props.activeSite, ttlSeconds: dns.ttlSeconds });
      } else if (this.topology.clusters.find((c) => c.site === cluster.site)!.name === cluster.name) {
        // One record per site, from its first cluster: two publishers of one record would fight.
        const record = dns.sites![cluster.site];
        route53FailoverEndpoint(scope, {
          name: `${service}-failover`, labels, host: traffic.loadBalancing.host, address: record.address, topology: this.topology.name,
          role: cluster.site === props.activeSite ? 'PRIMARY' : 'SECONDARY', healthCheckId: record.healthCheckId, ttlSeconds: dns.ttlSeconds,
        });
      }
    }
  }

  private addSharedSecrets(props: ActivePassiveDrProps, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined): void {
    const sync = props.sharedSecrets?.externalSecrets;
    if (!sync) return;
    const refresh = sync.refreshInterval ?? seconds(3600);
    check(isDurationLike(refresh) && refresh.toMilliseconds() >= 60_000 && refresh.toMilliseconds() % 1000 === 0, {
      path: this.node.path, field: 'sharedSecrets.externalSecrets.refreshInterval', value: refresh,
      problem: 'must be whole seconds, at least one minute', fix: 'use e.g. Duration.hours(1)',
    });
    checkName(this.node.path, 'sharedSecrets.externalSecrets.store', sync.store, false);
    const prefix = sync.remoteKeyPrefix ?? `${this.topology.name}/`;
    for (const cluster of this.clusters) {
      const scope = new Construct(cluster.chart, 'shared-secrets');
      for (const name of sharedSecretNames(this.topology, props, postgres, redis)) {
        externalSecret(scope, {
          name, labels: recommendedLabels({ name, instance: name, component: 'secret', partOf: this.topology.name }),
          store: sync.store, storeKind: sync.storeKind ?? 'ClusterSecretStore', remoteKey: `${prefix}${name}`, refreshInterval: `${refresh.toMilliseconds() / 1000}s`,
        });
      }
    }
  }

  private budgetSpec(props: ActivePassiveDrProps, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined) {
    const topology = this.topology;
    const inSite: InSiteFailover[] = [];
    const timing = postgres?.props.timing ?? PatroniTiming.default();
    if (postgres) inSite.push(patroniFailoverItems(postgres.name, timing, postgres.props.synchronous ?? true));
    if (redis && Object.keys(redis.sites).length > 0) {
      const durability = redis.props.durability
        ?? Durability.minReplicas(REDIS_SENTINEL_DEFAULTS.durability.minReplicas, seconds(REDIS_SENTINEL_DEFAULTS.durability.maxLagSeconds));
      const timingProfile = redis.props.timing ?? SentinelTiming.default();
      inSite.push(sentinelFailoverItems(redis.name, timingProfile, durability, REDIS_SENTINEL_DEFAULTS.proxyChecks, redis.cacheOnly));
    }
    const active = topology.clusters.filter((c) => c.site === props.activeSite);
    for (const service of topology.services) {
      const fewest = Math.min(...active.map((c) => {
        const replicas = replicasOnCluster(c.availability, service, c.services[service.name]);
        return typeof replicas === 'number' ? replicas : replicas.min;
      }));
      inSite.push(podFailureItems(service, fewest));
    }

    const stopped = topology.services.filter((s) => props.services.find((d) => d.name === s.name)?.stopWhenPassive);
    const startups = stopped.map(activationItem);
    const slowest = startups.reduce<BudgetItem | undefined>((worst, item) => (!worst || item.seconds! > worst.seconds! ? item : worst), undefined);
    const activationSeconds = durationSeconds(props.failover?.activationTime, DEFAULT_ACTIVATION_SECONDS);
    const decisionSeconds = durationSeconds(props.failover?.decisionTime, DEFAULT_DECISION_SECONDS);
    const data: DataLossSpec[] = [];
    if (postgres) {
      data.push({
        name: postgres.name, replication: 'asynchronous', maxLagSeconds: postgres.maxLagSeconds,
        basis: `${postgres.maxLagSeconds} s: the declared lag bound (maxReplicationLag), watched by the lag alert; streaming between sites is asynchronous`,
      });
    }
    if (redis) data.push(redisSiteLoss(redis.name, redis.cacheOnly));
    // The topology's own components are counted above, under their own names.
    const own = new Set([
      ...(props.objectStorage ?? []).map((o) => o.name), ...(postgres ? [`${postgres.name}-pooler`] : []), ...(redis ? [`${redis.name}-primary`] : []),
    ]);
    data.push(...declaredDataLoss(this.node.path, topology, props.activeSite).filter((d) => !own.has(d.name)));
    for (const store of props.objectStorage ?? []) {
      data.push(store.replication
        ? { name: store.name, replication: 'asynchronous', maxLagSeconds: store.replication.maxLag.toMilliseconds() / 1000, basis: 'the declared replication lag bound (objectStorage.replication.maxLag)' }
        : { name: store.name, replication: 'none', basis: 'not replicated to the other sites' });
    }
    return {
      targets: topology.targets,
      inSite,
      siteLoss: {
        decisionSeconds,
        promotions: [
          fenceItem(durationSeconds(props.failover?.fenceTime, DEFAULT_FENCE_SECONDS)),
          ...(postgres ? [patroniPromotionItem(postgres.name, timing)] : []),
        ],
        activation: [
          { step: 'GitOps applies the flipped roles', seconds: activationSeconds, basis: `${activationSeconds} s: declared activation time (failover.activationTime)` },
          ...(slowest ? [{ ...slowest, step: `Stopped services start (slowest: ${slowest.step.split(' ')[0]})` }] : []),
        ],
        traffic: this.trafficSwitch(),
      },
      siteLossData: data,
    };
  }

  private trafficSwitch(): TrafficSwitch {
    const traffic = this.topology.traffic!;
    if (traffic.manual) return manualSwitch(traffic.manual.what, traffic.manual.switchSeconds, traffic.manual.cacheSeconds);
    if (traffic.dns?.provider === 'route53') {
      return dnsHealthCheckSwitch('Route 53 failover records', {
        intervalSeconds: traffic.dns.healthCheckIntervalSeconds!, failureThreshold: traffic.dns.failureThreshold!, ttlSeconds: traffic.dns.ttlSeconds,
      });
    }
    if (traffic.dns?.provider === 'k8gb') {
      const service = this.topology.services.find((s) => s.name === traffic.loadBalancing.service)!;
      return k8gbSwitch({
        readinessSeconds: service.readinessTiming.periodSeconds * service.readinessTiming.failureThreshold,
        reconcileSeconds: traffic.dns.reconcileSeconds!, ttlSeconds: traffic.dns.ttlSeconds,
      });
    }
    const spec = this.output.balancerSpec!.listeners[0].serverChecks!;
    return balancerBackupSwitch('HAProxy backup servers', {
      interMs: spec.inter.toMilliseconds(), fall: spec.fall, timeoutMs: (spec.timeout ?? spec.inter).toMilliseconds(),
    });
  }

  /** Each site's dynamic Patroni configuration as a standby of each other site, as JSON. */
  private standbyDcsConfig(postgres: ResolvedPostgres | undefined): Record<string, Record<string, string>> {
    if (!postgres) return {};
    return Object.fromEntries(this.data.map(({ site, postgres: db }) => [site, Object.fromEntries(this.data
      .filter((other) => other.site !== site)
      .map((other) => [other.site, JSON.stringify(db!.dynamicConfigurationAsStandbyOf({
        host: postgres.sites[other.site].primaryHost, port: 5432, slotName: slotName(site), archive: postgres.sites[other.site].archive,
      }))]))]));
  }

  /** What the alerts need: the targets, the monitored services, the data's own timings. */
  private alertSpec(
    monitoring: ResolvedMonitoring, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined,
  ): AlertRulesSpec {
    const topology = this.topology;
    const health = topology.services.find((s) => s.name === topology.traffic!.loadBalancing.service);
    const healthPath = health?.readiness?.kind === 'http' ? health.readiness.path ?? '/' : '/';
    const redisData = this.data.find((d) => d.redis)?.redis;
    const gitOps = topology.gitOps!;
    return {
      path: this.node.path,
      topology: topology.name,
      namespace: topology.namespace,
      runbookUrl: monitoring.runbookUrl ?? defaultRunbookUrl(gitOps.repoURL, gitOps.branch, gitOps.path),
      rtoSeconds: topology.targets.rtoSeconds,
      rpoSeconds: topology.targets.rpoSeconds,
      scrapeIntervalSeconds: monitoring.scrapeIntervalSeconds,
      services: monitoredServices(topology).map((s) => s.name),
      errorRatio: monitoring.errorRatio,
      postgres: postgres && {
        scope: postgres.name,
        maxLagSeconds: postgres.maxLagSeconds,
        ttlSeconds: (postgres.props.timing ?? PatroniTiming.default()).ttlSeconds,
        backupIntervalSeconds: postgres.backup
          ? (postgres.backup.fullBackupInterval
            ? toSecondsCeil(postgres.backup.fullBackupInterval) : PATRONI_CLUSTER_DEFAULTS.fullBackupIntervalSeconds)
          : undefined,
      },
      redis: redis && redisData && {
        name: redis.name,
        masterName: redisData.masterName,
        minReplicasToWrite: redisData.durability.minReplicasToWrite,
        failoverTimeoutSeconds: Math.ceil(redisData.timing.failoverTimeoutMs / 1000),
      },
      dns: monitoring.blackboxProber ? { url: `https://${topology.traffic!.loadBalancing.host}${healthPath}` } : undefined,
      queues: queueServices(topology).map((s) => ({
        service: s.name, metric: s.autoscale!.queue!.backlogMetric, perReplica: s.autoscale!.queue!.perReplica, maxReplicas: s.autoscale!.max,
      })),
    };
  }

  /** ServiceMonitors, PodMonitors, the PrometheusRule and the health Probe, on every cluster. */
  private addMonitoring(monitoring: ResolvedMonitoring, groups: readonly AlertRuleGroup[], spec: AlertRulesSpec): void {
    const interval = monitoring.scrapeIntervalSeconds;
    const scrapers = NetworkPeer.namespace(monitoring.prometheusNamespace);
    const labels = (name: string, component: string) => ({
      ...recommendedLabels({ name, instance: name, component, partOf: this.topology.name }), ...monitoring.labels,
    });
    for (const cluster of this.clusters) {
      const scope = new Construct(cluster.chart, 'monitoring');
      for (const service of monitoredServices(this.topology)) {
        const workload = cluster.workloads[service.name];
        if (!workload) continue;
        const port = service.ports.find((p) => p.name === METRICS_PORT)!;
        workload.allowFrom(scrapers, [{ port: port.port }]);
        serviceMonitor(scope, `${service.name}-monitor`, {
          name: service.name, labels: labels(service.name, 'monitoring'), selector: workload.selector, port: METRICS_PORT, intervalSeconds: interval,
        });
      }
      prometheusRule(scope, 'alerts', { name: `${this.topology.name}-alerts`, labels: labels(`${this.topology.name}-alerts`, 'alerting'), groups });
      if (monitoring.blackboxProber && spec.dns) {
        healthProbe(scope, 'health-probe', {
          name: `${this.topology.name}-health`, labels: labels(`${this.topology.name}-health`, 'monitoring'),
          prober: monitoring.blackboxProber, url: spec.dns.url, intervalSeconds: interval,
        });
      }
    }
    for (const { postgres: db, redis: cache } of this.data) {
      if (db?.metricsPort) {
        podMonitor(db, 'PodMonitor', {
          name: db.clusterName, labels: labels(db.clusterName, 'monitoring'), selector: db.selector, intervalSeconds: interval,
          endpoints: [{ port: 'patroni', path: '/metrics' }, { port: db.metricsPort, path: '/metrics' }],
        });
      }
      if (cache?.metricsPort) {
        podMonitor(cache, 'PodMonitor', {
          name: cache.name, labels: labels(cache.name, 'monitoring'), selector: cache.selector, intervalSeconds: interval,
          endpoints: [{ port: cache.metricsPort, path: '/metrics' }],
        });
        podMonitor(cache, 'SentinelPodMonitor', {
          name: `${cache.name}-sentinel`, labels: labels(`${cache.name}-sentinel`, 'monitoring'), selector: cache.sentinelSelector, intervalSeconds: interval,
          endpoints: [{ port: cache.metricsPort, path: '/metrics' }],
        });
      }
    }
  }

  /** A Velero Schedule of the topology's namespace on every cluster. */
  private addClusterBackup(backup: ResolvedClusterBackup): void {
    for (const cluster of this.clusters) {
      veleroSchedule(new Construct(cluster.chart, 'cluster-backup'), 'Schedule', {
        name: backup.name, veleroNamespace: backup.veleroNamespace,
        labels: recommendedLabels({ name: backup.name, instance: backup.name, component: 'backup', partOf: this.topology.name }),
        schedule: backup.schedule, ttl: backup.ttl, includedNamespaces: [this.topology.namespace],
        storageLocation: backup.storageLocation, snapshotVolumes: false,
      });
    }
  }

  /** The alert and restore steps of the runbook, with this topology's names. */
  private operationsSteps(
    props: ActivePassiveDrProps, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined,
    alertSpec: AlertRulesSpec | undefined, ops: ResolvedOperations,
  ): { alerts: RunbookStep[]; restore: RunbookStep[] } | undefined {
    if (!ops.monitoring && !ops.clusterBackup && !postgres?.backup) return undefined;
    const active = props.activeSite;
    // Redis may run only on some sites: the active one's, else the first that has it.
    const redisSite = redis && (redis.sites[active] ?? Object.values(redis.sites)[0]);
    const spec = {
      namespace: this.topology.namespace,
      activeClusters: this.topology.clusters.filter((c) => c.site === active).map((c) => c.name),
      services: this.topology.services.map((s) => s.name),
      postgres: postgres && {
        scope: postgres.name, cluster: postgres.sites[active].cluster, members: postgres.props.members ?? 3,
        archived: postgres.backup !== undefined, archive: postgres.sites[active].archive?.s3Prefix,
      },
      redis: redis && redisSite && { name: redis.name, masterName: redis.props.masterName ?? redis.name, cluster: redisSite.cluster },
      healthUrl: alertSpec?.dns?.url,
      veleroSchedule: ops.clusterBackup?.name,
      queues: queueServices(this.topology).map((s) => ({ service: s.name })),
    };
    const alerts = [...new Set(this.alertGroups.flatMap((g) => g.rules.map((r) => r.alert as AlertName)))];
    return { alerts: alertSteps(spec, alerts), restore: restoreSteps(spec) };
  }

  private runbookSpec(props: ActivePassiveDrProps, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined): DrRunbookSpec {
    const topology = this.topology;
    return {
      topology: topology.name,
      namespace: topology.namespace,
      activeSite: props.activeSite,
      sites: topology.sites.map((site) => ({ name: site.name, clusters: site.clusters.map((c) => ({ name: c.name, folder: c.folder })) })),
      postgres: postgres && {
        scope: postgres.name,
        members: postgres.props.members ?? 3,
        synchronous: postgres.props.synchronous ?? true,
        sites: Object.fromEntries(Object.entries(postgres.sites).map(([site, p]) => [site, {
          cluster: p.cluster, primaryHost: p.primaryHost, primaryPort: 5432, slot: slotName(site), archive: p.archive,
        }])),
        archived: postgres.backup !== undefined,
      },
      redis: redis && {
        name: redis.name, cacheOnly: redis.cacheOnly, sites: Object.fromEntries(Object.entries(redis.sites).map(([site, r]) => [site, r.cluster])),
      },
      stoppedServices: props.services.filter((s) => s.stopWhenPassive).map((s) => s.name),
      services: topology.services.map((s) => ({ name: s.name, healthPath: s.readiness?.kind === 'http' ? s.readiness.path : undefined })),
      traffic: {
        kind: topology.traffic!.kind,
        host: topology.traffic!.loadBalancing.host,
        service: topology.traffic!.loadBalancing.service,
        manual: topology.traffic!.manual?.what,
      },
      gitOps: { tool: topology.gitOps!.tool, repoURL: topology.gitOps!.repoURL, branch: topology.gitOps!.branch },
      objectStorage: (props.objectStorage ?? []).map((s) => ({ name: s.name, buckets: [...s.buckets], replicated: s.replication !== undefined })),
      sharedSecrets: sharedSecretNames(topology, props, postgres, redis),
      secretsSynced: props.sharedSecrets?.externalSecrets !== undefined,
      budget: this.budget,
    };
  }
}

interface ResolvedPostgres {
  readonly name: string;
  readonly props: DrPostgresOptions;
  readonly sites: Readonly<Record<string, Required<Pick<DrDatabaseSite, 'cluster' | 'primaryHost'>> & DrDatabaseSite>>;
  readonly maxLagSeconds: number;
  readonly loadBalancer: Omit<LoadBalancerExposureOptions, 'host'>;
  readonly backup?: DrPostgresOptions['backup'];
}

interface ResolvedRedis {
  readonly name: string;
  readonly props: DrRedisOptions;
  readonly sites: Readonly<Record<string, { readonly cluster: string; readonly host?: string }>>;
  readonly cacheOnly: boolean;
  readonly loadBalancer: Omit<LoadBalancerExposureOptions, 'host'>;
}

function checkProps(path: string, props: ActivePassiveDrProps): void {
  check(typeof props === 'object' && props !== null, {
    path, field: 'props', value: props, problem: 'are required', fix: 'give services, sites, activeSite, traffic and gitOps',
  });
  checkSitesInput(path, props);
  // Every string lands in a manifest, a config file or a GitOps object: it must survive YAML and Git.
  checkTextTree(path, props, '', (field) => /^services\[\d+\]\.(command\[|args\[|env\.|annotations\.)/.test(field),
    (field) => field === 'gitOps' || field === 'traffic' || field === 'targets');
  check(Array.isArray(props.sites) && props.sites.length >= 2, {
    path, field: 'sites', value: Array.isArray(props.sites) ? props.sites.map((s) => s?.name) : props.sites,
    problem: 'must list at least two sites: one active, one to fail over to', fix: 'add a standby site, or use MultiCluster for one site',
  });
  props.sites.forEach((site, i) => {
    const twin = props.sites.findIndex((other, j) => j < i && sameSite(other, site));
    check(twin < 0, {
      path, field: `sites[${i}]`, value: site.name,
      problem: `has the same clusters as sites[${twin}] (${props.sites[twin]?.name}): a site failing over to itself is no recovery`,
      fix: 'give each site its own clusters, in another data centre or region',
    });
  });
  const names = props.sites.map((s) => s.name);
  check(typeof props.activeSite === 'string' && names.includes(props.activeSite), {
    path, field: 'activeSite', value: props.activeSite,
    problem: 'must name one of the sites: exactly one site is active', fix: `use one of ${names.map((n) => JSON.stringify(n)).join(', ')}`,
  });
  check(props.gitOps instanceof GitOps, {
    path, field: 'gitOps', value: props.gitOps,
    problem: 'is required: failing over is a commit that every site applies from the one repository',
    fix: "give GitOps.argoCd({ repoURL: 'https://git.example.com/platform/topology.git' }) or GitOps.flux({...})",
  });
  check(props.traffic instanceof TrafficPolicy, {
    path, field: 'traffic', value: props.traffic,
    problem: 'is required: a standby site is useless until clients reach it',
    fix: 'use TrafficPolicy.k8gb({...}), TrafficPolicy.route53({...}), TrafficPolicy.failover({...}) or TrafficPolicy.manual({...})',
  });
  check(props.traffic.kind !== 'balanced', {
    path, field: 'traffic', value: props.traffic.kind,
    problem: 'balances across active sites, and an active/passive topology has one', fix: 'use TrafficPolicy.k8gb, route53, failover or manual',
  });
  check(props.targets?.rpo === undefined || props.postgres !== undefined || props.objectStorage !== undefined
    || (props.sites.some((s) => s.sharedEndpoints?.length) || (props.sharedEndpoints?.length ?? 0) > 0), {
    path, field: 'targets.rpo', value: props.targets?.rpo,
    problem: 'is declared, but the topology has no data to keep', fix: 'declare postgres, objectStorage or the shared endpoints, or drop the RPO',
  });
  const synchronousAcrossSites = (props.postgres as { synchronousAcrossSites?: unknown } | undefined)?.synchronousAcrossSites;
  check(synchronousAcrossSites === undefined, {
    path, field: 'postgres.synchronousAcrossSites', value: synchronousAcrossSites,
    problem: 'is not offered: a Patroni standby cluster replicates asynchronously, and a synchronous one would make every commit wait a round trip between sites and stop writes when the link fails',
    fix: 'keep synchronous replication inside the site (synchronous: true) and bound the cross-site lag with maxReplicationLag',
  });
}

function sameSite(a: DrSiteSpec, b: DrSiteSpec): boolean {
  const names = (s: DrSiteSpec) => (s.clusters ?? []).map((c) => c?.name).sort().join();
  return names(a) === names(b) && names(a) !== '';
}

function resolvePostgres(path: string, options: DrPostgresOptions, sites: readonly DrSiteSpec[]): ResolvedPostgres {
  const name = options.name ?? 'postgres';
  checkName(path, 'postgres.name', name);
  const given = options.sites ?? {};
  const resolved: Record<string, Required<Pick<DrDatabaseSite, 'cluster' | 'primaryHost'>> & DrDatabaseSite> = {};
  for (const site of sites) {
    const placement = given[site.name];
    const field = `postgres.sites.${site.name}`;
    check(placement !== undefined, {
      path, field, value: undefined,
      problem: 'is required: every site runs a copy of the database, the standby ones replicating from the active one',
      fix: `give { primaryHost: 'db.${site.name}.example.com' }`,
    });
    for (const [key, host] of [['primaryHost', placement.primaryHost], ['poolerHost', placement.poolerHost]] as const) {
      check(host === undefined || (typeof host === 'string' && isDnsName(host) && host.includes('.') && !isClusterLocalName(host)), {
        path, field: `${field}.${key}`, value: host,
        problem: 'must be a DNS name in a zone you manage, which the other sites resolve', fix: `use e.g. 'db.${site.name}.example.com'`,
      });
    }
    check(typeof placement.primaryHost === 'string', {
      path, field: `${field}.primaryHost`, value: placement.primaryHost,
      problem: "is required: the standby sites replicate from this site's primary when it is active", fix: `use e.g. 'db.${site.name}.example.com'`,
    });
    const cluster = placement.cluster ?? site.clusters[0]?.name;
    check(site.clusters.some((c) => c.name === cluster), {
      path, field: `${field}.cluster`, value: cluster, problem: `is not a cluster of ${site.name}`, fix: `use one of ${site.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`,
    });
    check(site.clusters.length === 1 || placement.poolerHost !== undefined, {
      path, field: `${field}.poolerHost`, value: undefined,
      problem: `is required: ${site.name} has ${site.clusters.length} clusters, and the others reach the pooler through its load balancer`,
      fix: `give e.g. poolerHost: 'db-pooler.${site.name}.example.com'`,
    });
    check(options.backup === undefined || placement.archive !== undefined, {
      path, field: `${field}.archive`, value: undefined,
      problem: 'is required with backup: each site archives to its own location, which the standby sites read',
      fix: `give e.g. { s3Prefix: 's3://acme-wal/${site.name}', endpoint: 'https://objects.${site.name}.example.com' }`,
    });
    resolved[site.name] = { ...placement, cluster, primaryHost: placement.primaryHost };
  }
  const unknown = Object.keys(given).filter((site) => !sites.some((s) => s.name === site));
  check(unknown.length === 0, {
    path, field: `postgres.sites.${unknown[0]}`, value: unknown[0], problem: 'is not a site of the topology', fix: `use ${sites.map((s) => JSON.stringify(s.name)).join(', ')}`,
  });
  const hosts = Object.values(resolved).flatMap((p) => [p.primaryHost, ...(p.poolerHost ? [p.poolerHost] : [])]);
  const duplicate = hosts.find((h, i) => hosts.indexOf(h) !== i);
  check(duplicate === undefined, {
    path, field: 'postgres.sites', value: duplicate, problem: 'gives one host to two load balancers', fix: 'give every site its own names',
  });
  return {
    name,
    props: options,
    sites: resolved,
    maxLagSeconds: durationSeconds(options.maxReplicationLag, DEFAULT_LAG_SECONDS, path, 'postgres.maxReplicationLag'),
    loadBalancer: options.loadBalancer ?? {},
    backup: options.backup,
  };
}

function resolveRedis(path: string, options: DrRedisOptions, sites: readonly DrSiteSpec[]): ResolvedRedis {
  const name = options.name ?? 'redis';
  checkName(path, 'redis.name', name);
  const given: Readonly<Record<string, DrRedisSite>> = options.sites ?? Object.fromEntries(sites.map((s) => [s.name, {}]));
  const resolved: Record<string, { cluster: string; host?: string }> = {};
  for (const [siteName, placement] of Object.entries(given)) {
    const site = sites.find((s) => s.name === siteName);
    check(site !== undefined, {
      path, field: `redis.sites.${siteName}`, value: siteName, problem: 'is not a site of the topology', fix: `use ${sites.map((s) => JSON.stringify(s.name)).join(', ')}`,
    });
    const cluster = placement.cluster ?? site.clusters[0]?.name;
    check(site.clusters.some((c) => c.name === cluster), {
      path, field: `redis.sites.${siteName}.cluster`, value: cluster, problem: `is not a cluster of ${siteName}`, fix: `use one of ${site.clusters.map((c) => JSON.stringify(c.name)).join(', ')}`,
    });
    check(site.clusters.length === 1 || placement.host !== undefined, {
      path, field: `redis.sites.${siteName}.host`, value: undefined,
      problem: `is required: ${siteName} has ${site.clusters.length} clusters, and the others reach Redis through its load balancer`,
      fix: `give e.g. host: 'redis.${siteName}.example.com'`,
    });
    resolved[siteName] = { cluster, host: placement.host };
  }
  check(options.cacheOnly === undefined || typeof options.cacheOnly === 'boolean', {
    path, field: 'redis.cacheOnly', value: options.cacheOnly, problem: 'must be true or false', fix: 'use false when Redis holds queued jobs',
  });
  return { name, props: options, sites: resolved, cacheOnly: options.cacheOnly ?? true, loadBalancer: options.loadBalancer ?? {} };
}

/** Name of the port a service exposes its metrics on, for its ServiceMonitor. */
const METRICS_PORT = 'metrics';
const DEFAULT_SCRAPE_SECONDS = 30;
const DEFAULT_ERROR_RATIO = 0.05;

interface ResolvedMonitoring {
  readonly scrapeIntervalSeconds: number;
  readonly errorRatio: number;
  readonly runbookUrl?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly prometheusNamespace: string;
  readonly blackboxProber?: string;
}

interface ResolvedClusterBackup {
  readonly name: string;
  readonly schedule: string;
  readonly ttl: string;
  readonly veleroNamespace: string;
  readonly storageLocation?: string;
}

interface ResolvedOperations {
  readonly monitoring?: ResolvedMonitoring;
  readonly clusterBackup?: ResolvedClusterBackup;
  readonly sizing?: SizingPreset;
}

function resolveOperations(path: string, props: ActivePassiveDrProps): ResolvedOperations {
  const ops = props.operations;
  if (ops === undefined) return {};
  check(typeof ops === 'object' && ops !== null, {
    path, field: 'operations', value: ops, problem: 'must be an object', fix: 'use e.g. { sizing: SizingPreset.medium() }',
  });
  check(ops.sizing === undefined || ops.sizing instanceof SizingPreset, {
    path, field: 'operations.sizing', value: ops.sizing, problem: 'must be a SizingPreset', fix: "use SizingPreset.medium() or SizingPreset.named('medium')",
  });
  let monitoring: ResolvedMonitoring | undefined;
  if (ops.monitoring !== false) {
    const m = ops.monitoring ?? {};
    const interval = m.scrapeInterval ?? seconds(DEFAULT_SCRAPE_SECONDS);
    check(isDurationLike(interval) && interval.toMilliseconds() >= 1000 && interval.toMilliseconds() % 1000 === 0, {
      path, field: 'operations.monitoring.scrapeInterval', value: interval, problem: 'must be whole seconds, at least one', fix: 'use e.g. Duration.seconds(30)',
    });
    const errorRatio = m.errorRatio ?? DEFAULT_ERROR_RATIO;
    check(typeof errorRatio === 'number' && errorRatio > 0 && errorRatio < 1, {
      path, field: 'operations.monitoring.errorRatio', value: errorRatio, problem: 'must be a share between 0 and 1', fix: 'use e.g. 0.05 (5 %)',
    });
    check(m.runbookUrl === undefined || (typeof m.runbookUrl === 'string' && /^https?:\/\/[^\s#]+$/.test(m.runbookUrl)), {
      path, field: 'operations.monitoring.runbookUrl', value: m.runbookUrl, problem: 'must be an http(s) address without a fragment', fix: "use e.g. 'https://git.example.com/platform/topology/blob/main/RUNBOOK.md'",
    });
    check(m.blackboxProber === undefined || (typeof m.blackboxProber === 'string' && /^[a-z0-9.-]+:\d{1,5}$/.test(m.blackboxProber)), {
      path, field: 'operations.monitoring.blackboxProber', value: m.blackboxProber, problem: 'must be host:port of a blackbox exporter', fix: "use e.g. 'blackbox-exporter.monitoring.svc:9115'",
    });
    const prometheusNamespace = m.prometheusNamespace ?? EXPORTER_DEFAULTS.monitoringNamespace;
    checkName(path, 'operations.monitoring.prometheusNamespace', prometheusNamespace);
    monitoring = {
      scrapeIntervalSeconds: interval.toMilliseconds() / 1000, errorRatio, runbookUrl: m.runbookUrl, labels: { ...(m.labels ?? {}) },
      prometheusNamespace, blackboxProber: m.blackboxProber,
    };
  }
  let clusterBackup: ResolvedClusterBackup | undefined;
  if (ops.clusterBackup !== undefined) {
    const b = ops.clusterBackup;
    const veleroNamespace = b.veleroNamespace ?? 'velero';
    checkName(path, 'operations.clusterBackup.veleroNamespace', veleroNamespace);
    clusterBackup = {
      name: props.namespace ?? path.split('/').pop()!,
      schedule: checkCron(path, 'operations.clusterBackup.schedule', b.schedule ?? '0 3 * * *'),
      ttl: goDuration(checkRetention(path, 'operations.clusterBackup.retention', b.retention ?? seconds(30 * 24 * 3600), 3600)),
      veleroNamespace,
      storageLocation: b.storageLocation,
    };
    if (b.storageLocation !== undefined) checkName(path, 'operations.clusterBackup.storageLocation', b.storageLocation);
  }
  return { monitoring, clusterBackup, sizing: ops.sizing };
}

/** Services that scale on a queue. */
function queueServices(topology: ResolvedTopology) {
  return topology.services.filter((s) => s.autoscale?.queue !== undefined);
}

/** Services that expose a port named `metrics`: each gets a ServiceMonitor. */
function monitoredServices(topology: ResolvedTopology) {
  return topology.services.filter((s) => s.ports.some((p) => p.name === METRICS_PORT));
}

/** RUNBOOK.md in the GitOps repository, as a browser opens it. */
function defaultRunbookUrl(repoURL: string, branch: string, folder: string): string {
  const scp = /^git@([^:]+):(.+)$/.exec(repoURL);
  const base = (scp ? `https://${scp[1]}/${scp[2]}` : repoURL.replace(/^ssh:\/\/(git@)?/, 'https://')).replace(/\.git$/, '');
  return `${base}/blob/${branch}/${folder ? `${folder}/` : ''}RUNBOOK.md`;
}

/** PostgreSQL or Redis with the profile's resources, unless resources are set. */
function withDataSizing<T extends { readonly resources?: ResourceSpec }>(options: T, kind: 'postgres' | 'redis', ops: ResolvedOperations): T {
  if (!ops.sizing || options.resources !== undefined) return options;
  const size = ops.sizing.values[kind];
  const memory = mebibytes(size.memoryMebibytes);
  return { ...options, resources: { cpu: { ...size.cpu }, memory: { request: memory, limit: memory } } };
}

/** A cluster with the profile's replicas, autoscaling and resources for services that set none. */
function withSizing(cluster: ClusterSpec, site: DrSiteSpec, services: readonly DrServiceSpec[], sizing: SizingPreset | undefined): ClusterSpec {
  if (!sizing) return cluster;
  const availability = cluster.availability ?? site.availability ?? AvailabilityMode.MULTI_REPLICA;
  const overrides: Record<string, ServiceOverride> = { ...(cluster.services ?? {}) };
  // Servers and workers scale with the load; an operator or an updater keeps its own count.
  for (const service of services.filter((s) => s.component === undefined || s.component === 'server' || s.component === 'worker')) {
    const size = service.component === 'worker' ? sizing.values.worker : sizing.values.serving;
    const own = overrides[service.name] ?? {};
    overrides[service.name] = {
      ...own,
      resources: own.resources ?? service.resources ?? {
        cpu: { ...size.cpu }, memory: { request: mebibytes(size.memoryMebibytes), limit: mebibytes(size.memoryMebibytes) },
      },
      autoscale: own.autoscale
        ?? (availability === AvailabilityMode.MULTI_REPLICA ? service.autoscale ?? { min: size.min, max: size.max } : undefined),
    };
  }
  return { ...cluster, services: overrides };
}

/** A site's cluster with the services that must not act while passive in standby. */
function withStopped(cluster: ClusterSpec, services: readonly DrServiceSpec[]): ClusterSpec {
  const stopped = services.filter((s) => s.stopWhenPassive);
  if (stopped.length === 0) return cluster;
  const overrides: Record<string, ServiceOverride> = { ...(cluster.services ?? {}) };
  for (const service of stopped) overrides[service.name] = { ...overrides[service.name], standby: true };
  return { ...cluster, services: overrides };
}

/** This site's database, as its services reach it: the pooler, in its cluster or through its load balancer. */
function postgresEndpoint(postgres: ResolvedPostgres, site: DrSiteSpec, activeSite: string, namespace: string): SharedEndpointSpec {
  const placement = postgres.sites[site.name];
  const pooler = `${postgres.name}-pooler`;
  return {
    name: pooler,
    kind: StatefulKind.POSTGRESQL,
    host: placement.poolerHost ?? `${pooler}.${namespace}.svc`,
    reach: placement.poolerHost ? Reach.ANYWHERE : Reach.cluster(`${site.name}/${placement.cluster}`),
    site: site.name,
    cluster: placement.cluster,
    localPods: { 'app.kubernetes.io/instance': pooler },
    replication: site.name === activeSite ? undefined : {
      fromSite: activeSite, fromHost: postgres.sites[activeSite].primaryHost, mode: 'asynchronous', maxLag: seconds(postgres.maxLagSeconds),
    },
  };
}

/** This site's Redis, through its primary proxy. */
function redisEndpoint(redis: ResolvedRedis, site: DrSiteSpec, namespace: string): SharedEndpointSpec {
  const placement = redis.sites[site.name];
  const proxy = `${redis.name}-primary`;
  return {
    name: proxy,
    kind: StatefulKind.REDIS,
    host: placement.host ?? `${proxy}.${namespace}.svc`,
    reach: placement.host ? Reach.ANYWHERE : Reach.cluster(`${site.name}/${placement.cluster}`),
    site: site.name,
    cluster: placement.cluster,
    localPods: { 'app.kubernetes.io/instance': proxy },
  };
}

function objectStorageEndpoint(store: DrObjectStorage, site: string, activeSite: string): SharedEndpointSpec {
  const entry = store.sites?.[site];
  return {
    name: store.name,
    kind: StatefulKind.OBJECT_STORAGE,
    host: entry?.host as string,
    network: entry?.network,
    site,
    replication: site === activeSite || !store.replication ? undefined : {
      fromSite: activeSite, fromHost: store.sites[activeSite]?.host, mode: 'asynchronous', maxLag: store.replication.maxLag,
    },
  };
}

/** Kinds whose loss with a site counts in the RPO. */
const DATA_KINDS = new Set([StatefulKind.POSTGRESQL.name, StatefulKind.REDIS.name, StatefulKind.OBJECT_STORAGE.name]);

/**
 * What a site loss costs the data the user declared as shared endpoints: a component on the
 * active site survives only as the copies the standby sites declare, with their replication.
 */
function declaredDataLoss(path: string, topology: ResolvedTopology, activeSite: string): DataLossSpec[] {
  const own = (e: { source?: unknown; localPeer?: unknown }) => e.localPeer !== undefined;
  const active = topology.clusters.find((c) => c.site === activeSite)!;
  const declared = active.sharedEndpoints.filter((e) => DATA_KINDS.has(e.kind) && !own(e) && (e.site === activeSite || e.site === undefined));
  return declared.flatMap((endpoint): DataLossSpec[] => {
    const standbys = topology.sites.filter((s) => s.name !== activeSite)
      .map((s) => s.clusters[0].sharedEndpoints.find((e) => e.name === endpoint.name));
    // One address for every site, held outside them: a site loss does not touch it.
    if (endpoint.site === undefined && standbys.every((copy) => copy === endpoint)) return [];
    const copies = standbys.map((copy) => (copy === endpoint ? undefined : copy?.replication));
    for (const replication of copies) {
      check(replication?.mode !== 'synchronous' || replication.acceptedLatency !== undefined, {
        path, field: `${endpoint.name}.replication.mode`, value: 'synchronous',
        problem: 'replicates synchronously across sites: every commit waits a round trip between the sites, and writes stop when the link does',
        fix: 'accept it with replication.acceptedLatency set to the round trip you measured, or replicate asynchronously and bound the lag with maxLag',
      });
    }
    if (copies.some((c) => c === undefined)) {
      return [{ name: endpoint.name, replication: 'none', basis: `no copy replicating from ${activeSite} on every other site` }];
    }
    const lags = copies.map((c) => (c!.mode === 'synchronous' ? 0 : c!.maxLag ? c!.maxLag.toMilliseconds() / 1000 : undefined));
    return [{
      name: endpoint.name,
      replication: copies.every((c) => c!.mode === 'synchronous') ? 'synchronous' : 'asynchronous',
      maxLagSeconds: lags.includes(undefined) ? undefined : Math.max(...(lags as number[])),
      basis: lags.includes(undefined) ? 'asynchronous with no declared lag bound (replication.maxLag)' : 'the declared replication lag bound (replication.maxLag)',
    }];
  });
}

function slotName(site: string): string {
  return `standby_${site.replace(/-/g, '_')}`;
}


function durationSeconds(value: DurationLike | undefined, fallback: number, path = '', field = ''): number {
  if (value === undefined) return fallback;
  check(isDurationLike(value) && value.toMilliseconds() >= 0, {
    path, field, value, problem: 'must be a Duration', fix: 'use e.g. Duration.seconds(10)',
  });
  return value.toMilliseconds() / 1000;
}

function sharedSecretNames(
  topology: ResolvedTopology, props: ActivePassiveDrProps, postgres: ResolvedPostgres | undefined, redis: ResolvedRedis | undefined,
): string[] {
  const names = [
    ...(postgres ? [postgres.props.credentialsSecret ?? `${postgres.name}-credentials`] : []),
    ...(postgres && postgres.props.pooler !== false ? [(postgres.props.pooler || {}).authSecret ?? `${postgres.name}-pooler-auth`] : []),
    ...(postgres?.backup ? [postgres.backup.credentialsSecret] : []),
    ...(redis ? [redis.props.passwordSecret?.name ?? `${redis.name}-auth`] : []),
    topology.traffic!.loadBalancing.tlsSecretName,
    ...(props.sharedSecrets?.names ?? []),
  ];
  return [...new Set(names)];
}

