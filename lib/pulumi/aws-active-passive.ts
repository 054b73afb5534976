import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ChartDeployment } from './chart-deployment';
import { DnsFailover, DnsFailoverArgs, dnsFigures } from './dns-failover';
import { ElastiCacheRedis } from './elasticache-redis';
import { asResourceError, ensure, secondsOf } from './private/refuse';
import { RdsNetwork, RdsPostgres } from './rds-postgres';
import { ReplicatedBuckets } from './replicated-buckets';
import { ServiceLoadBalancer } from './service-load-balancer';
import { DR_DEFAULTS } from '../core/defaults';
import { checkBudget, computeBudget, DataLossSpec, DEFAULT_DECISION_SECONDS, InSiteFailover, RecoveryBudget } from '../core/dr/budget';
import {
  dnsHealthCheckSwitch, elastiCacheFailoverItems, fenceItem, podFailureItems, rdsMultiAzFailoverItems, rdsPromotionItem, rdsReplicaLoss,
  redisSiteLoss, s3ReplicationLoss,
} from '../core/dr/budget-items';
import { ObjectStorageSpec, PostgresSpec, RunbookStep } from '../core/intents';
import { SiteRole } from '../core/topology/site-spec';
import { ResolvedTopology, resolveTopology, TopologySpec } from '../core/topology/topology-spec';
import { replicasOnCluster } from '../core/topology/topology-summary';
import { DurationLike } from '../core/units';

/** One region of an {@link AwsActivePassive}: its provider and the network the components use. */
export interface AwsSite {
  /** AWS region name, e.g. `eu-west-1`; must be the region of `provider`. */
  readonly region: string;
  /** The AWS provider of that region. */
  readonly provider: aws.Provider;
  /** VPC of the load balancer's targets. */
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets of the load balancer, in at least two Availability Zones. */
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the load balancer. */
  readonly loadBalancerSecurityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ACM certificate of the public host, in this region. */
  readonly certificateArn: pulumi.Input<string>;
  /**
   * Network of the database in this region, with `postgres`.
   *
   * @default - required with `postgres`
   */
  readonly database?: RdsNetwork & {
    /** KMS key of the database storage in this region (required on the standby region). */
    readonly kmsKeyArn?: pulumi.Input<string>;
  };
  /**
   * Network of the Redis in this region, with `redis`.
   *
   * @default - required with `redis`
   */
  readonly cache?: { readonly subnetGroupName: pulumi.Input<string>; readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
}

/** How a region failover is decided and carried out, for the budget (the same knobs as ActivePassiveDr). */
export interface AwsFailoverOptions {
  /** @default Duration.minutes(5) */
  readonly decisionTime?: DurationLike;
  /** @default Duration.seconds(60) */
  readonly activationTime?: DurationLike;
  /** @default Duration.seconds(60) */
  readonly fenceTime?: DurationLike;
}

/** Arguments of {@link AwsActivePassive}. */
export interface AwsActivePassiveArgs {
  /**
   * The same TopologySpec as the cdk8s side: two sites, one ACTIVE and one STANDBY, the
   * services, the targets, and in `traffic` the service and host clients use (with the Route 53
   * knobs of `TrafficPolicy.route53` when given, and `stickySessions`).
   */
  readonly topology: TopologySpec;
  /** Each site's region, by site name. */
  readonly sites: Readonly<Record<string, AwsSite>>;
  /** Hosted zone of the public host. */
  readonly zoneId: pulumi.Input<string>;
  /**
   * PostgreSQL on RDS: Multi-AZ primary in the active site's region, a read replica in the standby's.
   *
   * @default - no managed PostgreSQL (it runs in Kubernetes, or not at all)
   */
  readonly postgres?: PostgresSpec & { readonly instanceClass?: string; readonly maxReplicationLag?: DurationLike };
  /**
   * Redis on ElastiCache, one per region (not replicated across regions).
   *
   * @default - no managed Redis
   */
  readonly redis?: {
    readonly name?: string;
    readonly replicas?: number;
    readonly nodeType?: string;
    /** AUTH token, as a secret. */
    readonly authToken: pulumi.Output<string>;
    /** @default true */
    readonly cacheOnly?: boolean;
  };
  /**
   * S3 buckets replicated from the active region to the standby's.
   *
   * @default - no managed object storage
   */
  readonly objectStorage?: ObjectStorageSpec & { readonly replicationTimeControl?: boolean };
  /**
   * How a region failover is decided and carried out.
   *
   * @default - decided in 5 minutes, activated in 60 seconds, fenced in 60 seconds
   */
  readonly failover?: AwsFailoverOptions;
  /**
   * Apply the clusters' synthesized folders too, one provider per cluster.
   *
   * @default - the clusters are deployed by GitOps
   */
  readonly kubernetes?: { readonly outdir?: string; readonly providers: Readonly<Record<string, k8s.Provider>> };
}

/**
 * The cloud side of a two-region active-passive topology, from the same TopologySpec as the
 * cdk8s side: a load balancer per region in front of the traffic service, Route 53 failover
 * between them, and the managed data the caller asks for (RDS with a cross-region replica,
 * ElastiCache per region, replicated S3), optionally the clusters' charts. Computes the
 * worst-case RTO/RPO with the same budget as ActivePassiveDr and refuses a design that cannot
 * meet the targets before any resource is registered.
 */
export class AwsActivePassive extends pulumi.ComponentResource {
  public readonly topology: ResolvedTopology;
  public readonly activeSite: string;
  public readonly standbySite: string;
  /** A load balancer per site, by site name. */
  public readonly loadBalancers: Readonly<Record<string, ServiceLoadBalancer>>;
  public readonly dns: DnsFailover;
  public readonly postgres?: RdsPostgres;
  /** ElastiCache per site, by site name. */
  public readonly redis?: Readonly<Record<string, ElastiCacheRedis>>;
  public readonly objectStorage?: ReplicatedBuckets;
  public readonly charts?: ChartDeployment;
  /** The worst-case RTO and RPO, scenario by scenario. */
  public readonly budget: RecoveryBudget;
  /** Steps that promote the database in the standby region. */
  public readonly promotionSteps: readonly RunbookStep[];

