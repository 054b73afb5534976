import { renderSentinelAuthScript } from '../../../lib/core/redis/sentinel-config';
import { hadrErrorMessage } from '../../support/errors';
import { SentinelTiming, renderSentinelConfig, SentinelConfigSpec } from 'hadr-constructs';
import { sentinelMajority } from 'hadr-constructs/core';

const PATH = 'firebackup/cache';
const spec: SentinelConfigSpec = {
  path: PATH,
  masterName: 'cache',
  primary: { host: 'cache-0.cache.default.svc.cluster.local', port: 6379 },
  sentinels: 3,
  auth: { passwordFile: '/etc/redis-secret/password', includeFile: '/run/redis-auth/sentinel.conf' },
  announce: { host: 'cache-sentinel-0.cache-sentinel.default.svc.cluster.local' },
  clientReconfigScript: '/scripts/label-primary.sh',
};
const byIp: SentinelConfigSpec = { ...spec, primary: { host: '10.0.0.5', port: 6379 }, announce: undefined };

/** Directive lines, comments dropped. */
const lines = (conf: string) => conf.split('\n').filter((line) => line && !line.startsWith('#'));
const render = (overrides: Partial<SentinelConfigSpec>) => lines(renderSentinelConfig({ ...spec, ...overrides }));
describe('renderSentinelConfig', () => {
  it('renders a Sentinel that monitors the primary by pod DNS name', () => {
    expect(renderSentinelConfig(spec)).toMatchSnapshot();
  });

  it('puts sentinel monitor first, before every directive that names the master', () => {
    const conf = render({});
    expect(conf[0]).toBe('sentinel monitor cache cache-0.cache.default.svc.cluster.local 6379 2');
    const namingTheMaster = conf.filter((line) => / cache( |$)/.test(line));
    expect(namingTheMaster.length).toBeGreaterThan(4);
    expect(conf.indexOf(namingTheMaster[0])).toBe(0);
  });

  it('monitors with the majority of the Sentinels as quorum by default', () => {
    expect(render({})[0]).toMatch(/ 2$/);
    expect(render({ sentinels: 5 })[0]).toMatch(/ 3$/);
    expect(render({ sentinels: 5, quorum: 2 })[0]).toMatch(/ 2$/);
  });

  it('calls the primary down after 5 s, gives a failover 60 s and resyncs one replica at a time by default', () => {
    expect(render({})).toEqual(expect.arrayContaining([
      'sentinel down-after-milliseconds cache 5000',
      'sentinel failover-timeout cache 60000',
      'sentinel parallel-syncs cache 1',
    ]));
  });

  it('renders the fast profile as a 1 s down-after', () => {
    expect(render({ timing: SentinelTiming.fast() })).toEqual(expect.arrayContaining([
      'sentinel down-after-milliseconds cache 1000',
      'sentinel failover-timeout cache 10000',
    ]));
  });

  it('turns hostname support on when the primary or this Sentinel is known by DNS name, and announces that name', () => {
    expect(render({})).toEqual(expect.arrayContaining([
      'sentinel resolve-hostnames yes',
      'sentinel announce-hostnames yes',
      'sentinel announce-ip cache-sentinel-0.cache-sentinel.default.svc.cluster.local',
    ]));
    expect(lines(renderSentinelConfig(byIp))).toEqual(expect.arrayContaining(['sentinel resolve-hostnames no', 'sentinel announce-hostnames no']));
  });

  it('listens on every pod interface on 26379 by default', () => {
    expect(render({})).toEqual(expect.arrayContaining(['port 26379', 'bind * -::*', 'dir /tmp']));
    expect(render({ port: 26000, bind: ['127.0.0.1'], announce: { host: 'sentinel-0', port: 36000 } }))
      .toEqual(expect.arrayContaining(['port 26000', 'bind 127.0.0.1', 'sentinel announce-ip sentinel-0', 'sentinel announce-port 36000']));
  });

  it('runs the client-reconfig-script after a failover and refuses script changes at run time', () => {
    expect(render({})).toEqual(expect.arrayContaining([
      'sentinel client-reconfig-script cache /scripts/label-primary.sh',
      'sentinel deny-scripts-reconfig yes',
    ]));
    expect(render({ clientReconfigScript: undefined }).join('\n')).not.toContain('client-reconfig-script');
  });

  it('ends with the include of the auth file and renders no password directive', () => {
    const conf = render({});
    expect(conf[conf.length - 1]).toBe('include /run/redis-auth/sentinel.conf');
    expect(conf.join('\n')).not.toMatch(/auth-pass|sentinel-pass|requirepass/);
  });

  it('keeps protected mode on while Sentinels require the password, and off when they are open to their peers', () => {
    expect(render({})).toContain('protected-mode yes');
    expect(render({ protectSentinels: false })).toContain('protected-mode no');
  });
});

