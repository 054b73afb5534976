import * as aws from '@pulumi/aws';
import { Duration } from 'cdk8s';
import { Recorder, one, providerName, valueOf } from './mocks';
import { ReplicatedBuckets, ReplicatedBucketsArgs } from 'hadr-constructs/pulumi';

const ireland = new aws.Provider('ireland', { region: 'eu-west-1' });
const frankfurt = new aws.Provider('frankfurt', { region: 'eu-central-1' });
const args: ReplicatedBucketsArgs = {
  storage: { name: 'objects', buckets: ['acme-uploads', 'acme-exports'], replication: { maxLag: Duration.minutes(15) } },
  primary: { region: 'eu-west-1', provider: ireland },
  replica: { region: 'eu-central-1', provider: frankfurt },
};

describe('ReplicatedBuckets', () => {
  const recorder = new Recorder();
  const storage = new ReplicatedBuckets('objects', args, { transformations: [recorder.transformation] });
  let resources: Awaited<ReturnType<Recorder['settle']>>;
  beforeAll(async () => { resources = await recorder.settle(); });

  it('creates each bucket in the primary region and its copy in the replica region, each versioned and private', () => {
    const buckets = resources.filter((r) => r.type === 'aws:s3/bucket:Bucket');
    expect(buckets.map((b) => [b.inputs.bucket, providerName(b)])).toEqual([
      ['acme-uploads', 'ireland'], ['acme-uploads-eu-central-1', 'frankfurt'], ['acme-exports', 'ireland'], ['acme-exports-eu-central-1', 'frankfurt'],
    ]);
    const versioning = resources.filter((r) => r.type === 'aws:s3/bucketVersioning:BucketVersioning');
    expect(versioning.map((v) => v.inputs.versioningConfiguration.status)).toEqual(['Enabled', 'Enabled', 'Enabled', 'Enabled']);
    expect(resources.filter((r) => r.type === 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').every((r) => r.inputs.blockPublicPolicy === true)).toBe(true);
  });

  it('replicates each bucket to its copy with Replication Time Control and delete markers, once both are versioned', async () => {
    const rule = one(resources, 'aws:s3/bucketReplicationConfig:BucketReplicationConfig', 'objects-acme-uploads-replication');
    expect(rule.inputs.rules).toEqual([{
      id: 'to-eu-central-1', status: 'Enabled', filter: {}, deleteMarkerReplication: { status: 'Enabled' },
      destination: {
        bucket: await valueOf(storage.buckets['acme-uploads'].destination!.arn), storageClass: 'STANDARD',
        replicationTime: { status: 'Enabled', time: { minutes: 15 } }, metrics: { status: 'Enabled', eventThreshold: { minutes: 15 } },
      },
    }]);
    expect(rule.inputs.role).toBe(await valueOf(storage.role!.arn));
    const versioningOf = (name: string) => one(resources, 'aws:s3/bucketVersioning:BucketVersioning', name).resource;
    expect(rule.dependsOn).toEqual(expect.arrayContaining([versioningOf('objects-acme-uploads-versioning'), versioningOf('objects-acme-uploads-copy-versioning')]));
    expect(providerName(rule)).toBe('ireland');
  });

  it('lets the replication role act on these buckets only', async () => {
    const role = one(resources, 'aws:iam/role:Role');
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
    const policy = JSON.parse(one(resources, 'aws:iam/rolePolicy:RolePolicy').inputs.policy);
    const arn = (type: string, name: string) => `arn:aws:mock:::${type}/${name}`;
    const sources = ['objects-acme-uploads', 'objects-acme-exports'].map((n) => arn('aws:s3/bucket:Bucket', n));
    const copies = ['objects-acme-uploads-copy', 'objects-acme-exports-copy'].map((n) => arn('aws:s3/bucket:Bucket', n));
    const resourcesOf = policy.Statement.flatMap((s: { Resource: string[] }) => s.Resource);
    expect(resourcesOf.sort()).toEqual([...sources, ...sources.map((s) => `${s}/*`), ...copies.map((c) => `${c}/*`)].sort());
    expect(policy.Statement.flatMap((s: { Action: string[] }) => s.Action)).not.toContain('s3:*');
  });

  it('parents every child on the component and reports the 15-minute bound to the budget', () => {
    expect(resources.every((r) => r.parent === storage)).toBe(true);
    expect(storage.siteLossData).toMatchObject({ replication: 'asynchronous', maxLagSeconds: 900 });
  });

  it('without Replication Time Control, counts the loss as unbounded', () => {
    const plain = new ReplicatedBuckets('plain', { ...args, replicationTimeControl: false });
    expect(plain.siteLossData.maxLagSeconds).toBeUndefined();
    expect(plain.siteLossData.replication).toBe('asynchronous');
  });
});

describe('ReplicatedBuckets refuses', () => {
  it('replication without versioning', () => {
    expect(() => new ReplicatedBuckets('unversioned', { ...args, storage: { ...args.storage, versioning: false } })).toThrow(
      'unversioned: storage.versioning must be on: S3 replicates only versioned buckets (got false); remove versioning: false, or drop replication');
  });

  it('copies in the primary region', () => {
    expect(() => new ReplicatedBuckets('same', { ...args, replica: { region: 'eu-west-1', provider: frankfurt } })).toThrow(
      'same: replica.region is the primary\'s region: a copy there does not survive losing the region (got "eu-west-1"); put the copies in another region, with that region\'s provider');
  });

  it('a lag bound shorter than Replication Time Control promises', () => {
    expect(() => new ReplicatedBuckets('fast', { ...args, storage: { ...args.storage, replication: { maxLag: Duration.minutes(1) } } })).toThrow(
      'fast: storage.replication.maxLag must be at least 15 minutes: S3 Replication Time Control promises 99.99% of objects within 15 minutes (got 1 minute); use Duration.minutes(15)');
  });
});
