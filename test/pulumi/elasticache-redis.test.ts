import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { Recorder, one, providerName, valueOf } from './mocks';
import { ElastiCacheRedis, ElastiCacheRedisArgs } from 'hadr-constructs/pulumi';

const ireland = new aws.Provider('ireland', { region: 'eu-west-1' });
const args: ElastiCacheRedisArgs = {
  redis: { name: 'sessions' }, subnetGroupName: 'cache', securityGroupIds: ['sg-1'], authToken: pulumi.secret('s3cr3t-t0ken-of-16+'), provider: ireland,
};

describe('ElastiCacheRedis', () => {
  const recorder = new Recorder();
  const redis = new ElastiCacheRedis('sessions', args, { transformations: [recorder.transformation] });
  let resources: Awaited<ReturnType<Recorder['settle']>>;
  beforeAll(async () => { resources = await recorder.settle(); });

  it('runs a primary and two replicas with Multi-AZ automatic failover, encrypted at rest and in transit', () => {
    const group = one(resources, 'aws:elasticache/replicationGroup:ReplicationGroup');
    expect(group.inputs).toMatchObject({
      replicationGroupId: 'sessions', numCacheClusters: 3, automaticFailoverEnabled: true, multiAzEnabled: true,
      atRestEncryptionEnabled: true, transitEncryptionEnabled: true, snapshotRetentionLimit: 7,
    });
    expect(providerName(group)).toBe('ireland');
    expect(group.parent).toBe(redis);
  });

  it('keeps the AUTH token secret', async () => {
    expect(await (redis.replicationGroup.authToken as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });

  it('reports its endpoints and budget figures', async () => {
    expect(await valueOf(redis.primaryEndpoint)).toBe('master.sessions.cache.example');
    expect(redis.failover.rto[0].seconds).toBe(60);
    expect(redis.siteLossData.lossAccepted).toBeDefined();
  });
});

describe('ElastiCacheRedis refuses', () => {
  it('a plain string where the AUTH token secret is required, without echoing it', () => {
    const attempt = () => new ElastiCacheRedis('plain', { ...args, authToken: 'hunter2-hunter2-hunter2' as unknown as pulumi.Output<string> });
    expect(attempt).toThrow(
      'plain: authToken must be a secret Output: a plain string is written to the state in clear text (got "<a plain string>"); pass a secret, e.g. config.requireSecret(\'redisAuthToken\')');
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('no replica to fail over to', () => {
    expect(() => new ElastiCacheRedis('lonely', { ...args, redis: { name: 'lonely', replicas: 0 } })).toThrow(
      'lonely: redis.replicas must be 1 to 5: automatic failover needs a replica to promote (got 0); use 2');
  });
});
