import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { renderRedisConfig } from '../../../lib/core/redis/redis-config';
import { RedisFenceScriptSpec, renderRedisFenceScript } from '../../../lib/core/redis/redis-fence';
import { Durability, SentinelTiming } from '../../../lib/core/redis/redis-timing';
import { hadrErrorMessage } from '../../support/errors';
import { FakeRespServer, resp } from '../../support/fake-resp-server';

const members = [0, 1, 2].map((i) => ({ name: `cache-${i}`, host: `cache-${i}.cache-members.shop.svc.cluster.local`, port: 6379 }));
const named = (i: number) => resp.array(members[i].host, '6379');

/** Sentinels that name `cache-<primary>`, answer nothing when `silent`, and a local server recording CONFIG SET. */
class Setup {
  public primary = 0;
  public readonly silent = new Set<number>();
  public sentinels: FakeRespServer[] = [];
  public local!: FakeRespServer;
  public agent?: ChildProcess;
  public stderr = '';
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-fence-'));
  /** Settings before this time do not count for {@link waitForSetting}. */
  public since = 0;

  public async start(): Promise<void> {
    this.sentinels = await Promise.all([0, 1, 2].map((i) => FakeRespServer.start((args) => {
      if (args[0] === 'AUTH') return resp.ok;
      return this.silent.has(i) ? undefined : named(this.primary);
    })));
    this.local = await FakeRespServer.start(() => resp.ok);
    fs.writeFileSync(path.join(this.dir, 'password'), 'pw\n');
  }

  public spec(overrides: Partial<RedisFenceScriptSpec> = {}): RedisFenceScriptSpec {
    return {
      path: 'shop/cache',
      masterName: 'cache',
      members,
      sentinels: this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      passwordFile: path.join(this.dir, 'password'),
      runtimeDir: this.dir,
      durability: Durability.minReplicas(1, Duration.seconds(2)),
      timing: SentinelTiming.default(),
      port: this.local.port,
      ...overrides,
    };
  }

