/**
 * The library's planned path for Redis maintenance, with real servers from the rendered configs:
 * deleting the primary's pod (SIGTERM) loses no acknowledged write. `npm run drill` measures it
 * three times per durability, beside SENTINEL FAILOVER with the old primary alive, which loses
 * writes (test/e2e/redis-planned-drill.ts).
 */
import { REDIS_DRILL_BINARIES } from './redis-drill';
import { plannedTrial } from './redis-planned-drill';
import { serversAvailable } from './support/processes';
import { Durability, SentinelTiming } from '../../lib/core/redis/redis-timing';
import { seconds } from '../../lib/core/units';

const available = serversAvailable('the Redis planned-maintenance drill', [...REDIS_DRILL_BINARIES, 'redis-cli', 'haproxy', 'bash']);

(available ? describe : describe.skip)('planned Redis maintenance, the library\'s way', () => {
  it('deletes the primary\'s pod without losing an acknowledged write, and the pod comes back as a replica', async () => {
    const result = await plannedTrial('planned-restart', SentinelTiming.default(), Durability.minReplicas(1, seconds(2)));

    expect(result.newPrimary).not.toBe(result.oldPrimary);
    expect(result.viaProxy.acked).toBeGreaterThan(100);
    expect(result.viaSentinel.acked).toBeGreaterThan(100);
    expect(result.ackedWritesLost).toBe(0);
    expect(result.writesToDeposedPrimary).toBe(0);
    expect(result.oldPrimaryRejoinedAs).toBe('slave');
  }, 180_000);
});