describe('renderSentinelAuthScript', () => {
  it('writes auth-pass for the master, and the password of Sentinel itself unless Sentinels are open', () => {
    const script = renderSentinelAuthScript(spec);
    expect(script).toContain("printf '%s \"%s\"\\n' 'sentinel auth-pass cache' \"$escaped\" 'requirepass' \"$escaped\" 'sentinel sentinel-pass' \"$escaped\"");
    const open = renderSentinelAuthScript({ ...spec, protectSentinels: false });
    expect(open).toContain("'sentinel auth-pass cache'");
    expect(open).not.toMatch(/requirepass|sentinel-pass/);
  });
});

describe('sentinelMajority', () => {
  it('is the smallest number of Sentinels above half', () => {
    expect([1, 3, 5, 7].map(sentinelMajority)).toEqual([1, 2, 3, 4]);
  });
});

describe('renderSentinelConfig refuses bad input with the path, field, value and fix', () => {
  it('an even number of Sentinels', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, sentinels: 4 }))).toBe(
      'firebackup/cache: sentinels must be odd to keep a quorum (got 4); use 3 or 5');
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, sentinels: 2 }))).toBe(
      'firebackup/cache: sentinels must be odd to keep a quorum (got 2); use 3');
  });

  it('no Sentinels at all', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, sentinels: 0 }))).toBe(
      'firebackup/cache: sentinels must be a positive odd number (got 0); use 3');
  });

  it('a quorum above the majority, where losing one Sentinel could block failover', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, quorum: 3 }))).toBe(
      'firebackup/cache: quorum must be between 1 and the majority of 3 sentinels (got 3); use 2');
  });

  it('a quorum below 1', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, sentinels: 5, quorum: 0 }))).toBe(
      'firebackup/cache: quorum must be between 1 and the majority of 5 sentinels (got 0); use 3');
  });

  it('a down-after longer than the failover timeout', () => {
    const timing = { ...SentinelTiming.default(), name: 'hand-made', downAfterMs: 30_000, failoverTimeoutMs: 10_000, parallelSyncs: 1 };
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, timing }))).toBe(
      'firebackup/cache: timing.downAfter must not be longer than timing.failoverTimeout (got 30 seconds); '
      + 'use a downAfter of at most 10 seconds or a failoverTimeout of at least 30 seconds');
  });

  it('a literal password, without echoing it', () => {
    const message = hadrErrorMessage(() => renderSentinelConfig({ ...spec, auth: { ...spec.auth, password: 'hunter2' } as never }));
    expect(message).toBe('firebackup/cache: auth.password must not be a literal password (got "<redacted>"); '
      + 'mount the password from a Kubernetes Secret and set auth.passwordFile to the mounted file');
  });

  it('a password smuggled in through extra directives', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, extraDirectives: [['sentinel', 'auth-pass', 'cache', 'hunter2']] }))).toBe(
      'firebackup/cache: extraDirectives[0] must not carry a password (got "sentinel <redacted>"); '
      + 'mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it');
  });

  it('a DNS name with hostname support turned off, which Sentinel could not resolve', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, hostnames: false }))).toBe(
      'firebackup/cache: primary.host must be an IP address when hostnames is false (got "cache-0.cache.default.svc.cluster.local"); '
      + 'set hostnames to true (the default for DNS names) or use an IP address');
  });

  it('a master name with characters Sentinel does not accept', () => {
    expect(hadrErrorMessage(() => renderSentinelConfig({ ...spec, masterName: 'my cache' }))).toBe(
      'firebackup/cache: masterName must use only letters, digits, ".", "-" and "_" (got "my cache"); use e.g. "cache"');
  });
});
