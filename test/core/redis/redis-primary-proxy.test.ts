import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { wholeNumbersAtLeast } from '../../../lib/core/private/number-pattern';
import { redisPrimaryCheck } from '../../../lib/core/redis/redis-primary-proxy';
import { haproxyQuoted } from '../../../lib/core/traffic/haproxy-config';
import { freePorts, serversAvailable, waitFor } from '../../e2e/support/processes';
import { redisPrimaryProxyConfig, Durability, HaproxyListener, renderHaproxyConfig } from 'hadr-constructs';

const members = [0, 1, 2].map((i) => ({ name: `cache-${i}`, host: `cache-${i}.cache-members.shop.svc.cluster.local`, port: 6379 }));
const cfg = renderHaproxyConfig(redisPrimaryProxyConfig({ path: 'shop/cache/primaryProxy', members }));

/** Lines of one section, without indentation. */
function section(text: string, header: string): string[] {
  const block = text.split('\n\n').find((b) => b.startsWith(`${header}\n`));
  if (!block) throw new Error(`no section ${header}`);
  return block.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
}

const haveHaproxy = serversAvailable('haproxy -c', ['haproxy']);

/** HAProxy's own parser: exit status and output of `haproxy -c -f`. */
function haproxyCheck(text: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-check-'));
  try {
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, text);
    const run = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the primary proxy\'s haproxy.cfg', () => {
  it('authenticates with the password from HAProxy\'s environment and expects a primary with the replicas the durability needs', () => {
    expect(section(cfg, 'listen redis-primary')).toEqual(expect.arrayContaining([
      'bind 0.0.0.0:6379',
      'mode tcp',
      'option tcp-check',
      'tcp-check send "AUTH ${REDIS_PASSWORD}\\r\\n"',
      'tcp-check expect string "+OK"',
      'tcp-check send "CONFIG GET min-replicas-to-write\\r\\nINFO replication\\r\\nQUIT\\r\\n"',
      'tcp-check expect rstring "min-replicas-to-write\\r\\n\\\\\\$1\\r\\n1\\r\\n"',
      'tcp-check expect rstring "role:master\\r\\nconnected_slaves:([1-9]|[1-9][0-9]+)\\r\\n"',
    ]));
  });

  it('checks every second and cuts the sessions of a server that stops being the primary', () => {
    expect(section(cfg, 'listen redis-primary')).toEqual(expect.arrayContaining([
      'timeout check 1s',
      'default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1 on-marked-down shutdown-sessions',
    ]));
  });

  it('checks every server by its pod name, re-resolved when the pod comes back with another IP', () => {
    expect(section(cfg, 'listen redis-primary').filter((l) => l.startsWith('server '))).toEqual(members.map((m) =>
      `server ${m.name} ${m.host}:6379 check resolvers dns init-addr last,libc,none`));
  });

  it('publishes its stats on loopback only', () => {
    expect(section(cfg, 'listen stats')[0]).toBe('bind 127.0.0.1:8404');
  });

  it('never writes a password: only the reference HAProxy expands', () => {
    expect(cfg.match(/\$\{[A-Z_]+\}/g)).toEqual(['${REDIS_PASSWORD}']);
  });

  (haveHaproxy ? it : it.skip)('passes haproxy -c, warning only that pod names do not resolve outside the cluster', () => {
    const result = haproxyCheck(cfg);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.output).not.toMatch(/ALERT/);
    const warnings = result.output.split('\n').filter((l) => l.includes('WARNING'));
    expect(warnings.filter((l) => !/could not resolve address 'cache-\d\.cache-members\.shop\.svc\.cluster\.local', disabling server/.test(l))).toEqual([]);
    expect(result.status).toBe(0);
  });

  (haveHaproxy ? it : it.skip)('passes haproxy -c without a warning where the servers resolve', () => {
    const loopback = renderHaproxyConfig(redisPrimaryProxyConfig({
      path: 'drill', members: [0, 1, 2].map((i) => ({ name: `redis-${i}`, host: '127.0.0.1', port: 7000 + i })), port: 7100,
    }));
    const result = haproxyCheck(loopback);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.output).not.toMatch(/WARNING|ALERT/);
  });

  it('matches the snapshot', () => {
    expect(cfg).toMatchSnapshot();
  });

  it('refuses fewer than two Redis servers', () => {
    expect(() => redisPrimaryProxyConfig({ path: 'shop/cache', members: [members[0]] })).toThrow(
      'shop/cache: members must list the primary and at least one replica (got 1); list every Redis server');
  });
});

