/**
 * Real Patroni, etcd, HAProxy and PgBouncer from the configs lib/core renders. Asserts what must
 * hold (a new leader, no acknowledged write lost, the old leader back as a replica); timing is
 * measured by `runPatroniDrills`, never asserted here.
 */
import { killPrimaryTrial, PATRONI_DRILL_BINARIES, PatroniLab, postgresBinDir, switchoverTrial } from './patroni-drill';
import { serversAvailable } from './support/processes';
import { PatroniTiming } from 'hadr-constructs';

const available = serversAvailable('the Patroni drill', PATRONI_DRILL_BINARIES, [postgresBinDir()]);

(available ? describe : describe.skip)('a three-member Patroni cluster in synchronous mode with the fast profile', () => {
  // Built in beforeAll: a skipped run must not look up the postgres user or hook process exit.
  let lab: PatroniLab;

  beforeAll(async () => {
    lab = new PatroniLab({ profile: PatroniTiming.fast(), synchronous: true });
    await lab.up();
  }, 180_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('survives kill -9 of the leader: another member leads, no acknowledged write is lost, the old leader rejoins as a replica', async () => {
    const result = await killPrimaryTrial(lab);

    expect(result.to).not.toBe(result.from);
    expect(result.ackedHaproxy).toBeGreaterThan(0);
    expect(result.ackedPgbouncer).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(['replica', 'sync_standby']).toContain(result.oldLeaderRejoinedAs);
    expect(await lab.leader()).toBe(result.to);
  }, 240_000);

  it('switches over to the synchronous standby without losing an acknowledged write', async () => {
    const result = await switchoverTrial(lab);

    expect(result.to).not.toBe(result.from);
    expect(result.lost).toBe(0);
    expect(['replica', 'sync_standby']).toContain(result.oldLeaderRejoinedAs);
    expect(await lab.leader()).toBe(result.to);
  }, 180_000);
});
