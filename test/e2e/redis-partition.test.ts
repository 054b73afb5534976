/**
 * A real partition, Redis side: each server in its own network namespace, the primary and one
 * replica cut off from the Sentinel majority, one client writing through a primary proxy on
 * each side, everything from the configs RedisSentinel renders (fence agents included). One
 * trial per durability the guarantees are about; `npm run drill` runs every durability three
 * times (test/e2e/redis-partition-drill.ts).
 */
import { REDIS_DRILL_BINARIES } from './redis-drill';
import { redisPartitionTrial } from './redis-partition-drill';
import { namespacesAvailable } from './support/network';
import { serversAvailable } from './support/processes';
import { Durability, SentinelTiming } from '../../lib/core/redis/redis-timing';
import { seconds } from '../../lib/core/units';

const what = 'the Redis partition drill';
const available = serversAvailable(what, [...REDIS_DRILL_BINARIES, 'haproxy', 'bash']) && namespacesAvailable(what);

(available ? describe : describe.skip)('Redis with Sentinel under a network partition, fenced', () => {
  const timing = SentinelTiming.default();

  it('keeps every write that every replica confirmed, and the cut-off primary acknowledges nothing after the fence bound', async () => {
    const result = await redisPartitionTrial({ timing, durability: Durability.waitForReplicas(2) });

    expect(result.newPrimary).not.toBe(result.oldPrimary);
    expect(result.clients.a.acked + result.clients.b.acked).toBeGreaterThan(100);
    expect(result.ackedWritesLost).toBe(0);
    expect(result.writesToDeposedPrimary).toBe(0);
    // Sampled every 50 ms from outside the partition: one sample interval on top of the bound.
    expect(result.fenceMs).toBeLessThanOrEqual(result.fenceBoundMs + 100);
    // Both proxies dropped the old primary long before the Sentinels promoted another server.
    expect(Math.max(result.routeMs.a, result.routeMs.b)).toBeLessThan(result.promotedMs);
    expect(result.samplesWithTwoWritable).toBe(0);
  }, 240_000);

  it('with the default durability, loses only what the old primary acknowledged before its fence', async () => {
    const result = await redisPartitionTrial({ timing, durability: Durability.minReplicas(1, seconds(2)) });

    expect(result.writesToDeposedPrimary).toBe(0);
    expect(result.lastAckFromOldPrimaryMs ?? 0).toBeLessThanOrEqual(result.fenceBoundMs);
    expect(result.ackedWritesLost).toBeLessThanOrEqual(result.ackedByOldPrimaryAfterCut);
    // The client on the majority side never wrote to the old primary after the cut.
    expect(result.clients.b.lost).toBe(0);
    expect(result.samplesWithTwoWritable).toBe(0);
  }, 240_000);
});