  public run(pod: string, spec = this.spec()): void {
    this.agent = spawn('bash', ['-c', renderRedisFenceScript(spec)], {
      // stdin not a socket: bash would take itself for a remote shell and read ~/.bashrc.
      env: { PATH: process.env.PATH, POD_NAME: pod }, detached: true, stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.agent.stderr!.on('data', (chunk) => this.stderr += chunk);
  }

  /** The values of min-replicas-to-write the agent set, in order. */
  public settings(): string[] {
    return this.local.callsOf('CONFIG').map((c) => c.args.slice(1).join(' '));
  }

  public async waitForSetting(value: string, timeoutMs = 5_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const call = this.local.callsOf('CONFIG').find((c) => c.args[3] === value && c.at >= this.since);
      if (call) return call.at;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no CONFIG SET min-replicas-to-write ${value} within ${timeoutMs} ms; set: ${this.settings().join(', ')}; agent: ${this.stderr}`);
  }

  /** The agent logs a decision after applying it, so its line can trail the setting it logged. */
  public async waitForLog(pattern: RegExp, timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !pattern.test(this.stderr)) await new Promise((r) => setTimeout(r, 10));
  }

  public async stop(): Promise<void> {
    if (this.agent?.pid) {
      try {
        process.kill(-this.agent.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await Promise.all([...this.sentinels, this.local].filter(Boolean).map((s) => s.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('renderRedisFenceScript', () => {
  let setup: Setup;
  beforeEach(async () => {
    setup = new Setup();
    await setup.start();
  });
  afterEach(() => setup.stop());

  it('refuses writes from the start and takes them once a Sentinel majority names the server', async () => {
    setup.run('cache-0');
    await setup.waitForSetting('1');
    const settings = setup.settings();
    // Never anything but the fence (one more than the two replicas, a count no write can meet) or the durability's value.
    expect(new Set(settings)).toEqual(new Set([...settings[0] === 'SET min-replicas-to-write 3' ? [settings[0]] : [], 'SET min-replicas-to-write 1']));
    expect(setup.stderr).toContain('refusing writes until 2 of 3 Sentinels name cache-0.cache-members.shop.svc.cluster.local 6379 the primary');
    const taking = /taking writes: [23] of 3 Sentinels name cache-0.cache-members.shop.svc.cluster.local 6379 the primary/;
    await setup.waitForLog(taking);
    expect(setup.stderr).toMatch(taking);
    // Every question authenticated with the password from the file, without its newline.
    expect(setup.sentinels[0].callsOf('AUTH')[0].args).toEqual(['AUTH', 'pw']);
    expect(setup.local.callsOf('AUTH')[0].args).toEqual(['AUTH', 'pw']);
  });

  it('fences within the fence bound once a Sentinel majority stops answering', async () => {
    setup.run('cache-0');
    await setup.waitForSetting('1');
    await new Promise((r) => setTimeout(r, 300));
    const cut = performance.now();
    setup.since = cut;
    setup.silent.add(1);
    setup.silent.add(2);
    const fencedAt = await setup.waitForSetting('3');
    // The bound is lease + one poll + 100 ms; 150 ms more for this test's own timers on a shared CPU.
    expect(fencedAt - cut).toBeLessThanOrEqual(SentinelTiming.default().fenceBoundSeconds * 1000 + 150);
    // Not before the lease ran out: the last answer came at most one poll (and 20 ms of clock steps) before the cut.
    expect(fencedAt - cut).toBeGreaterThanOrEqual(SentinelTiming.default().fence.leaseMs - SentinelTiming.default().fence.pollIntervalMs - 20);
    await setup.waitForLog(/refusing writes: 1 of 3 Sentinels named .* in the last 500 ms/);
    expect(setup.stderr).toMatch(/refusing writes: 1 of 3 Sentinels named .* in the last 500 ms/);
  });

  it('stays fenced while only one of three Sentinels names the server', async () => {
    setup.primary = 1;
    setup.sentinels[0].answer = (args) => (args[0] === 'AUTH' ? resp.ok : named(0));
    setup.run('cache-0');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(new Set(setup.settings())).toEqual(new Set(['SET min-replicas-to-write 3']));
    // Re-applied every second, so a restarted server is fenced again.
    expect(setup.settings().length).toBeGreaterThanOrEqual(2);
  });

  it('never counts an answer that came later than the ask timeout', async () => {
    for (const sentinel of setup.sentinels) {
      sentinel.answer = (args) => {
        if (args[0] === 'AUTH') return resp.ok;
        setTimeout(() => sentinel.dropConnections(), 400);
        return undefined;
      };
    }
    setup.run('cache-0');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(setup.settings().every((s) => s === 'SET min-replicas-to-write 3')).toBe(true);
  });

  it('serves with the durability value: 0 for asynchronous replication', async () => {
    setup.run('cache-2', setup.spec({ durability: Durability.async() }));
    setup.primary = 2;
    await setup.waitForSetting('0');
    expect(setup.settings()[0]).toBe('SET min-replicas-to-write 3');
  });

  it('applies its decision again to a server that restarted', async () => {
    setup.run('cache-0');
    await setup.waitForSetting('1');
    setup.local.dropConnections();
    setup.since = performance.now();
    await setup.waitForSetting('1', 2_500);
  });

  it('survives garbled reports (a read cut short by a busy CPU) and keeps deciding', async () => {
    setup.run('cache-0');
    await setup.waitForSetting('1');
    // What a timed-out read leaves behind: the tail of a line, and lines that are not reports at all.
    fs.appendFileSync(path.join(setup.dir, 'fence-reports'), 'wn\n0 12 yes extra\nx y z\n99 1 yes\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(setup.agent!.exitCode).toBeNull();
    setup.since = performance.now();
    setup.silent.add(1);
    setup.silent.add(2);
    await setup.waitForSetting('3');
    expect(setup.stderr).not.toMatch(/unbound variable|syntax error/);
  });

  it('refuses to start for a pod that is none of the servers', async () => {
    setup.run('other-0');
    const status = await new Promise<number | null>((resolve) => setup.agent!.on('close', resolve));
    expect(status).toBe(1);
    expect(setup.stderr).toContain('POD_NAME (other-0) names none of the Redis servers: cache-0 cache-1 cache-2');
  });

  it('matches the fenced value a rendered redis.conf starts with', () => {
    const conf = renderRedisConfig({
      path: 'shop/cache', replicas: 2, fenced: true, durability: Durability.async(),
      auth: { passwordFile: '/etc/redis/secret/password', includeFile: '/run/redis/auth.conf' },
    });
    expect(conf).toContain('\nmin-replicas-to-write 3\nmin-replicas-max-lag 10\n');
    expect(renderRedisFenceScript(setup.spec())).toContain('fenced_value=3');
  });

  it('refuses a lease that leaves no time before the Sentinels may fail over', () => {
    const timing = { ...SentinelTiming.fast(), fence: { pollIntervalMs: 100, leaseMs: 900, askTimeoutMs: 250 } };
    expect(hadrErrorMessage(() => renderRedisFenceScript(setup.spec({ timing })))).toBe(
      'shop/cache: timing.fence.lease gives a fence bound (lease + poll interval + 100 ms = 1100 ms) that is not below downAfter (1000 ms), '
      + 'so the Sentinels could promote a new primary while the cut-off one still takes writes (got 900 millis); use a lease of at most 799 ms or a longer downAfter');
  });
});
