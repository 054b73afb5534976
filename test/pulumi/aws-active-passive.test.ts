import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { Duration, Size } from 'cdk8s';
import { Recorder, Registered, one, providerName, valueOf } from './mocks';
import { SiteRole, TopologySpec, TrafficPolicy } from 'hadr-constructs/core';
import { AwsActivePassive, AwsActivePassiveArgs, AwsSite } from 'hadr-constructs/pulumi';

const topology: TopologySpec = {
  name: 'shop',
  services: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' }],
  sites: [
    { name: 'dc1', role: SiteRole.ACTIVE, clusters: [{ name: 'dc1-a' }] },
    { name: 'dc2', role: SiteRole.STANDBY, clusters: [{ name: 'dc2-a' }] },
  ],
  traffic: TrafficPolicy.failover({ service: 'api', host: 'shop.acme.example', stickySessions: { cookieName: 'SHOP_SITE' } }),
  targets: { rto: Duration.minutes(15), rpo: Duration.minutes(15) },
};

function site(name: string, region: string): AwsSite {
  return {
    region, provider: new aws.Provider(name, { region }), vpcId: `vpc-${name}`, publicSubnetIds: ['a', 'b'], loadBalancerSecurityGroupIds: ['sg'],
    certificateArn: `arn:aws:acm:${region}:1:certificate/${name}`,
    database: { subnetGroupName: `db-${name}`, securityGroupIds: ['sg-db'], kmsKeyArn: `arn:aws:kms:${region}:1:key/${name}` },
    cache: { subnetGroupName: `cache-${name}`, securityGroupIds: ['sg-cache'] },
  };
}
const sites = { dc1: site('dc1', 'eu-west-1'), dc2: site('dc2', 'eu-central-1') };
const args: AwsActivePassiveArgs = {
  topology, sites, zoneId: 'Z1',
  postgres: { name: 'shop', storage: Size.gibibytes(100) },
  redis: { name: 'shop-cache', authToken: pulumi.secret('a-token-of-sixteen+') },
  objectStorage: { name: 'files', buckets: ['acme-shop-files'], replication: { maxLag: Duration.minutes(15) } },
};

describe('AwsActivePassive', () => {
  const recorder = new Recorder();
  const dr = new AwsActivePassive('shop', args, { transformations: [recorder.transformation] });
  let resources: Registered[];
  beforeAll(async () => { resources = await recorder.settle(); });

  it('builds the two regions from the topology: components, then their resources', () => {
    const components = resources.filter((r) => r.parent === dr).map((r) => `${r.type} ${r.name}`);
    expect(components).toEqual([
      'hadr:aws:ServiceLoadBalancer shop-dc1', 'hadr:aws:ServiceLoadBalancer shop-dc2', 'hadr:aws:DnsFailover shop', 'hadr:aws:RdsPostgres shop-db',
      'hadr:aws:ElastiCacheRedis shop-dc1-cache', 'hadr:aws:ElastiCacheRedis shop-dc2-cache', 'hadr:aws:ReplicatedBuckets shop-objects',
    ]);
    expect(resources.filter((r) => r.parent !== dr).every((r) => r.parent !== undefined && r.parent.constructor.name !== 'AwsActivePassive')).toBe(true);
  });

  it('points the PRIMARY record at the active site\'s load balancer and the SECONDARY at the standby\'s', () => {
    expect(one(resources, 'aws:route53/record:Record', 'shop-primary').inputs.records).toEqual(['shop-dc1.elb.example']);
    expect(one(resources, 'aws:route53/record:Record', 'shop-secondary').inputs.records).toEqual(['shop-dc2.elb.example']);
    expect(one(resources, 'aws:route53/healthCheck:HealthCheck').inputs).toMatchObject({ fqdn: 'shop-dc1.elb.example', resourcePath: '/health' });
  });

  it('puts the primary database in the active region and its replica in the standby region', async () => {
    const primary = one(resources, 'aws:rds/instance:Instance', 'shop-db-primary');
    const replica = one(resources, 'aws:rds/instance:Instance', 'shop-db-replica');
    expect([providerName(primary), providerName(replica)]).toEqual(['dc1', 'dc2']);
    expect(replica.inputs.replicateSourceDb).toBe(await valueOf(dr.postgres!.primary.arn));
  });

  it('keeps clients on one target where the topology asks for sticky sessions', () => {
    const groups = resources.filter((r) => r.type === 'aws:lb/targetGroup:TargetGroup');
    expect(groups.map((g) => [providerName(g), g.inputs.stickiness.enabled, g.inputs.healthCheck.path])).toEqual([['dc1', true, '/health'], ['dc2', true, '/health']]);
  });

  it('computes the budget with the same functions as ActivePassiveDr: decision, fence, promotion and activation dominate', () => {
    const siteLoss = dr.budget.scenarios.find((s) => s.scenario === 'site loss')!;
    expect(siteLoss.rto.map((i) => [i.step, i.seconds])).toEqual([
      ['Decide the site is lost', 300], ['Fence the lost site and check the standby', 60], ['Promote the shop read replica', 300],
      ['GitOps applies the flipped roles', 60], ['Traffic moves by itself: Route 53 failover records', 150],
    ]);
    expect(siteLoss.rtoSeconds).toBe(720);
    expect(siteLoss.rpoSeconds).toBe(900);
    expect(dr.budget.scenarios.find((s) => s.scenario === 'shop primary lost')!.rtoSeconds).toBe(dr.postgres!.failover.rto[0].seconds);
  });
});

