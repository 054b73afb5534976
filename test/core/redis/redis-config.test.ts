import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderRedisAuthScript } from '../../../lib/core/redis/redis-config';
import { seconds } from '../../../lib/core/units';
import { hadrErrorMessage } from '../../support/errors';
import { Durability, RedisConfigSpec, renderRedisConfig } from 'hadr-constructs';

const PATH = 'firebackup/cache';
const auth = { passwordFile: '/etc/redis-secret/password', includeFile: '/run/redis-auth/redis.conf' };
const primary: RedisConfigSpec = { path: PATH, replicas: 2, auth };
const replica: RedisConfigSpec = {
  ...primary,
  replicaOf: { host: 'cache-0.cache.default.svc.cluster.local', port: 6379 },
  announce: { host: 'cache-1.cache.default.svc.cluster.local' },
};

/** Directive lines, comments dropped. */
const lines = (conf: string) => conf.split('\n').filter((line) => line && !line.startsWith('#'));
const render = (overrides: Partial<RedisConfigSpec>) => lines(renderRedisConfig({ ...primary, ...overrides }));
describe('renderRedisConfig', () => {
  it('renders a replica of the primary that announces its stable pod DNS name', () => {
    expect(renderRedisConfig(replica)).toMatchSnapshot();
  });

  it('persists every write to the append-only file, fsynced every second by default', () => {
    expect(render({})).toEqual(expect.arrayContaining(['appendonly yes', 'appendfsync everysec']));
    expect(render({ appendFsync: 'always' })).toContain('appendfsync always');
  });

  it('starts a replica with replicaof the primary and announces the address peers must use', () => {
    const conf = lines(renderRedisConfig({ ...replica, announce: { host: 'cache-1.cache', port: 16379 } }));
    expect(conf).toEqual(expect.arrayContaining([
      'replicaof cache-0.cache.default.svc.cluster.local 6379',
      'replica-announce-ip cache-1.cache',
      'replica-announce-port 16379',
    ]));
  });

  it('starts the primary without replicaof or announcement', () => {
    expect(render({}).join('\n')).not.toMatch(/replicaof|replica-announce/);
  });

  it('listens on every pod interface on 6379 by default, and only where told otherwise', () => {
    expect(render({})).toEqual(expect.arrayContaining(['port 6379', 'bind * -::*', 'dir /data']));
    expect(render({ bind: ['127.0.0.1'], port: 7000, dir: '/tmp/r0' })).toEqual(expect.arrayContaining(['port 7000', 'bind 127.0.0.1', 'dir /tmp/r0']));
  });

  it('keeps protected mode on unless turned off', () => {
    expect(render({})).toContain('protected-mode yes');
    expect(render({ protectedMode: false })).toContain('protected-mode no');
  });

  it('refuses writes unless one replica acknowledged within 2 s by default', () => {
    expect(render({})).toEqual(expect.arrayContaining(['min-replicas-to-write 1', 'min-replicas-max-lag 2']));
  });

  it('turns the replica check off for async and WAIT durability, without a meaningless lag', () => {
    for (const durability of [Durability.async(), Durability.waitForReplicas(1)]) {
      const conf = render({ durability });
      expect(conf).toContain('min-replicas-to-write 0');
      expect(conf.join('\n')).not.toMatch(/min-replicas-max-lag/);
    }
  });

  it('ends with the include of the auth file and renders no password directive', () => {
    const conf = render({});
    expect(conf[conf.length - 1]).toBe('include /run/redis-auth/redis.conf');
    expect(conf.join('\n')).not.toMatch(/requirepass|masterauth|auth-pass/);
  });

  it('writes extra directives after the rendered ones, so they win, and before the auth include', () => {
    const conf = render({ extraDirectives: [['maxmemory', '2gb'], ['appendfsync', 'always']] });
    expect(conf.slice(-3)).toEqual(['maxmemory 2gb', 'appendfsync always', 'include /run/redis-auth/redis.conf']);
  });

  it('quotes an argument with spaces, quotes or newlines so it cannot start another directive', () => {
    const conf = render({ extraDirectives: [['notify-keyspace-events', 'Ex "y"\nrequirepass x\\']] });
    expect(conf).toContain('notify-keyspace-events "Ex \\"y\\"\\x0arequirepass x\\\\"');
    expect(conf.filter((line) => line.startsWith('requirepass'))).toEqual([]);
  });

  describe('refuses bad input with the path, field, value and fix', () => {
    it('replicas below 1', () => {
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, replicas: 0 }))).toBe(
        'firebackup/cache: replicas must be at least 1 so Sentinel has a replica to promote (got 0); use 2, so a failover still leaves the new primary a replica');
    });

    it('a literal password, without echoing it', () => {
      const message = hadrErrorMessage(() => renderRedisConfig({ ...primary, auth: { ...auth, password: 'hunter2' } as never }));
      expect(message).toBe('firebackup/cache: auth.password must not be a literal password (got "<redacted>"); '
        + 'mount the password from a Kubernetes Secret and set auth.passwordFile to the mounted file');
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, auth: { ...auth, passwordFile: 'hunter2' } }))).not.toContain('hunter2');
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, auth: 'hunter2' as never }))).not.toContain('hunter2');
    });

    it('a password smuggled in through extra directives', () => {
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, extraDirectives: [['maxmemory', '1gb'], ['masterauth', 'hunter2']] }))).toBe(
        'firebackup/cache: extraDirectives[1] must not carry a password (got "masterauth <redacted>"); '
        + 'mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it');
    });

    it('a durability that needs more replicas than the topology has', () => {
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, replicas: 1, durability: Durability.minReplicas(2, seconds(2)) }))).toBe(
        'firebackup/cache: durability must not need more replicas than the 1 in the topology, or every write would fail '
        + '(got "min-replicas with 2 replicas"); use at most 1 or add replicas');
    });

    it('a replicaof host that is neither an IP nor a DNS name', () => {
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, replicaOf: { host: 'cache 0', port: 6379 } }))).toBe(
        'firebackup/cache: replicaOf.host must be an IP address or a DNS name (got "cache 0"); '
        + 'use the pod or Service DNS name, e.g. redis-0.redis.default.svc.cluster.local');
    });

    it('a port out of range and a relative data directory', () => {
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, port: 70000 }))).toBe(
        'firebackup/cache: port must be a TCP port (got 70000); use a whole number from 1 to 65535');
      expect(hadrErrorMessage(() => renderRedisConfig({ ...primary, dir: 'data' }))).toBe(
        'firebackup/cache: dir must be an absolute path (got "data"); use a path that starts with / and has no control characters');
    });
  });
});

