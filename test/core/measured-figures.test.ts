/**
 * The figures the library states (timing profiles, fence bounds, durability guarantees) are the
 * figures of the last drill run, committed in bench/drills.json: re-run `npm run drill` and this
 * test says which constant to update. It also holds the guarantees the rows must show.
 */
import { Durability, PatroniTiming, SentinelTiming } from '../../lib';
import { DrillRow, readDrills } from '../e2e/support/drill-results';

const rows: readonly DrillRow[] = readDrills().rows;

function row(drill: string, profile: string, scenario: string, durability?: string, waitReplicas?: number): DrillRow {
  const found = rows.filter((r) => r.drill === drill && r.profile === profile && r.scenario === scenario
    && (durability === undefined || r.durability === durability) && (waitReplicas === undefined || r.waitReplicas === waitReplicas));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('measured figures', () => {
  it('come from three or more trials per row, each saying where it ran, on which versions, and which trials ran again', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows) {
      expect(r.trials).toBeGreaterThanOrEqual(3);
      expect(r.topology.length).toBeGreaterThan(20);
      expect(Object.keys(r.versions).length).toBeGreaterThanOrEqual(2);
      expect(Array.isArray(r.reruns)).toBe(true);
    }
  });

  it('show synchronous Patroni losing no acknowledged write, in every scenario of one site, partitions included', () => {
    const patroni = rows.filter((r) => r.system === 'patroni' && r.drill !== 'patroni-site-loss' && r.drill !== 'pitr-restore');
    expect(patroni.length).toBeGreaterThanOrEqual(9);
    for (const r of patroni) expect([r.scenario, r.synchronous, r.ackedWritesLost]).toEqual([r.scenario, true, 0]);
  });

  it('show a point-in-time restore holding every row before the target and none after', () => {
    const pitr = row('pitr-restore', 'archive', 'pitr-restore');
    expect(pitr.trials).toBeGreaterThanOrEqual(3);
    expect([pitr.rowsMissing, pitr.rowsExtra, pitr.ackedWritesLost]).toEqual([0, 0, 0]);
    expect(pitr.restoreSeconds).toBeGreaterThan(0);
  });

  it('show a site loss recovered within its budget, and the switch back losing nothing', () => {
    const siteLoss = row('patroni-site-loss', 'responsive', 'site-loss');
    expect(siteLoss.trials).toBeGreaterThanOrEqual(3);
    expect(siteLoss.rtoMaxSeconds!).toBeLessThanOrEqual(siteLoss.budgetRtoSeconds!);
    const lostWindows = siteLoss.details!.lostWindowSecondsPerTrial as number[];
    expect(Math.max(...lostWindows)).toBeLessThanOrEqual(siteLoss.budgetRpoSeconds!);
    expect(row('patroni-site-loss', 'responsive', 'failback').ackedWritesLost).toBe(0);
  });

  it.each(['default', 'responsive', 'fast'] as const)('of the %s Patroni profile match the drill', (name) => {
    const measured = PatroniTiming[name]().measured!;
    const kill = row('patroni-failover', name, 'kill-primary');
    const switchover = row('patroni-failover', name, 'switchover');
    const viaPgbouncer = kill.details!.viaPgbouncer as { rtoMedianSeconds: number; rtoMaxSeconds: number };
    expect(measured).toMatchObject({
      trials: kill.trials,
      rtoMedianSeconds: kill.rtoMedianSeconds,
      rtoMaxSeconds: kill.rtoMaxSeconds,
      viaPgbouncerRtoMedianSeconds: viaPgbouncer.rtoMedianSeconds,
      viaPgbouncerRtoMaxSeconds: viaPgbouncer.rtoMaxSeconds,
      switchoverGapMedianSeconds: switchover.rtoMedianSeconds,
      switchoverGapMaxSeconds: switchover.rtoMaxSeconds,
      ackedWritesLost: Math.max(kill.ackedWritesLost, switchover.ackedWritesLost),
    });
  });

  it('put the fast Patroni profile at about its 10 s ttl, below the responsive and default ones', () => {
    const median = (name: string) => row('patroni-failover', name, 'kill-primary').rtoMedianSeconds!;
    // Kills land right after the leader renewed its key and a third and two thirds of loop_wait
    // later, so the median is about ttl - loop_wait / 3, plus the promotion and HAProxy's check.
    expect(median('fast')).toBeLessThanOrEqual(PatroniTiming.fast().ttlSeconds + 1);
    expect(median('fast')).toBeLessThan(median('responsive'));
    expect(median('responsive')).toBeLessThan(median('default'));
  });

  it.each(['default', 'responsive'] as const)('show a %s Patroni leader cut off by a partition demoted within its ttl, acknowledging nothing after it', (name) => {
    const partition = row('patroni-partition', name, 'partition');
    expect(partition.demoteBoundSeconds).toBe(PatroniTiming[name]().ttlSeconds);
    expect(partition.demoteSeconds).toBeLessThanOrEqual(partition.demoteBoundSeconds!);
    expect(partition.writesToDeposedPrimary).toBe(0);
  });

  it.each(['default', 'fast'] as const)('of the %s Sentinel profile match the drill', (name) => {
    const kill = row('redis-failover', name, 'kill-primary');
    expect(SentinelTiming[name]().measured).toMatchObject({
      trials: kill.trials, rtoMedianSeconds: kill.rtoMedianSeconds, rtoMaxSeconds: kill.rtoMaxSeconds, ackedWritesLost: kill.ackedWritesLost,
    });
  });

  it.each([
    ['async', Durability.async()],
    ['min-replicas', Durability.minReplicas(1, { toMilliseconds: () => 2000, toHumanString: () => '2 seconds' })],
    ['wait', Durability.waitForReplicas(1)],
  ] as const)('of %s durability match the lagging-replicas drill, worst trial', (kind, durability) => {
    const lagging = row('redis-failover', 'default', 'kill-primary-lagging-replicas', kind);
    const trials = lagging.details!.perTrial as Array<{ ackedWrites: number; ackedWritesLost: number }>;
    const worst = trials.find((t) => t.ackedWritesLost === lagging.ackedWritesLost)!;
    expect(durability.measured).toMatchObject({ trials: lagging.trials, ackedWritesLost: lagging.ackedWritesLost, ackedWrites: worst.ackedWrites });
    expect(durability.guarantee).toContain(`${lagging.ackedWritesLost} of ${worst.ackedWrites}`);
  });

  it('rank the durability settings as the drill did: WAIT loses nothing, min-replicas less than async', () => {
    const lost = (kind: string) => row('redis-failover', 'default', 'kill-primary-lagging-replicas', kind).ackedWritesLost;
    expect(lost('wait')).toBe(0);
    expect(lost('min-replicas')).toBeLessThan(lost('async'));
    expect(lost('async')).toBeGreaterThan(1000);
  });

  it('show every fenced Redis partition within the fence bound, with no write acknowledged by the cut-off primary after it', () => {
    const partitions = rows.filter((r) => r.drill === 'redis-partition' && r.scenario === 'partition');
    expect(partitions.map((r) => `${r.durability} ${r.waitReplicas ?? ''}`.trim()).sort()).toEqual(['async', 'min-replicas', 'wait 1', 'wait 2']);
    for (const r of partitions) {
      expect(r.fenceBoundSeconds).toBe(SentinelTiming.default().fenceBoundSeconds);
      // Sampled every 50 ms from outside the partition.
      expect(r.fenceSeconds).toBeLessThanOrEqual(r.fenceBoundSeconds! + 0.05);
      expect(r.writesToDeposedPrimary).toBe(0);
    }
    const fence = SentinelTiming.default().measuredFence!;
    expect(fence).toMatchObject({
      trials: partitions.reduce((sum, r) => sum + r.trials, 0),
      fenceMaxSeconds: Math.max(...partitions.map((r) => r.fenceSeconds!)),
      writesToDeposedPrimary: 0,
    });
  });

  it('show WAIT on every replica losing no confirmed write in a partition, and the unfenced route writing to the deposed primary', () => {
    expect(row('redis-partition', 'default', 'partition', 'wait', 2).ackedWritesLost).toBe(0);
    const unfenced = row('redis-partition', 'default', 'partition-unfenced', 'min-replicas');
    expect(unfenced.writesToDeposedPrimary).toBeGreaterThan(0);
    expect(unfenced.ackedWritesLost).toBeGreaterThan(row('redis-partition', 'default', 'partition', 'min-replicas').ackedWritesLost);
  });

  it('show the planned path losing no acknowledged write, and SENTINEL FAILOVER measured beside it', () => {
    for (const kind of ['min-replicas', 'wait']) {
      expect(row('redis-planned', 'default', 'planned-restart', kind).ackedWritesLost).toBe(0);
      expect(row('redis-planned', 'default', 'sentinel-failover', kind).trials).toBeGreaterThanOrEqual(3);
    }
  });
});
