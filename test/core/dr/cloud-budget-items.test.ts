import { computeBudget } from '../../../lib/core/dr/budget';
import {
  dnsHealthCheckSwitch, elastiCacheFailoverItems, fenceItem, rdsMultiAzFailoverItems, rdsPromotionItem, rdsReplicaLoss, s3ReplicationLoss,
} from '../../../lib/core/dr/budget-items';

describe('budget items of the managed services', () => {
  it('count RDS Multi-AZ at 120 s with no loss, and a replica promotion at 300 s', () => {
    expect(rdsMultiAzFailoverItems('orders')).toMatchObject({ scenario: 'orders primary lost', rto: [{ seconds: 120 }], rpo: [{ seconds: 0 }] });
    expect(rdsPromotionItem('orders').seconds).toBe(300);
  });

  it('count an ElastiCache failover at 60 s, its loss unbounded unless it is a cache', () => {
    expect(elastiCacheFailoverItems('cache', false).rpo[0].seconds).toBeNull();
    expect(elastiCacheFailoverItems('cache', true).rpo[0].seconds).toBe(0);
  });

  it('bound S3 replication to 15 minutes only with Replication Time Control', () => {
    expect(s3ReplicationLoss('files', { timeControl: true, maxLagSeconds: 900 })).toMatchObject({ replication: 'asynchronous', maxLagSeconds: 900 });
    expect(s3ReplicationLoss('files', { timeControl: false, maxLagSeconds: 900 }).maxLagSeconds).toBeUndefined();
    expect(s3ReplicationLoss('files', undefined).replication).toBe('none');
  });

  it('make a region loss with RDS cost decision + fence + promotion + activation, and S3 without RTC an unbounded RPO', () => {
    const budget = computeBudget({
      targets: { rpoSeconds: 900 },
      inSite: [rdsMultiAzFailoverItems('orders')],
      siteLoss: {
        decisionSeconds: 300,
        promotions: [fenceItem(60), rdsPromotionItem('orders')],
        activation: [{ step: 'GitOps applies the flipped roles', seconds: 60, basis: 'declared' }],
        traffic: dnsHealthCheckSwitch('Route 53 failover records', { intervalSeconds: 30, failureThreshold: 3, ttlSeconds: 60 }),
      },
      siteLossData: [rdsReplicaLoss('orders', 10), s3ReplicationLoss('files', { timeControl: false, maxLagSeconds: 900 })],
    });
    const siteLoss = budget.scenarios.find((s) => s.scenario === 'site loss')!;
    expect(siteLoss.rtoSeconds).toBe(720);
    expect(siteLoss.rpoSeconds).toBeNull();
    expect(budget.shortfalls).toEqual([
      'the site loss can lose all of files that was not yet copied (S3 replication without Replication Time Control gives no time bound), and the RPO is 900 s (15 min)',
    ]);
  });
});
