import { renderRedisLivenessScript, renderRedisReadinessScript, renderSentinelReadinessScript } from '../../../lib/core/redis/redis-probe-scripts';
import { ScriptSandbox } from '../../support/redis-cli-stub';
import { HadrError } from 'hadr-constructs';

const info = (lines: string[]) => `# Replication\r\n${lines.map((l) => `${l}\r\n`).join('')}`;

describe('Redis and Sentinel probes', () => {
  let box: ScriptSandbox;
  beforeEach(() => {
    box = new ScriptSandbox();
  });
  afterEach(() => box.remove());

  const readiness = () => box.run(renderRedisReadinessScript({ path: 'shop/cache', port: 6379, passwordFile: box.passwordFile, redisCli: box.redisCli }), 'cache-0');
  const liveness = () => box.run(renderRedisLivenessScript({ path: 'shop/cache', port: 6379, redisCli: box.redisCli }), 'cache-0');
  const sentinelReadiness = () => box.run(renderSentinelReadinessScript({
    path: 'shop/cache', port: 26379, passwordFile: box.passwordFile, redisCli: box.redisCli, masterName: 'cache',
  }), 'cache-sentinel-0');

  describe('Redis readiness', () => {
    it('is ready as the primary', () => {
      box.reply('127.0.0.1', 6379, 'INFO', info(['role:master', 'connected_slaves:2']));
      expect(readiness().status).toBe(0);
    });

    it('is ready as a replica whose link to the primary is up', () => {
      box.reply('127.0.0.1', 6379, 'INFO', info(['role:slave', 'master_host:cache-0', 'master_link_status:up']));
      expect(readiness().status).toBe(0);
    });

    it('is not ready as a replica still syncing, so a rollout waits for it', () => {
      box.reply('127.0.0.1', 6379, 'INFO', info(['role:slave', 'master_host:cache-0', 'master_link_status:down', 'master_sync_in_progress:1']));
      const run = readiness();
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('neither the primary nor a replica in sync: role:slave master_link_status:down master_sync_in_progress:1');
    });

    it('is not ready on an error reply or without a reply', () => {
      box.reply('127.0.0.1', 6379, 'INFO', 'NOAUTH Authentication required.\n');
      expect(readiness().status).toBe(1);
      box.remove();
      box = new ScriptSandbox();
      expect(readiness().status).toBe(1);
    });

    it('authenticates with the Secret file through REDISCLI_AUTH', () => {
      box.reply('127.0.0.1', 6379, 'INFO', info(['role:master']));
      const [call] = readiness().calls;
      expect(call).toEqual({ args: '127.0.0.1:6379 INFO replication', auth: box.password });
    });
  });

  describe('liveness', () => {
    it.each(['PONG', 'LOADING Redis is loading the dataset in memory', 'NOAUTH Authentication required.', 'MASTERDOWN Link with MASTER is down'])(
      'keeps a server that answers %j alive', (reply) => {
        box.reply('127.0.0.1', 6379, 'PING', `${reply}\n`);
        expect(liveness().status).toBe(0);
      });

    it('fails when nothing answers', () => {
      const run = liveness();
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('no reply');
    });

    it('sends no password', () => {
      box.reply('127.0.0.1', 6379, 'PING', 'PONG\n');
      expect(liveness().calls).toEqual([{ args: '127.0.0.1:6379 PING', auth: '' }]);
    });
  });

  describe('Sentinel readiness', () => {
    it('is ready once the Sentinel names a primary', () => {
      box.reply('127.0.0.1', 26379, 'SENTINEL', 'cache-0.cache-members.shop.svc.cluster.local\n6379\n');
      expect(sentinelReadiness().status).toBe(0);
    });

    it('is not ready while it names none, or answers with an error', () => {
      box.reply('127.0.0.1', 26379, 'SENTINEL', '\n');
      expect(sentinelReadiness().status).toBe(1);
      box.reply('127.0.0.1', 26379, 'SENTINEL', 'ERR No such master with that name\n');
      expect(sentinelReadiness().stderr).toContain('no primary known for cache');
    });
  });

  it('refuses a probe timeout of 0 seconds', () => {
    expect(() => renderRedisLivenessScript({ path: 'shop/cache', port: 6379, timeoutSeconds: 0 })).toThrow(HadrError);
    expect(() => renderRedisLivenessScript({ path: 'shop/cache', port: 6379, timeoutSeconds: 0 })).toThrow(
      'shop/cache: timeoutSeconds must be a whole number of seconds, at least 1 (got 0); use 2');
  });
});
