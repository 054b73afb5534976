/**
 * How clients without Sentinel support find the primary, with real servers: HAProxy started
 * from the haproxy.cfg RedisSentinel renders (`redisPrimaryProxyConfig` through the one
 * `renderHaproxyConfig`) in front of the drill's redis-server and redis-sentinel (RedisLab), all
 * on 127.0.0.1. A plain ioredis client writes through HAProxy while the primary is killed
 * (kill -9) or frozen (SIGSTOP) through a failover; the killed primary comes back through the
 * rendered start script (`renderRedisStartScript`), as a pod would.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { AckedWriter, PrimaryProxy, REDIS_DRILL_BINARIES, RedisLab } from './redis-drill';
import { largestGapMs, roundSeconds } from './support/drill-results';
import { findBinary, freePorts, serversAvailable, sleep, waitFor } from './support/processes';
import { renderRedisLivenessScript, renderRedisReadinessScript, renderSentinelReadinessScript } from '../../lib/core/redis/redis-probe-scripts';
import { Durability, SentinelTiming } from '../../lib/core/redis/redis-timing';
import { seconds } from '../../lib/core/units';

const BINARIES = [...REDIS_DRILL_BINARIES, 'redis-cli', 'haproxy'];
const describeWithServers = serversAvailable('the Redis primary routing test', BINARIES) ? describe : describe.skip;

/** Every status HAProxy reports for `server` while `during` runs, sampled every 50 ms. */
async function watchStatus<T>(proxy: PrimaryProxy, server: string, during: () => Promise<T>): Promise<{ result: T; seen: Set<string> }> {
  const seen = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      seen.add((await proxy.status())[server]);
      await sleep(50);
    }
  })();
  try {
    return { result: await during(), seen };
  } finally {
    watching = false;
    await watcher;
  }
}

