/**
 * A real partition, Patroni side: each server in its own network namespace, the leader and one
 * HAProxy cut off from etcd, the other members and the other HAProxy, a writer behind each
 * HAProxy, everything from the configs lib/core renders. One trial with the responsive profile
 * (the fastest current Patroni honours), the cut right after the leader renewed its key (the
 * worst point of its loop); `npm run drill` runs three per profile
 * (test/e2e/patroni-partition-drill.ts).
 */
import { PATRONI_DRILL_BINARIES, PatroniLab, postgresBinDir } from './patroni-drill';
import { partitionLab, patroniPartitionTrial } from './patroni-partition-drill';
import { namespacesAvailable } from './support/network';
import { serversAvailable } from './support/processes';

const what = 'the Patroni partition drill';
const available = serversAvailable(what, PATRONI_DRILL_BINARIES, [postgresBinDir()]) && namespacesAvailable(what);

(available ? describe : describe.skip)('a Patroni leader cut off from the DCS and the other members, in synchronous mode', () => {
  let lab: PatroniLab;

  beforeAll(async () => {
    lab = partitionLab('responsive');
    await lab.up();
  }, 180_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('demotes within its ttl, leaves both routes, never takes writes beside the new leader, and loses no acknowledged write', async () => {
    const result = await patroniPartitionTrial(lab, 0);
    const ttlMs = lab.profile.ttlSeconds * 1000;

    expect(result.synchronous).toBe(true);
    expect(result.newLeader).not.toBe(result.oldLeader);
    expect(result.demoteMs).toBeLessThanOrEqual(ttlMs);
    // Patroni answers GET /primary with 200 until its key would expire (ttl after its last renewal,
    // just before the cut), even once PostgreSQL is demoted: the HAProxy on its side drops it at
    // the first check after that. Writes routed there meanwhile fail; none is acknowledged.
    const check = lab.profile.haproxyCheck;
    expect(result.routeMs.a).toBeLessThanOrEqual(ttlMs + check.interMs + check.timeoutMs);
    expect(result.routeMs.b).toBeLessThanOrEqual(ttlMs);
    expect(result.writesToDeposedPrimary).toBe(0);
    expect(result.twoWritableMs).toBe(0);
    expect(result.acked.b).toBeGreaterThan(0);
    expect(result.ackedWritesLost).toBe(0);
    expect(['replica', 'sync_standby']).toContain(result.oldLeaderRejoinedAs);
  }, 240_000);
});
