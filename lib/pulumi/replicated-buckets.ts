import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ensure } from './private/refuse';
import { AWS_DEFAULTS } from '../core/defaults';
import { DataLossSpec } from '../core/dr/budget';
import { s3ReplicationLoss } from '../core/dr/budget-items';
import { ObjectStorageSpec } from '../core/intents';
import { isDurationLike } from '../core/units';

/** One region of a {@link ReplicatedBuckets}. */
export interface BucketRegion {
  /** AWS region name, e.g. `eu-west-1`; must be the region of `provider`. */
  readonly region: string;
  /** The AWS provider of that region. */
  readonly provider: aws.Provider;
}

/** Arguments of {@link ReplicatedBuckets}. */
export interface ReplicatedBucketsArgs {
  /** The same object-storage intent as the Kubernetes side: buckets, versioning, replication. */
  readonly storage: ObjectStorageSpec;
  /** Region of the buckets the applications write. */
  readonly primary: BucketRegion;
  /** Region of the copies: another region than the primary's. */
  readonly replica: BucketRegion;
  /**
   * S3 Replication Time Control: 99.99% of objects within 15 minutes, with replication metrics,
   * which bounds the RPO; without it S3 gives no time bound.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
   */
  readonly replicationTimeControl?: boolean;
}

/** The buckets of one name: the primary, its copy, their versioning and the replication. */
export interface ReplicatedBucket {
  readonly source: aws.s3.Bucket;
  readonly destination?: aws.s3.Bucket;
  readonly replication?: aws.s3.BucketReplicationConfig;
}

/**
 * S3 buckets in two regions: every bucket of the intent versioned and private in the primary
 * region, and, with `replication`, a versioned copy in the replica region and a replication
 * rule through one IAM role allowed only on these buckets. Versioning is in place before the
 * replication rule (S3 refuses a rule on an unversioned bucket).
 *
 * Bucket names are global: the copy of `<bucket>` is `<bucket>-<replica region>`.
 */
export class ReplicatedBuckets extends pulumi.ComponentResource {
  /** Each bucket by its name in the intent. */
  public readonly buckets: Readonly<Record<string, ReplicatedBucket>>;
  /** The role S3 replicates with (when replicated). */
  public readonly role?: aws.iam.Role;
  /** Budget: what a region loss costs the objects. */
  public readonly siteLossData: DataLossSpec;

  constructor(name: string, args: ReplicatedBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:aws:ReplicatedBuckets', name, {}, opts);
    const spec = args?.storage;
    ensure(typeof spec === 'object' && spec !== null && Array.isArray(spec.buckets) && spec.buckets.length > 0, this, {
      path: name, field: 'storage.buckets', value: spec?.buckets, problem: 'must list at least one bucket', fix: "give e.g. ['acme-uploads']",
    });
    const replication = spec.replication;
    const versioning = spec.versioning ?? true;
    ensure(replication === undefined || versioning, this, {
      path: name, field: 'storage.versioning', value: versioning,
      problem: 'must be on: S3 replicates only versioned buckets', fix: 'remove versioning: false, or drop replication',
    });
    ensure(args.primary?.provider instanceof pulumi.ProviderResource, this, {
      path: name, field: 'primary.provider', value: args.primary?.provider, problem: "must be the primary region's aws.Provider", fix: "pass new aws.Provider('primary', { region })",
    });
    const rtc = args.replicationTimeControl ?? true;
    const rtcMinutes = AWS_DEFAULTS.s3.replicationTimeControlMinutes;
    if (replication) {
      ensure(args.replica?.provider instanceof pulumi.ProviderResource, this, {
        path: name, field: 'replica.provider', value: args.replica?.provider, problem: "must be the replica region's aws.Provider", fix: "pass new aws.Provider('replica', { region })",
      });
      ensure(args.replica.region !== args.primary.region, this, {
        path: name, field: 'replica.region', value: args.replica.region,
        problem: "is the primary's region: a copy there does not survive losing the region", fix: 'put the copies in another region, with that region\'s provider',
      });
      ensure(isDurationLike(replication.maxLag) && (!rtc || replication.maxLag.toMilliseconds() >= rtcMinutes * 60_000), this, {
        path: name, field: 'storage.replication.maxLag', value: replication.maxLag,
        problem: `must be at least ${rtcMinutes} minutes: S3 Replication Time Control promises 99.99% of objects within ${rtcMinutes} minutes`,
        fix: `use Duration.minutes(${rtcMinutes})`,
      });
    }
    spec.buckets.forEach((bucket, i) => ensure(typeof bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)
      && (!replication || bucket.length + args.replica.region.length + 1 <= 63), this, {
      path: name, field: `storage.buckets[${i}]`, value: bucket,
      problem: `must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)${replication ? `, leaving room for "-${args.replica.region}"` : ''}`,
      fix: "use e.g. 'acme-uploads'",
    }));

