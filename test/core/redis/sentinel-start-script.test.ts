import * as fs from 'fs';
import * as path from 'path';
import { renderSentinelStartScript, SentinelStartScriptSpec } from '../../../lib/core/redis/sentinel-start-script';
import { ScriptSandbox } from '../../support/redis-cli-stub';
import { HadrError, renderSentinelConfig, SentinelConfigSpec } from 'hadr-constructs';

const redisServers = [0, 1, 2].map((i) => ({ host: `cache-${i}.cache-members.shop.svc.cluster.local`, port: 6379 }));
const sentinels = [0, 1, 2].map((i) => ({ name: `cache-sentinel-${i}`, host: `cache-sentinel-${i}.cache-sentinel-members.shop.svc.cluster.local`, port: 26379 }));

describe('renderSentinelStartScript', () => {
  let box: ScriptSandbox;
  let spec: SentinelStartScriptSpec;
  let config: SentinelConfigSpec;

  beforeEach(() => {
    box = new ScriptSandbox();
    config = {
      path: 'shop/cache', masterName: 'cache', primary: redisServers[0], sentinels: 3, quorum: 2,
      auth: { passwordFile: box.passwordFile, includeFile: path.join(box.runtimeDir, 'auth.conf') },
    };
    spec = {
      config, sentinels, redisServers, configDir: box.configDir, runtimeConfig: path.join(box.runtimeDir, 'sentinel.conf'),
      redisSentinel: box.server, redisCli: box.redisCli,
    };
    for (const s of sentinels) box.config(`${s.name}.conf`, renderSentinelConfig({ ...config, announce: { host: s.host } }));
  });
  afterEach(() => box.remove());

  const monitorLine = (conf: string | undefined) => (conf ?? '').split('\n').find((l) => l.startsWith('sentinel monitor '));
  const start = (pod: string) => box.run(renderSentinelStartScript(spec), pod);

  it('monitors the primary another Sentinel names, keeping the quorum', () => {
    box.reply(sentinels[1].host, 26379, 'SENTINEL', `${redisServers[2].host}\n6379\n`);
    const run = start('cache-sentinel-0');
    expect(run.status).toBe(0);
    expect(monitorLine(run.startedConfig)).toBe(`sentinel monitor cache ${redisServers[2].host} 6379 2`);
    expect(run.stderr).toContain(`monitoring ${redisServers[2].host} 6379, the current primary`);
  });

  it('asks the Redis servers when no other Sentinel answers, after a restart of every Sentinel', () => {
    box.reply(redisServers[0].host, 6379, 'ROLE', 'slave\ncache-1.cache-members.shop.svc.cluster.local\n6379\nconnected\n100\n');
    box.reply(redisServers[1].host, 6379, 'ROLE', 'master\n100\n');
    const run = start('cache-sentinel-2');
    expect(monitorLine(run.startedConfig)).toBe(`sentinel monitor cache ${redisServers[1].host} 6379 2`);
  });

  it('never asks itself', () => {
    box.reply(sentinels[0].host, 26379, 'SENTINEL', `${redisServers[2].host}\n6379\n`);
    const run = start('cache-sentinel-0');
    expect(run.calls.map((c) => c.args.split(' ')[0])).not.toContain(`${sentinels[0].host}:26379`);
    expect(monitorLine(run.startedConfig)).toBe(`sentinel monitor cache ${redisServers[0].host} 6379 2`);
  });

  it('monitors the rendered primary when nobody knows one, and changes nothing else', () => {
    const run = start('cache-sentinel-1');
    expect(run.status).toBe(0);
    expect(run.startedConfig).toBe(fs.readFileSync(path.join(box.configDir, 'cache-sentinel-1.conf'), 'utf8'));
    expect(run.stderr).toContain('no Sentinel or server knows a primary: monitoring the rendered one');
  });

  it('writes the Sentinel auth include and keeps the password out of the arguments', () => {
    box.reply(sentinels[1].host, 26379, 'SENTINEL', `${redisServers[1].host}\n6379\n`);
    const run = start('cache-sentinel-0');
    expect(fs.readFileSync(config.auth.includeFile, 'utf8')).toMatch(/^sentinel auth-pass cache "(\\x[0-9a-f]{2})+"\nrequirepass "/);
    for (const call of run.calls) {
      expect(call.auth).toBe(box.password);
      expect(call.args).not.toContain(box.password);
    }
  });

  it('refuses a Sentinel list without addresses', () => {
    expect(() => renderSentinelStartScript({ ...spec, redisServers: [] })).toThrow(HadrError);
    expect(() => renderSentinelStartScript({ ...spec, redisServers: [] })).toThrow(
      'shop/cache: redisServers must list at least one Redis server (got []); list every Redis server');
  });
});
