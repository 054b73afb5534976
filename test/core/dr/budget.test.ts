import { checkBudget, computeBudget, renderBudgetMarkdown, RecoveryBudgetSpec } from '../../../lib/core/dr/budget';
import {
  activationItem, balancerBackupSwitch, dnsHealthCheckSwitch, manualSwitch, patroniFailoverItems, patroniPromotionItem,
  podFailureItems, redisSiteLoss, sentinelFailoverItems,
} from '../../../lib/core/dr/budget-items';
import { PatroniTiming } from '../../../lib/core/postgres/patroni-timing';
import { Durability, SentinelTiming } from '../../../lib/core/redis/redis-timing';
import { resolveServiceSpec } from '../../../lib/core/service/service-spec';
import { seconds } from '../../../lib/core/units';

const api = resolveServiceSpec('t', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, healthPath: '/health' });
const worker = resolveServiceSpec('t', { name: 'worker', image: 'ghcr.io/acme/worker:1.0.0', port: 9100, healthPath: '/ready' });
const proxy = { interMs: 1000, rise: 1, timeoutMs: 1000 };
const inSite = [
  // 30 + 10 + 2 + (1000 ms x 2 + 2000 ms) = 46 s, 0 lost
  patroniFailoverItems('postgres', PatroniTiming.default(), true),
  // 5 + 2.5 + (1000 ms x 1 + 1000 ms) = 9.5 s, 2 s of writes
  sentinelFailoverItems('redis', SentinelTiming.default(), Durability.minReplicas(1, seconds(2)), proxy, false),
  // readiness 5 s x 2 = 10 s
  podFailureItems(api, 3),
];
const route53 = dnsHealthCheckSwitch('Route 53 failover records', { intervalSeconds: 10, failureThreshold: 3, ttlSeconds: 60 });
const twoSites = (targets: RecoveryBudgetSpec['targets'], overrides: Partial<RecoveryBudgetSpec> = {}): RecoveryBudgetSpec => ({
  targets,
  inSite,
  siteLoss: {
    decisionSeconds: 300,
    // loop_wait 10 + 2 = 12 s
    promotions: [patroniPromotionItem('postgres', PatroniTiming.default())],
    // sync 60 s; worker from 0: pull 60 + readiness 5 x 2 = 70 s
    activation: [{ step: 'GitOps applies the flipped roles', seconds: 60, basis: 'declared' }, activationItem(worker)],
    traffic: route53,
  },
  siteLossData: [
    { name: 'postgres', replication: 'asynchronous', maxLagSeconds: 10, basis: 'declared lag bound' },
    { name: 'objects', replication: 'asynchronous', maxLagSeconds: 900, basis: 'S3 Replication Time Control' },
    redisSiteLoss('redis', true),
  ],
  ...overrides,
});
const scenario = (spec: RecoveryBudgetSpec, name: string) => computeBudget(spec).scenarios.find((s) => s.scenario === name)!;

