import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ensure, secretInput } from './private/refuse';
import { AWS_DEFAULTS } from '../core/defaults';
import { DataLossSpec, InSiteFailover } from '../core/dr/budget';
import { elastiCacheFailoverItems, redisSiteLoss } from '../core/dr/budget-items';
import { RedisSpec } from '../core/intents';

/** Arguments of {@link ElastiCacheRedis}. */
export interface ElastiCacheRedisArgs {
  /**
   * The same Redis intent as RedisSentinel: its name and how many replicas follow the primary
   * (storage and durability are the service's here).
   *
   * @default - named after the component, 2 replicas
   */
  readonly redis?: Pick<RedisSpec, 'name' | 'replicas'>;
  /** ElastiCache subnet group spanning at least two Availability Zones. */
  readonly subnetGroupName: pulumi.Input<string>;
  /** Security groups admitting the applications on 6379. */
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * AUTH token clients present, as a secret (`config.requireSecret(...)`, `pulumi.secret(...)`):
   * a plain string is refused, it would be written to the state in clear text.
   *
   * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
   */
  readonly authToken: pulumi.Output<string>;
  /**
   * Node type of every node.
   *
   * @default 'cache.r7g.large'
   */
  readonly nodeType?: string;
  /**
   * Redis engine version.
   *
   * @default '7.1'
   */
  readonly engineVersion?: string;
  /**
   * The data is a cache the application rebuilds: losing what the replicas had not received
   * does not count in the RPO.
   *
   * @default true
   */
  readonly cacheOnly?: boolean;
  /**
   * Days of daily snapshots kept.
   *
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
  /**
   * Provider of the region.
   *
   * @default - the provider the component inherits
   */
  readonly provider?: aws.Provider;
}

/**
 * Redis on ElastiCache in one region: a replication group with replicas in other Availability
 * Zones, Multi-AZ with automatic failover, encryption at rest and in transit, and an AUTH token
 * taken only from a secret. Not replicated across regions (as RedisSentinel): a region loss
 * loses it whole, which the budget counts unless it is a cache.
 */
export class ElastiCacheRedis extends pulumi.ComponentResource {
  /** The replication group. */
  public readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Address of the primary endpoint (follows a failover). */
  public readonly primaryEndpoint: pulumi.Output<string>;
  /** Address of the reader endpoint. */
  public readonly readerEndpoint: pulumi.Output<string>;
  /** Budget: losing the primary inside the region. */
  public readonly failover: InSiteFailover;
  /** Budget: what a region loss costs. */
  public readonly siteLossData: DataLossSpec;

  constructor(name: string, args: ElastiCacheRedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:aws:ElastiCacheRedis', name, {}, opts);
    const d = AWS_DEFAULTS.elastiCache;
    const authToken = secretInput(this, name, 'authToken', args?.authToken, "config.requireSecret('redisAuthToken')");
    const groupId = args.redis?.name ?? name;
    ensure(/^[a-z][a-z0-9-]{0,39}$/.test(groupId) && !groupId.endsWith('-') && !groupId.includes('--'), this, {
      path: name, field: 'redis.name', value: groupId,
      problem: 'must be a replication group id: lowercase letters, digits and single hyphens, starting with a letter, at most 40 characters',
      fix: "use e.g. 'sessions'",
    });
    const replicas = args.redis?.replicas ?? d.replicas;
    ensure(Number.isInteger(replicas) && replicas >= 1 && replicas <= 5, this, {
      path: name, field: 'redis.replicas', value: replicas,
      problem: 'must be 1 to 5: automatic failover needs a replica to promote', fix: `use ${d.replicas}`,
    });
    const cacheOnly = args.cacheOnly ?? true;
    const options = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };

    this.replicationGroup = new aws.elasticache.ReplicationGroup(name, {
      replicationGroupId: groupId,
      description: `${groupId}: Multi-AZ Redis with automatic failover`,
      engine: 'redis',
      engineVersion: args.engineVersion ?? d.engineVersion,
      nodeType: args.nodeType ?? d.nodeType,
      port: d.port,
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken,
      subnetGroupName: args.subnetGroupName,
      securityGroupIds: args.securityGroupIds,
      snapshotRetentionLimit: args.snapshotRetentionDays ?? d.snapshotRetentionDays,
      snapshotWindow: d.snapshotWindow,
      maintenanceWindow: d.maintenanceWindow,
      autoMinorVersionUpgrade: true,
    }, { ...options, additionalSecretOutputs: ['authToken'] });

    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.readerEndpoint = this.replicationGroup.readerEndpointAddress;
    this.failover = elastiCacheFailoverItems(groupId, cacheOnly);
    this.siteLossData = redisSiteLoss(groupId, cacheOnly);
    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint, readerEndpoint: this.readerEndpoint });
  }
}
