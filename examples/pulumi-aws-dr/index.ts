/**
 * `pulumi up` in this folder builds the cloud side of the firebackup topology in two regions:
 * a load balancer per region, Route 53 failover between them, PostgreSQL on RDS with a
 * cross-region replica, ElastiCache in each region and replicated S3 buckets. The topology is the
 * same TopologySpec the cdk8s side reads; the budget check refuses the design if it cannot meet
 * the targets. The hosted zone and each region's network IDs come from stack configuration:
 * `zoneId`, and per region (`ireland.`, `frankfurt.`) `vpcId`, `publicSubnetA`, `publicSubnetB`,
 * `loadBalancerSecurityGroup`, `certificateArn`, `dbSubnetGroup`, `dbSecurityGroup`,
 * `cacheSubnetGroup`, `cacheSecurityGroup`.
 *
 *   pulumi config set --secret redisAuthToken "$(openssl rand -hex 32)"
 *   pulumi up
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { Duration, Size } from 'cdk8s';
import { SiteRole, TopologySpec, TrafficPolicy } from 'hadr-constructs/core';
import { AwsActivePassive, AwsSite } from 'hadr-constructs/pulumi';

const config = new pulumi.Config();

export const topology: TopologySpec = {
  name: 'firebackup',
  services: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' }],
  sites: [
    { name: 'ireland', role: SiteRole.ACTIVE, clusters: [{ name: 'ireland-a' }] },
    { name: 'frankfurt', role: SiteRole.STANDBY, clusters: [{ name: 'frankfurt-a' }] },
  ],
  traffic: TrafficPolicy.route53({ service: 'api', host: 'backup.acme.example', sites: {}, healthCheckInterval: Duration.seconds(10) }),
  targets: { rto: Duration.minutes(15), rpo: Duration.minutes(15) },
};

/** One region's provider and the network IDs the stack configuration gives for it. */
function site(name: string, region: string): AwsSite {
  const provider = new aws.Provider(name, { region });
  const key = new aws.kms.Key(`${name}-db`, { description: `firebackup database storage in ${region}`, enableKeyRotation: true }, { provider });
  // Required: a placeholder ID would only fail later, inside AWS, half-way through `pulumi up`.
  const ids = (field: string) => config.require(`${name}.${field}`);
  return {
    region,
    provider,
    vpcId: ids('vpcId'),
    publicSubnetIds: [ids('publicSubnetA'), ids('publicSubnetB')],
    loadBalancerSecurityGroupIds: [ids('loadBalancerSecurityGroup')],
    certificateArn: ids('certificateArn'),
    database: { subnetGroupName: ids('dbSubnetGroup'), securityGroupIds: [ids('dbSecurityGroup')], kmsKeyArn: key.arn },
    cache: { subnetGroupName: ids('cacheSubnetGroup'), securityGroupIds: [ids('cacheSecurityGroup')] },
  };
}

const dr = new AwsActivePassive('firebackup', {
  topology,
  sites: { ireland: site('ireland', 'eu-west-1'), frankfurt: site('frankfurt', 'eu-central-1') },
  zoneId: config.require('zoneId'),
  postgres: { name: 'firebackup', storage: Size.gibibytes(100) },
  redis: { name: 'firebackup-cache', authToken: config.requireSecret('redisAuthToken') },
  objectStorage: { name: 'backups', buckets: ['acme-firebackup-files'], replication: { maxLag: Duration.minutes(15) } },
});

export const host = topology.traffic!.loadBalancing.host;
export const loadBalancers = Object.fromEntries(Object.entries(dr.loadBalancers).map(([name, lb]) => [name, lb.dnsName]));
export const databaseEndpoint = dr.postgres!.primaryEndpoint;
export const worstRtoSeconds = dr.budget.worstRtoSeconds;
export const promotion = dr.promotionSteps.map((step) => step.command);