describe('computeBudget', () => {
  it('design 1, one site on defaults: the worst in-site failover is the database (46 s), the worst loss is Redis (2 s)', () => {
    const budget = computeBudget({ targets: { rtoSeconds: 60, rpoSeconds: 5 }, inSite });
    expect(budget.scenarios.map((s) => [s.scenario, s.rtoSeconds, s.rpoSeconds])).toEqual([
      ['postgres primary lost', 46, 0],
      ['redis primary lost', 9.5, 2],
      ['api pod lost', 10, 0],
    ]);
    expect([budget.worstRtoSeconds, budget.worstRpoSeconds, budget.shortfalls]).toEqual([46, 2, []]);
  });

  it('design 2, a Redis holding queues with asynchronous replication cannot meet any RPO', () => {
    const spec: RecoveryBudgetSpec = {
      targets: { rpoSeconds: 60 },
      inSite: [sentinelFailoverItems('queue', SentinelTiming.default(), Durability.async(), proxy, false)],
    };
    const budget = computeBudget(spec);
    expect(budget.worstRpoSeconds).toBeNull();
    expect(budget.shortfalls).toEqual([
      'the queue primary lost can lose all of queue that was not yet copied (asynchronous: what the replicas had not received is lost), and the RPO is 60 s (1 min)',
    ]);
  });

  it('design 3, two sites behind Route 53: the site loss takes the serial path, 300 + 12 + 60 + 70 = 442 s, and loses up to 900 s of objects', () => {
    const spec = twoSites({ rtoSeconds: 900, rpoSeconds: 60 });
    const siteLoss = scenario(spec, 'site loss');
    expect(siteLoss.rto.map((i) => i.seconds)).toEqual([300, 12, 60, 70, 90]);
    expect([siteLoss.rtoSeconds, siteLoss.rpoSeconds]).toEqual([442, 900]);
    expect(siteLoss.rpo.map((i) => [i.step, i.seconds])).toEqual([['postgres', 10], ['objects', 900], ['redis', 0]]);
    const budget = computeBudget(spec);
    expect([budget.worstRtoSeconds, budget.worstRpoSeconds]).toEqual([442, 900]);
    expect(budget.shortfalls).toEqual(['the site loss can lose 900 s (15 min) of objects (S3 Replication Time Control), over the RPO of 60 s (1 min)']);
  });

  it('design 4, an RPO of 0 with asynchronous cross-site replication is refused', () => {
    const spec = twoSites({ rpoSeconds: 0 }, { siteLossData: [{ name: 'postgres', replication: 'asynchronous', maxLagSeconds: 10, basis: 'declared lag bound' }] });
    const measured = Durability.minReplicas(1, seconds(2)).measured;
    expect(computeBudget(spec).shortfalls).toEqual([
      `the redis primary lost can lose 2 s of redis (min-replicas-max-lag 2 s bounds what a replica may miss (drill: ${measured.ackedWritesLost} of ${measured.ackedWrites} lost)), over the RPO of 0 s`,
      'the site loss can lose 10 s of postgres (declared lag bound), over the RPO of 0 s',
    ]);
  });

  it('design 5, an RTO below the DNS floor names the traffic switch: 3 x 10 s + TTL 60 s = 90 s', () => {
    const spec = twoSites({ rtoSeconds: 60 }, { siteLoss: { ...twoSites({}).siteLoss!, decisionSeconds: 0, activation: [] } });
    // chain: 0 + 12 = 12 s; traffic 90 s runs in parallel and dominates
    expect(scenario(spec, 'site loss').rtoSeconds).toBe(90);
    expect(computeBudget(spec).shortfalls).toEqual([
      'the site loss takes up to 90 s (1 min 30 s), over the RTO of 60 s (1 min) (the traffic switch alone takes 90 s (1 min 30 s): '
      + 'health check every 10 s, 3 failure(s) to fail over, then clients hold the old answer for the TTL of 60 s)',
    ]);
  });

  it('design 6, a balancer with backups and the responsive profile: max(60 + 4 + 30, 8) = 94 s', () => {
    const spec: RecoveryBudgetSpec = {
      targets: { rtoSeconds: 120 },
      inSite: [patroniFailoverItems('postgres', PatroniTiming.responsive(), true)],
      siteLoss: {
        decisionSeconds: 60,
        promotions: [patroniPromotionItem('postgres', PatroniTiming.responsive())],
        activation: [{ step: 'GitOps applies the flipped roles', seconds: 30, basis: 'declared' }],
        // (2000 ms x 3 + 2000 ms) = 8 s, no client cache
        traffic: balancerBackupSwitch('HAProxy backup servers', { interMs: 2000, fall: 3, timeoutMs: 2000 }),
      },
      siteLossData: [{ name: 'postgres', replication: 'asynchronous', maxLagSeconds: 10, basis: 'declared' }],
    };
    const budget = computeBudget(spec);
    // in-site responsive: 20 + 2 + 2 + (500 ms x 1 + 1000 ms) = 25.5 s
    expect(budget.scenarios.map((s) => [s.scenario, s.rtoSeconds])).toEqual([['postgres primary lost', 25.5], ['site loss', 94]]);
    expect(budget.shortfalls).toEqual([]);
  });

  it('design 7, a traffic switch by hand comes after the activation: 300 + 12 + 60 + 70 + 120 + 300 = 862 s', () => {
    const spec = twoSites({ rtoSeconds: 600 }, { siteLoss: { ...twoSites({}).siteLoss!, traffic: manualSwitch('DNS change by hand', 120, 300) } });
    expect(scenario(spec, 'site loss').rtoSeconds).toBe(862);
    expect(computeBudget(spec).shortfalls).toEqual(['the site loss takes up to 862 s (14 min 22 s), over the RTO of 600 s (10 min)']);
  });

  it('design 8, no database standby on another site while an RPO is declared loses all of it', () => {
    const spec = twoSites({ rpoSeconds: 300 }, { siteLossData: [{ name: 'postgres', replication: 'none', basis: 'no standby on another site' }] });
    expect(scenario(spec, 'site loss').rpoSeconds).toBeNull();
    expect(computeBudget(spec).shortfalls).toEqual([
      'the site loss can lose all of postgres that was not yet copied (no standby on another site), and the RPO is 300 s (5 min)',
    ]);
  });

  it('design 9, a Redis that is only a cache costs nothing in the RPO, and one holding jobs loses everything on a site loss', () => {
    expect(redisSiteLoss('redis', true)).toMatchObject({ lossAccepted: 'a cache; the standby site rebuilds it' });
    const spec = twoSites({ rpoSeconds: 3600 }, { siteLossData: [redisSiteLoss('jobs', false)] });
    expect(computeBudget(spec).shortfalls).toEqual([
      'the site loss can lose all of jobs that was not yet copied (one Redis per site, not replicated across sites: what the lost site held is gone, queued jobs included), and the RPO is 3600 s (60 min)',
    ]);
  });
});