describe('AwsActivePassive refuses', () => {
  it('a budget the design cannot meet, before registering anything', () => {
    const recorder = new Recorder();
    expect(() => new AwsActivePassive('tight', { ...args, topology: { ...topology, targets: { rto: Duration.minutes(5) } } }, { transformations: [recorder.transformation] }))
      .toThrow(/^tight: targets cannot be met by this design: the site loss takes up to 720 s \(12 min\), over the RTO of 300 s \(5 min\)/);
    return expect(recorder.settle()).resolves.toEqual([]);
  });

  it('both sites in one region', () => {
    expect(() => new AwsActivePassive('one', { ...args, sites: { dc1: sites.dc1, dc2: { ...sites.dc2, region: 'eu-west-1' } } })).toThrow(
      "one: sites.dc2.region is the region of dc1: the standby site does not survive losing the active one's region (got \"eu-west-1\"); put the standby site in another region, with that region's provider");
  });

  it('a standby region without a key for the replica, before registering anything', () => {
    const recorder = new Recorder();
    const dc2 = { ...sites.dc2, database: { ...sites.dc2.database!, kmsKeyArn: undefined } };
    expect(() => new AwsActivePassive('nokey', { ...args, sites: { dc1: sites.dc1, dc2 } }, { transformations: [recorder.transformation] })).toThrow(
      'nokey: sites.dc2.database.kmsKeyArn is required: the replica of an encrypted primary is encrypted with a key of eu-central-1 (got nothing); pass the ARN of a KMS key in eu-central-1');
    return expect(recorder.settle()).resolves.toEqual([]);
  });

  it('a site without its region', () => {
    expect(() => new AwsActivePassive('nosite', { ...args, sites: { dc1: sites.dc1 } })).toThrow(
      'nosite: sites.dc2 is missing: every site of the topology needs its region (got nothing); give sites: { dc2: { region, provider, ... } }');
  });

  it('a Route 53 interval the service does not offer, in the topology\'s own field', () => {
    const traffic = TrafficPolicy.route53({ service: 'api', host: 'shop.acme.example', sites: {}, healthCheckInterval: Duration.seconds(20) });
    expect(() => new AwsActivePassive('interval', { ...args, topology: { ...topology, traffic } })).toThrow(
      /^interval: topology.traffic.healthCheckInterval must be 10 or 30 seconds, the intervals Route 53 offers \(got 20 seconds\)/);
  });
});

describe('examples/pulumi-aws-dr', () => {
  it('runs under mocks and registers the two regions', async () => {
    pulumi.runtime.setConfig('hadr:redisAuthToken', 'example-token-0123456789');
    pulumi.runtime.setConfig('hadr:zoneId', 'Z0123456789ABCDEFGHIJ');
    const fields = ['vpcId', 'publicSubnetA', 'publicSubnetB', 'loadBalancerSecurityGroup', 'certificateArn', 'dbSubnetGroup', 'dbSecurityGroup',
      'cacheSubnetGroup', 'cacheSecurityGroup'];
    for (const region of ['ireland', 'frankfurt']) for (const field of fields) pulumi.runtime.setConfig(`hadr:${region}.${field}`, `${region}-${field}`);
    const recorder = new Recorder();
    // As `pulumi up` runs it: the program inside a stack, every resource passing the recorder.
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(recorder.transformation);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { ...require('../../examples/pulumi-aws-dr') };
    });
    const types = (await recorder.settle({ withRoots: true })).map((r) => r.type);
    const example = outputs as Record<string, any>;
    expect(await valueOf(example.databaseEndpoint)).toBe('firebackup-primary.rds.example:5432');
    const count = (type: string) => types.filter((t) => t === type).length;
    expect({
      providers: count('pulumi:providers:aws'), keys: count('aws:kms/key:Key'), databases: count('aws:rds/instance:Instance'),
      caches: count('aws:elasticache/replicationGroup:ReplicationGroup'), loadBalancers: count('aws:lb/loadBalancer:LoadBalancer'),
      records: count('aws:route53/record:Record'), healthChecks: count('aws:route53/healthCheck:HealthCheck'),
      buckets: count('aws:s3/bucket:Bucket'), replication: count('aws:s3/bucketReplicationConfig:BucketReplicationConfig'),
    }).toEqual({ providers: 2, keys: 2, databases: 2, caches: 2, loadBalancers: 2, records: 2, healthChecks: 1, buckets: 2, replication: 1 });
    expect(example.worstRtoSeconds).toBe(720);
    expect(example.promotion[1]).toMatch(/^aws rds promote-read-replica --region eu-central-1 --db-instance-identifier firebackup-replica/);
  });
});