describeWithServers('clients without Sentinel support, through HAProxy, from the rendered configs', () => {
  let lab: RedisLab | undefined;
  let writer: AckedWriter | undefined;

  afterEach(async () => {
    await writer?.stop();
    await lab?.down();
    lab = undefined;
    writer = undefined;
  });

  async function setUp(): Promise<{ lab: RedisLab; proxy: PrimaryProxy; writer: AckedWriter }> {
    lab = await RedisLab.up({ timing: SentinelTiming.default(), durability: Durability.minReplicas(1, seconds(2)) });
    const proxy = await PrimaryProxy.start(lab);
    writer = new AckedWriter(proxy.client(lab.password), { valueBytes: 64, durability: lab.options.durability, keyPrefix: 'routing' });
    writer.start(120_000);
    await waitFor('the writer to get acknowledgements through HAProxy', async () => writer!.acks.length >= 100, { timeoutMs: 15_000 });
    return { lab, proxy, writer };
  }

  it('sends a client to the new primary after kill -9 of the old one, and never to the old one when it comes back', async () => {
    const { lab: redis, proxy, writer: writes } = await setUp();
    const old = await redis.currentPrimary();
    expect(old.name).toBe('redis-0');

    const killedAt = performance.now();
    await redis.kill(old);
    const promoted = await waitFor('Sentinel to promote a replica', async () => {
      const primary = await redis.currentPrimary();
      return primary !== old && primary;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    await waitFor('HAProxy to route to the promoted replica only', async () => (await proxy.routedTo()).join() === promoted.name, { timeoutMs: 10_000 });
    const promotedAt = performance.now();
    await waitFor('a second of acknowledged writes on the new primary', async () => {
      const after = writes.acksAfter(promotedAt);
      return after.length > 0 && performance.now() - after[0].at >= 1_000;
    }, { timeoutMs: 30_000 });
    const outageMs = largestGapMs(writes.acks.map((a) => a.at));

    // The old primary restarts from the initial topology (where it is the primary), as its pod would.
    const { result: firstRole, seen } = await watchStatus(proxy, old.name, async () => {
      const role = await redis.restartAsPod(old);
      await waitFor(`${old.name} to replicate from ${promoted.name}`, async () => {
        const info = await redis.replicationInfo(old.port);
        return Number(info.master_port) === promoted.port && info.master_link_status === 'up';
      }, { timeoutMs: 30_000, intervalMs: 100 });
      // Checks run every second: give HAProxy three more to (wrongly) take it back.
      await sleep(3_000);
      return role;
    });
    await writes.stop();

    expect(firstRole).toBe('slave');
    expect([...seen].filter((s) => s?.startsWith('UP'))).toEqual([]);
    expect(await proxy.routedTo()).toEqual([promoted.name]);
    expect(fs.readFileSync(path.join(old.dir, 'server.log'), 'utf8')).toContain(`replicating from 127.0.0.1 ${promoted.port}, the current primary`);

    expect(writes.acksAfter(promotedAt).length).toBeGreaterThan(0);
    expect(await redis.countMissing(promoted.port, writes.acks.map((a) => a.key))).toBe(0);
    // No write ever reached a demoted primary: it would have answered READONLY.
    expect(writes.failures.READONLY).toBeUndefined();

    // The rendered probes agree: the new primary and the rejoined replica are ready, the Sentinels name a primary.
    const probe = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 10_000 }).status;
    const redisCli = findBinary('redis-cli')!;
    for (const node of [promoted, old]) {
      expect([node.name, probe(renderRedisReadinessScript({ path: 'drill', port: node.port, passwordFile: redis.passwordFile, redisCli }))]).toEqual([node.name, 0]);
      expect([node.name, probe(renderRedisLivenessScript({ path: 'drill', port: node.port, redisCli }))]).toEqual([node.name, 0]);
    }
    expect(probe(renderSentinelReadinessScript({ path: 'drill', port: redis.sentinels[0].port, passwordFile: redis.passwordFile, redisCli, masterName: redis.masterName }))).toBe(0);
    const [nothingListens] = await freePorts(1);
    expect(probe(renderRedisLivenessScript({ path: 'drill', port: nothingListens, redisCli }))).toBe(1);
    // eslint-disable-next-line no-console
    console.log(`kill -9 through HAProxy: ${roundSeconds(outageMs)} s without acknowledged writes (${roundSeconds(promotedAt - killedAt)} s to promotion and routing), `
      + `${writes.acks.length} acknowledged, failures ${JSON.stringify(writes.failures)}`);
  }, 180_000);

  it('cuts the sessions of a primary that froze, and keeps it out when it wakes still claiming to be primary', async () => {
    const { lab: redis, proxy, writer: writes } = await setUp();
    const old = await redis.currentPrimary();

    // Frozen (a stalled VM, a partition): Sentinel fails over, its replicas follow the new primary.
    redis.signal([old], 'SIGSTOP');
    const promoted = await waitFor('Sentinel to promote a replica', async () => {
      const primary = await redis.currentPrimary();
      return primary !== old && primary;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    await waitFor('HAProxy to route to the new primary only', async () => (await proxy.routedTo()).join() === promoted.name, { timeoutMs: 10_000 });
    const routedAt = performance.now();
    await waitFor('a second of acknowledged writes on the new primary', async () => {
      const after = writes.acksAfter(routedAt);
      return after.length > 0 && performance.now() - after[0].at >= 1_000;
    }, { timeoutMs: 30_000 });

    // It wakes up as a primary without replicas until Sentinel demotes it.
    const roles: string[] = [];
    const { seen } = await watchStatus(proxy, old.name, async () => {
      redis.signal([old], 'SIGCONT');
      await waitFor(`Sentinel to demote ${old.name}`, async () => {
        const [role] = await redis.withClient(old.port, (c) => c.call('ROLE')) as string[];
        roles.push(role);
        return role === 'slave';
      }, { timeoutMs: 60_000, intervalMs: 100 });
    });
    await writes.stop();

    expect(roles[0]).toBe('master');
    expect([...seen].filter((s) => s?.startsWith('UP'))).toEqual([]);
    expect(await proxy.routedTo()).toEqual([promoted.name]);
    // The client does not reconnect on an error reply: it writes again only because HAProxy cut its session.
    expect(writes.acksAfter(routedAt).length).toBeGreaterThan(0);
    expect(await redis.countMissing(promoted.port, writes.acks.map((a) => a.key))).toBe(0);
    // eslint-disable-next-line no-console
    console.log(`frozen primary through HAProxy: ${roundSeconds(largestGapMs(writes.acks.map((a) => a.at)))} s without acknowledged writes, `
      + `${writes.acks.length} acknowledged, failures ${JSON.stringify(writes.failures)}, ${roles.length} ROLE samples before the demotion`);
  }, 180_000);
});