describe('checkBudget', () => {
  it('throws with the path, the targets, every shortfall and the breakdown', () => {
    const budget = computeBudget(twoSites({ rtoSeconds: 60 }, { siteLoss: { ...twoSites({}).siteLoss!, decisionSeconds: 0, activation: [] } }));
    expect(() => checkBudget('shop', budget)).toThrow(/^shop: targets cannot be met by this design: the site loss takes up to 90 s/);
    expect(() => checkBudget('shop', budget)).toThrow(/site loss: RTO 90 s \(1 min 30 s\) \(the longer of the traffic switch/);
    expect(() => checkBudget('shop', budget)).toThrow(/\(got \{"rtoSeconds":60\}\); shorten the steps that dominate/);
  });

  it('passes a design that meets its targets', () => {
    expect(() => checkBudget('shop', computeBudget(twoSites({ rtoSeconds: 900, rpoSeconds: 900 })))).not.toThrow();
  });
});

describe('renderBudgetMarkdown', () => {
  it('writes one table per scenario with each step, its worst case and its basis', () => {
    const text = renderBudgetMarkdown(computeBudget(twoSites({ rtoSeconds: 900, rpoSeconds: 900 })));
    expect(text).toContain('Worst case over every scenario: **RTO 442 s (7 min 22 s)**, **RPO 900 s (15 min)** (targets: RTO 900 s (15 min), RPO 900 s (15 min)).');
    expect(text).toContain('#### Site loss: RTO 442 s (7 min 22 s), RPO 900 s (15 min)');
    expect(text).toContain('| Promote postgres on the standby site | 12 s | one loop_wait (10 s) to read the new configuration + promotion allowance 2 s (measured 0.55-1.45 s) |');
    expect(text).toContain('| redis | 0 s | not counted: a cache; the standby site rebuilds it |');
  });
});
