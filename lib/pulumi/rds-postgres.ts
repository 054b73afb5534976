import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { refuse, ensure, secondsOf } from './private/refuse';
import { AWS_DEFAULTS, DR_DEFAULTS, PATRONI_CLUSTER_DEFAULTS } from '../core/defaults';
import { BudgetItem, DataLossSpec, InSiteFailover } from '../core/dr/budget';
import { rdsMultiAzFailoverItems, rdsPromotionItem, rdsReplicaLoss } from '../core/dr/budget-items';
import { PostgresSpec, RunbookStep } from '../core/intents';
import { DurationLike, isDurationLike, isSizeLike, seconds } from '../core/units';

/** The network an RDS instance lives in, in one region. */
export interface RdsNetwork {
  /** DB subnet group spanning at least two Availability Zones (Multi-AZ needs them). */
  readonly subnetGroupName: pulumi.Input<string>;
  /** Security groups admitting the applications on 5432. */
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** One region of an {@link RdsPostgres}. */
export interface RdsRegion {
  /** AWS region name, e.g. `eu-west-1`; must be the region of `provider`. */
  readonly region: string;
  /** The AWS provider of that region: every resource of the region is created through it. */
  readonly provider: aws.Provider;
  readonly network: RdsNetwork;
  /**
   * KMS key encrypting the storage in this region. A cross-region replica of an encrypted
   * primary needs a key of its own region.
   *
   * @default - the region's `aws/rds` key (primary only)
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
}

/** Arguments of {@link RdsPostgres}. */
export interface RdsPostgresArgs {
  /** The same PostgreSQL intent as PatroniCluster: name, storage, version, parameters. */
  readonly postgres: PostgresSpec;
  /** Region of the Multi-AZ primary. */
  readonly primary: RdsRegion;
  /** Region of the cross-region read replica: another region than the primary's. */
  readonly replica: RdsRegion & { readonly kmsKeyArn: pulumi.Input<string> };
  /**
   * Instance class of the primary and the replica (the same: the replica becomes the primary).
   *
   * @default 'db.r6g.large'
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.html
   */
  readonly instanceClass?: string;
  /**
   * Longest lag of the replica the team accepts and watches (alarm on `ReplicaLag`): the
   * database's share of the RPO after a region loss.
   *
   * @default Duration.seconds(10)
   */
  readonly maxReplicationLag?: DurationLike;
  /**
   * Days of automated backups (point-in-time recovery), 1 to 35. A read replica needs
   * backups on its source.
   *
   * @default 7
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html
   */
  readonly backupRetentionDays?: number;
  /**
   * Daily backup window, UTC, `hh:mm-hh:mm`.
   *
   * @default '03:00-04:00'
   */
  readonly backupWindow?: string;
  /**
   * Weekly maintenance window, UTC, `ddd:hh:mm-ddd:hh:mm`, not overlapping the backup window.
   *
   * @default 'sun:04:30-sun:05:30'
   */
  readonly maintenanceWindow?: string;
  /**
   * Refuse deletion of either instance until this is turned off (a `pulumi destroy` or a
   * renamed resource cannot drop the database).
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * PostgreSQL on RDS for two regions: a Multi-AZ primary (encrypted, deletion-protected, backed
 * up, with Performance Insights) and a cross-region read replica created through the second
 * region's provider. The master password is managed by RDS in Secrets Manager, so no password
 * is ever in the state. `promotionSteps` are the runbook steps that make the replica the primary.
 *
 * @example
 * const db = new RdsPostgres('orders', {
 *   postgres: { name: 'orders', storage: Size.gibibytes(100) },
 *   primary: { region: 'eu-west-1', provider: ireland, network: { subnetGroupName: 'db', securityGroupIds: [sg.id] } },
 *   replica: { region: 'eu-central-1', provider: frankfurt, network: { subnetGroupName: 'db', securityGroupIds: [sg2.id] }, kmsKeyArn: key.arn },
 * });
 */
export class RdsPostgres extends pulumi.ComponentResource {
  /** The Multi-AZ primary. */
  public readonly primary: aws.rds.Instance;
  /** The cross-region read replica. */
  public readonly replica: aws.rds.Instance;
  /** Endpoint (`host:port`) of the primary. */
  public readonly primaryEndpoint: pulumi.Output<string>;
  /** Endpoint of the replica: the primary's after a promotion. */
  public readonly replicaEndpoint: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret RDS keeps the master password in. */
  public readonly masterUserSecretArn: pulumi.Output<string>;
  /** Steps that promote the replica when the primary's region is lost. */
  public readonly promotionSteps: readonly RunbookStep[];
  /** Budget: losing the primary inside its region. */
  public readonly failover: InSiteFailover;
  /** Budget: promoting the replica. */
  public readonly promotion: BudgetItem;
  /** Budget: what a region loss costs the data. */
  public readonly siteLossData: DataLossSpec;

