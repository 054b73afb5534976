import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { Duration, Size } from 'cdk8s';
import { Recorder, one, providerName, recordOutputs, valueOf } from './mocks';
import { RdsPostgres, RdsPostgresArgs } from 'hadr-constructs/pulumi';

const ireland = new aws.Provider('ireland', { region: 'eu-west-1' });
const frankfurt = new aws.Provider('frankfurt', { region: 'eu-central-1' });
const args: RdsPostgresArgs = {
  postgres: { name: 'orders', storage: Size.gibibytes(100), parameters: { max_connections: 400 } },
  primary: { region: 'eu-west-1', provider: ireland, network: { subnetGroupName: 'db-ireland', securityGroupIds: ['sg-1'] } },
  replica: { region: 'eu-central-1', provider: frankfurt, network: { subnetGroupName: 'db-frankfurt', securityGroupIds: ['sg-2'] }, kmsKeyArn: 'arn:aws:kms:eu-central-1:1:key/k' },
};

describe('RdsPostgres', () => {
  const outputs = recordOutputs();
  const recorder = new Recorder();
  const db = new RdsPostgres('orders', args, { transformations: [recorder.transformation] });
  let resources: Awaited<ReturnType<Recorder['settle']>>;
  beforeAll(async () => { resources = await recorder.settle(); });

  it('makes the primary Multi-AZ, encrypted, deletion-protected, backed up and watched by Performance Insights, through the first region', () => {
    const primary = one(resources, 'aws:rds/instance:Instance', 'orders-primary');
    expect(primary.inputs).toMatchObject({
      identifier: 'orders-primary', engine: 'postgres', engineVersion: '18', allocatedStorage: 100,
      multiAz: true, storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 7, backupWindow: '03:00-04:00',
      performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7, manageMasterUserPassword: true, publiclyAccessible: false,
      skipFinalSnapshot: false, dbSubnetGroupName: 'db-ireland',
    });
    expect(primary.inputs.password).toBeUndefined();
    expect(providerName(primary)).toBe('ireland');
  });

  it("replicates into the second region through its provider, from the primary's ARN, encrypted with that region's key", async () => {
    const replica = one(resources, 'aws:rds/instance:Instance', 'orders-replica');
    expect(replica.inputs.replicateSourceDb).toBe(await valueOf(db.primary.arn));
    expect(replica.inputs).toMatchObject({ multiAz: true, storageEncrypted: true, kmsKeyId: 'arn:aws:kms:eu-central-1:1:key/k', deletionProtection: true, backupRetentionPeriod: 7 });
    expect(providerName(replica)).toBe('frankfurt');
  });

  it('applies the parameters in each region through a parameter group of that region', () => {
    const groups = resources.filter((r) => r.type === 'aws:rds/parameterGroup:ParameterGroup');
    expect(groups.map((g) => [g.name, providerName(g), g.inputs.family])).toEqual([['orders-primary', 'ireland', 'postgres18'], ['orders-replica', 'frankfurt', 'postgres18']]);
    expect(groups[0].inputs.parameters).toEqual([{ name: 'max_connections', value: '400' }]);
  });

  it('parents every child on the component', () => {
    expect(resources.length).toBe(4);
    expect(resources.every((r) => r.parent === db)).toBe(true);
  });

  it('registers the endpoints and ARNs as outputs', async () => {
    const registered = outputs.get(db)!;
    expect(Object.keys(registered).sort()).toEqual(['masterUserSecretArn', 'primaryArn', 'primaryEndpoint', 'replicaArn', 'replicaEndpoint']);
    expect(await valueOf(registered.replicaEndpoint as pulumi.Output<string>)).toBe('orders-replica.rds.example:5432');
  });

  it('gives the promotion as runbook steps with the real identifier and region', () => {
    expect(db.promotionSteps.map((s) => s.title)).toEqual(['Check how far the replica is behind', 'Promote the read replica', 'Wait until the promoted instance is available']);
    expect(db.promotionSteps[1].command).toBe('aws rds promote-read-replica --region eu-central-1 --db-instance-identifier orders-replica --backup-retention-period 7 --preferred-backup-window 03:00-04:00');
    expect(db.promotionSteps[1].expectedDuration?.toMilliseconds()).toBe(300_000);
  });

  it('reports its budget figures: 120 s Multi-AZ failover losing nothing, a 300 s promotion, the declared lag', () => {
    expect(db.failover.rto[0].seconds).toBe(120);
    expect(db.failover.rpo[0].seconds).toBe(0);
    expect(db.promotion.seconds).toBe(300);
    expect(db.siteLossData).toMatchObject({ replication: 'asynchronous', maxLagSeconds: 10 });
  });
});

describe('RdsPostgres refuses', () => {
  it('a replica in the primary\'s region', () => {
    expect(() => new RdsPostgres('same', { ...args, replica: { ...args.replica, region: 'eu-west-1' } })).toThrow(
      'same: replica.region is the primary\'s region: a replica there does not survive losing the region (got "eu-west-1"); put the replica in another region, with that region\'s provider');
  });

  it('backups turned off, which a replica needs on its source', () => {
    expect(() => new RdsPostgres('nobackup', { ...args, backupRetentionDays: 0 })).toThrow(
      'nobackup: backupRetentionDays must be 1 to 35 days: a read replica needs backups on its source (got 0); use 7');
  });

  it('a replica without a key of its region', () => {
    expect(() => new RdsPostgres('nokey', { ...args, replica: { ...args.replica, kmsKeyArn: undefined as unknown as string } })).toThrow(
      /^nokey: replica.kmsKeyArn is required: a cross-region replica of an encrypted primary is encrypted with a key of eu-central-1/);
  });

  it('a lag bound that is not a Duration', () => {
    expect(() => new RdsPostgres('lag', { ...args, maxReplicationLag: 10 as unknown as Duration })).toThrow('lag: maxReplicationLag must be a Duration (got 10); use e.g. Duration.seconds(10)');
  });
});
