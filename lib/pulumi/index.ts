// hadr-constructs/pulumi: the cloud side of a topology as Pulumi components. Needs the optional
// peers @pulumi/pulumi, @pulumi/aws and @pulumi/kubernetes; the root entry never loads this one.
export { ChartDeployment, type ChartDeploymentArgs, type TopologyFolders } from './chart-deployment';
export { RdsPostgres, type RdsPostgresArgs, type RdsNetwork, type RdsRegion } from './rds-postgres';
export { ReplicatedBuckets, type ReplicatedBucketsArgs, type BucketRegion, type ReplicatedBucket } from './replicated-buckets';
export { DnsFailover, type DnsFailoverArgs, type FailoverEndpoint } from './dns-failover';
export { ElastiCacheRedis, type ElastiCacheRedisArgs } from './elasticache-redis';
export { ServiceLoadBalancer, type ServiceLoadBalancerArgs } from './service-load-balancer';
export { AwsActivePassive, type AwsActivePassiveArgs, type AwsFailoverOptions, type AwsSite } from './aws-active-passive';