  constructor(name: string, args: RdsPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:aws:RdsPostgres', name, {}, opts);
    const d = AWS_DEFAULTS.rds;
    const spec = args?.postgres;
    ensure(typeof spec === 'object' && spec !== null && isSizeLike(spec.storage), this, {
      path: name, field: 'postgres.storage', value: spec?.storage, problem: 'is required', fix: 'give e.g. Size.gibibytes(100)',
    });
    const dbName = spec.name ?? name;
    ensure(/^[a-z][a-z0-9-]{0,53}$/.test(dbName) && !dbName.endsWith('-') && !dbName.includes('--'), this, {
      path: name, field: 'postgres.name', value: dbName,
      problem: 'must be an RDS identifier: lowercase letters, digits and single hyphens, starting with a letter, at most 54 characters',
      fix: "use e.g. 'orders'",
    });
    checkRegions(this, name, args);
    const retention = args.backupRetentionDays ?? d.backupRetentionDays;
    ensure(Number.isInteger(retention) && retention >= 1 && retention <= 35, this, {
      path: name, field: 'backupRetentionDays', value: retention,
      problem: 'must be 1 to 35 days: a read replica needs backups on its source', fix: `use ${d.backupRetentionDays}`,
    });
    const lag = args.maxReplicationLag;
    ensure(lag === undefined || (isDurationLike(lag) && lag.toMilliseconds() >= 0), this, {
      path: name, field: 'maxReplicationLag', value: lag, problem: 'must be a Duration', fix: 'use e.g. Duration.seconds(10)',
    });
    const storageGib = Math.ceil(spec.storage.toKibibytes() / 1024 / 1024);
    ensure(storageGib >= 20 && storageGib <= 65536, this, {
      path: name, field: 'postgres.storage', value: spec.storage, problem: 'must be 20 GiB to 64 TiB for gp3 storage', fix: 'use e.g. Size.gibibytes(100)',
    });
    const version = String(spec.postgresVersion ?? PATRONI_CLUSTER_DEFAULTS.postgresVersion);
    const backupWindow = args.backupWindow ?? d.backupWindow;
    const deletionProtection = args.deletionProtection ?? true;

    const common = {
      instanceClass: args.instanceClass ?? d.instanceClass,
      storageType: d.storageType,
      storageEncrypted: true,
      multiAz: true,
      publiclyAccessible: false,
      backupRetentionPeriod: retention,
      backupWindow,
      maintenanceWindow: args.maintenanceWindow ?? d.maintenanceWindow,
      deletionProtection,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: d.performanceInsightsRetentionDays,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      skipFinalSnapshot: false,
      enabledCloudwatchLogsExports: ['postgresql'],
    };
    const parameterGroup = (region: RdsRegion, role: string) => spec.parameters === undefined ? undefined : new aws.rds.ParameterGroup(`${name}-${role}`, {
      family: `postgres${version}`,
      parameters: Object.entries(spec.parameters).map(([key, value]) => ({ name: key, value: String(value) })),
    }, { parent: this, provider: region.provider });

    const primaryParameters = parameterGroup(args.primary, 'primary');
    this.primary = new aws.rds.Instance(`${name}-primary`, {
      ...common,
      identifier: `${dbName}-primary`,
      engine: 'postgres',
      engineVersion: version,
      allocatedStorage: storageGib,
      username: 'postgres',
      manageMasterUserPassword: true,
      kmsKeyId: args.primary.kmsKeyArn,
      dbSubnetGroupName: args.primary.network.subnetGroupName,
      vpcSecurityGroupIds: args.primary.network.securityGroupIds,
      parameterGroupName: primaryParameters?.name,
      finalSnapshotIdentifier: `${dbName}-primary-final`,
    }, { parent: this, provider: args.primary.provider });

    const replicaParameters = parameterGroup(args.replica, 'replica');
    this.replica = new aws.rds.Instance(`${name}-replica`, {
      ...common,
      identifier: `${dbName}-replica`,
      // An ARN, not an identifier: the source is in another region.
      replicateSourceDb: this.primary.arn,
      kmsKeyId: args.replica.kmsKeyArn,
      dbSubnetGroupName: args.replica.network.subnetGroupName,
      vpcSecurityGroupIds: args.replica.network.securityGroupIds,
      parameterGroupName: replicaParameters?.name,
      finalSnapshotIdentifier: `${dbName}-replica-final`,
    }, { parent: this, provider: args.replica.provider });

    this.primaryEndpoint = this.primary.endpoint;
    this.replicaEndpoint = this.replica.endpoint;
    this.masterUserSecretArn = this.primary.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? '');
    this.failover = rdsMultiAzFailoverItems(dbName);
    this.promotion = rdsPromotionItem(dbName);
    const lagSeconds = secondsOf(lag, DR_DEFAULTS.maxReplicationLagSeconds);
    this.siteLossData = rdsReplicaLoss(dbName, lagSeconds);
    this.promotionSteps = promotionSteps(`${dbName}-replica`, args.replica.region, retention, backupWindow, lagSeconds);

    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      replicaEndpoint: this.replicaEndpoint,
      primaryArn: this.primary.arn,
      replicaArn: this.replica.arn,
      masterUserSecretArn: this.masterUserSecretArn,
    });
  }
}