  constructor(name: string, args: AwsActivePassiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:aws:AwsActivePassive', name, {}, opts);
    const spec = args?.topology;
    const traffic = spec?.traffic;
    ensure(traffic !== undefined && typeof traffic.loadBalancing?.service === 'string', this, {
      path: name, field: 'topology.traffic', value: traffic,
      problem: 'must say which service and host clients reach', fix: "give e.g. TrafficPolicy.route53({ service: 'api', host: 'api.acme.example', sites: {} })",
    });
    // The cloud side creates the health checks the route53 policy would name: resolved without it.
    this.topology = asResourceError(this, () => resolveTopology(name, { ...spec, traffic: undefined }));
    const sites = this.topology.sites;
    ensure(sites.length === 2 && sites.filter((s) => s.role === SiteRole.ACTIVE).length === 1, this, {
      path: name, field: 'topology.sites', value: sites.map((s) => `${s.name}: ${s.role.name}`),
      problem: 'must be two sites, one ACTIVE and one STANDBY: Route 53 failover holds one PRIMARY and one SECONDARY',
      fix: 'give one SiteRole.ACTIVE and one SiteRole.STANDBY site',
    });
    const active = sites.find((s) => s.role === SiteRole.ACTIVE)!;
    const standby = sites.find((s) => s !== active)!;
    this.activeSite = active.name;
    this.standbySite = standby.name;
    for (const site of sites) {
      ensure(typeof args.sites?.[site.name]?.region === 'string', this, {
        path: name, field: `sites.${site.name}`, value: args.sites?.[site.name],
        problem: 'is missing: every site of the topology needs its region', fix: `give sites: { ${site.name}: { region, provider, ... } }`,
      });
    }
    const primary = args.sites[active.name];
    const secondary = args.sites[standby.name];
    ensure(primary.region !== secondary.region, this, {
      path: name, field: `sites.${standby.name}.region`, value: secondary.region,
      problem: `is the region of ${active.name}: the standby site does not survive losing the active one's region`,
      fix: 'put the standby site in another region, with that region\'s provider',
    });
    // What each managed component needs of each region, checked before anything is registered.
    for (const site of sites) {
      const region = args.sites[site.name];
      ensure(!args.postgres || region.database !== undefined, this, {
        path: name, field: `sites.${site.name}.database`, value: undefined, problem: 'is required with postgres', fix: 'give its subnetGroupName and securityGroupIds',
      });
      ensure(!args.redis || region.cache !== undefined, this, {
        path: name, field: `sites.${site.name}.cache`, value: undefined, problem: 'is required with redis', fix: 'give its subnetGroupName and securityGroupIds',
      });
    }
    ensure(!args.postgres || secondary.database?.kmsKeyArn !== undefined, this, {
      path: name, field: `sites.${standby.name}.database.kmsKeyArn`, value: undefined,
      problem: `is required: the replica of an encrypted primary is encrypted with a key of ${secondary.region}`,
      fix: `pass the ARN of a KMS key in ${secondary.region}`,
    });
    const service = this.topology.services.find((s) => s.name === traffic.loadBalancing.service);
    ensure(service !== undefined, this, {
      path: name, field: 'topology.traffic.service', value: traffic.loadBalancing.service,
      problem: 'is not a service of the topology', fix: `use one of ${this.topology.services.map((s) => JSON.stringify(s.name)).join(', ')}`,
    });
    const healthPath = traffic.loadBalancing.healthPath ?? (service.readiness?.kind === 'http' ? service.readiness.path : undefined);
    const dnsArgs: Pick<DnsFailoverArgs, 'ttl' | 'healthCheckInterval' | 'failureThreshold'> = traffic.kind === 'route53' ? traffic.loadBalancing : {};
    const figures = dnsFigures(this, name, dnsArgs, 'topology.traffic.');

    // The budget first, from the same functions the components report with: an unmeetable
    // design is refused before anything is registered.
    const dbName = args.postgres ? args.postgres.name ?? `${name}-db` : undefined;
    const redisName = args.redis ? args.redis.name ?? `${name}-cache` : undefined;
    const cacheOnly = args.redis?.cacheOnly ?? true;
    const lagSeconds = secondsOf(args.postgres?.maxReplicationLag, DR_DEFAULTS.maxReplicationLagSeconds);
    const inSite: InSiteFailover[] = [];
    if (dbName) inSite.push(rdsMultiAzFailoverItems(dbName));
    if (redisName) inSite.push(elastiCacheFailoverItems(redisName, cacheOnly));
    for (const s of this.topology.services) {
      const fewest = Math.min(...active.clusters.map((c) => {
        const replicas = replicasOnCluster(c.availability, s, c.services[s.name]);
        return typeof replicas === 'number' ? replicas : replicas.min;
      }));
      inSite.push(podFailureItems(s, fewest));
    }
    const data: DataLossSpec[] = [];
    if (dbName) data.push(rdsReplicaLoss(dbName, lagSeconds));
    if (redisName) data.push(redisSiteLoss(redisName, cacheOnly));
    if (args.objectStorage) {
      const replication = args.objectStorage.replication;
      data.push(s3ReplicationLoss(args.objectStorage.name, replication && {
        timeControl: args.objectStorage.replicationTimeControl ?? true, maxLagSeconds: replication.maxLag.toMilliseconds() / 1000,
      }));
    }
    const activationSeconds = secondsOf(args.failover?.activationTime, DR_DEFAULTS.activationSeconds);
    this.budget = computeBudget({
      targets: this.topology.targets,
      inSite,
      siteLoss: {
        decisionSeconds: secondsOf(args.failover?.decisionTime, DEFAULT_DECISION_SECONDS),
        promotions: [fenceItem(secondsOf(args.failover?.fenceTime, DR_DEFAULTS.fenceSeconds)), ...(dbName ? [rdsPromotionItem(dbName)] : [])],
        activation: [{ step: 'GitOps applies the flipped roles', seconds: activationSeconds, basis: `${activationSeconds} s: declared activation time (failover.activationTime)` }],
        traffic: dnsHealthCheckSwitch('Route 53 failover records', { intervalSeconds: figures.interval, failureThreshold: figures.threshold, ttlSeconds: figures.ttl }),
      },
      siteLossData: data,
    });
    asResourceError(this, () => checkBudget(name, this.budget));

    const parent = { parent: this };
    this.loadBalancers = Object.fromEntries(sites.map((site) => {
      const region = args.sites[site.name];
      return [site.name, new ServiceLoadBalancer(`${name}-${site.name}`, {
        service: this.topology.declared.find((s) => s.name === service.name)!,
        healthPath,
        vpcId: region.vpcId,
        subnetIds: region.publicSubnetIds,
        securityGroupIds: region.loadBalancerSecurityGroupIds,
        certificateArn: region.certificateArn,
        stickySessions: traffic.loadBalancing.stickySessions !== undefined,
        provider: region.provider,
      }, parent)];
    }));
    this.dns = new DnsFailover(name, {
      zoneId: args.zoneId,
      host: traffic.loadBalancing.host,
      primary: { address: this.loadBalancers[active.name].dnsName },
      secondary: { address: this.loadBalancers[standby.name].dnsName },
      healthPath,
      ttl: dnsArgs.ttl,
      healthCheckInterval: dnsArgs.healthCheckInterval,
      failureThreshold: dnsArgs.failureThreshold,
      provider: primary.provider,
    }, parent);

    if (args.postgres) {
      this.postgres = new RdsPostgres(`${name}-db`, {
        postgres: { ...args.postgres, name: dbName },
        instanceClass: args.postgres.instanceClass,
        maxReplicationLag: args.postgres.maxReplicationLag,
        primary: { region: primary.region, provider: primary.provider, network: primary.database!, kmsKeyArn: primary.database!.kmsKeyArn },
        replica: { region: secondary.region, provider: secondary.provider, network: secondary.database!, kmsKeyArn: secondary.database!.kmsKeyArn! },
      }, parent);
    }
    if (args.redis) {
      const redis = args.redis;
      this.redis = Object.fromEntries(sites.map((site) => {
        const region = args.sites[site.name];
        return [site.name, new ElastiCacheRedis(`${name}-${site.name}-cache`, {
          redis: { name: redisName, replicas: redis.replicas },
          nodeType: redis.nodeType,
          authToken: redis.authToken,
          cacheOnly,
          subnetGroupName: region.cache!.subnetGroupName,
          securityGroupIds: region.cache!.securityGroupIds,
          provider: region.provider,
        }, parent)];
      }));
    }
    if (args.objectStorage) {
      this.objectStorage = new ReplicatedBuckets(`${name}-objects`, {
        storage: args.objectStorage,
        replicationTimeControl: args.objectStorage.replicationTimeControl,
        primary: { region: primary.region, provider: primary.provider },
        replica: { region: secondary.region, provider: secondary.provider },
      }, parent);
    }
    if (args.kubernetes) {
      this.charts = new ChartDeployment(`${name}-clusters`, {
        topology: this.topology, outdir: args.kubernetes.outdir, providers: args.kubernetes.providers,
      }, parent);
    }
    this.promotionSteps = this.postgres?.promotionSteps ?? [];

    this.registerOutputs({
      host: traffic.loadBalancing.host,
      loadBalancers: Object.fromEntries(Object.entries(this.loadBalancers).map(([site, lb]) => [site, lb.dnsName])),
      healthCheckId: this.dns.healthCheck.id,
      databaseEndpoint: this.postgres?.primaryEndpoint,
      worstRtoSeconds: this.budget.worstRtoSeconds,
      worstRpoSeconds: this.budget.worstRpoSeconds,
    });
  }
}
