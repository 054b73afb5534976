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
import * as http from 'http';
import * as path from 'path';
import { performance } from 'perf_hooks';
import Redis from 'ioredis';
import { AckedWriter, LabServer, REDIS_DRILL_BINARIES, RedisLab } from './redis-drill';
import { largestGapMs, roundSeconds } from './support/drill-results';
import { findBinary, freePorts, ProcessGroup, serversAvailable, sleep, waitFor } from './support/processes';
import { renderRedisConfig } from '../../lib/core/redis/redis-config';
import { REDIS_PASSWORD_ENV, redisPrimaryProxyConfig } from '../../lib/core/redis/redis-primary-proxy';
import { renderRedisLivenessScript, renderRedisReadinessScript, renderSentinelReadinessScript } from '../../lib/core/redis/redis-probe-scripts';
import { renderRedisStartScript } from '../../lib/core/redis/redis-start-script';
import { Durability, SentinelTiming } from '../../lib/core/redis/redis-timing';
import { renderHaproxyConfig } from '../../lib/core/traffic/haproxy-config';
import { seconds } from '../../lib/core/units';

const BINARIES = [...REDIS_DRILL_BINARIES, 'redis-cli', 'haproxy'];
const describeWithServers = serversAvailable('the Redis primary routing test', BINARIES) ? describe : describe.skip;

/** HAProxy in front of a lab, started from the rendered config with the password in its environment only. */
class PrimaryProxy {
  public static async start(lab: RedisLab, processes: ProcessGroup): Promise<PrimaryProxy> {
    const [port, statsPort] = await freePorts(2);
    const config = renderHaproxyConfig(redisPrimaryProxyConfig({
      path: 'drill/primary-proxy',
      members: lab.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.port })),
      durability: lab.options.durability,
      port,
      bindAddress: '127.0.0.1',
      statsPort,
    }));
    const file = path.join(lab.root, 'haproxy.cfg');
    fs.writeFileSync(file, config);
    processes.start('haproxy', findBinary('haproxy')!, ['-db', '-f', file], {
      logFile: path.join(lab.root, 'haproxy.log'),
      env: { [REDIS_PASSWORD_ENV]: lab.password },
    });
    const proxy = new PrimaryProxy(port, statsPort, config);
    await waitFor('HAProxy to route to the first primary only', async () => {
      const status = await proxy.status();
      return status['redis-0'] === 'UP' && status['redis-1'] === 'DOWN' && status['redis-2'] === 'DOWN';
    }, { timeoutMs: 15_000, intervalMs: 200 });
    return proxy;
  }

  private constructor(public readonly port: number, private readonly statsPort: number, public readonly config: string) {}

  /** Check status of each Redis server (UP, DOWN, `UP 1/2` while going down...), from the stats CSV. */
  public status(): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: this.statsPort, path: '/;csv', timeout: 2_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => body += chunk);
        res.on('end', () => {
          const [header, ...rows] = body.trim().split('\n');
          const columns = header.replace(/^# /, '').split(',');
          const status: Record<string, string> = {};
          for (const row of rows.map((r) => r.split(','))) {
            const server = row[columns.indexOf('svname')];
            if (row[columns.indexOf('pxname')] === 'redis-primary' && !['FRONTEND', 'BACKEND'].includes(server)) {
              status[server] = row[columns.indexOf('status')];
            }
          }
          resolve(status);
        });
      }).on('error', reject);
    });
  }

  /** The servers HAProxy routes to right now. */
  public async routedTo(): Promise<string[]> {
    return Object.entries(await this.status()).filter(([, s]) => s.startsWith('UP')).map(([name]) => name);
  }

  /**
   * A client without Sentinel support: it only knows the proxy's address, and keeps its
   * connection on a READONLY reply, so only HAProxy cutting the session moves it.
   */
  public client(password: string): Redis {
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      password,
      // Retry every 50 ms so the measured outage is the failover's, not the client's backoff.
      retryStrategy: () => 50,
      connectTimeout: 1_000,
      maxRetriesPerRequest: 20,
    });
    client.on('error', () => undefined);
    return client;
  }
}

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

/**
 * Brings a killed node back as its pod would: the rendered start script copies the rendered
 * config (the initial topology) over the one it ran from, asks the Sentinels for the current
 * primary and execs redis-server. Resolves with the role of its first answer.
 */
async function restartThroughStartScript(lab: RedisLab, node: LabServer): Promise<string> {
  const configDir = path.join(lab.root, 'rendered');
  fs.mkdirSync(configDir, { recursive: true });
  const [initial] = lab.nodes;
  for (const n of lab.nodes) {
    const replicaOf = n === initial ? undefined : { host: '127.0.0.1', port: initial.port };
    fs.writeFileSync(path.join(configDir, `${n.name}.conf`), renderRedisConfig(lab.redisConfigSpec(n, replicaOf)));
  }
  const script = renderRedisStartScript({
    path: `drill/${node.name}`,
    masterName: lab.masterName,
    members: lab.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.port })),
    sentinels: lab.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    configDir,
    runtimeConfig: node.configFile,
    auth: lab.redisConfigSpec(node, undefined).auth,
    redisServer: findBinary('redis-server')!,
    redisCli: findBinary('redis-cli')!,
  });
  const scriptFile = path.join(lab.root, `start-${node.name}.sh`);
  fs.writeFileSync(scriptFile, script);
  lab.restartWith(node, 'sh', [scriptFile], { POD_NAME: node.name });
  // The first answer tells what it started as, before Sentinel had a chance to correct it.
  return waitFor(`${node.name} to answer after the restart`, async () => {
    const [role] = await lab.withClient(node.port, (c) => c.call('ROLE')) as string[];
    return role;
  }, { timeoutMs: 20_000, intervalMs: 20 });
}

describeWithServers('clients without Sentinel support, through HAProxy, from the rendered configs', () => {
  let lab: RedisLab | undefined;
  let processes: ProcessGroup | undefined;
  let writer: AckedWriter | undefined;

  afterEach(async () => {
    await writer?.stop();
    await processes?.stopAll();
    await lab?.down();
    lab = undefined;
    processes = undefined;
    writer = undefined;
  });

  async function setUp(): Promise<{ lab: RedisLab; proxy: PrimaryProxy; writer: AckedWriter }> {
    lab = await RedisLab.up({ timing: SentinelTiming.default(), durability: Durability.minReplicas(1, seconds(2)) });
    processes = new ProcessGroup();
    const proxy = await PrimaryProxy.start(lab, processes);
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
      const role = await restartThroughStartScript(redis, old);
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
