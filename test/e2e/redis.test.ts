/**
 * Real redis-server and redis-sentinel, started from the configs the core renders: a replica
 * takes over when the primary is killed, the old primary comes back as a replica, and writes
 * confirmed with WAIT survive the primary dying while both replicas lag. Timing is measured
 * by the drill (`runRedisDrills`), not asserted here.
 */
import { killPrimaryDuringWrites, REDIS_DRILL_BINARIES, RedisLab, REPLICA_STALL_MS, restartAndRejoin } from './redis-drill';
import { serversAvailable } from './support/processes';
import { seconds } from '../../lib/core/units';
import { Durability, SentinelTiming } from 'hadr-constructs';

const describeWithServers = serversAvailable('the Redis Sentinel drill', REDIS_DRILL_BINARIES) ? describe : describe.skip;

describeWithServers('Redis with Sentinel, from the rendered configs', () => {
  let lab: RedisLab | undefined;

  afterEach(async () => {
    await lab?.down();
    lab = undefined;
  });

  it('promotes a replica when the primary is killed mid-write, and takes the old primary back as a replica', async () => {
    // The default 5 s down-after: a loaded CI machine starving the primary for 1 s must not fail over on its own.
    lab = await RedisLab.up({ timing: SentinelTiming.default(), durability: Durability.minReplicas(1, seconds(2)) });

    const kill = await killPrimaryDuringWrites(lab);
    expect(kill.promoted).not.toBe(kill.killed);
    expect(kill.ackedAfterPromotion).toBeGreaterThan(0);
    expect(kill.ackedWritesLost).toBe(0);
    // Every Sentinel ran the client-reconfig-script with the old and the new primary's address.
    const promotedPort = lab.nodes.find((n) => n.name === kill.promoted)!.port;
    const killedPort = lab.nodes.find((n) => n.name === kill.killed)!.port;
    expect(kill.reconfigCalls).toHaveLength(3);
    for (const call of kill.reconfigCalls) expect(call).toMatch(new RegExp(`^drill (leader|observer) \\S+ 127.0.0.1 ${killedPort} 127.0.0.1 ${promotedPort}$`));

    const rejoin = await restartAndRejoin(lab, kill.killed);
    expect(rejoin).toMatchObject({ role: 'slave', masterPort: promotedPort });
    // min-replicas-to-write: back without replicas, the old primary refuses writes it would lose.
    expect(rejoin.writeRightAfterRestart).toMatch(/^(NOREPLICAS|READONLY)$/);
  }, 120_000);

  it('loses no WAIT-confirmed write when the primary dies while both replicas lag', async () => {
    lab = await RedisLab.up({ timing: SentinelTiming.default(), durability: Durability.waitForReplicas(1, seconds(1)) });

    const kill = await killPrimaryDuringWrites(lab, { valueBytes: 4096, stallReplicasMs: REPLICA_STALL_MS });
    expect(kill.ackedBeforeKill).toBeGreaterThan(100);
    expect(kill.ackedAfterPromotion).toBeGreaterThan(0);
    expect(kill.ackedWritesLost).toBe(0);
  }, 120_000);
});
