import * as fs from 'fs';
import * as path from 'path';
import { RedisStartScriptSpec, renderRedisStartScript } from '../../../lib/core/redis/redis-start-script';
import { hadrErrorMessage } from '../../support/errors';
import { ScriptSandbox } from '../../support/redis-cli-stub';
import { renderRedisConfig } from 'hadr-constructs';

const members = [0, 1, 2].map((i) => ({ name: `cache-${i}`, host: `cache-${i}.cache-members.shop.svc.cluster.local`, port: 6379 }));
const sentinels = [0, 1, 2].map((i) => ({ host: `cache-sentinel-${i}.cache-sentinel-members.shop.svc.cluster.local`, port: 26379 }));

describe('renderRedisStartScript', () => {
  let box: ScriptSandbox;
  let spec: RedisStartScriptSpec;

  beforeEach(() => {
    box = new ScriptSandbox();
    const auth = { passwordFile: box.passwordFile, includeFile: path.join(box.runtimeDir, 'auth.conf') };
    spec = {
      path: 'shop/cache', masterName: 'cache', members, sentinels, auth,
      configDir: box.configDir, runtimeConfig: path.join(box.runtimeDir, 'redis.conf'),
      redisServer: box.server, redisCli: box.redisCli,
    };
    // The rendered initial topology: cache-0 primary, the others its replicas.
    for (const [i, m] of members.entries()) {
      box.config(`${m.name}.conf`, renderRedisConfig({
        path: 'shop/cache', replicas: 2, auth, announce: { host: m.host },
        replicaOf: i === 0 ? undefined : { host: members[0].host, port: 6379 },
      }));
    }
  });
  afterEach(() => box.remove());

  const directives = (conf: string | undefined) => (conf ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
  const start = (pod: string) => box.run(renderRedisStartScript(spec), pod);

  it('replicates from the primary a Sentinel names, overriding the replicaof it was rendered with', () => {
    box.reply(sentinels[0].host, 26379, 'SENTINEL', `${members[2].host}\n6379\n`);
    const run = start('cache-0');
    expect(run.status).toBe(0);
    const conf = directives(run.startedConfig);
    expect(conf.slice(-2)).toEqual([`include ${spec.auth.includeFile}`, `replicaof ${members[2].host} 6379`]);
    expect(run.stderr).toContain(`replicating from ${members[2].host} 6379, the current primary`);
  });

  it('starts as the primary when the Sentinels that answer name this server', () => {
    box.reply(sentinels[1].host, 26379, 'SENTINEL', `${members[1].host}\n6379\n`);
    const run = start('cache-1');
    expect(run.status).toBe(0);
    // Rendered as a replica of cache-0; Redis keeps the last replicaof, so it starts as the primary.
    expect(directives(run.startedConfig)).toContain(`replicaof ${members[0].host} 6379`);
    expect(directives(run.startedConfig).pop()).toBe('replicaof no one');
  });

  it('follows a Sentinel that names another server over one that names this server', () => {
    box.reply(sentinels[0].host, 26379, 'SENTINEL', `${members[1].host}\n6379\n`);
    box.reply(sentinels[1].host, 26379, 'SENTINEL', `${members[2].host}\n6379\n`);
    const run = start('cache-1');
    expect(directives(run.startedConfig).pop()).toBe(`replicaof ${members[2].host} 6379`);
  });

  it('asks the other servers when no Sentinel answers, and replicates from one that says master', () => {
    box.reply(members[0].host, 6379, 'ROLE', 'slave\ncache-2.cache-members.shop.svc.cluster.local\n6379\nconnected\n100\n');
    box.reply(members[2].host, 6379, 'ROLE', 'master\n100\n');
    const run = start('cache-1');
    expect(directives(run.startedConfig).pop()).toBe(`replicaof ${members[2].host} 6379`);
    expect(run.calls.map((c) => c.args)).not.toContain(`${members[1].host}:6379 ROLE`);
  });

  it('starts as rendered, the initial topology, when nobody knows a primary', () => {
    const run = start('cache-2');
    expect(run.status).toBe(0);
    expect(run.startedConfig).toBe(fs.readFileSync(path.join(box.configDir, 'cache-2.conf'), 'utf8'));
    expect(run.stderr).toContain('no Sentinel or server knows a primary: starting as rendered (cache-0 primary, the others its replicas)');
    // Every Sentinel was asked before giving up.
    expect(run.calls.filter((c) => c.args.includes('SENTINEL get-master-addr-by-name cache'))).toHaveLength(3);
  });

  it('never takes an error reply for an address', () => {
    box.reply(sentinels[0].host, 26379, 'SENTINEL', 'NOAUTH Authentication required.\n');
    box.reply(sentinels[1].host, 26379, 'SENTINEL', 'ERR No such master with that name\n');
    const run = start('cache-1');
    expect(directives(run.startedConfig).join('\n')).not.toMatch(/replicaof (NOAUTH|ERR|no one)/);
    expect(run.startedConfig).toBe(fs.readFileSync(path.join(box.configDir, 'cache-1.conf'), 'utf8'));
  });

  it('replaces what a previous run left in the runtime config', () => {
    fs.writeFileSync(spec.runtimeConfig, 'replicaof 10.9.9.9 6379\n');
    const run = start('cache-0');
    expect(run.startedConfig).not.toContain('10.9.9.9');
    expect(fs.readFileSync(spec.runtimeConfig, 'utf8')).toBe(run.startedConfig);
  });

  it('writes the password include from the Secret file and hands the password to redis-cli only in REDISCLI_AUTH', () => {
    const run = start('cache-0');
    expect(fs.readFileSync(spec.auth.includeFile, 'utf8')).toMatch(/^requirepass "(\\x[0-9a-f]{2})+"\nmasterauth "/);
    expect(run.calls.length).toBeGreaterThan(0);
    for (const call of run.calls) {
      expect(call.auth).toBe(box.password);
      expect(call.args).not.toContain(box.password);
    }
    // Not inherited by the server.
    expect(run.startedEnv).not.toContain('REDISCLI_AUTH');
  });

  it('refuses to start a pod that is not one of the servers', () => {
    const run = start('other-0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('POD_NAME (other-0) names none of the Redis servers: cache-0 cache-1 cache-2');
    expect(run.startedConfig).toBeUndefined();
  });

  it('does not start the server when the password file is unreadable', () => {
    fs.rmSync(box.passwordFile);
    const run = start('cache-0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('cannot read the password file');
    expect(run.startedConfig).toBeUndefined();
  });

  describe('refuses bad input with the path, field, value and fix', () => {
    it('a master name Sentinel does not accept', () => {
      expect(hadrErrorMessage(() => renderRedisStartScript({ ...spec, masterName: 'my cache' }))).toBe(
        'shop/cache: masterName must use only letters, digits, ".", "-" and "_" (got "my cache"); use e.g. "cache"');
    });

    it('no Sentinel to ask', () => {
      expect(hadrErrorMessage(() => renderRedisStartScript({ ...spec, sentinels: [] }))).toBe(
        'shop/cache: sentinels must list at least one Sentinel (got []); list every Sentinel');
    });

    it('a member that is not a pod name', () => {
      expect(hadrErrorMessage(() => renderRedisStartScript({ ...spec, members: [{ ...members[0], name: 'Cache_0' }, members[1]] }))).toBe(
        'shop/cache: members[0].name must be a unique pod name (a DNS label) (got "Cache_0"); use e.g. "cache-0"');
    });

    it('a relative runtime config', () => {
      expect(hadrErrorMessage(() => renderRedisStartScript({ ...spec, runtimeConfig: 'redis.conf' }))).toBe(
        'shop/cache: runtimeConfig must be an absolute path (got "redis.conf"); use a path that starts with / and has no control characters');
    });
  });
});