describe('redisPrimaryCheck', () => {
  const expectation = (durability = Durability.minReplicas(1, Duration.seconds(2))) => redisPrimaryCheck(durability).pop()!.expectRegex;

  it('asks only for role:master when writes need no replica', () => {
    expect(expectation(Durability.async())).toBe('role:master\r\n');
  });

  it('asks for as many attached replicas as min-replicas-to-write or WAIT needs', () => {
    expect(expectation(Durability.minReplicas(2, Duration.seconds(2)))).toBe('role:master\r\nconnected_slaves:([2-9]|[1-9][0-9]+)\r\n');
    expect(expectation(Durability.waitForReplicas(1))).toBe('role:master\r\nconnected_slaves:([1-9]|[1-9][0-9]+)\r\n');
  });

  it('matches INFO replication of a primary with its replicas, and not of a replica or a lone primary', () => {
    const pattern = new RegExp(expectation()!);
    expect(pattern.test('# Replication\r\nrole:master\r\nconnected_slaves:2\r\nmin_slaves_good_slaves:2\r\n')).toBe(true);
    expect(pattern.test('# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmin_slaves_good_slaves:0\r\n')).toBe(false);
    expect(pattern.test('# Replication\r\nrole:slave\r\nmaster_host:cache-0\r\n')).toBe(false);
  });
});

describe('wholeNumbersAtLeast', () => {
  it('matches exactly the whole numbers at or above n', () => {
    const numbers = Array.from({ length: 1201 }, (_, k) => k);
    for (const n of [1, 2, 9, 10, 19, 20, 99, 100, 105]) {
      const pattern = new RegExp(`^${wholeNumbersAtLeast(n)}$`);
      expect([n, numbers.filter((k) => pattern.test(String(k)) !== k >= n)]).toEqual([n, []]);
    }
  });
});

describe('tcp-check steps in renderHaproxyConfig', () => {
  const listener: HaproxyListener = {
    name: 'probe', port: 7000, servers: [{ name: 's0', address: '127.0.0.1', port: 7001 }],
    tcpCheck: [{ send: 'PING\r\n' }, { expectString: '+PONG' }],
  };

  it('quotes each step so spaces, quotes, dollars, control bytes and non-ASCII reach the server unchanged', () => {
    expect(haproxyQuoted('a "b" \\c $d ${PW} #e\r\n\x01é\u2028')).toBe('"a \\"b\\" \\\\c \\$d ${PW} #e\\r\\n\\x01\\xc3\\xa9\\xe2\\x80\\xa8"');
  });

  it('refuses a tcp-check together with an HTTP check, on an HTTP listener, or a step that is not one action', () => {
    expect(() => renderHaproxyConfig({ listeners: [{ ...listener, healthCheck: { path: '/health' } }] })).toThrow(
      'haproxy: listeners[0].tcpCheck cannot be given together with healthCheck (one check per server) (got {"path":"/health"}); '
      + 'keep healthCheck for an HTTP check, or tcpCheck for a send/expect conversation');
    expect(() => renderHaproxyConfig({ listeners: [{ ...listener, mode: 'http' }] })).toThrow(
      'haproxy: listeners[0].tcpCheck needs mode tcp (got "http"); set mode: "tcp", or use healthCheck for HTTP');
    expect(() => renderHaproxyConfig({ listeners: [{ ...listener, tcpCheck: [{ send: 'PING\r\n', expectString: '+PONG' }] }] })).toThrow(
      'haproxy: listeners[0].tcpCheck[0] must be exactly one non-empty send, expectString or expectRegex (without NUL bytes) (got ["send", "expectString"]); '
      + "split it into steps, e.g. { send: 'PING\\r\\n' } then { expectString: '+PONG' }");
    expect(() => renderHaproxyConfig({ listeners: [{ ...listener, tcpCheck: [] }] })).toThrow(
      'haproxy: listeners[0].tcpCheck must have at least one step (got [])');
  });

  (haveHaproxy ? it : it.skip)('sends the server exactly the bytes of the step, with the environment reference expanded by HAProxy', async () => {
    const [serverPort, listenPort] = await freePorts(2);
    const received: Buffer[] = [];
    const server = net.createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
    await new Promise<void>((resolve) => server.listen(serverPort, '127.0.0.1', resolve));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-tcp-check-'));
    const password = 'p\\w$d#é-${NOT_EXPANDED}';
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, renderHaproxyConfig({
      listeners: [{
        ...listener, bindAddress: '127.0.0.1', port: listenPort,
        servers: [{ name: 's0', address: '127.0.0.1', port: serverPort }],
        tcpCheck: [{ send: 'AUTH ${CHECK_PASSWORD}\r\n' }, { expectString: '+OK' }],
      }],
    }));
    const haproxy = spawn('haproxy', ['-db', '-f', file], { env: { ...process.env, CHECK_PASSWORD: password }, stdio: 'ignore' });
    try {
      const bytes = await waitFor('the first check to arrive', async () => {
        const all = Buffer.concat(received);
        return all.includes('\r\n') && all;
      }, { timeoutMs: 10_000 });
      expect(bytes.toString('utf8').split('\r\n')[0]).toBe(`AUTH ${password}`);
    } finally {
      haproxy.kill('SIGKILL');
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
