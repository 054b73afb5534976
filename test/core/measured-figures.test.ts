/**
 * The figures the library states (timing profiles, durability guarantees) are the figures of
 * the last drill run, committed in bench/drills.json: re-run `npm run drill` and this test
 * says which constant to update.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Durability, PatroniTiming, SentinelTiming } from '../../lib';
import { DrillRow } from '../e2e/support/drill-results';

const rows: DrillRow[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'bench', 'drills.json'), 'utf8')).rows;

function row(system: DrillRow['system'], profile: string, scenario: string, durability?: string): DrillRow {
  const found = rows.filter((r) => r.system === system && r.profile === profile && r.scenario === scenario
    && (durability === undefined || r.durability === durability));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('measured figures', () => {
  it('come from three or more trials per row', () => {
    expect(rows.length).toBeGreaterThanOrEqual(11);
    for (const r of rows) expect(r.trials).toBeGreaterThanOrEqual(3);
  });

  it('show synchronous Patroni losing no acknowledged write, in every scenario', () => {
    const patroni = rows.filter((r) => r.system === 'patroni');
    expect(patroni.length).toBeGreaterThanOrEqual(6);
    for (const r of patroni) expect([r.synchronous, r.ackedWritesLost]).toEqual([true, 0]);
  });

  it.each(['default', 'responsive', 'fast'] as const)('of the %s Patroni profile match the drill', (name) => {
    const measured = PatroniTiming[name]().measured!;
    const kill = row('patroni', name, 'kill-primary');
    const switchover = row('patroni', name, 'switchover');
    const viaPgbouncer = kill.details!.viaPgbouncer as { rtoMedianSeconds: number; rtoMaxSeconds: number };
    expect(measured).toMatchObject({
      trials: kill.trials,
      rtoMedianSeconds: kill.rtoMedianSeconds,
      rtoMaxSeconds: kill.rtoMaxSeconds,
      viaPgbouncerRtoMedianSeconds: viaPgbouncer.rtoMedianSeconds,
      viaPgbouncerRtoMaxSeconds: viaPgbouncer.rtoMaxSeconds,
      switchoverGapMedianSeconds: switchover.rtoMedianSeconds,
      switchoverGapMaxSeconds: switchover.rtoMaxSeconds,
      ackedWritesLost: kill.ackedWritesLost + switchover.ackedWritesLost,
    });
  });

  it('put the fast Patroni profile at 10 s or less, below the responsive and default ones', () => {
    const median = (name: string) => row('patroni', name, 'kill-primary').rtoMedianSeconds;
    expect(median('fast')).toBeLessThanOrEqual(10);
    expect(median('fast')).toBeLessThan(median('responsive'));
    expect(median('responsive')).toBeLessThan(median('default'));
  });

  it.each(['default', 'fast'] as const)('of the %s Sentinel profile match the drill', (name) => {
    const kill = row('redis', name, 'kill-primary');
    expect(SentinelTiming[name]().measured).toMatchObject({
      trials: kill.trials, rtoMedianSeconds: kill.rtoMedianSeconds, rtoMaxSeconds: kill.rtoMaxSeconds, ackedWritesLost: kill.ackedWritesLost,
    });
  });

  it.each([
    ['async', Durability.async()],
    ['min-replicas', Durability.minReplicas(1, { toMilliseconds: () => 2000, toHumanString: () => '2 seconds' })],
    ['wait', Durability.waitForReplicas(1)],
  ] as const)('of %s durability match the lagging-replicas drill, worst trial', (kind, durability) => {
    const lagging = row('redis', 'default', 'kill-primary-lagging-replicas', kind);
    const trials = lagging.details!.perTrial as Array<{ ackedWrites: number; ackedWritesLost: number }>;
    const worst = trials.find((t) => t.ackedWritesLost === lagging.ackedWritesLost)!;
    expect(durability.measured).toMatchObject({ trials: lagging.trials, ackedWritesLost: lagging.ackedWritesLost, ackedWrites: worst.ackedWrites });
    expect(durability.guarantee).toContain(`${lagging.ackedWritesLost} of ${worst.ackedWrites}`);
  });

  it('rank the durability settings as the drill did: WAIT loses nothing, min-replicas less than async', () => {
    const lost = (kind: string) => row('redis', 'default', 'kill-primary-lagging-replicas', kind).ackedWritesLost;
    expect(lost('wait')).toBe(0);
    expect(lost('min-replicas')).toBeLessThan(lost('async'));
    expect(lost('async')).toBeGreaterThan(1000);
  });
});