describe('renderRedisAuthScript', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-redis-auth-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the script with `secret` as the Secret's file content; returns its exit status and include file. */
  const runWith = (secret: Buffer | string) => {
    const files = { passwordFile: path.join(dir, 'password'), includeFile: path.join(dir, 'auth.conf') };
    fs.writeFileSync(files.passwordFile, secret);
    const result = spawnSync('sh', ['-c', renderRedisAuthScript({ path: PATH, auth: files })], { encoding: 'utf8', timeout: 10_000 });
    const include = fs.existsSync(files.includeFile) ? fs.readFileSync(files.includeFile, 'utf8') : undefined;
    return { status: result.status, stderr: result.stderr, include, mode: include === undefined ? '' : fs.statSync(files.includeFile).mode.toString(8).slice(-3) };
  };

  /** What Redis reads from `"\xHH..."`: the bytes, as UTF-8. */
  const passwordOf = (include: string, directive: string) => {
    const match = new RegExp(`^${directive} "((?:\\\\x[0-9a-f]{2})+)"$`, 'm').exec(include);
    if (!match) throw new Error(`no ${directive} in ${include}`);
    return Buffer.from(match[1].replace(/\\x/g, ''), 'hex').toString('utf8');
  };

  it('writes requirepass and masterauth from the Secret file byte for byte, readable only by its owner', () => {
    const password = 'pa\\ss$w#rd-é€';
    const { status, include, mode } = runWith(password);
    expect(status).toBe(0);
    expect(passwordOf(include!, 'requirepass')).toBe(password);
    expect(passwordOf(include!, 'masterauth')).toBe(password);
    expect(mode).toBe('600');
  });

  it('drops the one trailing newline most tools add to a Secret file', () => {
    expect(passwordOf(runWith('s3cret\n').include!, 'requirepass')).toBe('s3cret');
    expect(passwordOf(runWith('s3cret\r\n').include!, 'requirepass')).toBe('s3cret');
  });

  it.each([
    ['a space', 'two words'],
    ['a double quote', 'say"cheese'],
    ['a single quote', "it's"],
    ['a tab', 'a\tb'],
  ])('fails before the server starts when the password has %s, which Sentinel would rewrite unquoted', (_what, password) => {
    const { status, stderr, include } = runWith(password);
    expect(status).not.toBe(0);
    expect(stderr).toContain('has whitespace, a quote or a control character');
    expect(include).toBeUndefined();
  });

  it('fails on an empty Secret file', () => {
    const { status, stderr } = runWith('\n');
    expect(status).not.toBe(0);
    expect(stderr).toContain('is empty');
  });

  it('names only the files, never a password', () => {
    const script = renderRedisAuthScript({ path: PATH, auth });
    expect(script).toContain("secret='/etc/redis-secret/password'");
    expect(script).toContain("target='/run/redis-auth/redis.conf'");
  });
});