function checkRegions(component: pulumi.Resource, name: string, args: RdsPostgresArgs): void {
  for (const role of ['primary', 'replica'] as const) {
    const region = args[role];
    ensure(typeof region?.region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region.region), component, {
      path: name, field: `${role}.region`, value: region?.region, problem: 'must be an AWS region name', fix: "use e.g. 'eu-west-1'",
    });
    ensure(region.provider instanceof pulumi.ProviderResource, component, {
      path: name, field: `${role}.provider`, value: region.provider,
      problem: `must be the aws.Provider of ${region.region}`, fix: `pass new aws.Provider('${role}', { region: '${region.region}' })`,
    });
  }
  if (args.primary.region === args.replica.region) {
    refuse(component, {
      path: name, field: 'replica.region', value: args.replica.region,
      problem: "is the primary's region: a replica there does not survive losing the region",
      fix: 'put the replica in another region, with that region\'s provider',
    });
  }
  ensure(args.replica.kmsKeyArn !== undefined, component, {
    path: name, field: 'replica.kmsKeyArn', value: undefined,
    problem: `is required: a cross-region replica of an encrypted primary is encrypted with a key of ${args.replica.region}`,
    fix: `pass the ARN of a KMS key in ${args.replica.region}, e.g. new aws.kms.Key(..., { provider }).arn`,
  });
}

/** Runbook steps that promote the cross-region replica, with its real identifier and region. */
function promotionSteps(replicaId: string, region: string, retention: number, backupWindow: string, lagSeconds: number): RunbookStep[] {
  const target = `--region ${region} --db-instance-identifier ${replicaId}`;
  return [
    {
      title: 'Check how far the replica is behind',
      command: `aws cloudwatch get-metric-statistics --region ${region} --namespace AWS/RDS --metric-name ReplicaLag `
        + `--dimensions Name=DBInstanceIdentifier,Value=${replicaId} --statistics Maximum --period 60 `
        + '--start-time "$(date -u -d \'-10 min\' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"',
      why: 'what the replica had not received when the primary was lost is what the promotion loses',
      verify: `the last Maximum is at most ${lagSeconds} s (maxReplicationLag)`,
    },
    {
      title: 'Promote the read replica',
      command: `aws rds promote-read-replica ${target} --backup-retention-period ${retention} --preferred-backup-window ${backupWindow}`,
      why: 'the replica stops following the lost primary and accepts writes',
      expectedDuration: seconds(AWS_DEFAULTS.rds.promotionSeconds),
    },
    {
      title: 'Wait until the promoted instance is available',
      command: `aws rds wait db-instance-available ${target}`,
      why: 'writes succeed only once the promotion has finished and the instance rebooted',
      verify: `aws rds describe-db-instances ${target} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier' prints None`,
    },
  ];
}