    const primary = { parent: this, provider: args.primary.provider };
    const replica = replication ? { parent: this, provider: args.replica.provider } : undefined;
    const versioned = (id: string, bucket: aws.s3.Bucket, options: pulumi.CustomResourceOptions) => {
      new aws.s3.BucketPublicAccessBlock(`${id}-private`, {
        bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
      }, options);
      return new aws.s3.BucketVersioning(`${id}-versioning`, {
        bucket: bucket.id, versioningConfiguration: { status: versioning ? 'Enabled' : 'Suspended' },
      }, options);
    };
    const made = spec.buckets.map((bucket) => {
      const source = new aws.s3.Bucket(`${name}-${bucket}`, { bucket }, primary);
      const sourceVersioning = versioned(`${name}-${bucket}`, source, primary);
      if (!replica) return { bucket, source, sourceVersioning };
      const destination = new aws.s3.Bucket(`${name}-${bucket}-copy`, { bucket: `${bucket}-${args.replica.region}` }, replica);
      const destinationVersioning = versioned(`${name}-${bucket}-copy`, destination, replica);
      return { bucket, source, sourceVersioning, destination, destinationVersioning };
    });

    const replicated: Record<string, ReplicatedBucket> = {};
    if (replication) {
      this.role = new aws.iam.Role(`${name}-replication`, {
        description: `S3 replication of ${spec.name} to ${args.replica.region}`,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }, primary);
      const policy = new aws.iam.RolePolicy(`${name}-replication`, {
        role: this.role.id,
        policy: pulumi.all([made.map((m) => m.source.arn), made.map((m) => m.destination!.arn)])
          .apply(([sources, destinations]) => replicationPolicy(sources, destinations)),
      }, primary);
      const deleteMarkers = replication.deleteMarkers ?? true;
      for (const m of made) {
        const rule = new aws.s3.BucketReplicationConfig(`${name}-${m.bucket}-replication`, {
          bucket: m.source.id,
          role: this.role.arn,
          rules: [{
            id: `to-${args.replica.region}`,
            status: 'Enabled',
            filter: {},
            deleteMarkerReplication: { status: deleteMarkers ? 'Enabled' : 'Disabled' },
            destination: {
              bucket: m.destination!.arn,
              storageClass: 'STANDARD',
              ...(rtc ? {
                replicationTime: { status: 'Enabled', time: { minutes: rtcMinutes } },
                metrics: { status: 'Enabled', eventThreshold: { minutes: rtcMinutes } },
              } : {}),
            },
          }],
        }, { ...primary, dependsOn: [m.sourceVersioning, m.destinationVersioning!, policy] });
        replicated[m.bucket] = { source: m.source, destination: m.destination, replication: rule };
      }
    } else {
      for (const m of made) replicated[m.bucket] = { source: m.source };
    }
    this.buckets = replicated;
    this.siteLossData = s3ReplicationLoss(spec.name, replication && {
      timeControl: rtc, maxLagSeconds: replication.maxLag.toMilliseconds() / 1000,
    });

    this.registerOutputs({
      sourceBuckets: made.map((m) => m.source.bucket),
      destinationBuckets: made.filter((m) => m.destination).map((m) => m.destination!.bucket),
      roleArn: this.role?.arn,
    });
  }
}

/** Least privilege: read the sources' versions, write replicas to the destinations, nothing else. */
function replicationPolicy(sources: readonly string[], destinations: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: [...sources] },
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: sources.map((arn) => `${arn}/*`),
      },
      { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: destinations.map((arn) => `${arn}/*`) },
    ],
  });
}
